/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the hypercall goes to the test, which plays the parent. */
#ifndef KN_SHIM_ASM_KVM_PARA_H
#define KN_SHIM_ASM_KVM_PARA_H

long kvm_hypercall3(unsigned int nr, unsigned long p1, unsigned long p2,
		    unsigned long p3);

#endif
