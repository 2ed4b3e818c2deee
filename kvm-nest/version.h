/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_VERSION_H
#define KN_VERSION_H

/* Kept equal to PACKAGE_VERSION in dkms.conf; make lint checks it. */
#define KN_VERSION "0.1.0"

#endif
