/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The members of struct kn_vendor that the exit path calls, each through
 * a static call kn_vendor_<name>: define KN_VENDOR_CALL(name) and include
 * this where something is done for each, as ops-list.h does for the ops.
 * No include guard, on purpose.
 */
#ifndef KN_VENDOR_CALL
#error "define KN_VENDOR_CALL(name) before including vendor-calls.h"
#endif
KN_VENDOR_CALL(exit_code);
KN_VENDOR_CALL(nested_ctx);
KN_VENDOR_CALL(run_ctx);
KN_VENDOR_CALL(exit_detail);
KN_VENDOR_CALL(nested_entry);
KN_VENDOR_CALL(nested_reads_msr);
#undef KN_VENDOR_CALL
