/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: the stress run's module generation. The module cycler of
 * stress-host.sh bumps the number in the file named by KN_STRESS_GEN
 * before each rmmod (it turns odd: kvm-nest is going or gone) and after
 * each insmod and agent start (even again). A load that saw it change
 * across an operation, or odd, knows the module was not there throughout.
 */
#ifndef KN_STRESS_H
#define KN_STRESS_H

#include <stdbool.h>
#include <stdint.h>

/* The generation now; 0 without KN_STRESS_GEN (no module cycles). */
uint64_t kn_stress_gen(void);
/* Whether kvm-nest may have been away since kn_stress_gen() gave @gen0. */
bool kn_stress_disturbed(uint64_t gen0);

#endif
