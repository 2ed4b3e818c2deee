// SPDX-License-Identifier: GPL-2.0-only
/* Paths of VM names to running dolls (apply_resolve.h). */
#include <string.h>

#include "apply_resolve.h"
#include "util.h"

/* The loop guard of a dump with a parent cycle: deeper than any tree. */
#define NC_RESOLVE_DEPTH_MAX	64

static const struct nc_doll *nc_run_find(const struct nc_dolls *run, uint32_t id)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].id == id)
			return &run->v[i];
	return NULL;
}

/* The nearest ancestor that is a VM (not a context); 0 at level 1. */
static uint32_t nc_named_parent(const struct nc_dolls *run, const struct nc_doll *d)
{
	for (int hops = 0; hops < NC_RESOLVE_DEPTH_MAX && d->parent; hops++) {
		d = nc_run_find(run, d->parent);
		if (!d)
			return 0;
		if (d->kind != KVM_NEST_DOLL_CTX)
			return d->id;
	}
	return 0;
}

int nc_apply_resolve(const struct nc_apply_file *f, const struct nc_dolls *run,
		     struct nc_apply_match *m)
{
	for (unsigned int i = 0; i < f->n; i++) {
		const struct nc_apply_doll *fd = &f->dolls[i];
		const struct nc_doll *parent = fd->parent < 0 ? NULL : m[fd->parent].doll;

		m[i].doll = NULL;
		if (fd->parent >= 0 && !parent)
			continue;
		for (size_t j = 0; j < run->n; j++) {
			const struct nc_doll *d = &run->v[j];

			if (d->kind == KVM_NEST_DOLL_CTX || !d->name || strcmp(d->name, fd->name))
				continue;
			/* Level 1 by its level: a parent missing from the dump is no root. */
			if (parent ? nc_named_parent(run, d) != parent->id : d->level != 1)
				continue;
			if (m[i].doll)
				return nc_error("%s names two running dolls, %u and %u: give them different names to manage them from a file",
						fd->path, m[i].doll->id, d->id);
			m[i].doll = d;
		}
	}
	return NC_OK;
}
