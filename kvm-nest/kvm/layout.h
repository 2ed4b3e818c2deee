/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_LAYOUT_H
#define KN_KVM_LAYOUT_H

/* Generated at build time from the target kernel's BTF; never edited. */
#include "gen/layout.h"

#endif
