/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_SHIM_LINUX_TIME64_H
#define KN_SHIM_LINUX_TIME64_H

#define NSEC_PER_SEC	1000000000L

#endif
