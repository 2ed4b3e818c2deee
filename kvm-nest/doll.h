/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_H
#define KN_DOLL_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "acct.h"

#define KN_NAME_LEN		64
/* Bound on nested contexts per VM: a guest can make as many as it likes. */
#define KN_MAX_CHILDREN		256
/* The context that absorbs exits once a VM has KN_MAX_CHILDREN of them. */
#define KN_CTX_OVERFLOW		(~0ULL)

/*
 * A doll is a VM as seen from this kernel.  Level 1 is a VM on this kernel,
 * keyed by its struct kvm (an opaque pointer outside the KVM boundary).
 * Level 2 is a nested context of a level-1 doll, keyed by the guest-physical
 * address of the vmcb12/vmcs12 its hypervisor runs it with.
 */
struct kn_doll {
	struct rcu_head rcu;
	u32 id;
	u8 level;
	struct kn_doll *parent;
	pid_t pid;
	char name[KN_NAME_LEN];
	struct kn_acct acct;

	union {
		struct {			/* level 1 */
			struct hlist_node vm_node;
			const void *vm;
			spinlock_t lock;	/* children, dead */
			struct list_head children;
			unsigned int nr_children;
			bool dead;
			struct xarray vcpus;	/* vcpu index -> entry time */
		};
		struct {			/* level 2 */
			struct list_head child_node;
			u64 ctx;
		};
	};
};

/* One exit, as the KVM boundary reports it. */
struct kn_exit {
	const void *vm;
	u32 vcpu;
	u8 level;
	u64 ctx;
	u32 code;
};

void kn_doll_vm_created(const void *vm);
void kn_doll_vm_destroyed(const void *vm);
void kn_doll_entered(const void *vm, u32 vcpu);
void kn_doll_exited(const struct kn_exit *e);
void kn_doll_reflected(const void *vm, u64 ctx);

/*
 * Calls @fn for every doll, each level-1 doll before its children, until
 * @fn returns non-zero, which is then returned.  It runs under the registry
 * mutex, so no doll is freed and no VM dies meanwhile.
 */
typedef int (*kn_doll_fn)(struct kn_doll *d, void *arg);
int kn_dolls_for_each(kn_doll_fn fn, void *arg);
/* Calls @fn on the doll with this id, under the same guarantees. */
int kn_doll_with_id(u32 id, kn_doll_fn fn, void *arg);
/* Bumped whenever a doll comes or goes: lets a dump tell it raced. */
unsigned int kn_dolls_generation(void);
/* "3" for a level-1 doll, "3/7" for one of its nested contexts. */
void kn_doll_path(const struct kn_doll *d, char *buf, size_t len);
void kn_doll_reset(struct kn_doll *d);
/* Dolls present now at each level 1..KN_MAX_LEVEL. */
void kn_dolls_count(unsigned int dolls[KN_MAX_LEVEL]);

#define KN_PATH_LEN	24

int kn_dolls_init(void);
void kn_dolls_exit(void);

#endif
