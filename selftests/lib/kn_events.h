/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: a listener on kvm-nest's "events" multicast group. kvm-nest
 * builds an event (with the doll's path) for every doll that comes or goes
 * only while someone listens, so a test that wants that code to run must
 * listen.
 */
#ifndef KN_EVENTS_H
#define KN_EVENTS_H

#include <stdint.h>

#include "kn_genl.h"

struct kn_events {
	struct kn_genl g;
	uint64_t added, removed, lost;	/* DOLL_NEW, DOLL_DEL, overruns */
};

/* Joins the group; -ENOENT if kvm-nest has no netlink family. */
int kn_events_open(struct kn_events *ev);
/* Counts what arrived so far, without waiting. */
void kn_events_drain(struct kn_events *ev);
void kn_events_close(struct kn_events *ev);

#endif
