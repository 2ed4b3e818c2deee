// SPDX-License-Identifier: GPL-2.0-only
/*
 * What kvm-nest sees of exits and nested entries.  A VM's own exits are
 * KVM's to count (stat.exits): no probe runs on them unless the census
 * is on, which is what keeps a level-1 exit as fast as without kvm-nest.
 * Nested exits are reported by the vendor redirect that runs on each of
 * them anyway; nested entries by a probe on kvm_nested_vmenter.
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

static unsigned int kn_exit_id, kn_nested_id;
/*
 * Looked up rather than linked, so that without kvm.ko the module refuses
 * to load with its own message instead of unresolved symbols.
 */
static struct tracepoint *kn_tp_exit, *kn_tp_nested;

/* Slots are written only once a policy is forwarded (deep delegation). */
static DEFINE_STATIC_KEY_FALSE(kn_kvm_slots);

/* Census only: an exit of a VM itself.  Nested ones come from redirects. */
static void kn_trace_exit(void *data, KN_TP_PROTO_kvm_exit)
{
	struct kn_exit e = {
		.vm = vcpu->kvm,
		.vcpu = vcpu->vcpu_idx,
		.level = 1,
	};

	kn_hook_count(kn_exit_id);
	if (kn_guest_mode(vcpu))
		return;
	e.code = static_call(kn_vendor_exit_code)(vcpu);
	e.detail = static_call(kn_vendor_exit_detail)(vcpu, e.code);
	kn_kvm_report(vcpu_exited)(&e);
}

void kn_nested_exit_report(struct kvm_vcpu *vcpu, u32 code, u64 ctx)
{
	struct kn_exit e = {
		.vm = vcpu->kvm,
		.vcpu = vcpu->vcpu_idx,
		.level = 2,
		.ctx = ctx,
		.code = code,
	};

	if (static_branch_unlikely(&kn_kvm_census))
		e.detail = static_call(kn_vendor_exit_detail)(vcpu, code);
	kn_kvm_report(vcpu_exited)(&e);
}

/*
 * A vCPU of ours enters its nested guest (VMRUN, VMLAUNCH/VMRESUME, RSM,
 * nested state loaded).  The tracepoint does not name the vCPU; KVM runs
 * it on this CPU, preemption off.  a2 is vmcb12's/vmcs12's address.
 */
static void kn_trace_nested(void *data, KN_TP_PROTO_kvm_nested_vmenter)
{
	struct kvm_vcpu *vcpu = kvm_get_running_vcpu();
	struct kn_nested_entry e;

	kn_hook_count(kn_nested_id);
	if (!vcpu)
		return;
	kn_kvm_report(nested_run)(vcpu->kvm, vcpu->vcpu_idx);
	if (static_branch_unlikely(&kn_kvm_slots) &&
	    static_call(kn_vendor_nested_entry)(vcpu, a2, &e))
		kn_kvm_report(nested_entered)(vcpu->kvm, vcpu->vcpu_idx, &e);
}

int kn_trace_attach(void)
{
	int err;

	kn_tp_exit = KN_SYM_DATA(kvm, __tracepoint_kvm_exit);
	kn_tp_nested = KN_SYM_DATA(kvm, __tracepoint_kvm_nested_vmenter);
	if (!kn_tp_exit || !kn_tp_nested) {
		pr_err("cannot find KVM's kvm_exit/kvm_nested_vmenter tracepoints; this kernel is not supported\n");
		return -ENOENT;
	}
	kn_exit_id = kn_hook_new_id("kvm_exit", "tracepoint");
	kn_nested_id = kn_hook_new_id("kvm_nested_vmenter", "tracepoint");

	err = tracepoint_probe_register(kn_tp_nested, kn_trace_nested, NULL);
	if (err)
		pr_err("cannot attach to KVM's kvm_nested_vmenter tracepoint (%d)\n",
		       err);
	return err;
}

void kn_kvm_watch_nested_entries(void)
{
	static_branch_enable(&kn_kvm_slots);
}

static DEFINE_MUTEX(kn_census_lock);
static bool kn_census_on, kn_census_closed;	/* kn_census_lock */

int kn_kvm_census_set(bool on)
{
	int err = 0;

	mutex_lock(&kn_census_lock);
	if (kn_census_closed) {
		err = -ESHUTDOWN;
	} else if (on && !kn_census_on) {
		err = tracepoint_probe_register(kn_tp_exit, kn_trace_exit,
						NULL);
		if (!err)
			static_branch_enable(&kn_kvm_census);
	} else if (!on && kn_census_on) {
		static_branch_disable(&kn_kvm_census);
		tracepoint_probe_unregister(kn_tp_exit, kn_trace_exit, NULL);
		tracepoint_synchronize_unregister();
	}
	if (!err)
		kn_census_on = on;
	mutex_unlock(&kn_census_lock);
	return err;
}

bool kn_kvm_census_get(void)
{
	return static_key_enabled(&kn_kvm_census);
}

void kn_trace_detach(void)
{
	kn_kvm_census_set(false);
	mutex_lock(&kn_census_lock);
	kn_census_closed = true;
	mutex_unlock(&kn_census_lock);
	tracepoint_probe_unregister(kn_tp_nested, kn_trace_nested, NULL);
	tracepoint_synchronize_unregister();
	static_branch_disable(&kn_kvm_slots);
}
