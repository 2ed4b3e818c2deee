/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_EVENT_H
#define KN_EVENT_H

#include "doll.h"
#include "env/pending.h"

enum kn_event_type {
	KN_EVENT_NEW, KN_EVENT_DEL, KN_EVENT_ENV, KN_EVENT_LEVEL,
	KN_EVENT_REFUSED, KN_EVENT_PROGRESS,
};

/* How far an agent got with a long change, as it said. */
struct kn_progress {
	u32 state;		/* enum kvm_nest_progress_state */
	u32 elapsed_ms;
	u64 mem_start, mem_now, mem_target;
};

/* What a notification says about a doll, copied when the event happens. */
struct kn_event {
	struct list_head node;
	enum kn_event_type type;
	u32 id;			/* 0: KN_EVENT_REFUSED of a pending envelope */
	u32 parent;
	u32 level;		/* KN_EVENT_LEVEL: this kernel's new depth */
	u32 pid;
	struct kn_env env;	/* KN_EVENT_ENV: new; KN_EVENT_REFUSED: refused */
	struct kn_progress prog;
	char path[KN_PATH_LEN];
	char name[KN_NAME_LEN];
	char uuid[KN_UUID_LEN];	/* KN_EVENT_REFUSED: a domain's pending one */
	int err;		/* KN_EVENT_REFUSED: the negative errno */
	char why[];		/* KN_EVENT_REFUSED: the reason */
};

/* A refused envelope change, of a level-1 doll of this kernel or (@id 0) a pending envelope. */
struct kn_refusal {
	u32 id;
	pid_t pid;
	const char *name;
	const char *uuid;	/* pending: its domain's, or "" */
	const struct kn_env *env;
	int err;
	const char *why;
};

/* Safe in any context, the exit path included; costs nothing unheard. */
void kn_event_doll(const struct kn_doll *d, enum kn_event_type type);
/* This kernel's depth below kvm-nest parents changed. */
void kn_event_level(u32 depth);
/* An envelope change of this kernel was refused; process context. */
void kn_event_refused(const struct kn_refusal *r);
/* The agent's progress applying an envelope to level-1 doll @id. */
void kn_event_progress(u32 id, pid_t pid, const char *name,
		       const struct kn_progress *p);
int kn_event_init(void);
void kn_event_exit(void);

#endif
