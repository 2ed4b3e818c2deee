/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_DETAIL_H
#define KN_KVM_DETAIL_H

#include <linux/types.h>

/*
 * What the exit census keeps of an exit beside its code, with
 * kn_kvm_census on: a kind in the high half, and the MSR or the VMCS
 * field encoding in the low half.  Other exits have none (0).
 */
enum kn_detail_kind {
	KN_DETAIL_MSR_READ = 1,
	KN_DETAIL_MSR_WRITE,
	KN_DETAIL_VMCS_FIELD,
	KN_DETAIL_KINDS
};

#define KN_DETAIL(kind, val)	((u64)(kind) << 32 | (u32)(val))
#define KN_DETAIL_KIND(d)	((u32)((d) >> 32))
#define KN_DETAIL_VAL(d)	((u32)(d))

#endif
