/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_TRACE_H
#define KN_KVM_TRACE_H

struct kn_vendor;

int kn_trace_attach(const struct kn_vendor *v);
void kn_trace_detach(void);

#endif
