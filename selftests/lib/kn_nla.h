/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: netlink attributes written into a plain buffer (e.g. a region
 * of guest memory), the way the kernel's nla_put*() lays them out. Every
 * attribute's offset is returned so that a test can make it lie afterwards.
 */
#ifndef KN_NLA_H
#define KN_NLA_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct kn_nla {
	uint8_t *buf;
	size_t len, cap;
};

void kn_nla_init(struct kn_nla *b, void *buf, size_t cap);
/* An attribute with @len bytes of @data (NULL: zeros), padded to 4. */
size_t kn_nla_put(struct kn_nla *b, uint16_t type, const void *data,
		  size_t len);
size_t kn_nla_u32(struct kn_nla *b, uint16_t type, uint32_t v);
size_t kn_nla_u64(struct kn_nla *b, uint16_t type, uint64_t v);
/* A string with its NUL. */
size_t kn_nla_str(struct kn_nla *b, uint16_t type, const char *s);
/* A nest (NLA_F_NESTED set); end it after its attributes. */
size_t kn_nla_nest(struct kn_nla *b, uint16_t type);
void kn_nla_end(struct kn_nla *b, size_t nest);
/* Bytes that are not an attribute. */
void kn_nla_raw(struct kn_nla *b, const void *data, size_t len);
/* The attribute at @off, to be corrupted. */
struct nlattr *kn_nla_at(struct kn_nla *b, size_t off);

#endif
