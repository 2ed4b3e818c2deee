/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of kn_chan_fuzz.h: a builder per kind, and where buffers go. */
#ifndef KN_CHAN_FUZZ_INT_H
#define KN_CHAN_FUZZ_INT_H

#include <stddef.h>

#include "kn_chan_fuzz.h"

/* kvm-nest/doll.h KN_NAME_LEN - 1: the longest name the parent takes. */
#define KN_CHAN_FUZZ_NAME_MAX	63

/*
 * A builder (kn_chb_<kind>) sets the call's op, address and length (nr is
 * KVM_NEST_HC unless it says otherwise) and what @c is owed.
 */
typedef void kn_chan_fuzz_build(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			  struct kn_chan_fuzz_case *c);

/* kn_chan_fuzz.c: copy @len bytes into @a; returns their guest address. */
uint64_t kn_chan_fuzz_put_in(struct kn_chan_fuzz_arena *a, const void *data, size_t len);
/* ... into the read-write arena. */
uint64_t kn_chan_fuzz_put(struct kn_chan_fuzz *g, const void *data, size_t len);
/* An address in no memslot, near memory or far from it. */
uint64_t kn_chan_fuzz_outside(struct kn_chan_fuzz *g);
/* An address from which @len (>= 2) bytes straddle the end of memslot 0. */
uint64_t kn_chan_fuzz_edge(struct kn_chan_fuzz *g, uint64_t len);

/* A REPORT of @len bytes at @gpa. */
void kn_chan_fuzz_report(struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c,
		   uint64_t gpa, uint64_t len);

/* A report built in host memory, then copied into guest memory. */
struct kn_chan_fuzz_rep {
	struct kn_nla b;
	unsigned int n;			/* dolls so far */
	uint32_t id[KVM_NEST_CH_MAX_DOLLS + 1];
	uint8_t level[KVM_NEST_CH_MAX_DOLLS + 1];
	size_t off[KVM_NEST_CH_MAX_DOLLS + 1];	/* of each doll's nest */
	/* Room for the doll being made: its name and contexts. */
	char name[KN_CHAN_FUZZ_NAME_MAX + 1];
	uint64_t ctx[2][KVM_NEST_CH_MAX_CTX + 1];
	uint8_t buf[KVM_NEST_CH_REPORT_MAX];
};

/* Changes a doll before it is written, or adds to its nest after. */
typedef void kn_chan_fuzz_fix(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
			struct kn_ch_doll *d);
typedef void kn_chan_fuzz_add(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r);

/* kn_chan_fuzz_report.c: an empty report (there is one, reused). */
struct kn_chan_fuzz_rep *kn_chan_fuzz_rep_new(void);
/* A random doll that fits after the ones in @r; @small: a few bytes. */
void kn_chan_fuzz_doll(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d,
		 bool small);
/* Writes @d, leaving its nest open for more; returns the nest's offset. */
size_t kn_chan_fuzz_rep_open(struct kn_chan_fuzz_rep *r, const struct kn_ch_doll *d);
void kn_chan_fuzz_rep_close(struct kn_chan_fuzz_rep *r);
/* The call of the report in @r, as long as it is. */
void kn_chan_fuzz_rep_commit(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
		       struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c);
/* @c is the report in @r, valid: taken, with its dolls. */
void kn_chan_fuzz_rep_valid(const struct kn_chan_fuzz_rep *r, struct kn_chan_fuzz_case *c);
/*
 * A report of 2 to 8 random dolls, the one at index @first or later
 * changed by @fix and/or @add (either may be NULL), owed @expect.
 */
struct kn_chan_fuzz_rep *kn_chan_fuzz_rep_bad(struct kn_chan_fuzz *g,
				  struct kn_hypercall_call *call,
				  struct kn_chan_fuzz_case *c, unsigned int first,
				  kn_chan_fuzz_fix *fix, kn_chan_fuzz_add *add,
				  int64_t expect);
/* A fresh non-zero id, not yet in @r. */
uint32_t kn_chan_fuzz_id(struct kn_prng *p, const struct kn_chan_fuzz_rep *r);
/* @len random bytes without a NUL. */
void kn_chan_fuzz_nonzero(struct kn_prng *p, char *buf, size_t len);

/* kn_chan_fuzz_call.c */
kn_chan_fuzz_build kn_chb_hello_ok, kn_chb_hello_len, kn_chb_hello_v0,
	kn_chb_hello_rsvd, kn_chb_hello_gpa, kn_chb_hello_edge,
	kn_chb_hello_ro, kn_chb_op, kn_chb_nr_foreign;
/* kn_chan_fuzz_size.c */
kn_chan_fuzz_build kn_chb_rep_len0, kn_chb_rep_big, kn_chb_rep_64k,
	kn_chb_rep_gpa, kn_chb_rep_edge, kn_chb_rep_garbage;
/* kn_chan_fuzz_report.c */
kn_chan_fuzz_build kn_chb_rep_ok, kn_chb_rep_ro, kn_chb_rep_256, kn_chb_rep_257,
	kn_chb_rep_257_id0, kn_chb_rep_257_dup, kn_chb_rep_ctx64,
	kn_chb_rep_ctx65, kn_chb_rep_dup, kn_chb_rep_id0;
/* kn_chan_fuzz_lie.c */
kn_chan_fuzz_build kn_chb_rep_trunc, kn_chb_rep_past, kn_chb_rep_inner_past,
	kn_chb_rep_nest_lie, kn_chb_rep_trail, kn_chb_rep_toptype,
	kn_chb_rep_unknown, kn_chb_rep_size, kn_chb_rep_nonul,
	kn_chb_rep_longname;
/* kn_chan_fuzz_tree.c */
kn_chan_fuzz_build kn_chb_fetch, kn_chb_fetch_bad, kn_chb_reply;
kn_chan_fuzz_build kn_chb_rep_orphan, kn_chb_rep_level, kn_chb_rep_level9,
	kn_chb_rep_ctx_deep, kn_chb_rep_missing;

#endif
