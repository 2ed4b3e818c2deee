/* SPDX-License-Identifier: GPL-2.0-only */
/* Printing dolls, shared by the doll, stats and monitor objects. */
#ifndef NC_DOLL_H
#define NC_DOLL_H

#include "dolls.h"
#include "print.h"

/* id, path, level, parent, pid, name: what events carry too. */
void nc_doll_print_ident(struct nc_print *p, const struct nc_doll *d);
/* vcpus and mem (level 1), ctx (level 2); mem for humans in text if human. */
void nc_doll_print_size(struct nc_print *p, const struct nc_doll *d, bool human);
/* An "exit" array; in text one line per code, indented by indent. */
void nc_exits_print(struct nc_print *p, const struct nc_exit *e, size_t n,
		    unsigned int indent);

#endif
