/* SPDX-License-Identifier: GPL-2.0 */
/* Host side: a VM with one memslot at GPA 0, identity-mapped, 64-bit. */
#ifndef KN_VM_H
#define KN_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "kn_ucall.h"

#define KN_PAGE_SIZE	4096UL
#define KN_MEM_DEFAULT	(32UL << 20)
#define KN_MAX_VCPUS	4
#define KN_STACK_SIZE	(64UL << 10)

/* Segment selectors of the GDT the host builds. */
#define KN_SEL_CODE	0x08
#define KN_SEL_DATA	0x10
#define KN_SEL_TSS	0x18

enum kn_vendor { KN_VENDOR_OTHER, KN_AMD, KN_INTEL };

/*
 * Set by kn_vm_create() before the image is copied, so guest code reads
 * the same value without executing CPUID (which would be an exit).
 */
extern enum kn_vendor kn_vendor;

typedef void kn_guest_fn(uint64_t arg);

struct kn_uc {
	uint32_t cmd, line;
	char file[128];
	char msg[256];
	uint64_t args[KN_UC_ARGS];
};

struct kn_vcpu {
	struct kn_vm *vm;
	int fd;
	struct kvm_run *run;
	struct kn_uc uc;		/* the last ucall */
};

struct kn_vm {
	int kvm;
	int fd;
	uint8_t *mem;
	uint64_t mem_size;
	uint64_t brk;			/* next free guest-physical byte */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
	uint64_t cr3, gdt, idt, tss;	/* set by kn_long_mode_build() */
	unsigned int nr_vcpus;
	struct kn_vcpu vcpu[KN_MAX_VCPUS];
};

/* These exit the test (skip or bail) instead of returning errors. */
void kn_vm_create(struct kn_vm *vm, uint64_t mem_size);
void kn_vm_destroy(struct kn_vm *vm);
struct kn_vcpu *kn_vcpu_add(struct kn_vm *vm, kn_guest_fn *entry, uint64_t arg);
uint64_t kn_vm_alloc(struct kn_vm *vm, uint64_t bytes);
void *kn_gpa(struct kn_vm *vm, uint64_t gpa, uint64_t len);
/* The host's view of a guest global: same address, guest's copy. */
#define KN_GUEST_VAR(vm, var) ((__typeof__(&(var)))kn_gpa((vm), (uint64_t)&(var), sizeof(var)))
bool kn_vm_cpuid_has(struct kn_vm *vm, uint32_t leaf, char reg, unsigned int bit);
/* Skip the test unless KVM offers SVM/VMX to its guests. */
void kn_vm_require_nested(struct kn_vm *vm);

/* kn_image.c: copy our own PT_LOAD segments; returns the image's end. */
uint64_t kn_image_load(struct kn_vm *vm);
/* kn_long_mode.c: page tables, GDT, TSS, IDT; then the vCPU's 64-bit sregs. */
void kn_long_mode_build(struct kn_vm *vm);
void kn_long_mode_sregs(struct kn_vm *vm, struct kvm_sregs *sregs);

/* kn_run.c */
/* Runs until a ucall; returns SYNC or DONE, or NONE if a signal hit. */
enum kn_uc_cmd kn_vcpu_run(struct kn_vcpu *vcpu);
/* Runs and insists on @cmd; returns the ucall's first argument. */
uint64_t kn_vcpu_expect(struct kn_vcpu *vcpu, enum kn_uc_cmd cmd);

#endif
