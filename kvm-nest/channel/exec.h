/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_EXEC_H
#define KN_CHANNEL_EXEC_H

#include <linux/types.h>

/*
 * Takes in what the parent handed us with FETCH: our envelope, our
 * usage, and commands, which run in the background and are answered
 * with REPLY.
 */
void kn_exec_fetched(const void *buf, size_t len);
int kn_exec_init(void);
void kn_exec_exit(void);

#endif
