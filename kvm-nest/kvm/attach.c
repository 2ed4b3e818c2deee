// SPDX-License-Identifier: GPL-2.0-only
/* Attach to KVM: pick the vendor, resolve, pin, redirect, trace. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "boundary.h"
#include "hypercall.h"
#include "match.h"
#include "sym.h"
#include "trace.h"
#include "vcpu.h"
#include "vendor.h"
#include "vm.h"

struct kn_vendor *kn_vendor;
static struct module *kn_vendor_mod;

#define KN_VENDOR_CALL(name) \
	DEFINE_STATIC_CALL_NULL(kn_vendor_##name, KN_VENDOR_FN(name))
#include "vendor-calls.h"

/* In the tracepoint: preemption off, under kvm->srcu. */
bool kn_kvm_nested_reads_msr(const struct kn_nested_entry *e, u32 index)
{
	return e->classes & KVM_NEST_DELEG_RDMSR &&
	       static_call(kn_vendor_nested_reads_msr)(e, index);
}

/* The vendor whose module is loaded, found by one of its redirect targets. */
static struct kn_vendor *kn_vendor_find(void)
{
	struct kn_vendor *vendors[] = { &kn_svm, &kn_vmx };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vendors); i++)
		if (vendors[i]->layout &&
		    kn_sym_exists(vendors[i]->redirects[0].mod,
				  vendors[i]->redirects[0].sym))
			return vendors[i];
	return NULL;
}

KN_CALL_DEFINE(__module_address, __module_address);

/* Our hooks point into the vendor module: keep it from being unloaded. */
static int kn_vendor_pin(struct kn_vendor *v)
{
	struct module *mod;

	if (!KN_CALL_RESOLVE(vmlinux, __module_address))
		return -ENOENT;
	preempt_disable();
	mod = KN_CALL(vmlinux, __module_address)(v->redirects[0].orig);
	if (mod && !try_module_get(mod))
		mod = NULL;
	preempt_enable();
	if (!mod)
		return -ENODEV;
	kn_vendor_mod = mod;
	return 0;
}

/* Redirects go in this order and come out in the reverse one. */
static struct {
	struct kn_redirect *r;
	unsigned int n;
} kn_groups[4];

static void kn_groups_detach(unsigned int n)
{
	while (n--)
		kn_redirects_detach(kn_groups[n].r, kn_groups[n].n);
	kn_redirects_drain();
}

int kn_kvm_attach(const struct kn_kvm_ops *ops)
{
	struct kn_vendor *v;
	unsigned int i;
	int err;

	err = kn_kvm_ops_set(ops);
	if (err)
		return err;
	err = kn_sym_init();
	if (err) {
		pr_err("cannot look up kernel symbols (%d); kprobes are required\n",
		       err);
		return err;
	}
	v = kn_vendor_find();
	if (!v) {
		pr_err("refusing to load: no kvm_amd or kvm_intel is loaded; load one with nested=1 first\n");
		return -ENODEV;
	}
	err = kn_layout_match(v);
	if (err)
		return err;
	err = kn_vms_resolve();
	if (err)
		return err;
	kn_vendor = v;
	static_call_update(kn_vendor_exit_code, v->exit_code);
	static_call_update(kn_vendor_nested_ctx, v->nested_ctx);
	static_call_update(kn_vendor_run_ctx, v->run_ctx);
	static_call_update(kn_vendor_exit_detail, v->exit_detail);
	static_call_update(kn_vendor_nested_entry, v->nested_entry);
	static_call_update(kn_vendor_nested_reads_msr, v->nested_reads_msr);

	kn_hooks_reset();
	kn_groups[0].r = kn_vm_hooks(&kn_groups[0].n);
	kn_groups[1].r = kn_hc_hooks(&kn_groups[1].n);
	kn_groups[2].r = v->redirects;
	kn_groups[2].n = v->nr_redirects;
	kn_groups[3].r = kn_vcpu_hooks(&kn_groups[3].n);
	for (i = 0; i < ARRAY_SIZE(kn_groups); i++) {
		err = kn_redirects_resolve(kn_groups[i].r, kn_groups[i].n);
		if (err)
			return err;
	}

	err = kn_vendor_pin(v);
	if (err) {
		pr_err("cannot pin %s (%d)\n", v->module, err);
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(kn_groups); i++) {
		err = kn_redirects_attach(kn_groups[i].r, kn_groups[i].n);
		if (err)
			goto err_detach;
	}
	err = kn_trace_attach();
	if (err)
		goto err_detach;
	kn_vms_find();
	return 0;

err_detach:
	kn_groups_detach(i);
	module_put(kn_vendor_mod);
	return err;
}

void kn_kvm_detach(void)
{
	kn_trace_detach();
	kn_groups_detach(ARRAY_SIZE(kn_groups));
	module_put(kn_vendor_mod);
}

const char *kn_kvm_vendor(void)
{
	return kn_vendor->name;
}

const char *kn_kvm_exit_name(u32 code)
{
	unsigned int i;

	for (i = 0; i < kn_vendor->nr_reasons; i++)
		if (kn_vendor->reasons[i].code == code)
			return kn_vendor->reasons[i].name;
	return "unknown";
}

int kn_kvm_visit_hooks(int (*fn)(const struct kn_hook_info *h, void *arg),
		       void *arg)
{
	return kn_hooks_visit(fn, arg);
}
