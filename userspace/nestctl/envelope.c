// SPDX-License-Identifier: GPL-2.0-only
/*
 * The envelope object: show, set, del, diff (envelope_diff.c) and apply
 * (envelope_apply.c).  set and del name a doll (sent by
 * id) or, with "name NAME", the pending envelope of a level-1 VM that does
 * not exist yet.  The kernel that hosts the doll checks the change and has
 * its agent apply it, in the background: we wait for the outcome, which
 * carries the whole explanation of a refusal.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "env_args.h"
#include "envelope.h"
#include "ident.h"

/* A refusal names dolls, numbers and what would fit: a few lines. */
#define NC_REFUSAL_LEN	2048

static void nc_envelope_usage(FILE *f)
{
	fputs("Usage: nestctl envelope [ show [ DOLL | self ] ]\n"
	      "       nestctl envelope set TARGET [ cpu.limit CPUS|max ] [ cpu.reserve CPUS ]\n"
	      "                               [ cpu.weight 1-10000 ] [ cpus LIST|all ]\n"
	      "                               [ mem.limit SIZE|max ] [ mem.reserve SIZE ] [ dry-run ]\n"
	      "       nestctl envelope set name NAME uuid UUID pid PID\n"
	      "       nestctl envelope del TARGET\n"
	      "       nestctl envelope diff FILE\n"
	      "       nestctl envelope apply FILE\n"
	      "       nestctl envelope help\n"
	      "TARGET := { DOLL | name NAME [ uuid UUID ] }\n"
	      "NAME: a level-1 VM not started yet (QEMU -name); with UUID, libvirt domain\n"
	      "UUID's, which goes only to the VM of the process PID it is bound to\n"
	      "DOLL := { ID | NAME | PATH }, see \"nestctl doll help\"\n"
	      "CPUS := number of CPUs, up to 3 decimals: 1.5, 0.25\n"
	      "SIZE := bytes, or with K, M, G, T or KiB, MiB, GiB, TiB\n"
	      "        (powers of 1024): 512M, 512MiB\n"
	      "LIST := CPUs of the kernel that hosts the doll: 0-3,6\n"
	      "FILE := a doll tree by VM names, JSON (nestctl(8), ENVELOPE FILES);\n"
	      "        diff exits 0 if nothing differs, 1 if something does;\n"
	      "        apply changes all of it or, refused, sets back what it changed\n", f);
}

/* What a change is sent to: a doll by id, or a pending name. */
struct nc_target {
	const char *name;		/* "name NAME", else NULL */
	const char *uuid;		/* "uuid UUID" after it, else NULL */
	uint32_t pid;			/* "pid PID" after that (set only), else 0 */
	const char *ident;		/* DOLL, resolved by nc_target_resolve() */
	const struct nc_doll *doll;	/* in set */
	struct nc_dolls set;
	char note[256];			/* said when the kernel takes long */
};

/* 8-4-4-4-12 hex digits, as libvirt writes a domain's uuid. */
static bool nc_uuid_valid(const char *u)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			return false;
	}
	return !u[36];
}

/* "uuid UUID [ pid PID ]" after "name NAME": a libvirt domain's. */
static int nc_target_domain(int *argc, char ***argv, struct nc_target *t)
{
	if (*argc && nc_is((*argv)[0], "uuid")) {
		if (*argc < 2 || !nc_uuid_valid((*argv)[1]))
			return nc_usage_error("envelope", "uuid needs the domain's uuid, 8-4-4-4-12 hex digits (virsh domuuid)");
		t->uuid = (*argv)[1];
		*argc -= 2;
		*argv += 2;
	}
	if (t->uuid && *argc && nc_is((*argv)[0], "pid")) {
		if (*argc < 2 || !nc_parse_u32((*argv)[1], &t->pid) || !t->pid)
			return nc_usage_error("envelope", "pid needs the process id that runs the domain");
		*argc -= 2;
		*argv += 2;
	}
	return NC_OK;
}

