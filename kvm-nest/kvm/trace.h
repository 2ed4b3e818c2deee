/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_TRACE_H
#define KN_KVM_TRACE_H

int kn_trace_attach(void);
void kn_trace_detach(void);

#endif
