// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of nl_async.sh: `nl_fair DOLL` sends pings of DOLL (a hung
 * child's, so that each stays queued) from one socket until the kernel
 * refuses one, then one more from a second socket. Prints
 *   kn-fair accepted=N refused=ERRNO other=ERRNO msg=EXTACK
 * where N is how many the first socket got queued, ERRNO the refusal of
 * the next and other the second socket's answer (0: queued).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_genl.h"
#include "kn_tap.h"

#define TRIES	64

static int ping(struct kn_genl *g, uint32_t id, struct kn_genl_ack *ack)
{
	static struct kn_genl_msg m;

	kn_genl_msg_init(&m, g->family, 0, KVM_NEST_CMD_PING, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, id);
	return kn_genl_xfer(g, &m, NULL, NULL, ack);
}

int main(int argc, char **argv)
{
	static struct kn_genl a, b;
	struct kn_genl_ack ack = { 0 }, other = { 0 };
	unsigned int n = 0;
	uint32_t id;
	int err = 0;

	if (argc != 2)
		kn_bail("usage: %s DOLL", argv[0]);
	id = (uint32_t)strtoul(argv[1], NULL, 0);
	if (kn_genl_open(&a, KVM_NEST_GENL_NAME) || kn_genl_open(&b, KVM_NEST_GENL_NAME))
		kn_bail("the %s family is not registered", KVM_NEST_GENL_NAME);
	while (n < TRIES && !(err = ping(&a, id, &ack)))
		n++;
	ping(&b, id, &other);
	printf("kn-fair accepted=%u refused=%d other=%d msg=%s\n", n, -err, -other.error,
	       ack.msg);
	/* Closing marks the queued pings as nobody's; the child's end ends them. */
	kn_genl_close(&a);
	kn_genl_close(&b);
	return 0;
}
