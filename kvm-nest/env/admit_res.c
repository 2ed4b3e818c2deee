// SPDX-License-Identifier: GPL-2.0-only
/*
 * Admission arithmetic of one resource, apart from the scan of the dolls
 * (admit.c), so that selftests/unit can test it without a kernel.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "../channel/depth.h"
#include "admit_res.h"

static const char * const kn_res_name[KN_NR_RES] = { "cpu", "mem" };

#define KN_NUM_LEN	24

/* "1.500 CPUs" or "256 MiB". */
static const char *kn_res_fmt(char *buf, int res, u64 v)
{
	if (res == KN_CPU)
		scnprintf(buf, KN_NUM_LEN, "%llu.%03llu CPUs", v / 1000,
			  v % 1000);
	else
		scnprintf(buf, KN_NUM_LEN, "%llu MiB", v >> 20);
	return buf;
}

int kn_admit_res(int i, const struct kn_res *want, u64 cap, u64 resv,
		 u64 taken, char *why, size_t len)
{
	char a[KN_NUM_LEN], b[KN_NUM_LEN], c[KN_NUM_LEN];
	const char *n = kn_res_name[i];
	u64 free = resv - min(taken, resv);
	int at;

	if (want->limit && want->reserve > want->limit) {
		scnprintf(why, len, "%s.reserve %s is above %s.limit %s",
			  n, kn_res_fmt(a, i, want->reserve), n,
			  kn_res_fmt(b, i, want->limit));
		return -EINVAL;
	}
	if (max(want->limit, want->reserve) > cap) {
		scnprintf(why, len, "%s asked, but L%u has %s to give",
			  kn_res_fmt(a, i, max(want->limit, want->reserve)),
			  kn_depth(), kn_res_fmt(b, i, cap));
		return -ENOSPC;
	}
	if (want->reserve > free) {
		at = scnprintf(why, len, "%s.reserve %s does not fit in L%u: ",
			       n, kn_res_fmt(a, i, want->reserve), kn_depth());
		scnprintf(why + at, len - at, "%s reservable, %s held by others, %s fits",
			  kn_res_fmt(b, i, resv), kn_res_fmt(c, i, taken),
			  kn_res_fmt(a, i, free));
		return -ENOSPC;
	}
	return 0;
}
