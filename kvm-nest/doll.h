/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_H
#define KN_DOLL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "acct.h"
#include "channel/state.h"
#include "doll_id.h"
#include "env/env.h"

struct kvm;
struct kn_exit;
struct task_struct;

#define KN_NAME_LEN		64
/* Bound on nested contexts per VM: a guest can make as many as it likes. */
#define KN_MAX_CHILDREN		256
/* The context that absorbs exits once a VM has KN_MAX_CHILDREN of them. */
#define KN_CTX_OVERFLOW		(~0ULL)

/*
 * A doll is a VM as seen from this kernel.  Level 1 is a VM on this kernel,
 * keyed by its struct kvm (opaque outside the KVM boundary, kvm/).
 * Level 2 is a nested context of a level-1 doll, keyed by the guest-physical
 * address of the vmcb12/vmcs12 its hypervisor runs it with.  A reported doll
 * is one that the level-1 doll's own kvm-nest told us about over the
 * channel: one of its VMs, at any depth below it.
 */
enum kn_doll_kind { KN_DOLL_VM, KN_DOLL_CTX, KN_DOLL_REPORTED };

/* What a child reported about one of its dolls, checked on arrival. */
struct kn_reported {
	u32 rid;		/* the child's id */
	u32 vcpus;
	u64 mem;
	u64 guest_ns;
	u64 exits;
	u64 reflected;
	u32 usage_cpu;		/* as its host measured it */
	u32 deleg_off;		/* switched off, as its reporter said */
	bool deleg_known;	/* whether it said */
	unsigned int nr_self, nr_nested;
	u64 self[KN_CH_MAX_CTX];	/* vmcbs that run it, as we see them */
	u64 nested[KN_CH_MAX_CTX];	/* vmcbs that run its guests */
};

/* Whether @ctx is one of the @n contexts of @list (a report's self or nested). */
static inline bool kn_ctx_listed(u64 ctx, const u64 *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == ctx)
			return true;
	return false;
}

/*
 * A level-1 doll's exits and guest time come from KVM's counters
 * (doll_totals.c): what they were when the doll was made and when its
 * numbers were last reset, and what its contexts counted since then.
 */
struct kn_vm_totals {
	u64 born_exits, born_ns;
	u64 base_exits, base_ns;
	atomic64_t nested_exits, nested_ns;
};

/* A doll's use of its envelope, sampled about once a second. */
struct kn_usage {
	u64 ns;			/* guest time of it and its dolls */
	u64 at;			/* when ns was sampled */
	u32 cpu;		/* milli-CPUs over the last sample */
	u64 mem;		/* bytes resident */
};

struct kn_doll {
	struct rcu_head rcu;
	u32 id;
	u8 level;
	u8 kind;
	struct kn_doll *parent;
	pid_t pid;
	u64 pid_start;		/* VMM's start, ns since boot (KN_DOLL_VM) */
	char name[KN_NAME_LEN];
	struct kn_acct acct;
	struct kn_env env;	/* registry mutex; as set, or as reported */
	struct kn_usage use;	/* registry mutex */
	u32 deleg_off;		/* registry mutex; classes switched off here */

	union {
		struct {			/* KN_DOLL_VM */
			struct hlist_node vm_node;
			struct kvm *vm;
			spinlock_t lock;	/* children, dead, channel */
			struct list_head children;
			unsigned int nr_children;
			bool dead;
			struct list_head reported;	/* registry mutex */
			struct kn_id_budget ids;	/* registry mutex */
			struct kn_channel ch;
			struct kn_vm_totals totals;
			struct list_head requests;	/* lock */
			struct xarray deleg;	/* ctx >> PAGE_SHIFT -> policy */
			/*
			 * What the exit path reads of the switches
			 * (deleg/switch.c): classes off for every context,
			 * and whether deleg_ctx_off has entries.
			 */
			u32 deleg_gate;
			struct xarray deleg_ctx_off;	/* ctx >> PAGE_SHIFT -> value */
			/*
			 * Deep delegation (deleg/slot.c).  As a parent: where
			 * this VM's slots are, ctx >> PAGE_SHIFT -> GPA.  As
			 * a child: our slot of each vCPU, and the handle this
			 * VM's policies have at our parent once forwarded.
			 */
			struct xarray deleg_slot_at;
			atomic_t deleg_slot_nr;	/* entries of deleg_slot_at */
			struct xarray deleg_slots;
			u32 deleg_inner;
		};
		struct {			/* KN_DOLL_CTX */
			struct list_head child_node;
			u64 ctx;
			/*
			 * The level its exits count at: 2, or 3 once a
			 * report says a doll's nested guests run on it.
			 */
			u8 exit_level;
		};
		struct {			/* KN_DOLL_REPORTED */
			struct list_head rep_node;
			struct kn_reported rep;
		};
	};
};

/* The level-1 doll of this kernel that @d is, or runs inside. */
struct kn_doll *kn_doll_vm_of(struct kn_doll *d);
/*
 * Calls @fn on the VM's channel state under the doll's lock; -ENOENT when
 * the VM has no doll.
 */
