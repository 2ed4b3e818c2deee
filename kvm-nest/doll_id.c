// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doll ids (how fast a guest may use them up: doll_id_budget.c).  A
 * guest mints ids by reporting new dolls; were ids a counter, it could wrap it and have a
 * reported doll share the id of a live VM.  The xarray hands an id out
 * only while no live doll holds it.
 */
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/xarray.h>

#include "doll_id.h"

static DEFINE_XARRAY_FLAGS(kn_ids, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_IRQ);
static u32 kn_id_next = 1;	/* the cursor, under kn_ids' lock */

/* The exit path reserves in atomic context, maybe with IRQs off. */
int kn_id_reserve(u32 *id, gfp_t gfp)
{
	unsigned long flags;
	int err;

	if (gfpflags_allow_blocking(gfp)) {
		err = xa_alloc_cyclic_irq(&kn_ids, id, NULL, xa_limit_32b,
					  &kn_id_next, gfp);
	} else {
		xa_lock_irqsave(&kn_ids, flags);
		err = __xa_alloc_cyclic(&kn_ids, id, NULL, xa_limit_32b,
					&kn_id_next, gfp);
		xa_unlock_irqrestore(&kn_ids, flags);
	}
	/* 1: it wrapped, which is fine. */
	return min(err, 0);
}

/* The slot exists (reserved), so storing into it allocates nothing. */
void kn_id_publish(u32 id, struct kn_doll *d)
{
	unsigned long flags;

	xa_lock_irqsave(&kn_ids, flags);
	__xa_store(&kn_ids, id, d, GFP_ATOMIC);
	xa_unlock_irqrestore(&kn_ids, flags);
}

void kn_id_release(u32 id)
{
	unsigned long flags;

	xa_lock_irqsave(&kn_ids, flags);
	__xa_erase(&kn_ids, id);
	xa_unlock_irqrestore(&kn_ids, flags);
}

struct kn_doll *kn_id_find(u32 id)
{
	return xa_load(&kn_ids, id);
}

/*
 * A test aid: the next id to try.  Tests set it near U32_MAX to see ids
 * wrap to 1 while dolls with low ids live.
 */
static int kn_id_start_set(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	u32 v;
	int err = kstrtou32(val, 0, &v);

	if (err)
		return err;
	if (!v)
		return -EINVAL;
	xa_lock_irqsave(&kn_ids, flags);
	kn_id_next = v;
	xa_unlock_irqrestore(&kn_ids, flags);
	return 0;
}

static int kn_id_start_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kn_id_next));
}

static const struct kernel_param_ops kn_id_start_ops = {
	.set = kn_id_start_set,
	.get = kn_id_start_get,
};
module_param_cb(id_start, &kn_id_start_ops, NULL, 0644);
MODULE_PARM_DESC(id_start, "test aid: the next doll id to try (default 1); ids wrap to 1 after 4294967295 and skip ids in use");
