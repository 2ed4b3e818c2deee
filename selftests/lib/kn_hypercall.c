// SPDX-License-Identifier: GPL-2.0
#include "kn_hypercall.h"
#include "kn_tap.h"
#include "kn_time.h"

void kn_hypercall_guest(uint64_t batch)
{
	volatile struct kn_hypercall_batch *b = (volatile struct kn_hypercall_batch *)batch;

	while (b->n) {
		struct kn_hypercall_call *c = (struct kn_hypercall_call *)b->calls;

		for (uint64_t i = 0; i < b->n; i++)
			c[i].ret = kn_hypercall(c[i].nr, c[i].op, c[i].gpa,
						c[i].len);
		KN_GUEST_SYNC(b->n, 0);
	}
}

void kn_hypercall_init(struct kn_hypercall_queue *q, struct kn_vm *vm, unsigned int cap,
		kn_guest_fn *entry)
{
	uint64_t batch = kn_vm_alloc(vm, sizeof(*q->batch));
	uint64_t calls = kn_vm_alloc(vm, cap * sizeof(*q->calls));

	q->batch = kn_gpa(vm, batch, sizeof(*q->batch));
	q->calls = kn_gpa(vm, calls, cap * sizeof(*q->calls));
	q->batch->calls = calls;
	q->n = q->ran = 0;
	q->cap = cap;
	q->vcpu = kn_vcpu_add(vm, entry ? entry : kn_hypercall_guest, batch);
}

struct kn_hypercall_call *kn_hypercall_add(struct kn_hypercall_queue *q, uint64_t nr, uint64_t op,
			     uint64_t gpa, uint64_t len)
{
	struct kn_hypercall_call *c;

	q->ran = 0;	/* the slots of the last results are reused */
	if (q->n == q->cap)
		kn_bail("more than %u hypercalls in one batch", q->cap);
	c = &q->calls[q->n++];
	*c = (struct kn_hypercall_call){ nr, op, gpa, len, 0 };
	return c;
}

uint64_t kn_hypercall_flush(struct kn_hypercall_queue *q)
{
	uint64_t t0 = kn_now_ns(), done;

	q->batch->n = q->n;
	done = kn_vcpu_expect(q->vcpu, KN_UC_SYNC);
	if (done != q->n)
		kn_bail("guest made %lu hypercalls, expected %u", done, q->n);
	q->ran = q->n;
	q->n = 0;
	return kn_now_ns() - t0;
}

void kn_hypercall_end(struct kn_hypercall_queue *q)
{
	q->batch->n = 0;
	kn_vcpu_expect(q->vcpu, KN_UC_DONE);
}