int kn_doll_channel(struct kvm *vm, int (*fn)(struct kn_channel *ch, void *arg),
		    void *arg);

/*
 * A new level-1 doll for @vm, named @name: ERR_PTR(-EEXIST) if it has one
 * (its first exit came first), or -ENOMEM.  lifecycle.c's.
 */
struct kn_doll *kn_doll_vm_add(struct kvm *vm, const char *name);
/* The doll of a VM made before the module, which task @vmm runs; named later. */
void kn_doll_vm_found(struct kvm *vm, struct task_struct *vmm);
/*
 * Takes @vm's doll (with @vm NULL, any one's) out of every lookup and
 * releases its ids; NULL if none.  Under kn_dolls_lock(); then
 * kn_doll_vm_free() after kn_dolls_unlock().  lifecycle.c's.
 */
struct kn_doll *kn_doll_vm_unlink(struct kvm *vm);
void kn_doll_vm_free(struct kn_doll *d);

/*
 * The registry mutex: while it is held no doll is freed and no VM dies
 * (the vm_destroyed op takes it first).  Lookups that want the doll to
 * stay use it; the exit path does not, it reads under RCU.
 */
void kn_dolls_lock(void);
void kn_dolls_unlock(void);
/* lockdep's check that the caller holds it. */
void kn_dolls_assert_locked(void);
/* The level-1 doll of @vm, or NULL; under kn_dolls_lock(). */
struct kn_doll *kn_doll_vm_locked(struct kvm *vm);
/* Under kn_dolls_lock(): dolls came or went (kn_dolls_generation()). */
void kn_dolls_changed(void);

/*
 * Under RCU (or with interrupts off), for the exit path: @vm's level-1
 * doll, found, or also registered if @vm predates the module; @vm's
 * nested context @ctx, found, or also registered (KN_CTX_OVERFLOW's
 * doll beyond KN_MAX_CHILDREN).  NULL when none, or out of memory.
 */
struct kn_doll *kn_doll_vm_find_rcu(struct kvm *vm);
struct kn_doll *kn_doll_vm_get_rcu(struct kvm *vm);
struct kn_doll *kn_doll_child_find_rcu(struct kn_doll *vm, u64 ctx);
struct kn_doll *kn_doll_child_get_rcu(struct kn_doll *vm, u64 ctx);

/* doll_exit.c: the exit path's accounting, through a per-CPU stash. */
void kn_doll_nested_run(struct kvm *vm, u32 vcpu);
void kn_doll_exited(const struct kn_exit *e);
void kn_doll_reflected(struct kvm *vm, u64 ctx);
/* An exit of context @ctx that this kernel answered for the VM. */
void kn_doll_delegated(struct kvm *vm, u64 ctx);
/*
 * The level-1 doll of @vm, under rcu_read_lock(); NULL if none.  Its
 * delegation policies (deleg/store.c) are read so, and changed from a
 * kn_doll_with_vm() callback, under the registry mutex.
 */
struct kn_doll *kn_doll_vm_rcu(struct kvm *vm);
/* Before @d goes: no CPU's stash may point into it any more. */
void kn_doll_exit_forget(struct kn_doll *d);

/*
 * Calls @fn for every doll, each level-1 doll before its children, until
 * @fn returns non-zero, which is then returned.  It runs under the registry
 * mutex, so no doll is freed and no VM dies meanwhile.
 */
typedef int (*kn_doll_fn)(struct kn_doll *d, void *arg);
int kn_dolls_for_each(kn_doll_fn fn, void *arg);
/* The kinds of doll a lookup by id accepts. */
#define KN_KIND_VM		BIT(KN_DOLL_VM)
#define KN_KIND_CTX		BIT(KN_DOLL_CTX)
#define KN_KIND_REPORTED	BIT(KN_DOLL_REPORTED)
#define KN_KIND_ANY		(KN_KIND_VM | KN_KIND_CTX | KN_KIND_REPORTED)
/*
 * Calls @fn on the doll with this id, under the same guarantees, if it is
 * of one of @kinds: a doll's fields depend on its kind, and those of a
 * reported doll are what a guest chose.  -ENOENT when no doll has the id,
 * -EMEDIUMTYPE when it is of another kind; then @fn is not called.
 */
int kn_doll_with_id(u32 id, unsigned int kinds, kn_doll_fn fn, void *arg);
/* Calls @fn on the level-1 doll of @vm, under the same guarantees. */
int kn_doll_with_vm(struct kvm *vm, kn_doll_fn fn, void *arg);
/* Bumped whenever a doll comes or goes: lets a dump tell it raced. */
unsigned int kn_dolls_generation(void);
/* "3" for a level-1 doll, "3/7" for one of its nested contexts. */
void kn_doll_path(const struct kn_doll *d, char *buf, size_t len);
void kn_doll_reset(struct kn_doll *d);
/* Dolls of this kernel (VMs and contexts) at each level 1..KN_MAX_LEVEL. */
void kn_dolls_count(unsigned int dolls[KN_MAX_LEVEL]);

#define KN_PATH_LEN	96

#endif
