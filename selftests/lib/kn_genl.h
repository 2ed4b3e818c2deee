/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for tests: build requests byte by byte (so they can
 * be wrong on purpose), send them, and report the kernel's answer with its
 * extended ack.  No libmnl: the tests are static binaries.
 */
#ifndef KN_GENL_H
#define KN_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define KN_GENL_BUF	65536

struct kn_genl {
	int fd;
	uint32_t portid, seq;
	uint16_t family;
	size_t rcvbuf;		/* bytes per recv() */
	uint8_t buf[KN_GENL_BUF];
};

/* A request under construction: header, genl header, attributes. */
struct kn_genl_msg {
	union {
		struct nlmsghdr nlh;
		uint8_t bytes[KN_GENL_BUF];
	};
};

/* The kernel's answer to one request. */
struct kn_genl_ack {
	int error;		/* 0 or -errno */
	char msg[256];		/* extack message, "" if none */
	long offs;		/* extack offset of the bad attribute, or -1 */
	long miss_type;		/* extack missing attribute type, or -1 */
	bool intr;		/* a message was flagged NLM_F_DUMP_INTR */
	unsigned int msgs;	/* data messages */
	unsigned int reads;	/* recv() calls it took */
};

/* A data message; return false to stop passing messages (reading goes on). */
typedef bool kn_genl_cb(const struct nlmsghdr *nlh, void *arg);

/*
 * Socket with extended acks, and the family's id; -ENOENT if the family is
 * not registered.  Socket errors bail out.
 */
int kn_genl_open(struct kn_genl *g, const char *family);
/*
 * The same, reading at most rcvbuf bytes at a time from the start: the
 * kernel sizes dump parts by the largest read it saw, so small reads make
 * dumps take several parts.
 */
int kn_genl_open_sized(struct kn_genl *g, const char *family, size_t rcvbuf);
void kn_genl_close(struct kn_genl *g);

void kn_genl_msg_init(struct kn_genl_msg *m, uint16_t type, uint16_t flags,
		      uint8_t cmd, uint8_t version);
/* Append an attribute; returns its offset in the message, as extack gives it. */
long kn_genl_put(struct kn_genl_msg *m, uint16_t type, const void *data,
		 uint16_t len);
long kn_genl_put_u32(struct kn_genl_msg *m, uint16_t type, uint32_t v);
/* Append raw bytes, not an attribute (trailing garbage). */
void kn_genl_put_raw(struct kn_genl_msg *m, const void *data, uint16_t len);

/* Send m and read to its ack or end of dump; returns ack->error. */
int kn_genl_xfer(struct kn_genl *g, struct kn_genl_msg *m, kn_genl_cb *cb,
		 void *arg, struct kn_genl_ack *ack);

/*
 * After kn_genl_xfer(): the next message of that request whose genl
 * command is @cmd (an outcome sent later), passed to @cb.  0, -ETIME
 * after @timeout_ms without one, or -errno.  The timeout restarts with
 * each read: other messages must not flood the socket.
 */
int kn_genl_wait(struct kn_genl *g, uint8_t cmd, int timeout_ms,
		 kn_genl_cb *cb, void *arg);

/* Attributes after the genl header of nlh, or inside a nest. */
#define kn_nla_for_each(a, start, len)					\
	for (const struct nlattr *a = (const void *)(start);		\
	     (const uint8_t *)(a) + sizeof(*(a)) <=			\
		     (const uint8_t *)(start) + (len) &&			\
	     (a)->nla_len >= sizeof(*(a)) &&				\
	     (const uint8_t *)(a) + (a)->nla_len <=			\
		     (const uint8_t *)(start) + (len);			\
	     a = (const void *)((const uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))
const void *kn_genl_attrs(const struct nlmsghdr *nlh, size_t *len);
static inline const void *kn_nla_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}
static inline uint16_t kn_nla_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - NLA_HDRLEN);
}
static inline uint16_t kn_nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

#endif
