/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the one KVM ABI flag deleg/check.c reads. */
#ifndef KN_SHIM_UAPI_LINUX_KVM_H
#define KN_SHIM_UAPI_LINUX_KVM_H

#define KVM_CPUID_FLAG_SIGNIFCANT_INDEX	(1 << 0)

#endif
