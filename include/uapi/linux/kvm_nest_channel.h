/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * The kvm-nest channel: how the kvm-nest of a guest kernel (the child)
 * talks to the kvm-nest of the kernel that runs it (the parent).  See
 * Documentation/channel.rst.
 *
 * Transport
 * ---------
 * A KVM hypercall (VMCALL or VMMCALL) from CPL 0 in 64-bit mode, outside
 * of guest mode of the child's own nested guests:
 *
 *   RAX = KVM_NEST_HC            RBX = op
 *   RCX = guest-physical address of the op's buffer in the child
 *   RDX = length of that buffer in bytes
 *
 * The parent answers in RAX: 0 or a positive value on success, a negative
 * KVM_NEST_E* on failure.  A parent without kvm-nest answers -KVM_ENOSYS
 * (-1000), as KVM does for every unknown hypercall, and the child then
 * works alone.  A child only calls after CPUID says it runs on KVM.
 *
 * The parent copies the buffer before looking at it, checks every value,
 * bounds every size and limits the rate of calls per VM: every call of
 * ours counts, malformed ones and revocations too, and past the limit the
 * answer is -KVM_NEST_EBUSY.  A bad call gets an error and changes
 * nothing, except that a DELEGATE refused for the rate still revokes the
 * policy of its ctx (every policy with KVM_NEST_DELEG_F_REVOKE_ALL, or if
 * its header cannot be read): a refusal never leaves in place a policy
 * the child meant to change.
 *
 * KVM_NEST_CH_HELLO
 *   The buffer is a struct kvm_nest_ch_hello.  The child fills version and
 *   features; the parent writes back the version both speak, the features
 *   both have, and depth: the child's level below the parent's host (the
 *   parent's own depth plus one).
 *
 * KVM_NEST_CH_REPORT
 *   The buffer holds netlink attributes (struct nlattr, 4-byte aligned), at
 *   most KVM_NEST_CH_REPORT_MAX bytes: one KVM_NEST_CH_A_DOLL nest per doll
 *   of the child, whole tree, parents before children.  Each nest holds
 *   KVM_NEST_A_DOLL_* attributes of include/uapi/linux/kvm_nest.h:
 *     ID (u32, the child's id, non-zero), PARENT (u32, the child's id of
 *     the parent, 0 for the child's level-1 dolls), LEVEL (u32, 1 to
 *     KVM_NEST_CH_MAX_LEVEL, as the child sees it), and optionally NAME,
 *     PID, VCPUS, MEM, GUEST_NS, EXITS, REFLECTED, DELEG_OFF (u32,
 *     KVM_NEST_DELEG_* switched off at the doll, where the child knows);
 *     for the child's level-1 dolls, the guest-physical addresses of the
 *     vmcbs/vmcss the child runs them with, which the parent sees as
 *     vmcb12/vmcs12 addresses:
 *     KVM_NEST_CH_A_CTX_SELF (u64, multi): those that run the doll itself
 *       (KVM's vmcb01/vmcs01 of each of its vCPUs);
 *     KVM_NEST_CH_A_CTX_NESTED (u64, multi): those that run the doll's own
 *       nested guests (vmcb02/vmcs02).
 *   Each nest may also carry the doll's envelope (KVM_NEST_A_DOLL_ENV) and
 *   its usage (KVM_NEST_A_DOLL_USAGE_CPU, KVM_NEST_A_DOLL_USAGE_MEM) as
 *   the child measured them.
 *   The report replaces the previous one.  At most KVM_NEST_CH_MAX_DOLLS
 *   dolls and KVM_NEST_CH_MAX_CTX addresses of each kind per doll.  RAX
 *   is the number of commands waiting for the child: fetch them.
 *
 * KVM_NEST_CH_FETCH
 *   The child offers a buffer of at most KVM_NEST_CH_FETCH_MAX bytes; the
 *   parent fills it with netlink attributes and answers their length:
 *     KVM_NEST_CH_A_SELF: nest of KVM_NEST_A_ENV_*, the child's own
 *       envelope as the parent holds it (only the fields that are set);
 *     KVM_NEST_CH_A_USAGE_CPU (u32, milli-CPUs) and _USAGE_MEM (u64,
 *       bytes): the child's use of it, as the parent measured it;
 *     KVM_NEST_CH_A_CMD, multi: a command for one of the child's dolls:
 *       KVM_NEST_A_DOLL_COOKIE (u64), KVM_NEST_CH_A_OP (u32: one of
 *       KVM_NEST_CMD_ENV_SET, _ENV_DEL, _PING, _DELEG_SET, or
 *       KVM_NEST_CH_OP_DELEG_RESEND),
 *       KVM_NEST_A_DOLL_ID (the child's id), for ENV_SET a
 *       KVM_NEST_A_DOLL_ENV nest of the fields to change and maybe
 *       KVM_NEST_A_DOLL_DRY_RUN, for DELEG_SET (the delegate switch of a
 *       doll whose policy the child holds or forwards)
 *       KVM_NEST_A_DOLL_DELEG_CLASSES (u32, non-empty KVM_NEST_DELEG_*)
 *       and KVM_NEST_A_DOLL_DELEG_ON (u8, 1 on, 0 off).
 *   A command is handed out once.  The child runs it, wherever the doll
 *   is, and answers with KVM_NEST_CH_REPLY; one it cannot take (an op it
 *   does not know or above 255, a missing or malformed attribute) it
 *   answers with an error and the reason, if it can read its cookie.
 *
 * KVM_NEST_CH_REPLY
 *   At most KVM_NEST_CH_REPLY_MAX bytes of attributes: KVM_NEST_A_DOLL_
 *   COOKIE of the command, KVM_NEST_A_DOLL_ERROR (u32, a positive errno, 0
 *   on success), KVM_NEST_A_DOLL_HOPS (u32, hops below the child) and
 *   optionally KVM_NEST_A_DOLL_MSG (string, why it failed).  A cookie
 *   that was not handed to this child is refused.
 *
 * KVM_NEST_CH_DELEGATE
 *   The buffer is a struct kvm_nest_ch_delegate followed by nr_cpuid
 *   struct kvm_nest_ch_cpuid, then nr_msr struct kvm_nest_ch_msr; RDX is
 *   exactly that length (32 + 32 * nr_cpuid + 16 * nr_msr bytes), at
 *   most KVM_NEST_CH_DELEGATE_MAX.  The child, as the hypervisor of a
 *   nested guest, lets the parent answer that guest's exits of the given classes
 *   itself, without a round trip through the child.  ctx is the guest-
 *   physical address of the vmcb/vmcs the child runs the guest's vCPU
 *   with (the vmcb12/vmcs12 the parent sees); it is only a key, never
 *   read.  A policy replaces the previous one of that ctx; classes 0
 *   revokes it, and KVM_NEST_DELEG_F_REVOKE_ALL (ctx 0) revokes every
 *   policy of the child.  At most KVM_NEST_DELEG_MAX_CTX policies per
 *   child (-KVM_NEST_ENOSPC beyond).  CPUID: the parent answers only
 *   exact hits of the table (function, and index when flags has
 *   KVM_CPUID_FLAG_SIGNIFCANT_INDEX), only at CPL 0, and never the leaves
 *   the hypervisor computes at run time (0x1, 0x7, 0xb, 0xd, 0x12, 0x1f,
 *   0x40000000-0x4fffffff): a table holding one is refused, and so is
 *   one with two entries for one key, or a function with both indexed
 *   and unindexed entries (the answer would depend on order).  RDMSR:
 *   the parent answers reads of the listed MSRs with their values, only
 *   of MSRs on its allowlist (feature and capability MSRs that stay put:
 *   0x8b, 0xce, 0xfe, 0x10a, 0x1a0, 0x345, 0x480-0x491, 0xc0011029; see
 *   Documentation/delegation.rst), once each, and only when the child
 *   intercepts both reads and writes of that MSR for the guest; entries
 *   need the RDMSR class.  A write of a listed MSR by the guest drops it
 *   from the policy before the child sees the write.  PAUSE: the parent
 *   yields the guest's vCPU and moves it past the instruction.  Anything
 *   else still exits to the child as before.
 *   inner, when not 0, forwards a policy one level down (deep
 *   delegation): the child got it, for ctx, from the hypervisor of one of
 *   its own VMs, which the child names inner (below 1 << 24; ctx then
 *   below 1 << 52).  Such a policy answers only exits that a slot (below)
 *   says come from that VM's nested guest on ctx, and RDMSR only of the
 *   MSRs that slot lists.
 *   REVOKE_ALL with inner revokes every policy of that inner VM only.
 *
 * KVM_NEST_CH_SLOT
 *   RCX is a context of the child (the GPA of a vmcb02/vmcs02 it runs a
 *   nested guest of its VM with), RDX the GPA of a struct
 *   kvm_nest_ch_slot, 64-byte aligned, or 0 to drop it.  At an exit of
 *   that context the parent reads the slot: the child's kvm-nest writes
 *   it on the vCPU that runs the context, before each entry into it, and
 *   clears it when the context's nested state starts over.  The parent
 *   acts on it only if seq is even, seq_end equals seq, ctx is the
 *   exit's context and inner is not 0; it then answers from the inner
 *   policy (inner, inner_ctx) the classes the slot lists, and RDMSR only
 *   of an MSR in msr[nr_msr] (a list longer than KVM_NEST_SLOT_MSRS, not
 *   ascending or with an MSR off the allowlist answers none).  A write
 *   of an MSR by that guest drops it from the inner policy, listed or
 *   not.  At most
 *   KVM_NEST_SLOT_MAX slots per child (-KVM_NEST_ENOSPC beyond).
 */
#ifndef _UAPI_LINUX_KVM_NEST_CHANNEL_H
#define _UAPI_LINUX_KVM_NEST_CHANNEL_H

#include <linux/types.h>

/* 'K' 'N' and a serial: far from KVM's own hypercall numbers. */
#define KVM_NEST_HC			0x4b4e0001

#define KVM_NEST_CH_VERSION		1

enum {
	KVM_NEST_CH_HELLO = 1,
	KVM_NEST_CH_REPORT = 2,
	KVM_NEST_CH_FETCH = 3,
	KVM_NEST_CH_REPLY = 4,
	KVM_NEST_CH_DELEGATE = 5,
	KVM_NEST_CH_SLOT = 6,
};

/* Negative results in RAX, beyond KVM's own -KVM_ENOSYS/-KVM_EPERM. */
#define KVM_NEST_EINVAL			22	/* malformed buffer or value */
#define KVM_NEST_EFAULT			14	/* buffer outside the child's memory */
#define KVM_NEST_E2BIG			7	/* over a size bound */
#define KVM_NEST_EBUSY			16	/* rate limit: call again later */
#define KVM_NEST_EPROTO			71	/* no HELLO yet, or no common version */
#define KVM_NEST_ENOSPC			28	/* a table of the parent is full */

struct kvm_nest_ch_hello {
	__u32 version;
	__u32 features;
	__u32 depth;
	__u32 reserved;		/* zero */
};

#define KVM_NEST_CH_REPORT_MAX		(64 * 1024)
#define KVM_NEST_CH_MAX_DOLLS		256
#define KVM_NEST_CH_MAX_CTX		64
#define KVM_NEST_CH_MAX_LEVEL		8
#define KVM_NEST_CH_FETCH_MAX		4096
#define KVM_NEST_CH_REPLY_MAX		1024

/*
 * Report attributes that are not doll attributes; their numbers continue
 * after the KVM_NEST_A_DOLL_* space so that one policy covers a nest.
 */
#define KVM_NEST_CH_A_DOLL		1	/* top level: one doll */
#define KVM_NEST_CH_A_SELF		2	/* FETCH: nest, envelope */
#define KVM_NEST_CH_A_USAGE_CPU		3	/* FETCH: u32 */
#define KVM_NEST_CH_A_USAGE_MEM		4	/* FETCH: u64 */
#define KVM_NEST_CH_A_CMD		5	/* FETCH: nest, multi */
#define KVM_NEST_CH_A_PAD		6
#define KVM_NEST_CH_A_CTX_SELF		64	/* inside a doll: u64, multi */
#define KVM_NEST_CH_A_CTX_NESTED	65	/* inside a doll: u64, multi */
#define KVM_NEST_CH_A_OP		66	/* inside a command: u32 */

/*
 * Commands of the channel alone (KVM_NEST_CH_A_OP), above the netlink
 * commands and below 256.  DELEG_RESEND (DOLL_ID 0): the parent dropped
 * every policy and slot of the child without being asked (the child's
 * nested state started over: loadvm, INIT, SVM or VMX turned off); send
 * them all again.  A child that predates it answers ENOENT.
 */
#define KVM_NEST_CH_OP_DELEG_RESEND	0x80

/*
 * Classes of exits a parent may answer for its child (DELEGATE).  PAUSE
 * carries no data: the parent yields the vCPU as its own KVM would.
 */
#define KVM_NEST_DELEG_CPUID		(1U << 0)
#define KVM_NEST_DELEG_RDMSR		(1U << 1)
#define KVM_NEST_DELEG_PAUSE		(1U << 2)
#define KVM_NEST_DELEG_ALL		(KVM_NEST_DELEG_CPUID | \
					 KVM_NEST_DELEG_RDMSR | \
					 KVM_NEST_DELEG_PAUSE)

#define KVM_NEST_DELEG_F_REVOKE_ALL	(1U << 0)

#define KVM_NEST_DELEG_MAX_CPUID	256	/* KVM's KVM_MAX_CPUID_ENTRIES */
#define KVM_NEST_DELEG_MAX_MSR		32
#define KVM_NEST_DELEG_MAX_CTX		256	/* policies per child */

/* One CPUID answer, as struct kvm_cpuid_entry2 holds it. */
struct kvm_nest_ch_cpuid {
	__u32 function;
	__u32 index;
	__u32 flags;		/* 0 or KVM_CPUID_FLAG_SIGNIFCANT_INDEX */
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 reserved;		/* zero */
};

/* One RDMSR answer: EDX:EAX of a read of MSR index. */
struct kvm_nest_ch_msr {
	__u32 index;
	__u32 reserved;		/* zero */
	__u64 value;
};

struct kvm_nest_ch_delegate {
	__u64 ctx;		/* vmcb12/vmcs12 GPA, 4 KiB aligned */
	__u32 classes;		/* KVM_NEST_DELEG_*; 0 revokes */
	__u32 flags;		/* KVM_NEST_DELEG_F_* */
	__u32 nr_cpuid;
	__u32 nr_msr;		/* was reserved: 0 in older children */
	__u32 inner;		/* was reserved: 0 for the child's own */
	__u32 reserved;		/* zero */
	struct kvm_nest_ch_cpuid cpuid[];
	/* then struct kvm_nest_ch_msr msr[nr_msr] */
};

#define KVM_NEST_DELEG_INNER_MAX	((1U << 24) - 1)
#define KVM_NEST_SLOT_MAX		1024	/* slots per child */

#define KVM_NEST_SLOT_MSRS		7	/* MSRs a slot lists */

/* What runs on one context of the child, as its kvm-nest last entered it. */
struct kvm_nest_ch_slot {
	__u32 seq;		/* odd while the child writes it */
	__u32 inner;		/* the inner VM, as DELEGATE names it; 0: none */
	__u64 ctx;		/* the context the slot is for */
	__u64 inner_ctx;	/* the inner VM's context of its nested guest */
	__u32 classes;		/* KVM_NEST_DELEG_* the inner VM intercepts */
	__u32 seq_end;		/* seq once the slot is whole */
	/*
	 * Read only with KVM_NEST_DELEG_RDMSR in classes (older children
	 * wrote 32 bytes): the MSRs whose reads the inner VM intercepts,
	 * ascending, each once; seq and seq_end cover them too.
	 */
	__u32 nr_msr;
	__u32 msr[KVM_NEST_SLOT_MSRS];
};

#define KVM_NEST_CH_DELEGATE_MAX	(sizeof(struct kvm_nest_ch_delegate) + \
					 KVM_NEST_DELEG_MAX_CPUID * \
					 sizeof(struct kvm_nest_ch_cpuid) + \
					 KVM_NEST_DELEG_MAX_MSR * \
					 sizeof(struct kvm_nest_ch_msr))

#endif /* _UAPI_LINUX_KVM_NEST_CHANNEL_H */
