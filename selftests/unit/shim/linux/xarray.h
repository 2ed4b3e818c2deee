/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: a field of struct kn_doll; no test stores in it. */
#ifndef KN_SHIM_LINUX_XARRAY_H
#define KN_SHIM_LINUX_XARRAY_H

struct xarray {
	void *head;
};

#endif
