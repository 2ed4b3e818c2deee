// SPDX-License-Identifier: GPL-2.0
/* The kinds of kn_chan_fuzz.h, their mix, and the model of a VM's channel. */
#include <string.h>
#include <sys/mman.h>

#include "kn_chan_fuzz_int.h"
#include "kn_slot.h"
#include "kn_tap.h"

static const struct {
	kn_chan_fuzz_build *build;
	unsigned int weight;
	const char *name;
} kinds[KN_CHAN_FUZZ_NR] = {
#define K(kind, fn, w) [KN_CHAN_FUZZ_##kind] = { kn_chb_##fn, w, #fn }
	/* Valid calls often enough that most reports find the channel open. */
	K(HELLO_OK, hello_ok, 5),	K(HELLO_LEN, hello_len, 2),
	K(HELLO_V0, hello_v0, 2),	K(HELLO_RSVD, hello_rsvd, 2),
	K(HELLO_GPA, hello_gpa, 2),	K(HELLO_EDGE, hello_edge, 2),
	K(HELLO_RO, hello_ro, 2),	K(OP, op, 3),
	K(NR_FOREIGN, nr_foreign, 2),	K(REP_OK, rep_ok, 10),
	K(REP_RO, rep_ro, 2),		K(REP_LEN0, rep_len0, 2),
	K(REP_BIG, rep_big, 2),		K(REP_64K, rep_64k, 1),
	K(REP_GPA, rep_gpa, 2),		K(REP_EDGE, rep_edge, 2),
	K(REP_GARBAGE, rep_garbage, 4),	K(REP_TRUNC, rep_trunc, 2),
	K(REP_PAST, rep_past, 2),	K(REP_INNER_PAST, rep_inner_past, 2),
	K(REP_NEST_LIE, rep_nest_lie, 2), K(REP_TRAIL, rep_trail, 2),
	K(REP_TOPTYPE, rep_toptype, 2),	K(REP_UNKNOWN, rep_unknown, 2),
	K(REP_SIZE, rep_size, 2),	K(REP_NONUL, rep_nonul, 2),
	K(REP_LONGNAME, rep_longname, 2), K(REP_256, rep_256, 1),
	K(REP_257, rep_257, 1),		K(REP_257_ID0, rep_257_id0, 1),
	K(REP_257_DUP, rep_257_dup, 1),	K(REP_CTX64, rep_ctx64, 1),
	K(REP_CTX65, rep_ctx65, 1),	K(REP_DUP, rep_dup, 2),
	K(REP_ORPHAN, rep_orphan, 2),	K(REP_LEVEL, rep_level, 2),
	K(REP_LEVEL9, rep_level9, 2),	K(REP_CTX_DEEP, rep_ctx_deep, 2),
	K(REP_ID0, rep_id0, 2),		K(REP_MISSING, rep_missing, 2),
	K(FETCH, fetch, 3),		K(FETCH_BAD, fetch_bad, 2),
	K(REPLY, reply, 3),
#undef K
};

void kn_chan_fuzz_init(struct kn_chan_fuzz *g, struct kn_prng *p, struct kn_vm *vm,
		 const struct kn_chan_fuzz_arena *rw, const struct kn_chan_fuzz_arena *ro)
{
	g->prng = p;
	g->vm = vm;
	g->rw = *rw;
	g->ro = *ro;
}

void kn_chan_fuzz_vm_create(struct kn_chan_fuzz *g, struct kn_prng *p, struct kn_vm *vm)
{
	struct kn_chan_fuzz_arena rw = { 2UL << 30, 24UL << 20, 0, NULL };
	struct kn_chan_fuzz_arena ro = { 3UL << 30, 1UL << 20, 0, NULL };

	kn_vm_create(vm, KN_MEM_DEFAULT);
	rw.mem = kn_slot_add(vm, 1, rw.gpa, rw.size, 0);
	ro.mem = kn_slot_add(vm, 2, ro.gpa, ro.size, KVM_MEM_READONLY);
	kn_chan_fuzz_init(g, p, vm, &rw, &ro);
}

void kn_chan_fuzz_vm_destroy(struct kn_chan_fuzz *g)
{
	kn_vm_destroy(g->vm);
	munmap(g->rw.mem, g->rw.size);
	munmap(g->ro.mem, g->ro.size);
}

void kn_chan_fuzz_make_kind(struct kn_chan_fuzz *g, unsigned int kind,
		      struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = (uint8_t)kind;
	c->ours = true;
	call->nr = KVM_NEST_HC;
	kinds[kind].build(g, call, c);
}

