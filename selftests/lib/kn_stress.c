// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "kn_stress.h"

uint64_t kn_stress_gen(void)
{
	const char *path = getenv("KN_STRESS_GEN");
	unsigned long long v = 0;
	FILE *f;

	if (!path || !*path)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

bool kn_stress_disturbed(uint64_t gen0)
{
	return (gen0 & 1) || kn_stress_gen() != gen0;
}
