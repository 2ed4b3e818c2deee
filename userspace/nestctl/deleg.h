/* SPDX-License-Identifier: GPL-2.0-only */
/* Delegated exit classes: their names, parsing and printing. */
#ifndef NC_DELEG_H
#define NC_DELEG_H

#include <stdbool.h>
#include <stdint.h>

#include "print.h"

/* The mask of one class word (cpuid, rdmsr, pause, all), 0 if none. */
uint32_t nc_deleg_class(const char *word);
/* A doll's classes: registered by its hypervisor, and switched off here. */
void nc_deleg_print(struct nc_print *p, uint32_t registered, uint32_t off);
/*
 * A deeper doll's: switched off at the kernel that holds its switches, as
 * that kernel last reported; its registered classes are not known here.
 */
void nc_deleg_print_reported(struct nc_print *p, uint32_t off);

#endif
