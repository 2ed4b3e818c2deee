// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kn_nla.h"
#include "kn_tap.h"

void kn_nla_init(struct kn_nla *b, void *buf, size_t cap)
{
	b->buf = buf;
	b->len = 0;
	b->cap = cap;
}

static void *room(struct kn_nla *b, size_t len)
{
	void *p = b->buf + b->len;

	if (len > b->cap - b->len)
		kn_bail("netlink buffer full (%zu + %zu > %zu)", b->len, len,
			b->cap);
	b->len += len;
	return p;
}

size_t kn_nla_put(struct kn_nla *b, uint16_t type, const void *data,
		  size_t len)
{
	size_t off = b->len, total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;

	if (NLA_HDRLEN + len > UINT16_MAX)
		kn_bail("attribute of %zu bytes", len);
	a = room(b, total);
	memset(a, 0, total);
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	a->nla_type = type;
	if (data)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	return off;
}

size_t kn_nla_u32(struct kn_nla *b, uint16_t type, uint32_t v)
{
	return kn_nla_put(b, type, &v, sizeof(v));
}

size_t kn_nla_u64(struct kn_nla *b, uint16_t type, uint64_t v)
{
	return kn_nla_put(b, type, &v, sizeof(v));
}

size_t kn_nla_str(struct kn_nla *b, uint16_t type, const char *s)
{
	return kn_nla_put(b, type, s, strlen(s) + 1);
}

size_t kn_nla_nest(struct kn_nla *b, uint16_t type)
{
	return kn_nla_put(b, type | NLA_F_NESTED, NULL, 0);
}

void kn_nla_end(struct kn_nla *b, size_t nest)
{
	size_t len = b->len - nest;

	if (len > UINT16_MAX)
		kn_bail("nest of %zu bytes", len);
	kn_nla_at(b, nest)->nla_len = (uint16_t)len;
}

void kn_nla_raw(struct kn_nla *b, const void *data, size_t len)
{
	memcpy(room(b, len), data, len);
}

struct nlattr *kn_nla_at(struct kn_nla *b, size_t off)
{
	return (struct nlattr *)(b->buf + off);
}
