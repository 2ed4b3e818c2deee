/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: hostile (and some valid) kvm-nest channel calls for
 * ch_hostile, each with the answer the parent's kvm-nest owes it
 * (kvm_nest_channel.h, kvm-nest/channel/parent.c), and a model of one VM's
 * channel for the answers that depend on earlier calls: REPORT only after
 * a HELLO, and the rate limit.
 */
#ifndef KN_CHF_H
#define KN_CHF_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_chrep.h"
#include "kn_hc.h"
#include "kn_prng.h"

/* kvm-nest/channel/parent.c KN_CH_RATE: calls a VM may make per second. */
#define KN_CHF_RATE	200

enum kn_chf_kind {
	/* HELLO, unknown ops, foreign hypercall numbers */
	KN_CHF_HELLO_OK, KN_CHF_HELLO_LEN, KN_CHF_HELLO_V0, KN_CHF_HELLO_RSVD,
	KN_CHF_HELLO_GPA, KN_CHF_HELLO_EDGE, KN_CHF_HELLO_RO, KN_CHF_OP,
	KN_CHF_NR_FOREIGN,
	/* REPORT: valid ones, sizes and addresses */
	KN_CHF_REP_OK, KN_CHF_REP_RO, KN_CHF_REP_LEN0, KN_CHF_REP_BIG,
	KN_CHF_REP_64K, KN_CHF_REP_GPA, KN_CHF_REP_EDGE, KN_CHF_REP_GARBAGE,
	/* REPORT: attributes that lie */
	KN_CHF_REP_TRUNC, KN_CHF_REP_PAST, KN_CHF_REP_INNER_PAST,
	KN_CHF_REP_NEST_LIE, KN_CHF_REP_TRAIL, KN_CHF_REP_TOPTYPE,
	KN_CHF_REP_UNKNOWN, KN_CHF_REP_SIZE, KN_CHF_REP_NONUL,
	KN_CHF_REP_LONGNAME,
	/* REPORT: bounds */
	KN_CHF_REP_256, KN_CHF_REP_257, KN_CHF_REP_257_ID0, KN_CHF_REP_257_DUP,
	KN_CHF_REP_CTX64, KN_CHF_REP_CTX65,
	/* REPORT: trees that cannot be */
	KN_CHF_REP_DUP, KN_CHF_REP_ORPHAN, KN_CHF_REP_LEVEL, KN_CHF_REP_LEVEL9,
	KN_CHF_REP_CTX_DEEP, KN_CHF_REP_ID0, KN_CHF_REP_MISSING,
	/* FETCH and REPLY: commands down the tree */
	KN_CHF_FETCH, KN_CHF_FETCH_BAD, KN_CHF_REPLY,
	KN_CHF_NR
};

/* One call, and what kvm-nest owes it. */
struct kn_chf_case {
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
struct kn_chf_arena {
	uint64_t gpa, size, used;
	uint8_t *mem;			/* the host's view */
};

/* Builds calls into one VM's memory. */
struct kn_chf {
	struct kn_prng *prng;
	struct kn_vm *vm;
	struct kn_chf_arena rw, ro;	/* ro: a read-only memslot */
};

/*
 * Buffers go to @rw; @ro (a KVM_MEM_READONLY memslot) serves the kinds
 * that read or write read-only memory. Both are memslots of their own,
 * not within the VM's first, and their @used is 0.
 */
void kn_chf_init(struct kn_chf *g, struct kn_prng *p, struct kn_vm *vm,
		 const struct kn_chf_arena *rw, const struct kn_chf_arena *ro);
/*
 * A new VM @vm with the two arenas in memslots 1 (24 MiB at 2 GiB) and 2
 * (1 MiB, read-only, at 3 GiB), and @g ready to build calls into it.
 */
void kn_chf_vm_create(struct kn_chf *g, struct kn_prng *p, struct kn_vm *vm);
/* Destroys that VM and unmaps its arenas. */
void kn_chf_vm_destroy(struct kn_chf *g);
/* A call of a random kind, the kinds weighted for a realistic mix. */
void kn_chf_make(struct kn_chf *g, struct kn_hc_call *call,
		 struct kn_chf_case *c);
void kn_chf_make_kind(struct kn_chf *g, unsigned int kind,
		      struct kn_hc_call *call, struct kn_chf_case *c);
const char *kn_chf_name(unsigned int kind);

/* One VM's channel as the parent must see it. */
struct kn_chf_state {
	bool open;
	unsigned int calls;	/* of ours, so far */
	uint16_t dolls;		/* of the last report taken, and per level */
	uint16_t levels[KVM_NEST_CH_MAX_LEVEL + 1];
};

/* The answer @c must get in state @st, once admitted. */
int64_t kn_chf_expect(const struct kn_chf_state *st, const struct kn_chf_case *c);
/*
 * Whether @ret is right for @c: the expected answer, or -KVM_NEST_EBUSY
 * once the VM's calls are past its budget. Past it, the expected answer is
 * right only if @refill: a second may have passed since the first call.
 * Updates @st.
 */
bool kn_chf_judge(struct kn_chf_state *st, const struct kn_chf_case *c,
		  int64_t ret, bool refill);
/*
 * Whether the HELLO buffer of @c holds what it must: the parent's answer
 * (version 1, no features, @depth) after a success, what was sent otherwise.
 */
bool kn_chf_hello_ok(const struct kn_chf *g, const struct kn_chf_case *c,
		     int64_t ret, uint32_t depth);

#endif
