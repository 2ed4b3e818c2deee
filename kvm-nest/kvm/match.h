/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_MATCH_H
#define KN_KVM_MATCH_H

struct kn_vendor;

/*
 * Whether the running kvm and @v's module are the files the layouts were
 * generated from (same GNU build-id); if not, one line says so and what to
 * do, and it returns -ENOEXEC.
 */
int kn_layout_match(const struct kn_vendor *v);

#endif
