// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kn_slot.h"
#include "kn_tap.h"

void *kn_slot_add(struct kn_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		  uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size,
	};
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (mem == MAP_FAILED)
		kn_die("mmap memslot");
	r.userspace_addr = (uint64_t)mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		kn_die("KVM_SET_USER_MEMORY_REGION");
	return mem;
}
