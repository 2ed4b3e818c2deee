/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_SYM_H
#define KN_KVM_SYM_H

int kn_sym_init(void);
/* Address of a kernel or module symbol ("mod:name" restricts to one module). */
unsigned long kn_sym(const char *name);

#endif
