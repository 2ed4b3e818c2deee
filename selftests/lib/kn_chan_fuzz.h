/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: hostile (and some valid) kvm-nest channel calls for
 * ch_hostile, each with the answer the parent's kvm-nest owes it
 * (kvm_nest_channel.h, kvm-nest/channel/parent.c), and a model of one VM's
 * channel for the answers that depend on earlier calls: REPORT only after
 * a HELLO, and the rate limit.
 */
#ifndef KN_CHAN_FUZZ_H
#define KN_CHAN_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_chan_report.h"
#include "kn_hypercall.h"
#include "kn_prng.h"

/* kvm-nest/channel/parent.c KN_CH_RATE: calls a VM may make per second. */
#define KN_CHAN_FUZZ_RATE	200

enum kn_chan_fuzz_kind {
	/* HELLO, unknown ops, foreign hypercall numbers */
	KN_CHAN_FUZZ_HELLO_OK, KN_CHAN_FUZZ_HELLO_LEN, KN_CHAN_FUZZ_HELLO_V0, KN_CHAN_FUZZ_HELLO_RSVD,
	KN_CHAN_FUZZ_HELLO_GPA, KN_CHAN_FUZZ_HELLO_EDGE, KN_CHAN_FUZZ_HELLO_RO, KN_CHAN_FUZZ_OP,
	KN_CHAN_FUZZ_NR_FOREIGN,
	/* REPORT: valid ones, sizes and addresses */
	KN_CHAN_FUZZ_REP_OK, KN_CHAN_FUZZ_REP_RO, KN_CHAN_FUZZ_REP_LEN0, KN_CHAN_FUZZ_REP_BIG,
	KN_CHAN_FUZZ_REP_64K, KN_CHAN_FUZZ_REP_GPA, KN_CHAN_FUZZ_REP_EDGE, KN_CHAN_FUZZ_REP_GARBAGE,
	/* REPORT: attributes that lie */
	KN_CHAN_FUZZ_REP_TRUNC, KN_CHAN_FUZZ_REP_PAST, KN_CHAN_FUZZ_REP_INNER_PAST,
	KN_CHAN_FUZZ_REP_NEST_LIE, KN_CHAN_FUZZ_REP_TRAIL, KN_CHAN_FUZZ_REP_TOPTYPE,
	KN_CHAN_FUZZ_REP_UNKNOWN, KN_CHAN_FUZZ_REP_SIZE, KN_CHAN_FUZZ_REP_NONUL,
	KN_CHAN_FUZZ_REP_LONGNAME,
	/* REPORT: bounds */
	KN_CHAN_FUZZ_REP_256, KN_CHAN_FUZZ_REP_257, KN_CHAN_FUZZ_REP_257_ID0, KN_CHAN_FUZZ_REP_257_DUP,
	KN_CHAN_FUZZ_REP_CTX64, KN_CHAN_FUZZ_REP_CTX65,
	/* REPORT: trees that cannot be */
	KN_CHAN_FUZZ_REP_DUP, KN_CHAN_FUZZ_REP_ORPHAN, KN_CHAN_FUZZ_REP_LEVEL, KN_CHAN_FUZZ_REP_LEVEL9,
	KN_CHAN_FUZZ_REP_CTX_DEEP, KN_CHAN_FUZZ_REP_ID0, KN_CHAN_FUZZ_REP_MISSING,
	/* FETCH and REPLY: commands down the tree */
	KN_CHAN_FUZZ_FETCH, KN_CHAN_FUZZ_FETCH_BAD, KN_CHAN_FUZZ_REPLY,
	KN_CHAN_FUZZ_NR
};

/* One call, and what kvm-nest owes it. */
struct kn_chan_fuzz_case {
	uint8_t kind;
	bool ours;		/* KVM_NEST_HC: it costs the VM a token */
	bool report;		/* -KVM_NEST_EPROTO until a HELLO succeeded */
	bool opens;		/* its success opens the channel */
	bool replaces;		/* its success replaces the reported dolls */
	int64_t expect;		/* once admitted, and after a HELLO */
	uint64_t hello;		/* a HELLO buffer to check, or 0 */
	struct kvm_nest_ch_hello sent;
	uint16_t dolls;		/* replaces: how many; per child level: */
	uint16_t levels[KVM_NEST_CH_MAX_LEVEL + 1];
};

/* A region of guest memory for buffers, and how much of it is taken. */
struct kn_chan_fuzz_arena {
	uint64_t gpa, size, used;
	uint8_t *mem;			/* the host's view */
};

/* Builds calls into one VM's memory. */
struct kn_chan_fuzz {
	struct kn_prng *prng;
	struct kn_vm *vm;
	struct kn_chan_fuzz_arena rw, ro;	/* ro: a read-only memslot */
};

/*
 * Buffers go to @rw; @ro (a KVM_MEM_READONLY memslot) serves the kinds
 * that read or write read-only memory. Both are memslots of their own,
 * not within the VM's first, and their @used is 0.
 */
void kn_chan_fuzz_init(struct kn_chan_fuzz *g, struct kn_prng *p, struct kn_vm *vm,
		 const struct kn_chan_fuzz_arena *rw, const struct kn_chan_fuzz_arena *ro);
/*
 * A new VM @vm with the two arenas in memslots 1 (24 MiB at 2 GiB) and 2
 * (1 MiB, read-only, at 3 GiB), and @g ready to build calls into it.
 */
void kn_chan_fuzz_vm_create(struct kn_chan_fuzz *g, struct kn_prng *p, struct kn_vm *vm);
/* Destroys that VM and unmaps its arenas. */
void kn_chan_fuzz_vm_destroy(struct kn_chan_fuzz *g);
/* A call of a random kind, the kinds weighted for a realistic mix. */
void kn_chan_fuzz_make(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		 struct kn_chan_fuzz_case *c);
void kn_chan_fuzz_make_kind(struct kn_chan_fuzz *g, unsigned int kind,
		      struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c);
const char *kn_chan_fuzz_name(unsigned int kind);

/* One VM's channel as the parent must see it. */
struct kn_chan_fuzz_state {
	bool open;
	unsigned int calls;	/* of ours, so far */
	uint16_t dolls;		/* of the last report taken, and per level */
	uint16_t levels[KVM_NEST_CH_MAX_LEVEL + 1];
	/*
	 * Other loads (stress_nl as root) may give this VM an envelope at any
	 * time, and a FETCH then answers more bytes: any length it may write.
	 */
	bool fetch_any_len;
};

/* The answer @c must get in state @st, once admitted. */
int64_t kn_chan_fuzz_expect(const struct kn_chan_fuzz_state *st, const struct kn_chan_fuzz_case *c);
/*
 * Whether @ret is right for @c: the expected answer, or -KVM_NEST_EBUSY
 * once the VM's calls are past its budget. Past it, the expected answer is
 * right only if @refill: a second may have passed since the first call.
 * Updates @st.
 */
bool kn_chan_fuzz_judge(struct kn_chan_fuzz_state *st, const struct kn_chan_fuzz_case *c,
		  int64_t ret, bool refill);
/*
 * Whether the HELLO buffer of @c holds what it must: the parent's answer
 * (version 1, no features, @depth) after a success, what was sent otherwise.
 */
bool kn_chan_fuzz_hello_ok(const struct kn_chan_fuzz *g, const struct kn_chan_fuzz_case *c,
		     int64_t ret, uint32_t depth);

#endif
