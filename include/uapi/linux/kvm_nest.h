/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * kvm-nest generic netlink interface.
 *
 * The source of truth is Documentation/netlink/specs/kvm_nest.yaml; this
 * header must match it (make check verifies that).
 *
 * Family KVM_NEST_GENL_NAME, version KVM_NEST_GENL_VERSION, multicast
 * groups KVM_NEST_MCGRP_EVENTS and KVM_NEST_MCGRP_AGENT. The family exists in the initial network
 * namespace only: dolls are host-wide objects.
 *
 * Every user may read the shape of the tree; the rest needs CAP_NET_ADMIN
 * (Documentation/security.rst). Without it, INFO_GET has no HOOK nests
 * and no RESV_*, a doll has only ID, PATH, LEVEL, PARENT and KIND, and a
 * level only LEVEL and DOLLS. Commands that change state, and joining
 * either multicast group, need CAP_NET_ADMIN. Every request is validated
 * strictly: unknown attributes, wrong types and trailing data are
 * rejected, and the extended ack names the offending attribute.
 *
 * Dolls
 * -----
 *
 * A doll is a VM at any depth, as seen from this kernel. Level 1 is a VM
 * that this kernel's KVM runs; level 2 a nested context of one of them,
 * that is, one vmcb12/vmcs12 its hypervisor runs. Every doll has an id,
 * held by no other live doll (ids are handed out cyclically, skipping
 * those in use, so one comes back only after 2^32 - 2 others), and a
 * path: the ids from its level-1 doll down to it, joined by '/' ("3/7").
 *
 * Envelopes
 * ---------
 *
 * An envelope (nest of KVM_NEST_A_ENV_*) bounds the CPU and RAM of a doll
 * and of every doll inside it; see Documentation/envelopes.rst.
 *   KVM_NEST_A_ENV_CPU_LIMIT: u32, milli-CPUs (1500 = 1.5 CPUs)
 *   KVM_NEST_A_ENV_CPU_RESERVE: u32, milli-CPUs guaranteed
 *   KVM_NEST_A_ENV_CPU_WEIGHT: u32, 1 to 10000 (cgroup v2 cpu.weight)
 *   KVM_NEST_A_ENV_CPUS: string, CPU list of the kernel hosting the doll,
 *     "0-3,128-255": CPUs 0 to 8191, at most 32 ranges once merged, at
 *     most 4096 bytes; that kernel refuses CPUs >= its nr_cpu_ids
 *   KVM_NEST_A_ENV_MEM_LIMIT: u64, bytes
 *   KVM_NEST_A_ENV_MEM_RESERVE: u64, bytes guaranteed
 * In replies only the fields that are set appear. In requests a present
 * field is changed, and 0 (or "" for CPUS) unsets it: no own limit, no
 * reservation, default weight 100, every CPU.
 *
 * KVM_NEST_CMD_INFO_GET
 *   do. Request: no attributes. Reply:
 *     KVM_NEST_A_INFO_VERSION: string, the module's version
 *     KVM_NEST_A_INFO_VENDOR: string, "svm" or "vmx"
 *     KVM_NEST_A_INFO_KERNEL: string, the running kernel's release
 *     KVM_NEST_A_INFO_HOOK: nest, one per hook, multi-attr:
 *       KVM_NEST_A_HOOK_NAME: string, KVM function or tracepoint
 *       KVM_NEST_A_HOOK_KIND: string, "redirect", "lifecycle", "tracepoint"
 *       KVM_NEST_A_HOOK_CALLS: u64, times it ran
 *     KVM_NEST_A_INFO_DEPTH: u32, this kernel's depth below kvm-nest
 *       parents, 0 when none is above
 *     KVM_NEST_A_INFO_ENV, _USAGE_CPU (u32 milli-CPUs), _USAGE_MEM (u64):
 *       at depth 1 and more, this kernel's own envelope and use, as the
 *       parent holds and measures them
 *     KVM_NEST_A_INFO_CAP_CPU (u32), _CAP_MEM (u64): the most one doll of
 *       this kernel may have
 *     KVM_NEST_A_INFO_RESV_CPU (u32), _RESV_MEM (u64): what the dolls
 *       this kernel hosts reserve, pending envelopes included
 *     KVM_NEST_A_INFO_AGENT: flag, an agent listens (see AGENT_APPLY)
 *     KVM_NEST_A_INFO_OVERCOMMITTED: flag, at depth 1 and more: the
 *       dolls this kernel hosts reserve more than its own envelope (the
 *       parent lowered it; see Documentation/security.rst)
 *
 * KVM_NEST_CMD_DOLL_GET
 *   do: request KVM_NEST_A_DOLL_ID (u32), reply one doll.
 *   dump: no request attributes, one message per doll, each level-1 doll
 *   before its children. A dump that raced with a doll coming or going is
 *   flagged NLM_F_DUMP_INTR; retry it. A doll:
 *     KVM_NEST_A_DOLL_ID: u32
 *     KVM_NEST_A_DOLL_PATH: string
 *     KVM_NEST_A_DOLL_LEVEL: u32, 1 for this kernel's VMs, and one more
 *       at each step down
 *     KVM_NEST_A_DOLL_PARENT: u32, the parent doll's id, 0 at level 1
 *     KVM_NEST_A_DOLL_PID: u32, the VMM's process id (initial namespace)
 *     KVM_NEST_A_DOLL_NAME: string, QEMU's -name, absent when unknown
 *     KVM_NEST_A_DOLL_VCPUS: u32, level 1 only
 *     KVM_NEST_A_DOLL_MEM: u64, bytes of guest memory, level 1 only
 *     KVM_NEST_A_DOLL_CTX: u64, vmcb12/vmcs12 address, level 2 only;
 *       KVM_NEST_CTX_OVERFLOW for the doll that collects the contexts
 *       beyond the 256th of one level-1 doll
 *     KVM_NEST_A_DOLL_GUEST_NS: u64, time this context ran
 *     KVM_NEST_A_DOLL_EXITS: u64, exits to this kernel while it ran
 *     KVM_NEST_A_DOLL_REFLECTED: u64, exits forwarded to the level-1 doll
 *     KVM_NEST_A_DOLL_DELEGATED: u64, exits this kernel answered on the
 *       level-1 doll's behalf (KVM_NEST_CH_DELEGATE), level 2 only
 *     KVM_NEST_A_DOLL_EXIT: nest, one per exit code seen, multi-attr:
 *       KVM_NEST_A_EXIT_CODE: u32, SVM exit code or VMX basic reason;
 *         absent for the bucket of codes kvm-nest does not track
 *       KVM_NEST_A_EXIT_REASON: string, KVM's name for it
 *       KVM_NEST_A_EXIT_COUNT: u64
 *     KVM_NEST_A_DOLL_KIND: u32, enum kvm_nest_doll_kind
 *   A level-1 doll also has its budget of new ids for the dolls its
 *   kvm-nest reports (Documentation/security.rst, "Doll ids"):
 *     KVM_NEST_A_DOLL_IDS_MINTED: u64, ids it had
 *     KVM_NEST_A_DOLL_IDS_REFUSED: u64, reports refused for want of ids
 *   A nested context (KVM_NEST_DOLL_CTX) whose vmcb the level-1 doll's own
 *   kvm-nest reported (see kvm_nest_channel.h) also has:
 *     KVM_NEST_A_DOLL_RUNS: u32, id of the reported doll it runs
 *     KVM_NEST_A_DOLL_RUNS_NESTED: flag, it runs that doll's own guests
 *   Every doll but a nested context also has:
 *     KVM_NEST_A_DOLL_ENV: nest, its envelope (as its own kvm-nest
 *       reported it, for a reported doll)
 *     KVM_NEST_A_DOLL_USAGE_CPU: u32, milli-CPUs over the last second,
 *       measured from the guest time of the contexts that run it and its
 *       dolls; for a reported doll deeper than this kernel's contexts
 *       tell apart, as its host measured it
 *     KVM_NEST_A_DOLL_USAGE_CPU_NS: u64, that guest time in total
 *     KVM_NEST_A_DOLL_USAGE_MEM: u64, resident bytes of its VMM
 *     KVM_NEST_A_DOLL_OVERCOMMITTED: flag, the dolls its kvm-nest reports
 *       directly inside it reserve more CPU or RAM than its envelope does
 *   A doll of level 1 or 2 also has its delegated exits (see DELEG_SET),
 *   a deeper one only DELEG_OFF as the kernel holding its switches
 *   last reported it, if it did:
 *     KVM_NEST_A_DOLL_DELEG_CLASSES: u32, KVM_NEST_DELEG_* classes its
 *       hypervisor registered (kvm_nest_channel.h), for a level-1 doll
 *       those of any of its contexts
 *     KVM_NEST_A_DOLL_DELEG_OFF: u32, the classes switched off at it
 *   A reported doll (KVM_NEST_DOLL_REPORTED) has LEVEL as seen from here,
 *   VCPUS, MEM, GUEST_NS, EXITS and REFLECTED as the kernel that runs it
 *   counted them, no EXIT nests, and as measured by this kernel:
 *     KVM_NEST_A_DOLL_MEASURED_EXITS: u64, exits while it ran
 *     KVM_NEST_A_DOLL_MEASURED_NESTED_EXITS: u64, exits while its own
 *       guests ran
 *
 * KVM_NEST_CMD_LEVEL_GET
 *   dump. One message per level this kernel sees:
 *     KVM_NEST_A_LEVEL_LEVEL: u32
 *     KVM_NEST_A_LEVEL_DOLLS: u32, dolls at that level now
 *     KVM_NEST_A_LEVEL_EXITS: u64, since the module was loaded
 *     KVM_NEST_A_LEVEL_GUEST_NS: u64, since the module was loaded
 *
 * KVM_NEST_CMD_STATS_RESET  (CAP_NET_ADMIN)
 *   do. Request: KVM_NEST_A_DOLL_ID to zero one doll's counters, nothing
 *   to zero every doll's. Per-level totals are never reset.
 *
 * KVM_NEST_CMD_ENV_SET  (CAP_NET_ADMIN)
 *   do. Request: KVM_NEST_A_DOLL_ID, or KVM_NEST_A_DOLL_NAME for the
 *   pending envelope of a level-1 doll that does not exist yet (it attaches
 *   when a VM whose QEMU -name matches appears); with KVM_NEST_A_DOLL_UUID
 *   (string, 8-4-4-4-12 hex) it is that libvirt domain's: a running VM of
 *   that name neither blocks it nor gets it, and it attaches only to the
 *   VM created by the process it is bound to: NAME, UUID and
 *   KVM_NEST_A_DOLL_PID without ENV bind it (ESRCH: no such process,
 *   ENOENT: no such envelope, ESTALE: another domain's); KVM_NEST_A_DOLL_ENV with
 *   the fields to change; KVM_NEST_A_DOLL_DRY_RUN to check only. The kernel
 *   that hosts the doll checks it (admission) and has its agent enforce it;
 *   for a doll deeper than level 1 the request goes down the channel, hop
 *   by hop. That takes time (an agent up to 60 s, a child up to 90 s), so
 *   the handler never waits for it: it answers at once what it can tell
 *   at once (bad attributes; no such doll, ENOENT, or a nested context,
 *   EHOSTUNREACH, each with a refusal message as below), and otherwise
 *   queues the request and replies one KVM_NEST_CMD_ENV_SET message with
 *   KVM_NEST_A_DOLL_COOKIE (u64), then the ack. The outcome follows as
 *   KVM_NEST_CMD_RESULT_NTF. EBUSY: 64 requests are queued already.
 *   A refusal: KVM_NEST_A_DOLL_REFUSAL (string, the reason with the
 *   numbers), in a message before the error, or in RESULT_NTF; the
 *   errors: ENOSPC (does not fit), EINVAL, ENOENT, EEXIST (a doll of that
 *   name runs: use its id), EHOSTUNREACH (no kvm-nest answers at the
 *   doll's level), ENOTCONN (no agent at the hosting level), ENOBUFS (the
 *   agent could not take the request), ETIMEDOUT, or the agent's errno
 *   (for example EOPNOTSUPP: no balloon to shrink the doll).
 *
 * KVM_NEST_CMD_ENV_DEL  (CAP_NET_ADMIN)
 *   do. KVM_NEST_A_DOLL_ID: unset the doll's envelope (enforced, queued
 *   and answered like ENV_SET); KVM_NEST_A_DOLL_NAME: drop a pending
 *   envelope, at once (with KVM_NEST_A_DOLL_UUID: only if it is that
 *   domain's).
 *
 * KVM_NEST_CMD_PENDING_GET  (CAP_NET_ADMIN)
 *   dump. The pending envelopes, one message each: KVM_NEST_A_DOLL_NAME,
 *   KVM_NEST_A_DOLL_UUID for a libvirt domain's, KVM_NEST_A_DOLL_ID while
 *   it is attached to that running doll, KVM_NEST_A_DOLL_ENV (its fields
 *   set). NLM_F_DUMP_INTR when they changed during the dump.
 *
 * KVM_NEST_CMD_PING  (CAP_NET_ADMIN)
 *   do. KVM_NEST_A_DOLL_ID. Goes to the kernel that hosts the doll and
 *   back, queued like ENV_SET: the reply carries the COOKIE, and
 *   RESULT_NTF then has KVM_NEST_A_DOLL_HOPS (u32, channel hops, 0 for
 *   this kernel's VMs) and KVM_NEST_A_DOLL_RTT_NS (u64).
 *
 * KVM_NEST_CMD_RESULT_NTF
 *   The outcome of a queued ENV_SET, ENV_DEL, PING or DELEG_SET, unicast
 *   to the socket that sent it, with that request's sequence number:
 *   KVM_NEST_A_DOLL_COOKIE (the reply's), KVM_NEST_A_DOLL_ERROR (u32, a
 *   positive errno, 0 on success), KVM_NEST_A_DOLL_ID (by id), and
 *   KVM_NEST_A_DOLL_REFUSAL on a refusal, HOPS and RTT_NS for a PING. It
 *   comes within the kernel's own bounds (60 s for an agent, 90 s for a
 *   child), unless changes of one kernel queue up behind each other. A
 *   socket closed meanwhile gets nothing (its port id may be another's);
 *   the request still runs to its end.
 *
 * KVM_NEST_CMD_DELEG_SET  (CAP_NET_ADMIN)
 *   do. Switches delegated exits off or back on at this kernel.
 *   Request: KVM_NEST_A_DOLL_ID; KVM_NEST_A_DOLL_DELEG_CLASSES, u32, a
 *   non-empty set of KVM_NEST_DELEG_* classes; KVM_NEST_A_DOLL_DELEG_ON,
 *   u8, 1 on, 0 off. A class switched off is not answered here: those
 *   exits go to the hypervisor the stock way. The switch stays when the
 *   hypervisor registers its policy again. For a level-1 doll it covers
 *   every nested context of it; for a level-2 doll (a nested context, or
 *   a reported doll of level 2) the contexts that run it. A class is
 *   answered only where no switch covering the context is off. Errors:
 *   ENOENT (no such doll), EINVAL (bad classes or value; the doll that
 *   collects the contexts beyond the 256th). A doll deeper than level 2
 *   is switched by the kvm-nest that reported it, which holds its
 *   policy: as for ENV_SET by id, the request is queued, the reply
 *   carries its KVM_NEST_A_DOLL_COOKIE, and the outcome comes as
 *   RESULT_NTF, with a KVM_NEST_A_DOLL_REFUSAL naming the kernel that
 *   refused and its id of the doll. Outcomes there also: EHOSTUNREACH
 *   (no kvm-nest answers in that doll), EBUSY (16 commands wait for
 *   it), ETIMEDOUT (90 s), ESRCH (it went away), EOPNOTSUPP (its
 *   kvm-nest predates the routed switch).
 *
 * Notifications, on KVM_NEST_MCGRP_EVENTS, carry the doll's ID, PATH,
 * LEVEL, PARENT, PID and, when known, NAME:
 *   KVM_NEST_CMD_DOLL_NEW_NTF: a doll appeared.
 *   KVM_NEST_CMD_DOLL_DEL_NTF: a doll is gone, with its children.
 *   KVM_NEST_CMD_ENV_NTF: a doll's envelope changed; with its ENV.
 *   KVM_NEST_CMD_PROGRESS_NTF: how far this kernel's agent got applying
 *     the doll's envelope (a balloon), as it said in AGENT_PROGRESS:
 *     KVM_NEST_A_DOLL_PROGRESS, a nest of KVM_NEST_A_PROGRESS_*:
 *       _STATE: u32, enum kvm_nest_progress_state
 *       _MEM_START, _MEM_NOW, _MEM_TARGET: u64, bytes of guest memory
 *         when the change began, now, and asked of the balloon
 *       _ELAPSED_MS: u32, since the change began
 * and KVM_NEST_CMD_LEVEL_NTF, with only KVM_NEST_A_INFO_DEPTH: this
 * kernel's depth changed (a kvm-nest parent appeared or went away).
 * KVM_NEST_CMD_ENV_REFUSED_NTF: this kernel refused an envelope change
 * (admission, or its agent), whoever asked; dry runs are not reported.
 * A level-1 doll's ID, PATH, LEVEL, PARENT, PID and NAME, or for a
 * pending envelope only NAME and, for a domain's, UUID; then ENV (the
 * envelope refused), ERROR (u32, a positive errno) and REFUSAL (the
 * requester's reason, with its numbers). A doll deeper down is reported
 * by the kernel that hosts it, on its own events group.
 *
 * The agent
 * ---------
 *
 * Envelopes are enforced by an agent at each level ("nestctl agent"),
 * with cgroup v2 on the VMM and the virtio balloon. The kernel sends it
 * KVM_NEST_CMD_AGENT_APPLY on KVM_NEST_MCGRP_AGENT: KVM_NEST_A_DOLL_COOKIE
 * (u64), _ID, _PID, _PID_START (u64, when the VMM started, ns since boot:
 * /proc/PID/stat's starttime, so the agent can tell a reused pid), _NAME
 * (the VMM's claim, not an identity) and an ENV with every field resolved (limits 0
 * only when nothing above limits; weight and CPUS always set). The agent
 * answers KVM_NEST_CMD_AGENT_DONE (CAP_NET_ADMIN): the COOKIE, ERROR (u32,
 * a positive errno, 0 when applied) and MSG (string, the reason, shown to
 * the user). The kernel waits 60 s, and records the envelope only once
 * it is applied. It sends one request at a time: an agent that reads
 * them on a socket of its own, joined to no other group, loses none.
 * Meanwhile the agent may send KVM_NEST_CMD_AGENT_PROGRESS
 * (CAP_NET_ADMIN): the COOKIE and a PROGRESS nest with every field; the
 * kernel passes it on as PROGRESS_NTF about the request's doll (ENOENT:
 * no request waits for the cookie; EBUSY: within 100 ms of the last
 * report, or after a final DONE or FAILED one).
 */
#ifndef _UAPI_LINUX_KVM_NEST_H
#define _UAPI_LINUX_KVM_NEST_H

#define KVM_NEST_GENL_NAME	"kvm_nest"
#define KVM_NEST_GENL_VERSION	1
#define KVM_NEST_MCGRP_EVENTS	"events"
#define KVM_NEST_MCGRP_AGENT	"agent"

#define KVM_NEST_CTX_OVERFLOW	0xffffffffffffffffULL

enum kvm_nest_doll_kind {
	KVM_NEST_DOLL_VM = 1,		/* a VM of this kernel */
	KVM_NEST_DOLL_CTX,		/* a nested context of one */
	KVM_NEST_DOLL_REPORTED,		/* reported by a VM's own kvm-nest */
};

enum kvm_nest_progress_state {
	KVM_NEST_PROGRESS_RUNNING = 1,	/* under way */
	KVM_NEST_PROGRESS_DONE,		/* the agent stopped waiting: it fits */
	KVM_NEST_PROGRESS_FAILED,	/* the agent gave up; see its AGENT_DONE */
};

enum {
	KVM_NEST_A_HOOK_UNSPEC,
	KVM_NEST_A_HOOK_PAD,
	KVM_NEST_A_HOOK_NAME,
	KVM_NEST_A_HOOK_KIND,
	KVM_NEST_A_HOOK_CALLS,

	__KVM_NEST_A_HOOK_MAX,
	KVM_NEST_A_HOOK_MAX = (__KVM_NEST_A_HOOK_MAX - 1)
};

enum {
	KVM_NEST_A_INFO_UNSPEC,
	KVM_NEST_A_INFO_VERSION,
	KVM_NEST_A_INFO_VENDOR,
	KVM_NEST_A_INFO_KERNEL,
	KVM_NEST_A_INFO_HOOK,
	KVM_NEST_A_INFO_DEPTH,
	KVM_NEST_A_INFO_ENV,
	KVM_NEST_A_INFO_USAGE_CPU,
	KVM_NEST_A_INFO_USAGE_MEM,
	KVM_NEST_A_INFO_CAP_CPU,
	KVM_NEST_A_INFO_CAP_MEM,
	KVM_NEST_A_INFO_RESV_CPU,
	KVM_NEST_A_INFO_RESV_MEM,
	KVM_NEST_A_INFO_AGENT,
	KVM_NEST_A_INFO_PAD,
	KVM_NEST_A_INFO_OVERCOMMITTED,

	__KVM_NEST_A_INFO_MAX,
	KVM_NEST_A_INFO_MAX = (__KVM_NEST_A_INFO_MAX - 1)
};

enum {
	KVM_NEST_A_EXIT_UNSPEC,
	KVM_NEST_A_EXIT_PAD,
	KVM_NEST_A_EXIT_CODE,
	KVM_NEST_A_EXIT_REASON,
	KVM_NEST_A_EXIT_COUNT,

	__KVM_NEST_A_EXIT_MAX,
	KVM_NEST_A_EXIT_MAX = (__KVM_NEST_A_EXIT_MAX - 1)
};

enum {
	KVM_NEST_A_DOLL_UNSPEC,
	KVM_NEST_A_DOLL_PAD,
	KVM_NEST_A_DOLL_ID,
	KVM_NEST_A_DOLL_PATH,
	KVM_NEST_A_DOLL_LEVEL,
	KVM_NEST_A_DOLL_PARENT,
	KVM_NEST_A_DOLL_PID,
	KVM_NEST_A_DOLL_NAME,
	KVM_NEST_A_DOLL_VCPUS,
	KVM_NEST_A_DOLL_MEM,
	KVM_NEST_A_DOLL_CTX,
	KVM_NEST_A_DOLL_GUEST_NS,
	KVM_NEST_A_DOLL_EXITS,
	KVM_NEST_A_DOLL_REFLECTED,
	KVM_NEST_A_DOLL_EXIT,
	KVM_NEST_A_DOLL_KIND,
	KVM_NEST_A_DOLL_RUNS,
	KVM_NEST_A_DOLL_RUNS_NESTED,
	KVM_NEST_A_DOLL_MEASURED_EXITS,
	KVM_NEST_A_DOLL_MEASURED_NESTED_EXITS,
	KVM_NEST_A_DOLL_ENV,
	KVM_NEST_A_DOLL_USAGE_CPU,
	KVM_NEST_A_DOLL_USAGE_MEM,
	KVM_NEST_A_DOLL_DRY_RUN,
	KVM_NEST_A_DOLL_REFUSAL,
	KVM_NEST_A_DOLL_COOKIE,
	KVM_NEST_A_DOLL_ERROR,
	KVM_NEST_A_DOLL_MSG,
	KVM_NEST_A_DOLL_HOPS,
	KVM_NEST_A_DOLL_RTT_NS,
	KVM_NEST_A_DOLL_USAGE_CPU_NS,
	KVM_NEST_A_DOLL_DELEGATED,
	KVM_NEST_A_DOLL_DELEG_CLASSES,
	KVM_NEST_A_DOLL_DELEG_OFF,
	KVM_NEST_A_DOLL_DELEG_ON,
	KVM_NEST_A_DOLL_IDS_MINTED,
	KVM_NEST_A_DOLL_IDS_REFUSED,
	KVM_NEST_A_DOLL_OVERCOMMITTED,
	KVM_NEST_A_DOLL_PID_START,
	KVM_NEST_A_DOLL_UUID,
	KVM_NEST_A_DOLL_PROGRESS,

	__KVM_NEST_A_DOLL_MAX,
	KVM_NEST_A_DOLL_MAX = (__KVM_NEST_A_DOLL_MAX - 1)
};

enum {
	KVM_NEST_A_ENV_UNSPEC,
	KVM_NEST_A_ENV_PAD,
	KVM_NEST_A_ENV_CPU_LIMIT,
	KVM_NEST_A_ENV_CPU_RESERVE,
	KVM_NEST_A_ENV_CPU_WEIGHT,
	KVM_NEST_A_ENV_CPUS,
	KVM_NEST_A_ENV_MEM_LIMIT,
	KVM_NEST_A_ENV_MEM_RESERVE,

	__KVM_NEST_A_ENV_MAX,
	KVM_NEST_A_ENV_MAX = (__KVM_NEST_A_ENV_MAX - 1)
};

enum {
	KVM_NEST_A_PROGRESS_UNSPEC,
	KVM_NEST_A_PROGRESS_PAD,
	KVM_NEST_A_PROGRESS_STATE,
	KVM_NEST_A_PROGRESS_MEM_START,
	KVM_NEST_A_PROGRESS_MEM_NOW,
	KVM_NEST_A_PROGRESS_MEM_TARGET,
	KVM_NEST_A_PROGRESS_ELAPSED_MS,

	__KVM_NEST_A_PROGRESS_MAX,
	KVM_NEST_A_PROGRESS_MAX = (__KVM_NEST_A_PROGRESS_MAX - 1)
};

enum {
	KVM_NEST_A_LEVEL_UNSPEC,
	KVM_NEST_A_LEVEL_PAD,
	KVM_NEST_A_LEVEL_LEVEL,
	KVM_NEST_A_LEVEL_DOLLS,
	KVM_NEST_A_LEVEL_EXITS,
	KVM_NEST_A_LEVEL_GUEST_NS,

	__KVM_NEST_A_LEVEL_MAX,
	KVM_NEST_A_LEVEL_MAX = (__KVM_NEST_A_LEVEL_MAX - 1)
};

enum {
	KVM_NEST_CMD_UNSPEC,
	KVM_NEST_CMD_INFO_GET,
	KVM_NEST_CMD_DOLL_GET,
	KVM_NEST_CMD_LEVEL_GET,
	KVM_NEST_CMD_STATS_RESET,
	KVM_NEST_CMD_DOLL_NEW_NTF,
	KVM_NEST_CMD_DOLL_DEL_NTF,
	KVM_NEST_CMD_ENV_SET,
	KVM_NEST_CMD_ENV_DEL,
	KVM_NEST_CMD_PING,
	KVM_NEST_CMD_ENV_NTF,
	KVM_NEST_CMD_LEVEL_NTF,
	KVM_NEST_CMD_AGENT_APPLY,
	KVM_NEST_CMD_AGENT_DONE,
	KVM_NEST_CMD_DELEG_SET,
	KVM_NEST_CMD_RESULT_NTF,
	KVM_NEST_CMD_ENV_REFUSED_NTF,
	KVM_NEST_CMD_AGENT_PROGRESS,
	KVM_NEST_CMD_PROGRESS_NTF,
	KVM_NEST_CMD_PENDING_GET,

	__KVM_NEST_CMD_MAX,
	KVM_NEST_CMD_MAX = (__KVM_NEST_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_KVM_NEST_H */
