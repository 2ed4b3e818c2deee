/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The words of "envelope set" after its target, into an envelope to send:
 *   [ cpu.limit CPUS|max ] [ cpu.reserve CPUS ] [ cpu.weight N ]
 *   [ cpus LIST|all ] [ mem.limit SIZE|max ] [ mem.reserve SIZE ] [ dry-run ]
 * max, all and 0 reserves are sent as 0 or "": unset.
 */
#ifndef NC_ENV_ARGS_H
#define NC_ENV_ARGS_H

#include <stdbool.h>

#include "env.h"

/* Smallest CPU limit the agent's cpu.max gives: 1 ms per 50 ms period. */
#define NC_CPU_LIMIT_MIN	20

/* A field's word, exactly ("cpu.limit"), as its NC_ENV_* bit; 0 if none. */
unsigned int nc_env_field(const char *word);
/* The word of one NC_ENV_* bit. */
const char *nc_env_word(unsigned int bit);

/* NC_OK, or NC_USAGE with what was wrong and what to write printed. */
int nc_env_args(int argc, char **argv, struct nc_env *env, bool *dry_run);

#endif
