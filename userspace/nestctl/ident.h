/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Doll identifiers, as users type them, resolved against a dump:
 *   7       the doll with id 7, at any level
 *   web     the doll named web (QEMU -name), if only one has that name
 *   3/7     a path of ids from level 1 down, as the kernel's path attribute
 *   web/7   a path whose steps are names or ids
 * A step made of digits only is an id, never a name.
 */
#ifndef NC_IDENT_H
#define NC_IDENT_H

#include "dolls.h"

/*
 * NC_OK with *out in set; NC_ERR (no such doll, or an ambiguous name) or
 * NC_USAGE (a malformed identifier), with the reason printed.
 */
int nc_doll_resolve(const struct nc_dolls *set, const char *ident,
		    const struct nc_doll **out);

/*
 * Dump every doll into *set (freed by the caller in every case) and
 * resolve ident there; NC_* as above, with the reason printed.
 */
int nc_doll_lookup(struct nc_nl *nl, const char *ident, struct nc_dolls *set,
		   const struct nc_doll **out);
/*
 * The same for a command on one doll: a lone id is one DOLL_GET, which
 * dolls coming and going elsewhere cannot spoil (a dump gives up after a
 * few tries); set then holds that doll alone.  Anything else, or an id
 * DOLL_GET does not find, is looked up as above, for the same errors.
 */
int nc_doll_lookup_one(struct nc_nl *nl, const char *ident, struct nc_dolls *set,
		       const struct nc_doll **out);

#endif
