/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_USAGE_H
#define KN_ENV_USAGE_H

/* Samples every doll's use of its envelope once a second, from below. */
void kn_usage_init(void);
void kn_usage_exit(void);

#endif
