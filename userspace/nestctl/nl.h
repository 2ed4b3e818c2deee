/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic netlink for nestctl: one socket bound to the kvm_nest family,
 * requests, dumps that retry when a doll came or went during them, and
 * errors explained from the extended ack.
 */
#ifndef NC_NL_H
#define NC_NL_H

#include <stdbool.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* A dump flagged NLM_F_DUMP_INTR is retried this many times in all. */
#define NC_NL_DUMP_TRIES	5
/* Receive buffer: a dump fills up to 32 KiB per read (the kernel's cap). */
#define NC_NL_BUF		32768
/* Returned (negated) once every try of a dump was interrupted. */
#define NC_NL_EDUMPINTR		4096
/*
 * A request the kernel runs in the background (nc_nl_do_result()) says
 * so on stderr after NC_NL_NOTE_MS, then every NC_NL_NOTE_EVERY_S, until
 * its outcome, for at most NC_NL_RESULT_S: the kernel's own bounds (an
 * agent's 60 s, a child's 90 s) are far below, unless changes queue up.
 */
#define NC_NL_NOTE_MS		2000
#define NC_NL_NOTE_EVERY_S	10
#define NC_NL_RESULT_S		300
/* Returned (negated) when no outcome came within NC_NL_RESULT_S. */
#define NC_NL_ENORESULT		4097

/* Names of a request's attributes, to say which one the kernel refused. */
struct nc_attr_names {
	const char *const *name;
	unsigned int n;
};

/* What the kernel said about the last failed request. */
struct nc_nl_ext {
	char msg[256];		/* extack message, "" if none */
	long bad_off;		/* offset of the refused attribute, or -1 */
	long miss_type;		/* type of a missing attribute, or -1 */
};

struct nc_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events;	/* multicast group ids; 0 if the family has none */
	uint32_t agent;
	const char *wait_note;	/* for the next request only, see nc_nl_slow() */
	char *buf;		/* receive buffer */
	char *req;		/* the request being built or last sent */
	const struct nc_attr_names *names;	/* of the request's attributes */
	struct nc_nl_ext ext;
};

/* A reply message; return 0 or -errno, which ends the request. */
typedef int (*nc_nl_cb)(const struct nlmsghdr *nlh, void *data);

/* NC_OK, or NC_ERR with the reason printed (module not loaded, ...). */
int nc_nl_open(struct nc_nl *nl);
/* The same, silent: 0, -ENOENT (no kvm_nest family), or -errno. */
int nc_nl_open_quiet(struct nc_nl *nl);
void nc_nl_close(struct nc_nl *nl);

/* Start a request for cmd in nl->req; add attributes to the result. */
struct nlmsghdr *nc_nl_req(struct nc_nl *nl, uint8_t cmd,
			   const struct nc_attr_names *names);
struct nlmsghdr *nc_nl_req_to(struct nc_nl *nl, uint16_t family, uint8_t cmd,
			      uint16_t flags, const struct nc_attr_names *names);
/* The next request may take long: note says what it waits for. */
void nc_nl_slow(struct nc_nl *nl, const char *note);
/* Send nl->req, pass each reply to cb; 0 or -errno (details in nl->ext). */
int nc_nl_do(struct nc_nl *nl, nc_nl_cb cb, void *data);
/*
 * The same for a request the kernel may queue (nl_result.c): its reply
 * then carries a cookie, and the outcome comes as RESULT_NTF, which cb
 * also gets.  0, or -errno from the ack or the outcome.
 */
int nc_nl_do_result(struct nc_nl *nl, nc_nl_cb cb, void *data);
/* Dump cmd; on NLM_F_DUMP_INTR call restart(data) and dump again. */
int nc_nl_dump(struct nc_nl *nl, uint8_t cmd, nc_nl_cb cb,
	       void (*restart)(void *data), void *data);
/* Print "Error: ..." for err from a request about what; return NC_ERR. */
int nc_nl_report(const struct nc_nl *nl, int err, const char *what);

/* Resolve a family and its events and agent groups (nl_family.c); -errno. */
int nc_nl_family(struct nc_nl *nl, const char *name);
/* Join the events group; then nc_nl_events() reads what arrived. */
int nc_nl_subscribe(struct nc_nl *nl);
/* Join the group with this id (nl->events, nl->agent). */
int nc_nl_join(struct nc_nl *nl, uint32_t group);
int nc_nl_fd(const struct nc_nl *nl);
int nc_nl_events(struct nc_nl *nl, nc_nl_cb cb, void *data);

#endif
