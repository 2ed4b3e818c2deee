/* SPDX-License-Identifier: GPL-2.0-only */
/* What differs between the supported kernels, for the KVM boundary. */
#ifndef KN_KVM_COMPAT_H
#define KN_KVM_COMPAT_H

#include <linux/ftrace.h>

/* Renamed in 6.7. */
#ifdef ftrace_regs_set_instruction_pointer
#define kn_ftrace_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define kn_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

#endif
