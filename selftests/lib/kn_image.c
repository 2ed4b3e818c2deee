// SPDX-License-Identifier: GPL-2.0
/*
 * Copy our own PT_LOAD segments into guest memory at their link addresses.
 * The binary is static and not PIE, so with identity-mapped guest memory a
 * guest function is called by its host address. The segments are copied
 * from our running image rather than from the file, so globals the host
 * set before kn_vm_create() are what the guest sees.
 */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "kn_tap.h"
#include "kn_vm.h"

uint64_t kn_image_load(struct kn_vm *vm)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	uint64_t end = 0;

	if (!ph || !n)
		kn_bail("no program headers in the auxiliary vector");
	for (unsigned long i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		memcpy(kn_gpa(vm, ph[i].p_vaddr, ph[i].p_memsz),
		       (const void *)ph[i].p_vaddr, ph[i].p_memsz);
		if (ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return end;
}
