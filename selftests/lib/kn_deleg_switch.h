/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-doll switch of delegated exits (KVM_NEST_CMD_DELEG_SET) and the
 * delegation state dolls carry (DOLL_GET), over raw generic netlink so
 * that requests can be wrong on purpose; and the ids of a test L1's dolls.
 */
#ifndef KN_DELEG_SWITCH_H
#define KN_DELEG_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kn_deleg_l1.h"
#include "kn_genl.h"

/* For kn_deleg_switch_set(): leave the attribute out. */
#define KN_DELEG_SWITCH_OMIT	UINT64_MAX

/* A doll as DOLL_GET gives it, what these tests look at. */
struct kn_deleg_switch_doll {
	uint32_t id, kind, level, parent;
	bool has_deleg;			/* DELEG_CLASSES and DELEG_OFF came */
	bool has_off;			/* DELEG_OFF came */
	uint32_t registered, off;
};

/*
 * DELEG_SET with the attributes given (KN_DELEG_SWITCH_OMIT: none); ON goes as
 * one byte.  Returns ack->error, or for a queued one (a deep doll's) the
 * error of its RESULT_NTF; a refusal message's text in @refusal.
 */
int kn_deleg_switch_set(uint64_t id, uint64_t classes, uint64_t on,
		 struct kn_genl_ack *ack, char *refusal, size_t len);
/* DOLL_GET of @id: 0 or -errno. */
int kn_deleg_switch_get(uint32_t id, struct kn_deleg_switch_doll *d);
/* The first doll of the dump with this parent and kind: 0 or -ENOENT. */
int kn_deleg_switch_find(uint32_t parent, uint32_t kind, struct kn_deleg_switch_doll *d);
/* @t's level-1 doll and its ctx doll; false (with a diagnostic) if not found. */
bool kn_deleg_switch_ids(const struct kn_deleg_l1 *t, uint32_t *l1, uint32_t *ctx);

#endif
