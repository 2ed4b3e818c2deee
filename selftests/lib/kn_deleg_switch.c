// SPDX-License-Identifier: GPL-2.0
/* The per-doll switch of delegated exits over generic netlink; see kn_deleg_switch.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_deleg_switch.h"
#include "kn_dolls.h"
#include "kn_routed.h"
#include "kn_tap.h"

/* Large (two netlink buffers): one socket and one request, reused. */
static struct kn_genl g;
static struct kn_genl_msg m;

static void dlctl_open(void)
{
	static bool opened;
	int err;

	if (opened)
		return;
	err = kn_genl_open(&g, KVM_NEST_GENL_NAME);
	if (err)
		kn_bail("generic netlink family %s: %s", KVM_NEST_GENL_NAME, strerror(-err));
	opened = true;
}

int kn_deleg_switch_set(uint64_t id, uint64_t classes, uint64_t on,
		 struct kn_genl_ack *ack, char *refusal, size_t len)
{
	uint8_t on8 = (uint8_t)on;

	dlctl_open();
	kn_genl_msg_init(&m, g.family, 0, KVM_NEST_CMD_DELEG_SET, KVM_NEST_GENL_VERSION);
	if (id != KN_DELEG_SWITCH_OMIT)
		kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, (uint32_t)id);
	if (classes != KN_DELEG_SWITCH_OMIT)
		kn_genl_put_u32(&m, KVM_NEST_A_DOLL_DELEG_CLASSES, (uint32_t)classes);
	if (on != KN_DELEG_SWITCH_OMIT)
		kn_genl_put(&m, KVM_NEST_A_DOLL_DELEG_ON, &on8, sizeof(on8));
	return kn_routed_xfer(&g, &m, ack, refusal, len);
}

struct find {
	uint32_t parent, kind;	/* a dump: what to look for */
	bool found;
	struct kn_deleg_switch_doll *d;
};

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (kn_nla_len(a) == sizeof(v))
		memcpy(&v, kn_nla_data(a), sizeof(v));
	return v;
}

static void parse(const struct nlmsghdr *nlh, struct kn_deleg_switch_doll *d)
{
	unsigned int deleg = 0;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	memset(d, 0, sizeof(*d));
	kn_nla_for_each(a, attrs, len) {
		switch (kn_nla_type(a)) {
		case KVM_NEST_A_DOLL_ID: d->id = attr_u32(a); break;
		case KVM_NEST_A_DOLL_KIND: d->kind = attr_u32(a); break;
		case KVM_NEST_A_DOLL_LEVEL: d->level = attr_u32(a); break;
		case KVM_NEST_A_DOLL_PARENT: d->parent = attr_u32(a); break;
		case KVM_NEST_A_DOLL_DELEG_CLASSES:
			d->registered = attr_u32(a);
			deleg++;
			break;
		case KVM_NEST_A_DOLL_DELEG_OFF:
			d->off = attr_u32(a);
			d->has_off = true;
			deleg++;
			break;
		}
	}
	d->has_deleg = deleg == 2;
}

static bool doll_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct find *f = arg;
	struct kn_deleg_switch_doll d;

	parse(nlh, &d);
	if (f->found || (f->kind && (d.kind != f->kind || d.parent != f->parent)))
		return true;
	*f->d = d;
	f->found = true;
	return true;
}

int kn_deleg_switch_get(uint32_t id, struct kn_deleg_switch_doll *d)
{
	struct find f = { .d = d };
	struct kn_genl_ack ack;
	int err;

	dlctl_open();
	kn_genl_msg_init(&m, g.family, 0, KVM_NEST_CMD_DOLL_GET, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, id);
	err = kn_genl_xfer(&g, &m, doll_cb, &f, &ack);
	return err ?: f.found ? 0 : -ENODATA;
}

int kn_deleg_switch_find(uint32_t parent, uint32_t kind, struct kn_deleg_switch_doll *d)
{
	struct find f = { .parent = parent, .kind = kind, .d = d };
	struct kn_genl_ack ack;
	int err;

	dlctl_open();
	kn_genl_msg_init(&m, g.family, NLM_F_DUMP, KVM_NEST_CMD_DOLL_GET,
			 KVM_NEST_GENL_VERSION);
	err = kn_genl_xfer(&g, &m, doll_cb, &f, &ack);
	return err ?: f.found ? 0 : -ENOENT;
}

bool kn_deleg_switch_ids(const struct kn_deleg_l1 *t, uint32_t *l1, uint32_t *ctx)
{
	const struct kn_doll *a = NULL, *c = NULL;
	unsigned int na = 0;
	struct kn_dolls ds;

	kn_dolls_read(&ds);
	for (unsigned int i = 0; i < ds.nr; i++)
		if (ds.d[i].level == 1 && ds.d[i].pid == (uint64_t)getpid() &&
		    ds.d[i].mem == t->vm.mem_size && !na++)
			a = &ds.d[i];
	for (unsigned int i = 0; a && i < ds.nr; i++)
		if (ds.d[i].level == 2 && ds.d[i].parent == a->id && ds.d[i].ctx == t->ctx)
			c = &ds.d[i];
	if (na == 1 && c) {
		*l1 = (uint32_t)a->id;
		*ctx = (uint32_t)c->id;
	} else {
		kn_diag("dolls: %u level-1 of ours with %lu bytes, %s ctx doll at %#lx", na,
			t->vm.mem_size, c ? "a" : "no", t->ctx);
	}
	kn_dolls_free(&ds);
	return na == 1 && c;
}