/* The target's words; the doll is looked up later, after all usage checks. */
static int nc_target_parse(int *argc, char ***argv, struct nc_target *t)
{
	if (!*argc)
		return nc_usage_error("envelope", "name a doll, or name NAME for a VM not started yet");
	if (nc_is((*argv)[0], "name")) {
		if (*argc < 2)
			return nc_usage_error("envelope", "name needs the VM's name (its QEMU -name)");
		t->name = (*argv)[1];
		if (!t->name[0] || strlen(t->name) > NC_NAME_MAX)
			return nc_usage_error("envelope", "name \"%.80s\": kvm-nest keeps VM names of 1 to %d bytes",
					      t->name, NC_NAME_MAX);
		*argc -= 2;
		*argv += 2;
		return nc_target_domain(argc, argv, t);
	}
	t->ident = (*argv)[0];
	(*argc)--;
	(*argv)++;
	return NC_OK;
}

static int nc_target_resolve(struct nc_ctx *ctx, struct nc_target *t)
{
	int rc = nc_ctx_nl(ctx);

	if (!rc && t->ident)
		rc = nc_doll_lookup_one(&ctx->nl, t->ident, &t->set, &t->doll);
	return rc;
}

/* Only the kernel that hosts the doll knows how far it got: say who. */
static void nc_target_note(struct nc_target *t, const char *doing)
{
	const struct nc_doll *d = t->doll;
	const char *slash;

	if (!d) {
		snprintf(t->note, sizeof(t->note), "waiting for kvm-nest to %s the envelope of VM \"%s\"...",
			 doing, t->name);
	} else if (d->level <= 1) {
		snprintf(t->note, sizeof(t->note), "waiting for this level's agent to %s the envelope of doll %s (a balloon can take 30 s)...",
			 doing, d->path);
	} else {
		slash = strrchr(d->path, '/');
		snprintf(t->note, sizeof(t->note), "waiting for level %u (the kernel in doll %.*s) to %s the envelope of doll %s...",
			 d->level - 1, (int)(slash ? slash - d->path : 0), d->path,
			 doing, d->path);
	}
}

static void nc_target_put(const struct nc_target *t, struct nlmsghdr *nlh)
{
	if (t->doll)
		mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, t->doll->id);
	else
		mnl_attr_put_strz(nlh, KVM_NEST_A_DOLL_NAME, t->name);
	if (t->uuid)
		mnl_attr_put_strz(nlh, KVM_NEST_A_DOLL_UUID, t->uuid);
	if (t->pid)
		mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_PID, t->pid);
}

static const enum mnl_attr_data_type nc_refusal_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_REFUSAL] = MNL_TYPE_NUL_STRING,
};

/* The ENV_SET message before a refusal's error: keep its explanation. */
static int nc_refusal_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	char *refusal = data;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_refusal_types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	if (tb[KVM_NEST_A_DOLL_REFUSAL])
		snprintf(refusal, NC_REFUSAL_LEN, "%s",
			 mnl_attr_get_str(tb[KVM_NEST_A_DOLL_REFUSAL]));
	return 0;
}

/* The refusal, else the extack, else what the errno means here. */
static int nc_envelope_report(struct nc_ctx *ctx, int err, const char *refusal,
			      const char *what)
{
	if (refusal[0])
		return nc_error("%s", refusal);
	if (ctx->nl.ext.msg[0])
		return nc_nl_report(&ctx->nl, err, what);
	switch (-err) {
	case ENOTCONN:
		return nc_error("%s: no agent runs at the level that hosts the doll; start \"nestctl agent\" there",
				what);
	case EHOSTUNREACH:
		return nc_error("%s: no kvm-nest listens at the level that hosts the doll; load kvm-nest in its parent doll",
				what);
	case EBUSY:
		return nc_error("%s: another envelope change is being applied there; try again when it is done",
				what);
	case ETIMEDOUT:
		return nc_error("%s: the level that hosts the doll did not answer in time (its agent 60 s, a child 90 s); nothing was changed there that kvm-nest knows of",
				what);
	case ENOENT:
		return nc_error("%s: no such doll or pending envelope (any more); see \"nestctl envelope show\"",
				what);
	}
	return nc_nl_report(&ctx->nl, err, what);
}

/* Send the request built in ctx->nl.req; NC_OK or the error printed. */
static int nc_envelope_send(struct nc_ctx *ctx, struct nc_target *t,
			    const char *what)
{
	char refusal[NC_REFUSAL_LEN] = "";
	int err;

	nc_nl_slow(&ctx->nl, t->note);
	err = nc_nl_do_result(&ctx->nl, nc_refusal_cb, refusal);
	return err ? nc_envelope_report(ctx, err, refusal, what) : NC_OK;
}

