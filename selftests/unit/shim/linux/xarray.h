/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim: an xarray as a sorted array of (index, entry, marks), with the
 * calls kvm-nest's files make.  Erasing during a walk is allowed, as in
 * the kernel: a walk goes on from the index it reached.
 */
#ifndef KN_SHIM_LINUX_XARRAY_H
#define KN_SHIM_LINUX_XARRAY_H

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/gfp.h>

typedef unsigned int xa_mark_t;
#define XA_MARK_0	0u
#define XA_PRESENT	8u

struct xa_shim_slot {
	unsigned long index;
	void *entry;
	unsigned int marks;
};

struct xarray {
	struct xa_shim_slot *head;
	size_t n;
};

#define DEFINE_XARRAY(name)	struct xarray name = { NULL, 0 }

/* What xa_store() returns when it cannot allocate. */
static inline void *xa_shim_enomem(void)
{
	static char enomem;

	return &enomem;
}

#define xa_is_err(e)	((void *)(e) == xa_shim_enomem())

/* The first slot at or after @index. */
static inline size_t xa_shim_at(const struct xarray *xa, unsigned long index)
{
	size_t i = 0;

	while (i < xa->n && xa->head[i].index < index)
		i++;
	return i;
}

static inline void *xa_erase(struct xarray *xa, unsigned long index)
{
	size_t i = xa_shim_at(xa, index);
	void *old;

	if (i == xa->n || xa->head[i].index != index)
		return NULL;
	old = xa->head[i].entry;
	memmove(&xa->head[i], &xa->head[i + 1],
		(xa->n - i - 1) * sizeof(xa->head[0]));
	if (!--xa->n) {
		free(xa->head);
		xa->head = NULL;
	}
	return old;
}

/* Storing over an entry keeps its marks, as the kernel's does. */
static inline void *xa_store(struct xarray *xa, unsigned long index,
			     void *entry, gfp_t gfp)
{
	size_t i = xa_shim_at(xa, index);
	struct xa_shim_slot *grown;
	void *old;

	(void)gfp;
	if (!entry)
		return xa_erase(xa, index);
	if (i < xa->n && xa->head[i].index == index) {
		old = xa->head[i].entry;
		xa->head[i].entry = entry;
		return old;
	}
	grown = realloc(xa->head, (xa->n + 1) * sizeof(xa->head[0]));
	if (!grown)
		return xa_shim_enomem();
	xa->head = grown;
	memmove(&xa->head[i + 1], &xa->head[i],
		(xa->n - i) * sizeof(xa->head[0]));
	xa->head[i] = (struct xa_shim_slot){ index, entry, 0 };
	xa->n++;
	return NULL;
}

static inline void xa_shim_mark(struct xarray *xa, unsigned long index,
				xa_mark_t mark, int set)
{
	size_t i = xa_shim_at(xa, index);

	if (i == xa->n || xa->head[i].index != index)
		return;
	if (set)
		xa->head[i].marks |= 1u << mark;
	else
		xa->head[i].marks &= ~(1u << mark);
}

#define xa_set_mark(xa, index, mark)	xa_shim_mark(xa, index, mark, 1)
#define xa_clear_mark(xa, index, mark)	xa_shim_mark(xa, index, mark, 0)

/* The first entry from *@index up to @max that @filter lets through. */
static inline void *xa_shim_find(struct xarray *xa, unsigned long *index,
				 unsigned long max, xa_mark_t filter,
				 int after)
{
	size_t i;

	if (after && *index == ULONG_MAX)
		return NULL;
	for (i = xa_shim_at(xa, *index + !!after); i < xa->n; i++) {
		if (xa->head[i].index > max)
			return NULL;
		if (filter == XA_PRESENT || xa->head[i].marks & 1u << filter) {
			*index = xa->head[i].index;
			return xa->head[i].entry;
		}
	}
	return NULL;
}

#define xa_shim_walk(xa, index, entry, first, last, filter)		\
	for (index = (first),						\
	     entry = xa_shim_find(xa, &index, last, filter, 0);		\
	     entry; entry = xa_shim_find(xa, &index, last, filter, 1))
#define xa_for_each_range(xa, index, entry, first, last)		\
	xa_shim_walk(xa, index, entry, first, last, XA_PRESENT)
#define xa_for_each(xa, index, entry)					\
	xa_shim_walk(xa, index, entry, 0, ULONG_MAX, XA_PRESENT)
#define xa_for_each_marked(xa, index, entry, filter)			\
	xa_shim_walk(xa, index, entry, 0, ULONG_MAX, filter)

#endif
