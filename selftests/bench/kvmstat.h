/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own counter of a vCPU's exits (its binary stats, KVM_GET_STATS_FD):
 * a count that needs no kvm-nest, for the overhead row (bench.rst).
 */
#ifndef KNB_KVMSTAT_H
#define KNB_KVMSTAT_H

#include <stdbool.h>
#include <stdint.h>

struct knb_kvmstat {
	int fd;		/* the vCPU's stats fd, or -1 */
	uint64_t off;	/* where "exits" lies in it */
};

/* Finds "exits" in @vcpu_fd's stats; false (and why) if KVM has none. */
bool knb_kvmstat_open(struct knb_kvmstat *s, int vcpu_fd, const char **why);
/* The vCPU's exits so far (every exit, fast path included). */
uint64_t knb_kvmstat_exits(const struct knb_kvmstat *s);
void knb_kvmstat_close(struct knb_kvmstat *s);

#endif
