/* SPDX-License-Identifier: GPL-2.0-only */
/* nestctl: the run's context and the objects' entry points. */
#ifndef NESTCTL_H
#define NESTCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "nl.h"
#include "print.h"
#include "util.h"

/* Everything one run uses; nestctl has no other state. */
struct nc_ctx {
	struct nc_print pr;
	struct nc_nl nl;
	bool nl_open;
	unsigned int interval_ms;	/* doll tree: between its two samples */
	bool stamp;			/* -t: monitor stamps each event */
};

typedef int nc_run_fn(struct nc_ctx *ctx, int argc, char **argv);

/* An object's commands; the first runs when the words name none. */
struct nc_cmd {
	const char *name;
	nc_run_fn *run;
};

/* Commands an object may have (nc_dispatch()'s table). */
#define NC_CMDS_MAX	8

struct nc_object {
	const char *name;
	void (*usage)(FILE *f);
	const struct nc_cmd *cmds;
	size_t n_cmds;
	/* A first word that names no command is the default's argument. */
	bool default_takes_word;
};

/*
 * Run the command argv[0] names (in full or by a unique prefix), "help",
 * or the default; NC_* status.
 */
int nc_dispatch(struct nc_ctx *ctx, const struct nc_object *obj, int argc,
		char **argv);

/* argv[0] names an object (or help); run it with the words after it. */
int nc_object_run(struct nc_ctx *ctx, int argc, char **argv);
/* -b FILE: each line an object and its words (batch.c). */
int nc_batch(struct nc_ctx *ctx, const char *file, bool force);

/* Open the kvm_nest socket once; NC_OK, or NC_ERR with the reason printed. */
int nc_ctx_nl(struct nc_ctx *ctx);

/* Objects, one file each; argv holds the words after the object's name. */
int nc_doll(struct nc_ctx *ctx, int argc, char **argv);
int nc_stats(struct nc_ctx *ctx, int argc, char **argv);
int nc_monitor(struct nc_ctx *ctx, int argc, char **argv);
int nc_version(struct nc_ctx *ctx, int argc, char **argv);
int nc_envelope(struct nc_ctx *ctx, int argc, char **argv);
int nc_agent(struct nc_ctx *ctx, int argc, char **argv);

/* doll tree, ping and set, from doll.c */
int nc_doll_tree(struct nc_ctx *ctx, int argc, char **argv);
int nc_doll_ping(struct nc_ctx *ctx, int argc, char **argv);
int nc_doll_set(struct nc_ctx *ctx, int argc, char **argv);

#endif
