/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VMX_INSN_H
#define KN_KVM_VMX_INSN_H

#include <linux/types.h>

/*
 * VMREAD from the current VMCS, with interrupts off inside KVM's run loop:
 * vmcs01, or vmcs02 while KVM handles an L2 exit.
 */
static inline bool kn_vmread(unsigned long field, unsigned long *val)
{
	u8 bad;

	asm volatile("vmread %[f], %[v]\n\tsetna %[bad]"
		     : [v] "=rm" (*val), [bad] "=qm" (bad)
		     : [f] "r" (field)
		     : "cc");
	return !bad;
}

#endif
