/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: memset and friends. */
#ifndef KN_SHIM_LINUX_STRING_H
#define KN_SHIM_LINUX_STRING_H

#include <string.h>

#endif
