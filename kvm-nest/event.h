/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_EVENT_H
#define KN_EVENT_H

#include "doll.h"

enum kn_event_type { KN_EVENT_NEW, KN_EVENT_DEL, KN_EVENT_ENV, KN_EVENT_LEVEL };

/* What a notification says about a doll, copied when the event happens. */
struct kn_event {
	struct list_head node;
	enum kn_event_type type;
	u32 id;
	u32 parent;
	u32 level;		/* KN_EVENT_LEVEL: this kernel's new depth */
	u32 pid;
	struct kn_env env;
	char path[KN_PATH_LEN];
	char name[KN_NAME_LEN];
};

/* Safe in any context, the exit path included; costs nothing unheard. */
void kn_event_doll(const struct kn_doll *d, enum kn_event_type type);
/* This kernel's depth below kvm-nest parents changed. */
void kn_event_level(u32 depth);
int kn_event_init(void);
void kn_event_exit(void);

#endif
