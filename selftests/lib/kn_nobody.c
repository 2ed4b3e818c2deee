// SPDX-License-Identifier: GPL-2.0
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_nobody.h"
#include "kn_tap.h"

int kn_become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(KN_NOBODY, KN_NOBODY, KN_NOBODY) ||
	    setresuid(KN_NOBODY, KN_NOBODY, KN_NOBODY))
		return -1;
	return 0;
}

int kn_genl_as_nobody(int (*fn)(struct kn_genl *g, const void *arg), const void *arg)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid) {
		/* Large: off the child's stack. */
		struct kn_genl *g = malloc(sizeof(*g));

		if (!g || kn_become_nobody() || kn_genl_open(g, KVM_NEST_GENL_NAME))
			_exit(0xff);
		_exit(fn(g, arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 0xff;
	return WEXITSTATUS(status);
}
