// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_doll_netlink.h"
#include "kn_genl.h"
#include "kn_tap.h"

struct want {
	uint16_t type;
	int found;
	uint64_t v;
};

static bool attr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct want *w = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_type(a) != w->type)
			continue;
		/* A wrong size is as good as absent: the caller reports it. */
		if (kn_nla_len(a) == sizeof(w->v)) {
			memcpy(&w->v, kn_nla_data(a), sizeof(w->v));
			w->found = 1;
		}
	}
	return true;
}

int kn_doll_netlink_u64(uint32_t id, uint16_t type, uint64_t *v)
{
	/* Large (two netlink buffers): one, reused. */
	static struct kn_genl g;
	static struct kn_genl_msg m;
	static int opened;
	struct want w = { .type = type };
	struct kn_genl_ack ack;
	int err;

	if (!opened) {
		err = kn_genl_open(&g, KVM_NEST_GENL_NAME);
		if (err)
			return err;
		opened = 1;
	}
	kn_genl_msg_init(&m, g.family, 0, KVM_NEST_CMD_DOLL_GET, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, id);
	err = kn_genl_xfer(&g, &m, attr_cb, &w, &ack);
	if (err)
		return err;
	if (!w.found)
		return -ENODATA;
	*v = w.v;
	return 0;
}
