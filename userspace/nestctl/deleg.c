// SPDX-License-Identifier: GPL-2.0-only
/* Delegated exit classes: their names, parsing and printing. */
#include <stdio.h>
#include <string.h>
#include <linux/kvm_nest_channel.h>

#include "deleg.h"
#include "util.h"

static const struct {
	const char *name;
	uint32_t mask;
} nc_deleg_classes[] = {
	{ "cpuid", KVM_NEST_DELEG_CPUID },
	{ "rdmsr", KVM_NEST_DELEG_RDMSR },
	{ "pause", KVM_NEST_DELEG_PAUSE },
};

uint32_t nc_deleg_class(const char *word)
{
	uint32_t all = 0;

	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_deleg_classes); i++) {
		if (!strcmp(word, nc_deleg_classes[i].name))
			return nc_deleg_classes[i].mask;
		all |= nc_deleg_classes[i].mask;
	}
	return strcmp(word, "all") ? 0 : all;
}

/* Text: names joined by ',', or "-"; JSON: an array of names. */
static void nc_deleg_field(struct nc_print *p, const char *key, uint32_t mask)
{
	char text[64] = "";
	size_t n = 0;

	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_deleg_classes); i++)
		if (mask & nc_deleg_classes[i].mask)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s",
					      n ? "," : "", nc_deleg_classes[i].name);
	nc_pr_str(p, NC_TEXT, key, n ? text : "-");
	if (!nc_pr_open_arr(p, key))
		return;
	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_deleg_classes); i++)
		if (mask & nc_deleg_classes[i].mask)
			nc_pr_str(p, NC_JSON, NULL, nc_deleg_classes[i].name);
	nc_pr_close_arr(p);
}

void nc_deleg_print(struct nc_print *p, uint32_t registered, uint32_t off)
{
	nc_deleg_field(p, "delegate", registered);
	nc_deleg_field(p, "delegate_off", off);
}

void nc_deleg_print_reported(struct nc_print *p, uint32_t off)
{
	nc_deleg_field(p, "delegate_off", off);
	nc_pr_str(p, NC_ANY, "delegate_off_from", "report");
}
