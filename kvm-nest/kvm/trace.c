// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probes on KVM's exported entry/exit tracepoints: every exit to this
 * kernel, from any level, with the time since the matching entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/tracepoint.h>

#include "boundary.h"
#include "layout.h"
#include "ops.h"
#include "sym.h"
#include "trace.h"
#include "vendor.h"

static unsigned int kn_entry_id, kn_exit_id, kn_nested_id;
/*
 * Looked up rather than linked, so that without kvm.ko the module refuses
 * to load with its own message instead of unresolved symbols.
 */
static struct tracepoint *kn_tp_entry, *kn_tp_exit, *kn_tp_nested;

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

/*
 * A vCPU of ours enters its nested guest (VMRUN, VMLAUNCH/VMRESUME, RSM):
 * rare next to exits.  The tracepoint does not name the vCPU; KVM runs
 * it on this CPU, preemption off.  a2 is vmcb12's/vmcs12's address.
 */
static void kn_trace_nested(void *data, KN_TP_PROTO_kvm_nested_vmenter)
{
	struct kvm_vcpu *vcpu = kvm_get_running_vcpu();
	struct kn_nested_entry e;

	kn_hook_count(kn_nested_id);
	if (vcpu && static_call(kn_vendor_nested_entry)(vcpu, a2, &e))
		kn_kvm_report(nested_entered)(vcpu->kvm, vcpu->vcpu_idx, &e);
}

int kn_trace_attach(void)
{
	int err;

	kn_tp_entry = KN_SYM_DATA(kvm, __tracepoint_kvm_entry);
	kn_tp_exit = KN_SYM_DATA(kvm, __tracepoint_kvm_exit);
	kn_tp_nested = KN_SYM_DATA(kvm, __tracepoint_kvm_nested_vmenter);
	if (!kn_tp_entry || !kn_tp_exit || !kn_tp_nested) {
		pr_err("cannot find KVM's kvm_entry/kvm_exit/kvm_nested_vmenter tracepoints; this kernel is not supported\n");
		return -ENOENT;
	}
	kn_entry_id = kn_hook_new_id("kvm_entry", "tracepoint");
	kn_exit_id = kn_hook_new_id("kvm_exit", "tracepoint");
	kn_nested_id = kn_hook_new_id("kvm_nested_vmenter", "tracepoint");

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

/* Registered on first use: a kernel with no parent never pays for it. */
static DEFINE_MUTEX(kn_nested_lock);
static bool kn_nested_on, kn_nested_closed;	/* kn_nested_lock */

int kn_kvm_watch_nested_entries(void)
{
	int err = 0;

	mutex_lock(&kn_nested_lock);
	if (kn_nested_closed)
		err = -ESHUTDOWN;
	else if (!kn_nested_on)
		err = tracepoint_probe_register(kn_tp_nested, kn_trace_nested,
						NULL);
	kn_nested_on |= !err;
	mutex_unlock(&kn_nested_lock);
	return err;
}

void kn_trace_detach(void)
{
	mutex_lock(&kn_nested_lock);
	if (kn_nested_on)
		tracepoint_probe_unregister(kn_tp_nested, kn_trace_nested, NULL);
	kn_nested_on = false;
	kn_nested_closed = true;
	mutex_unlock(&kn_nested_lock);
	tracepoint_probe_unregister(kn_tp_exit, kn_trace_exit, NULL);
	tracepoint_probe_unregister(kn_tp_entry,
				    kn_trace_entry, NULL);
	tracepoint_synchronize_unregister();
}
