/*
 * Links, bridges, VLAN devices and IPv4 addresses through libnl-route-3
 * (rtnetlink), in the caller's network namespace.
 *
 * Each call opens its own netlink socket and closes it before returning:
 * no state is shared between threads, no descriptor outlives a call.
 * Adding what exists and deleting what is gone both succeed.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/route.h>

#include "common/log.h"
#include "net/net.h"

static struct nl_sock *sock_open(struct err *e)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (sk == NULL) {
		err_internal(e, "netlink: out of memory");
		return NULL;
	}
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		err_internal(e, "netlink: connect: %s", nl_geterror(r));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static void nl_fail(struct err *e, const char *what, const char *name, int r)
{
	err_internal(e, "%s %s: %s", what, name, nl_geterror(r));
	log_warn("netlink: %s %s: %s", what, name, nl_geterror(r));
}

static void addr_text(struct nl_addr *a, char out[NET_IP_LEN])
{
	out[0] = '\0';
	if (a && nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4)
		inet_ntop(AF_INET, nl_addr_get_binary_addr(a), out, NET_IP_LEN);
}

static void link_fill(struct rtnl_link *l, struct nl_cache *links, struct net_link *out)
{
	const char *kind = rtnl_link_get_type(l);
	struct nl_addr *mac = rtnl_link_get_addr(l);
	unsigned flags = rtnl_link_get_flags(l);
	char path[128];

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", rtnl_link_get_name(l));
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	if (mac && nl_addr_get_len(mac) == 6) {
		const unsigned char *b = nl_addr_get_binary_addr(mac);
		snprintf(out->mac, sizeof(out->mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
			 b[5]);
	}
	out->ifindex = rtnl_link_get_ifindex(l);
	out->mtu = (int)rtnl_link_get_mtu(l);
	out->up = (flags & IFF_UP) != 0;
	out->carrier = rtnl_link_get_carrier(l) != 0;
	out->loopback = (flags & IFF_LOOPBACK) != 0;
	out->vlan_id = rtnl_link_is_vlan(l) ? rtnl_link_vlan_get_id(l) : -1;
	if (rtnl_link_get_master(l) > 0)
		rtnl_link_i2name(links, rtnl_link_get_master(l), out->master, sizeof(out->master));
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", out->name);
	out->physical = access(path, F_OK) == 0;
}

static void link_fill_ipv4(struct nl_cache *addrs, struct net_link *out)
{
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) != out->ifindex || rtnl_addr_get_family(a) != AF_INET)
			continue;
		addr_text(rtnl_addr_get_local(a), out->ipv4);
		out->prefix = rtnl_addr_get_prefixlen(a);
		out->ipv4_dynamic = rtnl_addr_get_valid_lifetime(a) != 0xffffffffu;
		return;
	}
}

int net_link_list(struct net_link **links_out, size_t *n_out, struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct nl_cache *links = NULL, *addrs = NULL;
	struct net_link *v = NULL;
	size_t n = 0;
	int r, rc = -1;

	if (sk == NULL)
		return -1;
	if ((r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 || (r = rtnl_addr_alloc_cache(sk, &addrs)) < 0) {
		nl_fail(e, "list", "links", r);
		goto out;
	}
	v = calloc((size_t)nl_cache_nitems(links) + 1, sizeof(*v));
	if (v == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		link_fill((struct rtnl_link *)o, links, &v[n]);
		link_fill_ipv4(addrs, &v[n]);
		n++;
	}
	*links_out = v;
	*n_out = n;
	v = NULL;
	rc = 0;
out:
	free(v);
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	nl_socket_free(sk);
	return rc;
}

int net_link_get(const char *name, struct net_link *out, struct err *e)
{
	struct net_link *v;
	size_t n;
	int found = 0;

	if (net_link_list(&v, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0) {
			*out = v[i];
			found = 1;
			break;
		}
	free(v);
	return found;
}

int net_default_route(char ifname[NET_IFNAME_LEN], char gateway[NET_IP_LEN], struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct nl_cache *routes = NULL, *links = NULL;
	int r, rc = -1;

	ifname[0] = gateway[0] = '\0';
	if (sk == NULL)
		return -1;
	if ((r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 ||
	    (r = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes)) < 0) {
		nl_fail(e, "list", "routes", r);
		goto out;
	}
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst) != 0))
			continue;
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		if (nh == NULL)
			continue;
		rtnl_link_i2name(links, rtnl_route_nh_get_ifindex(nh), ifname, NET_IFNAME_LEN);
		addr_text(rtnl_route_nh_get_gateway(nh), gateway);
		break;
	}
	rc = 0;
out:
	if (routes)
		nl_cache_free(routes);
	if (links)
		nl_cache_free(links);
	nl_socket_free(sk);
	return rc;
}

/* What to change on a link: mtu > 0, master_ifindex >= 0 (0 releases), up -1/0/1. */
struct link_change {
	int mtu, master_ifindex, up;
};

