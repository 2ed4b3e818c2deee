// SPDX-License-Identifier: GPL-2.0-only
/* Who runs a VM: the guest name from the VMM's command line. */
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vmm.h"

/* Enough for any sane QEMU command line up to its -name option. */
#define KN_CMDLINE_MAX	4096

/* -name takes "foo", "foo,process=bar" or "guest=foo,debug-threads=on". */
static int kn_parse_name(const char *arg, char *buf, size_t len)
{
	const char *p = arg, *end;
	size_t n, i;

	for (;;) {
		end = strchrnul(p, ',');
		if (!strnchr(p, end - p, '='))
			break;
		if (!strncmp(p, "guest=", 6)) {
			p += 6;
			break;
		}
		if (!*end)
			return -ENOENT;
		p = end + 1;
	}
	end = strchrnul(p, ',');
	n = min_t(size_t, end - p, len - 1);
	if (!n)
		return -ENOENT;
	/* The name ends up in space-separated text: keep it one word. */
	for (i = 0; i < n; i++)
		buf[i] = isgraph(p[i]) ? p[i] : '_';
	buf[n] = '\0';
	return 0;
}

int kn_vmm_name(struct task_struct *task, char *buf, size_t len)
{
	struct mm_struct *mm;
	unsigned long start, size;
	char *args, *p, *end;
	int n, err = -ENOENT;

	mm = get_task_mm(task);
	if (!mm)
		return -ESRCH;
	start = READ_ONCE(mm->arg_start);
	size = min_t(unsigned long, READ_ONCE(mm->arg_end) - start,
		     KN_CMDLINE_MAX - 1);

	args = kmalloc(KN_CMDLINE_MAX, GFP_KERNEL);
	if (!args)
		goto out_mm;
	n = access_process_vm(task, start, args, size, FOLL_FORCE);
	if (n <= 0)
		goto out_free;
	args[n] = '\0';

	end = args + n;
	for (p = args; p < end; p += strlen(p) + 1) {
		if (strcmp(p, "-name") && strcmp(p, "--name"))
			continue;
		p += strlen(p) + 1;
		if (p < end)
			err = kn_parse_name(p, buf, len);
		break;
	}
out_free:
	kfree(args);
out_mm:
	mmput(mm);
	return err;
}
