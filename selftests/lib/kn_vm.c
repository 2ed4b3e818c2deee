// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

enum kn_vendor kn_vendor;

#define KN_CPUID_MAX 256

static int kvm_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		kn_die(what);
	return r;
}

static enum kn_vendor host_vendor(void)
{
	struct kn_cpuid c = kn_cpuid(0, 0);
	char id[13];

	memcpy(id, &c.ebx, 4);
	memcpy(id + 4, &c.edx, 4);
	memcpy(id + 8, &c.ecx, 4);
	id[12] = 0;
	if (!strcmp(id, "AuthenticAMD") || !strcmp(id, "HygonGenuine"))
		return KN_AMD;
	if (!strcmp(id, "GenuineIntel"))
		return KN_INTEL;
	return KN_VENDOR_OTHER;
}

static void open_kvm(struct kn_vm *vm)
{
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0) {
		if (errno == ENOENT || errno == EACCES || errno == ENXIO)
			kn_skip_rest("/dev/kvm: %s", strerror(errno));
		kn_die("/dev/kvm");
	}
	if (ioctl(vm->kvm, KVM_GET_API_VERSION, NULL) != KVM_API_VERSION)
		kn_bail("unexpected KVM API version");

	vm->cpuid = calloc(1, sizeof(*vm->cpuid) +
			   KN_CPUID_MAX * sizeof(vm->cpuid->entries[0]));
	if (!vm->cpuid)
		kn_die("calloc");
	vm->cpuid->nent = KN_CPUID_MAX;
	kvm_ioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, vm->cpuid,
		  "KVM_GET_SUPPORTED_CPUID");
}

void kn_vm_create(struct kn_vm *vm, uint64_t mem_size)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
	};

	memset(vm, 0, sizeof(*vm));
	kn_vendor = host_vendor();
	open_kvm(vm);
	vm->fd = kvm_ioctl(vm->kvm, KVM_CREATE_VM, NULL, "KVM_CREATE_VM");

	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		kn_die("mmap guest memory");
	slot.userspace_addr = (uint64_t)vm->mem;
	kvm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot,
		  "KVM_SET_USER_MEMORY_REGION");

	vm->brk = kn_image_load(vm);
	kn_long_mode_build(vm);
}

void kn_vm_destroy(struct kn_vm *vm)
{
	size_t run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);

	/* Every mapping and fd holds a reference: all must go for KVM to free the VM. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->vcpu[i].run, run_size);
		close(vm->vcpu[i].fd);
	}
	close(vm->fd);
	close(vm->kvm);
	munmap(vm->mem, vm->mem_size);
	free(vm->cpuid);
	memset(vm, 0, sizeof(*vm));
}

uint64_t kn_vm_alloc(struct kn_vm *vm, uint64_t bytes)
{
	uint64_t gpa = (vm->brk + KN_PAGE_SIZE - 1) & ~(KN_PAGE_SIZE - 1);

	if (gpa + bytes > vm->mem_size || gpa + bytes < gpa)
		kn_bail("guest memory exhausted (%#lx bytes at %#lx, size %#lx)",
			bytes, gpa, vm->mem_size);
	vm->brk = gpa + bytes;
	memset(vm->mem + gpa, 0, bytes);
	return gpa;
}

void *kn_gpa(struct kn_vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa > vm->mem_size || len > vm->mem_size - gpa)
		kn_bail("guest range %#lx+%#lx is outside guest memory", gpa, len);
	return vm->mem + gpa;
}

bool kn_vm_cpuid_has(struct kn_vm *vm, uint32_t leaf, char reg, unsigned int bit)
{
	for (uint32_t i = 0; i < vm->cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];
		uint32_t v;

		if (e->function != leaf || e->index != 0)
			continue;
		v = reg == 'a' ? e->eax : reg == 'b' ? e->ebx :
		    reg == 'c' ? e->ecx : e->edx;
		return v >> bit & 1;
	}
	return false;
}

void kn_vm_require_nested(struct kn_vm *vm)
{
	if (kn_vendor == KN_AMD && !kn_vm_cpuid_has(vm, 0x80000001, 'c', 2))
		kn_skip_rest("KVM offers no SVM to guests (kvm_amd nested=0?)");
	if (kn_vendor == KN_INTEL && !kn_vm_cpuid_has(vm, 1, 'c', 5))
		kn_skip_rest("KVM offers no VMX to guests (kvm_intel nested=0?)");
	if (kn_vendor == KN_VENDOR_OTHER)
		kn_skip_rest("CPU vendor is neither AMD nor Intel");
}

struct kn_vcpu *kn_vcpu_add(struct kn_vm *vm, kn_guest_fn *entry, uint64_t arg)
{
	extern char kn_guest_start[];
	struct kn_vcpu *vcpu;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int run_size;

	if (vm->nr_vcpus == KN_MAX_VCPUS)
		kn_bail("more than %d vCPUs", KN_MAX_VCPUS);
	vcpu = &vm->vcpu[vm->nr_vcpus];
	vcpu->vm = vm;
	vcpu->fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU,
			     (void *)(unsigned long)vm->nr_vcpus, "KVM_CREATE_VCPU");
	vm->nr_vcpus++;

	run_size = kvm_ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, NULL,
			     "KVM_GET_VCPU_MMAP_SIZE");
	vcpu->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		kn_die("mmap kvm_run");

	/* CPUID first: KVM checks CR4 bits in KVM_SET_SREGS against it. */
	kvm_ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid, "KVM_SET_CPUID2");
	kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	kn_long_mode_sregs(vm, &sregs);
	kvm_ioctl(vcpu->fd, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = (uint64_t)kn_guest_start;
	regs.rax = (uint64_t)entry;
	regs.rdi = arg;
	regs.rsp = kn_vm_alloc(vm, KN_STACK_SIZE) + KN_STACK_SIZE;
	regs.rflags = 2;
	kvm_ioctl(vcpu->fd, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	return vcpu;
}
