// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for shell tests (nl_async), not a test itself: a child kvm-nest
 * that hangs.  Its guest says HELLO, REPORTs one doll (the child's id 10,
 * named "kn-hung-<pid>"), then never runs again: it never FETCHes, so a
 * command sent down to that doll waits until the parent gives up.  Prints
 *   kn-hung vm=<our level-1 doll> doll=<the reported doll's id here>
 * once the report shows in debugfs, then sleeps -s SECONDS (default 600)
 * or until killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kn_chan_report.h"
#include "kn_hypercall.h"
#include "kn_record.h"
#include "kn_tap.h"
#include "kn_vm.h"

#define BUF_SIZE	4096
#define POLL_US		10000
#define POLL_MAX	500

static int64_t call(struct kn_hypercall_queue *q, uint64_t op, uint64_t gpa,
		    uint64_t len)
{
	kn_hypercall_add(q, KVM_NEST_HC, op, gpa, len);
	kn_hypercall_flush(q);
	return q->calls[0].ret;
}

/* Our doll's id and the reported one's, once debugfs shows both. */
static void find(const char *name, uint64_t *vm, uint64_t *doll)
{
	const struct kn_record *r[4], *v;
	struct kn_records rs;

	for (int i = 0; i < POLL_MAX; i++, usleep(POLL_US)) {
		kn_records_read(&rs, "dolls");
		v = kn_records_vm(&rs, (uint64_t)getpid(), KN_RECORD_NONE);
		if (v && kn_records_below(&rs, kn_record_u64(v, "id"), "reported", r, 4) == 1) {
			const char *got = kn_record_get(r[0], "name");

			*vm = kn_record_u64(v, "id");
			*doll = kn_record_u64(r[0], "id");
			kn_records_free(&rs);
			if (!got)
				kn_bail("the reported doll has no name; expected %s", name);
			return;
		}
		kn_records_free(&rs);
	}
	kn_bail("the reported doll %s did not show in debugfs", name);
}

int main(int argc, char **argv)
{
	unsigned long secs = 600;
	struct kvm_nest_ch_hello *h;
	struct kn_hypercall_queue q;
	struct kn_ch_doll d;
	uint64_t hello, buf, vm, doll;
	struct kn_nla b;
	struct kn_vm v;
	char name[32];
	int64_t ret;
	int opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			kn_bail("usage: %s [-s SECONDS]", argv[0]);
		secs = kn_arg_ulong(optarg, "-s");
	}
	snprintf(name, sizeof(name), "kn-hung-%d", getpid());
	kn_vm_create(&v, KN_MEM_DEFAULT);
	hello = kn_vm_alloc(&v, sizeof(*h));
	h = kn_gpa(&v, hello, sizeof(*h));
	buf = kn_vm_alloc(&v, BUF_SIZE);
	kn_hypercall_init(&q, &v, 2, NULL);

	*h = (struct kvm_nest_ch_hello){ .version = KVM_NEST_CH_VERSION };
	ret = call(&q, KVM_NEST_CH_HELLO, hello, sizeof(*h));
	if (ret)
		kn_bail("HELLO answered %ld: is kvm-nest loaded?", ret);
	d = (struct kn_ch_doll){ .id = 10, .level = 1, .name = name,
				 .have = KN_CH_NEEDED | KN_CH_HAVE(KVM_NEST_A_DOLL_NAME) };
	kn_nla_init(&b, kn_gpa(&v, buf, BUF_SIZE), BUF_SIZE);
	kn_ch_put_doll(&b, &d);
	ret = call(&q, KVM_NEST_CH_REPORT, buf, b.len);
	if (ret < 0)
		kn_bail("REPORT answered %ld", ret);
	/* From now on the vCPU never runs: nothing fetches or replies. */
	find(name, &vm, &doll);
	printf("kn-hung vm=%lu doll=%lu\n", vm, doll);
	fflush(stdout);
	sleep((unsigned int)secs);
	return 0;
}
