/*
 * Tests that change the host run in a private network namespace (and a
 * private mount namespace with its own /sys, so /sys/class/net shows the
 * new namespace): nothing of the host's networking is seen or touched, and
 * the namespace vanishes with the test process. Needs root (CAP_SYS_ADMIN);
 * returns -1 otherwise, and the tests skip. Call before any thread starts.
 */
#ifndef OVCP_TESTS_NET_NETNS_H
#define OVCP_TESTS_NET_NETNS_H

#include <sched.h>
#include <sys/mount.h>

#include "net/net.h"

static inline int netns_enter_private(void)
{
	struct err e = {0};

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	umount2("/sys", MNT_DETACH);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
		return -1;
	int rc = net_link_set_up("lo", true, &e);
	err_clear(&e);
	return rc;
}

#endif
