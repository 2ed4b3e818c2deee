/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercalls from guest code (CPL 0, 64-bit), queued by the host: the host
 * writes a batch of calls into guest memory, the guest makes them one after
 * the other with the vendor's instruction, stores each RAX and syncs; the
 * host reads the results and queues the next batch. Many calls thus cost a
 * single KVM_RUN, and the host decides every argument.
 */
#ifndef KN_HYPERCALL_H
#define KN_HYPERCALL_H

#include <stdint.h>

#include "kn_vm.h"

/* KVM's answer to a hypercall number it does not know. */
#define KN_HYPERCALL_ENOSYS	1000

/* Shared by host and guest. */
struct kn_hypercall_call {
	uint64_t nr, op, gpa, len;	/* RAX, RBX, RCX, RDX */
	int64_t ret;			/* RAX after the call */
};

struct kn_hypercall_batch {
	uint64_t n;			/* calls to make; 0 ends the guest */
	uint64_t calls;			/* guest address of the calls */
};

/* Guest: VMMCALL on AMD, VMCALL on Intel. */
static inline int64_t kn_hypercall(uint64_t nr, uint64_t op, uint64_t gpa,
				   uint64_t len)
{
	int64_t ret;

	if (kn_vendor == KN_INTEL)
		__asm__ __volatile__("vmcall" : "=a"(ret)
				     : "a"(nr), "b"(op), "c"(gpa), "d"(len)
				     : "memory");
	else
		__asm__ __volatile__("vmmcall" : "=a"(ret)
				     : "a"(nr), "b"(op), "c"(gpa), "d"(len)
				     : "memory");
	return ret;
}

/* Guest: make the batches at @batch until one is empty, then return. */
void kn_hypercall_guest(uint64_t batch);

/* Host: a vCPU that runs batches, and the calls queued for it. */
struct kn_hypercall_queue {
	struct kn_vcpu *vcpu;
	struct kn_hypercall_batch *batch;
	struct kn_hypercall_call *calls;
	unsigned int n, cap;
	unsigned int ran;		/* calls the last flush made */
};

/*
 * Host: room for @cap calls in the VM's memory. Without @entry the vCPU
 * runs kn_hypercall_guest() on it; an @entry of the test's own must call
 * kn_hypercall_guest(its argument).
 */
void kn_hypercall_init(struct kn_hypercall_queue *q, struct kn_vm *vm, unsigned int cap,
		kn_guest_fn *entry);
struct kn_hypercall_call *kn_hypercall_add(struct kn_hypercall_queue *q, uint64_t nr, uint64_t op,
			     uint64_t gpa, uint64_t len);
/*
 * Host: make the queued calls; their results stay in calls[0..ran) until
 * the next kn_hypercall_add(). Returns the wall time it took, in ns.
 */
uint64_t kn_hypercall_flush(struct kn_hypercall_queue *q);
/* Host: end the guest loop (expects its DONE). */
void kn_hypercall_end(struct kn_hypercall_queue *q);

#endif
