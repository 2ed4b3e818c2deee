// SPDX-License-Identifier: GPL-2.0
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kn_tap.h"
#include "kvmstat.h"

#define STAT_NAME "exits"

static bool found(struct knb_kvmstat *s, const struct kvm_stats_header *h,
		  const char **why)
{
	size_t dsz = sizeof(struct kvm_stats_desc) + h->name_size;
	struct kvm_stats_desc *d = malloc(dsz);
	bool ok = false;

	if (!d)
		kn_die("malloc");
	*why = "KVM's vCPU stats have no \"" STAT_NAME "\"";
	for (uint32_t i = 0; i < h->num_desc; i++) {
		if (pread(s->fd, d, dsz, h->desc_offset + (off_t)i * dsz) != (ssize_t)dsz) {
			*why = "cannot read KVM's stats descriptors";
			break;
		}
		d->name[h->name_size - 1] = '\0';
		if (strcmp(d->name, STAT_NAME))
			continue;
		/* A plain counter of one u64, or not the one we mean. */
		if (d->size != 1 || (d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE) {
			*why = "KVM's \"" STAT_NAME "\" stat is not a plain counter";
			break;
		}
		s->off = h->data_offset + d->offset;
		ok = true;
		break;
	}
	free(d);
	return ok;
}

bool knb_kvmstat_open(struct knb_kvmstat *s, int vcpu_fd, const char **why)
{
	struct kvm_stats_header h;

	s->fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0) {
		*why = "KVM_GET_STATS_FD failed (KVM older than 5.14?)";
		return false;
	}
	if (pread(s->fd, &h, sizeof(h), 0) != sizeof(h) || h.name_size < 2)
		*why = "cannot read KVM's stats header";
	else if (found(s, &h, why))
		return true;
	knb_kvmstat_close(s);
	return false;
}

uint64_t knb_kvmstat_exits(const struct knb_kvmstat *s)
{
	uint64_t v;

	if (pread(s->fd, &v, sizeof(v), s->off) != sizeof(v))
		kn_die("read of KVM's exits stat");
	return v;
}

void knb_kvmstat_close(struct knb_kvmstat *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
