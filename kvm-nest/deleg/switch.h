/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_SWITCH_H
#define KN_DELEG_SWITCH_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../doll.h"

/* The classes a switch takes: every class of the channel. */
#define KN_DELEG_CTL_ALL	(KVM_NEST_DELEG_ALL | KVM_NEST_DELEG_RDMSR)
/* In deleg_gate: some contexts have switches of their own. */
#define KN_DELEG_GATE_CTX	BIT(31)

bool kn_deleg_ctl_off_slow(struct kn_doll *vm, u32 gate, unsigned long key,
			   u32 class);

/*
 * Exit path, under rcu_read_lock(): whether a switch turned @class off for
 * the context with key @key of level-1 doll @vm.  One load while none is.
 */
static inline bool kn_deleg_ctl_off(struct kn_doll *vm, unsigned long key,
				    u32 class)
{
	u32 gate = READ_ONCE(vm->deleg_gate);

	return unlikely(gate) && kn_deleg_ctl_off_slow(vm, gate, key, class);
}

/*
 * Whether doll @d's switches are not this kernel's: a reported doll
 * deeper than level 2 runs on a policy that the kvm-nest which reported
 * it holds (Documentation/delegation.rst, "At any depth"), so a switch
 * goes there (kn_cmd_deleg()).
 */
static inline bool kn_deleg_ctl_remote(const struct kn_doll *d)
{
	return d->kind == KN_DOLL_REPORTED && d->level > 2;
}

/*
 * Switches @classes on or off at doll @d, from a kn_doll_with_id()
 * callback.  0 or a negative errno, with the reason in @why.
 */
int kn_deleg_ctl_set(struct kn_doll *d, u32 classes, bool on, char *why,
		     size_t len);
/*
 * What the switches of level-1 doll @vm's children mean for its contexts,
 * redone after any of them changed, under the registry mutex.
 */
int kn_deleg_ctl_sync(struct kn_doll *vm);
/*
 * Doll @d's registered classes and those switched off at it, under the
 * registry mutex; false for a doll deeper than level 2.
 */
bool kn_deleg_ctl_state(struct kn_doll *d, u32 *registered, u32 *off);
/*
 * The classes switched off at doll @d as the kernel that holds its
 * switches knows them: this one's, else the last report's; false when
 * nobody said.  Under the registry mutex.
 */
bool kn_deleg_ctl_off_known(struct kn_doll *d, u32 *off);

#endif