void kn_chan_fuzz_make(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		 struct kn_chan_fuzz_case *c)
{
	unsigned int total = 0, kind;
	uint64_t pick;

	for (kind = 0; kind < KN_CHAN_FUZZ_NR; kind++)
		total += kinds[kind].weight;
	pick = kn_below(g->prng, total);
	for (kind = 0; pick >= kinds[kind].weight; kind++)
		pick -= kinds[kind].weight;
	kn_chan_fuzz_make_kind(g, kind, call, c);
}

const char *kn_chan_fuzz_name(unsigned int kind)
{
	return kind < KN_CHAN_FUZZ_NR ? kinds[kind].name : "?";
}

uint64_t kn_chan_fuzz_put_in(struct kn_chan_fuzz_arena *a, const void *data, size_t len)
{
	uint64_t gpa = a->gpa + a->used;

	if (len > a->size - a->used)
		kn_bail("buffer region full (%zu bytes more)", len);
	memcpy(a->mem + a->used, data, len);
	a->used += (len + 15) & ~15UL;	/* HELLO buffers stay aligned */
	if (a->used > a->size)
		a->used = a->size;
	return gpa;
}

uint64_t kn_chan_fuzz_put(struct kn_chan_fuzz *g, const void *data, size_t len)
{
	return kn_chan_fuzz_put_in(&g->rw, data, len);
}

static bool in(const struct kn_chan_fuzz_arena *a, uint64_t gpa)
{
	return gpa >= a->gpa && gpa - a->gpa < a->size;
}

static uint64_t maybe_outside(struct kn_chan_fuzz *g)
{
	uint64_t mem = g->vm->mem_size;

	switch (kn_below(g->prng, 5)) {
	case 0:
		return mem;
	case 1:
		return kn_range(g->prng, mem, 4UL << 30);
	case 2:
		return kn_range(g->prng, 4UL << 30, 1UL << 52);
	case 3:
		return 1UL << 63;
	default:	/* the address space wraps within the buffer */
		return ~0UL - kn_below(g->prng, 64);
	}
}

uint64_t kn_chan_fuzz_outside(struct kn_chan_fuzz *g)
{
	uint64_t gpa;

	do
		gpa = maybe_outside(g);
	while (gpa < g->vm->mem_size || in(&g->rw, gpa) || in(&g->ro, gpa));
	return gpa;
}

uint64_t kn_chan_fuzz_edge(struct kn_chan_fuzz *g, uint64_t len)
{
	return g->vm->mem_size - kn_range(g->prng, 1, len - 1);
}

void kn_chan_fuzz_report(struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c,
		   uint64_t gpa, uint64_t len)
{
	call->op = KVM_NEST_CH_REPORT;
	call->gpa = gpa;
	call->len = len;
	c->report = true;
}

int64_t kn_chan_fuzz_expect(const struct kn_chan_fuzz_state *st, const struct kn_chan_fuzz_case *c)
{
	return c->report && !st->open ? -KVM_NEST_EPROTO : c->expect;
}

bool kn_chan_fuzz_judge(struct kn_chan_fuzz_state *st, const struct kn_chan_fuzz_case *c,
		  int64_t ret, bool refill)
{
	bool past = c->ours && st->calls >= KN_CHAN_FUZZ_RATE;
	int64_t want = kn_chan_fuzz_expect(st, c);

	st->calls += c->ours;
	if (past && ret == -KVM_NEST_EBUSY)
		return true;
	if (st->fetch_any_len && want > 0 && ret > 0 && ret <= KVM_NEST_CH_FETCH_MAX &&
	    (c->kind == KN_CHAN_FUZZ_FETCH || c->kind == KN_CHAN_FUZZ_FETCH_BAD))
		ret = want;
	if (ret != want || (past && !refill))
		return false;
	if (ret == 0 && c->opens)
		st->open = true;
	if (ret == 0 && c->replaces) {
		st->dolls = c->dolls;
		memcpy(st->levels, c->levels, sizeof(st->levels));
	}
	return true;
}

bool kn_chan_fuzz_hello_ok(const struct kn_chan_fuzz *g, const struct kn_chan_fuzz_case *c,
		     int64_t ret, uint32_t depth)
{
	const struct kvm_nest_ch_hello *h;
	struct kvm_nest_ch_hello want = c->sent;

	if (!c->hello)
		return true;
	h = (const void *)(g->rw.mem + (c->hello - g->rw.gpa));
	if (ret == 0)
		want = (struct kvm_nest_ch_hello){ KVM_NEST_CH_VERSION, 0, depth, 0 };
	return !memcmp(h, &want, sizeof(want));
}