static int link_modify(struct nl_sock *sk, const char *name, const struct link_change *c, struct err *e)
{
	struct rtnl_link *link = NULL, *change = rtnl_link_alloc();
	int r;

	if (change == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	if ((r = rtnl_link_get_kernel(sk, 0, name, &link)) < 0) {
		nl_fail(e, "find link", name, r);
		rtnl_link_put(change);
		return -1;
	}
	if (c->mtu > 0)
		rtnl_link_set_mtu(change, (unsigned)c->mtu);
	if (c->master_ifindex >= 0)
		rtnl_link_set_master(change, c->master_ifindex);
	if (c->up == 1)
		rtnl_link_set_flags(change, IFF_UP);
	else if (c->up == 0)
		rtnl_link_unset_flags(change, IFF_UP);
	r = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(link);
	rtnl_link_put(change);
	if (r < 0) {
		nl_fail(e, "change link", name, r);
		return -1;
	}
	return 0;
}

static int modify(const char *name, const struct link_change *c, struct err *e)
{
	struct nl_sock *sk = sock_open(e);

	if (sk == NULL)
		return -1;
	int rc = link_modify(sk, name, c, e);
	nl_socket_free(sk);
	return rc;
}

int net_link_set_up(const char *name, bool up, struct err *e)
{
	struct link_change c = {0, -1, up ? 1 : 0};

	return modify(name, &c, e);
}

int net_link_set_mtu(const char *name, int mtu, struct err *e)
{
	struct link_change c = {mtu, -1, -1};

	return modify(name, &c, e);
}

int net_link_set_master(const char *name, const char *master, struct err *e)
{
	struct link_change c = {0, 0, -1};

	if (master && *master) {
		c.master_ifindex = (int)if_nametoindex(master);
		if (c.master_ifindex == 0) {
			err_internal(e, "no bridge %s", master);
			return -1;
		}
	}
	return modify(name, &c, e);
}

/* 1 and *kind/vlan filled when name exists, 0 when not, -1 on error. */
static int link_probe(struct nl_sock *sk, const char *name, char kind[16], int *vlan, struct err *e)
{
	struct rtnl_link *link = NULL;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);

	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return 0;
	if (r < 0) {
		nl_fail(e, "find link", name, r);
		return -1;
	}
	const char *k = rtnl_link_get_type(link);
	snprintf(kind, 16, "%s", k ? k : "");
	*vlan = rtnl_link_is_vlan(link) ? rtnl_link_vlan_get_id(link) : -1;
	rtnl_link_put(link);
	return 1;
}

int net_bridge_ensure(const char *name, int mtu, struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct link_change c = {mtu, -1, 1};
	char kind[16];
	int vlan, rc = -1, r;

	if (sk == NULL)
		return -1;
	r = link_probe(sk, name, kind, &vlan, e);
	if (r < 0)
		goto out;
	if (r == 1 && strcmp(kind, "bridge") != 0) {
		err_internal(e, "%s exists and is not a bridge", name);
		goto out;
	}
	if (r == 0 && (r = rtnl_link_bridge_add(sk, name)) < 0 && r != -NLE_EXIST) {
		nl_fail(e, "create bridge", name, r);
		goto out;
	}
	rc = link_modify(sk, name, &c, e);
out:
	nl_socket_free(sk);
	return rc;
}

int net_vlan_ensure(const char *parent, int tag, const char *name, struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct rtnl_link *link = NULL;
	char kind[16];
	int vlan, rc = -1, r;

	if (sk == NULL)
		return -1;
	r = link_probe(sk, name, kind, &vlan, e);
	if (r < 0)
		goto out;
	if (r == 1) {
		if (vlan != tag) {
			err_internal(e, "%s exists and is not VLAN %d", name, tag);
			goto out;
		}
		rc = 0;
		goto out;
	}
	int parent_index = (int)if_nametoindex(parent);
	if (parent_index == 0) {
		err_internal(e, "no interface %s for VLAN %d", parent, tag);
		goto out;
	}
	link = rtnl_link_vlan_alloc();
	if (link == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	rtnl_link_set_name(link, name);
	rtnl_link_set_link(link, parent_index);
	rtnl_link_vlan_set_id(link, (uint16_t)tag);
	if ((r = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL)) < 0 && r != -NLE_EXIST) {
		nl_fail(e, "create VLAN", name, r);
		goto out;
	}
	rc = 0;
out:
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return rc;
}

int net_link_delete(const char *name, struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct rtnl_link *link;
	int r, rc = -1;

	if (sk == NULL)
		return -1;
	link = rtnl_link_alloc();
	if (link == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	rtnl_link_set_name(link, name);
	r = rtnl_link_delete(sk, link);
	rtnl_link_put(link);
	if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV) {
		nl_fail(e, "delete link", name, r);
		goto out;
	}
	rc = 0;
out:
	nl_socket_free(sk);
	return rc;
}

int net_addr_ensure(const char *name, uint32_t ip, int prefix, struct err *e)
{
	struct nl_sock *sk = sock_open(e);
	struct rtnl_addr *addr = NULL;
	struct nl_addr *local = NULL, *bcast = NULL;
	uint32_t be = htonl(ip), mask = prefix ? 0xffffffffu << (32 - prefix) : 0, bc = htonl(ip | ~mask);
	int r, rc = -1;

	if (sk == NULL)
		return -1;
	int ifindex = (int)if_nametoindex(name);
	addr = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET, &be, 4);
	bcast = nl_addr_build(AF_INET, &bc, 4);
	if (ifindex == 0 || addr == NULL || local == NULL || bcast == NULL) {
		err_internal(e, "address for %s: no such interface or out of memory", name);
		goto out;
	}
	nl_addr_set_prefixlen(local, prefix);
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, prefix);
	rtnl_addr_set_broadcast(addr, bcast);
	if ((r = rtnl_addr_add(sk, addr, NLM_F_REPLACE)) < 0 && r != -NLE_EXIST) {
		nl_fail(e, "add address to", name, r);
		goto out;
	}
	rc = 0;
out:
	if (local)
		nl_addr_put(local);
	if (bcast)
		nl_addr_put(bcast);
	if (addr)
		rtnl_addr_put(addr);
	nl_socket_free(sk);
	return rc;
}
