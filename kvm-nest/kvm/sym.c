// SPDX-License-Identifier: GPL-2.0-only
/*
 * Symbol lookup for KVM functions that are global but not exported.
 *
 * kallsyms_lookup_name() is not exported since 5.7, but a kprobe can still
 * resolve a name.  We resolve kallsyms_lookup_name itself once that way and
 * use it for everything else.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kernel.h>

#include "sym.h"

typedef unsigned long (*kn_lookup_fn)(const char *name);

static kn_lookup_fn kn_lookup;

/*
 * With IBT the kprobe lands after the ENDBR; ask kallsyms for the offset so
 * that we call the real entry point.
 */
static unsigned long kn_sym_start(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long off;
	char *plus;

	sprint_symbol(buf, addr);
	plus = strchr(buf, '+');
	if (!plus || sscanf(plus, "+%lx/", &off) != 1 || off > addr)
		return 0;
	return addr - off;
}

int kn_sym_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	int err;

	err = register_kprobe(&kp);
	if (err)
		return err;
	addr = kn_sym_start((unsigned long)kp.addr);
	unregister_kprobe(&kp);
	if (!addr)
		return -ENOENT;
	kn_lookup = (kn_lookup_fn)addr;
	return 0;
}

unsigned long kn_sym(const char *name)
{
	return kn_lookup ? kn_lookup(name) : 0;
}