int nc_envelope_change(struct nc_ctx *ctx, const struct nc_doll *doll, const char *name,
		       const char *uuid, const struct nc_env *env)
{
	struct nc_target t = { .doll = doll, .name = name, .uuid = uuid && *uuid ? uuid : NULL };
	struct nlmsghdr *nlh;

	nc_target_note(&t, env ? "apply" : "drop");
	nlh = nc_nl_req(&ctx->nl, env ? KVM_NEST_CMD_ENV_SET : KVM_NEST_CMD_ENV_DEL,
			&nc_doll_attr_names);
	nc_target_put(&t, nlh);
	if (env)
		nc_env_put(nlh, KVM_NEST_A_DOLL_ENV, env);
	return nc_envelope_send(ctx, &t, env ? "envelope set" : "envelope del");
}

static void nc_envelope_fits(struct nc_print *p, const struct nc_target *t)
{
	nc_pr_open_obj(p, NULL);
	if (t->doll) {
		nc_pr_str(p, NC_ANY, "doll", t->doll->path);
	} else {
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "VM");
		nc_pr_str(p, NC_ANY, "name", t->name);
	}
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "fits (dry run, nothing changed)");
	nc_pr_bool(p, NC_JSON, "dry_run", true);
	nc_pr_bool(p, NC_JSON, "fits", true);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

/* name NAME uuid UUID pid PID: the domain's envelope goes to PID's VM. */
static int nc_envelope_bind(struct nc_ctx *ctx, struct nc_target *t,
			    int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int rc;

	if (argc)
		return nc_usage_error("envelope", "binding to a pid changes no field (\"%s\"): set the envelope first",
				      argv[0]);
	rc = nc_target_resolve(ctx, t);
	if (rc)
		return rc;
	nc_target_note(t, "bind");
	nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_ENV_SET, &nc_doll_attr_names);
	nc_target_put(t, nlh);
	return nc_envelope_send(ctx, t, "envelope set");
}

static int nc_envelope_set(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_target t = { 0 };
	struct nlmsghdr *nlh;
	struct nc_env env;
	bool dry_run;
	int rc;

	rc = nc_target_parse(&argc, &argv, &t);
	if (!rc && t.pid)
		return nc_envelope_bind(ctx, &t, argc, argv);
	if (!rc)
		rc = nc_env_args(argc, argv, &env, &dry_run);
	if (!rc)
		rc = nc_target_resolve(ctx, &t);
	if (!rc) {
		nc_target_note(&t, dry_run ? "check" : "apply");
		nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_ENV_SET, &nc_doll_attr_names);
		nc_target_put(&t, nlh);
		nc_env_put(nlh, KVM_NEST_A_DOLL_ENV, &env);
		if (dry_run)
			mnl_attr_put(nlh, KVM_NEST_A_DOLL_DRY_RUN, 0, "");
		rc = nc_envelope_send(ctx, &t, "envelope set");
	}
	if (!rc && dry_run)
		nc_envelope_fits(&ctx->pr, &t);
	nc_dolls_free(&t.set);
	return rc;
}

static int nc_envelope_del(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_target t = { 0 };
	struct nlmsghdr *nlh;
	int rc;

	rc = nc_target_parse(&argc, &argv, &t);
	if (!rc && argc)
		rc = nc_unknown_arg("envelope", argv[0]);
	if (!rc)
		rc = nc_target_resolve(ctx, &t);
	if (!rc) {
		nc_target_note(&t, "drop");
		nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_ENV_DEL, &nc_doll_attr_names);
		nc_target_put(&t, nlh);
		rc = nc_envelope_send(ctx, &t, "envelope del");
	}
	nc_dolls_free(&t.set);
	return rc;
}

int nc_envelope(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = {
		{ "show", nc_envelope_show },
		{ "set", nc_envelope_set },
		{ "del", nc_envelope_del },
		{ "diff", nc_envelope_diff },
		{ "apply", nc_envelope_apply },
	};
	/* "envelope web" is "envelope show web". */
	static const struct nc_object obj = {
		"envelope", nc_envelope_usage, cmds, NC_ARRAY_SIZE(cmds), true
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
