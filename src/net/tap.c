/*
 * Persistent taps through /dev/net/tun: created by ovcpd (root), owned by
 * the uid QEMU runs as, so an unprivileged QEMU can attach to them with
 * -netdev tap,ifname=NAME,script=no,downscript=no. They are deleted with
 * net_link_delete (rtnetlink), which works whether or not QEMU holds them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/log.h"
#include "net/net.h"

int net_tap_create(const char *name, unsigned owner_uid, struct err *e)
{
	struct ifreq ifr;
	int fd;

	if (!net_ifname_valid(name)) {
		err_internal(e, "bad tap name %s", name);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err_internal(e, "open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETOWNER, (unsigned long)owner_uid) < 0 ||
	    ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		int saved = errno;
		err_internal(e, "tap %s: %s", name, strerror(saved));
		log_warn("%s: tap %s: %s", __func__, name, strerror(saved));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
