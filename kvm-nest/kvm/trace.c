// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probes on KVM's exported entry/exit tracepoints: every exit to this
 * kernel, from any level, with the time since the matching entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/tracepoint.h>

#include "layout.h"
#include "ops.h"
#include "sym.h"
#include "trace.h"
#include "vendor.h"

static unsigned int kn_entry_id, kn_exit_id;
/*
 * Looked up rather than linked, so that without kvm.ko the module refuses
 * to load with its own message instead of unresolved symbols.
 */
static struct tracepoint *kn_tp_entry, *kn_tp_exit;

/* Prototypes come from the target's btf_trace_* typedefs. */
static void kn_trace_entry(void *data, KN_TP_PROTO_kvm_entry)
{
	kn_hook_count(kn_entry_id);
	kn_kvm_report(vcpu_entered)(vcpu->kvm, vcpu->vcpu_idx);
}

static void kn_trace_exit(void *data, KN_TP_PROTO_kvm_exit)
{
	struct kn_exit e = {
		.vm = vcpu->kvm,
		.vcpu = vcpu->vcpu_idx,
		.level = 1,
		.code = static_call(kn_vendor_exit_code)(vcpu),
	};

	kn_hook_count(kn_exit_id);
	if (kn_guest_mode(vcpu)) {
		e.level = 2;
		e.ctx = static_call(kn_vendor_nested_ctx)(vcpu);
	}
	if (static_branch_unlikely(&kn_kvm_census))
		e.detail = static_call(kn_vendor_exit_detail)(vcpu, e.code);
	kn_kvm_report(vcpu_exited)(&e);
}

int kn_trace_attach(void)
{
	int err;

	kn_tp_entry = KN_SYM_DATA(kvm, __tracepoint_kvm_entry);
	kn_tp_exit = KN_SYM_DATA(kvm, __tracepoint_kvm_exit);
	if (!kn_tp_entry || !kn_tp_exit) {
		pr_err("cannot find KVM's kvm_entry/kvm_exit tracepoints; this kernel is not supported\n");
		return -ENOENT;
	}
	kn_entry_id = kn_hook_new_id("kvm_entry", "tracepoint");
	kn_exit_id = kn_hook_new_id("kvm_exit", "tracepoint");

	err = tracepoint_probe_register(kn_tp_entry,
					kn_trace_entry, NULL);
	if (err)
		goto err_msg;
	err = tracepoint_probe_register(kn_tp_exit,
					kn_trace_exit, NULL);
	if (err)
		goto err_entry;
	return 0;

err_entry:
	tracepoint_probe_unregister(kn_tp_entry,
				    kn_trace_entry, NULL);
	tracepoint_synchronize_unregister();
err_msg:
	pr_err("cannot attach to KVM's tracepoints (%d)\n", err);
	return err;
}

void kn_trace_detach(void)
{
	tracepoint_probe_unregister(kn_tp_exit, kn_trace_exit, NULL);
	tracepoint_probe_unregister(kn_tp_entry,
				    kn_trace_entry, NULL);
	tracepoint_synchronize_unregister();
}
