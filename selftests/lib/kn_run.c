// SPDX-License-Identifier: GPL-2.0
/* The vCPU run loop: ucalls come back, anything else fails the test. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kn_tap.h"
#include "kn_vm.h"

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN (triple fault)",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
};

static void guest_string(struct kn_vm *vm, uint64_t gva, char *buf, size_t size)
{
	const char *s;
	size_t n;

	if (!gva || gva >= vm->mem_size) {
		snprintf(buf, size, "%s", gva ? "?" : "");
		return;
	}
	s = (const char *)vm->mem + gva;
	n = strnlen(s, vm->mem_size - gva);
	snprintf(buf, size, "%.*s", (int)n, s);
}

static bool is_ucall(struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_OUT &&
	       run->io.port == KN_UCALL_PORT && run->io.size == 4 &&
	       run->io.count == 1;
}

static void read_ucall(struct kn_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t gpa = *(uint32_t *)((char *)run + run->io.data_offset);
	const struct kn_ucall *uc = kn_gpa(vcpu->vm, gpa, sizeof(*uc));

	vcpu->uc.cmd = uc->cmd;
	vcpu->uc.line = uc->line;
	memcpy(vcpu->uc.args, uc->args, sizeof(uc->args));
	guest_string(vcpu->vm, uc->file, vcpu->uc.file, sizeof(vcpu->uc.file));
	guest_string(vcpu->vm, uc->msg, vcpu->uc.msg, sizeof(vcpu->uc.msg));
}

static noreturn void bad_exit(struct kn_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	unsigned int r = run->exit_reason;
	struct kvm_regs regs = { 0 };

	ioctl(vcpu->fd, KVM_GET_REGS, &regs);
	kn_diag("rip=%#llx rsp=%#llx rax=%#llx", regs.rip, regs.rsp, regs.rax);
	if (r == KVM_EXIT_IO)
		kn_diag("port %#x size %u dir %u", run->io.port, run->io.size,
			run->io.direction);
	else if (r == KVM_EXIT_MMIO)
		kn_diag("gpa %#llx (outside the memslot?)", run->mmio.phys_addr);
	else if (r == KVM_EXIT_FAIL_ENTRY)
		kn_diag("hardware entry failure reason %#llx",
			run->fail_entry.hardware_entry_failure_reason);
	else if (r == KVM_EXIT_INTERNAL_ERROR)
		kn_diag("suberror %u", run->internal.suberror);
	kn_bail("vCPU %ld: unexpected exit %u %s", (long)(vcpu - vcpu->vm->vcpu),
		r, r < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[r] ?
		exit_names[r] : "");
}

enum kn_uc_cmd kn_vcpu_run(struct kn_vcpu *vcpu)
{
	struct kn_uc *uc = &vcpu->uc;

	if (ioctl(vcpu->fd, KVM_RUN, NULL) < 0) {
		if (errno == EINTR)
			return KN_UC_NONE;
		kn_die("KVM_RUN");
	}
	if (!is_ucall(vcpu->run))
		bad_exit(vcpu);
	read_ucall(vcpu);
	switch (uc->cmd) {
	case KN_UC_SYNC:
	case KN_UC_DONE:
		return uc->cmd;
	case KN_UC_FAIL:
		kn_bail("guest assertion %s:%u: %s (%#lx, %#lx)", uc->file,
			uc->line, uc->msg, uc->args[0], uc->args[1]);
	case KN_UC_EXCEPTION:
		kn_bail("guest exception %lu, error code %#lx, at rip %#lx",
			uc->args[0], uc->args[1], uc->args[2]);
	default:
		kn_bail("unknown ucall %u from %s:%u", uc->cmd, uc->file, uc->line);
	}
}

uint64_t kn_vcpu_expect(struct kn_vcpu *vcpu, enum kn_uc_cmd cmd)
{
	enum kn_uc_cmd got;

	do
		got = kn_vcpu_run(vcpu);
	while (got == KN_UC_NONE);
	if (got != cmd)
		kn_bail("guest sent ucall %u from %s:%u, expected %u", got,
			vcpu->uc.file, vcpu->uc.line, cmd);
	return vcpu->uc.args[0];
}
