// SPDX-License-Identifier: GPL-2.0-only
/*
 * Symbol lookup for kernel functions and objects that are global but not
 * exported.
 *
 * kallsyms_lookup_name() is not exported since 5.7, but a kprobe can still
 * resolve its address.  It is sealed on IBT kernels (nothing takes its
 * address), so we reach it, like every function found by name, through a
 * static call: a direct jump, which needs no ENDBR.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "sym.h"

KN_CALL_DEFINE(kallsyms_lookup_name, kallsyms_lookup_name);
static bool kn_sym_ready;

/* With IBT the kprobe lands after the ENDBR: ask for the symbol's start. */
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
	__static_call_update(&STATIC_CALL_KEY(kn_call_kallsyms_lookup_name),
			     STATIC_CALL_TRAMP_ADDR(kn_call_kallsyms_lookup_name),
			     (void *)addr);
	kn_sym_ready = true;
	return 0;
}

unsigned long kn_sym(const char *mod, const char *name)
{
	char full[KSYM_NAME_LEN + MODULE_NAME_LEN + 1];

	if (!kn_sym_ready)
		return 0;
	if (!strcmp(mod, "vmlinux"))
		return KN_CALL(vmlinux, kallsyms_lookup_name)(name);
	if (snprintf(full, sizeof(full), "%s:%s", mod, name) >= sizeof(full))
		return 0;
	return KN_CALL(vmlinux, kallsyms_lookup_name)(full);
}

bool kn_sym_exists(const char *mod, const char *name)
{
	return kn_sym(mod, name) != 0;
}

unsigned long kn_call_resolve(const char *mod, const char *name,
			      struct static_call_key *key, void *tramp)
{
	unsigned long addr = kn_sym(mod, name);

	if (!addr) {
		pr_err("cannot find %s:%s; this kernel is not supported\n",
		       mod, name);
		return 0;
	}
	__static_call_update(key, tramp, (void *)addr);
	return addr;
}

#ifdef KN_IBT_CHECK_SELFTEST
/* Only for selftests/harness/ibt-check-test.sh: the build must refuse it. */
void *kn_ibt_check_selftest(void);
void *kn_ibt_check_selftest(void)
{
	return KN_SYM_DATA(kvm, kvm_arch_vcpu_ioctl);
}
#endif
