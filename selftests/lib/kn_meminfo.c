// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "kn_meminfo.h"
#include "kn_tap.h"

void kn_meminfo_read(struct kn_meminfo *m)
{
	static const char *const keys[] = {
		"MemAvailable:", "Slab:", "SUnreclaim:", "VmallocUsed:", "Percpu:",
	};
	int64_t *fields[] = {
		&m->available, &m->slab, &m->unreclaimable, &m->vmalloc, &m->percpu,
	};
	unsigned int found = 0;
	char key[64];
	long long kib;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		kn_die("/proc/meminfo");
	while (fscanf(f, "%63s %lld kB ", key, &kib) == 2)
		for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i])) {
				*fields[i] = kib * 1024;
				found |= 1u << i;
			}
	fclose(f);
	if (found != (1u << (sizeof(keys) / sizeof(keys[0]))) - 1)
		kn_bail("/proc/meminfo lacks a field (found %#x)", found);
}
