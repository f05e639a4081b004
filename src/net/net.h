/*
 * The network driver library: Linux bridges, taps, VLAN devices, dnsmasq
 * for host-internal DHCP networks, and NAT through nftables.
 *
 * It knows nothing of the XenAPI: callers pass plain values (interface
 * names, subnets, uids). Configuration texts (dnsmasq's argv, the nft
 * ruleset) are pure functions with golden tests; the functions that touch
 * the host are thin wrappers around libnl-route-3, /dev/net/tun ioctls and
 * spawned programs (argv arrays, no shell).
 *
 * Invariants: every function that changes the host is idempotent (adding
 * what exists, or deleting what is gone, succeeds); every process spawned
 * is waited for with a deadline; no file descriptor outlives a call.
 */
#ifndef OVCP_NET_NET_H
#define OVCP_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define NET_IFNAME_LEN 16 /* IFNAMSIZ: 15 characters and the NUL */
#define NET_MAC_LEN    18 /* "aa:bb:cc:dd:ee:ff" and the NUL */
#define NET_IP_LEN     16 /* dotted IPv4 and the NUL */

/* ---- names.c: pure naming, MACs and subnets ---- */

/* A usable Linux interface name: 1..15 chars of [A-Za-z0-9_.-], not "." or "..". */
bool net_ifname_valid(const char *name);
/* "prefix<N>" for the smallest N >= 0 not in taken (n names); -1 when none fits in 15 chars. */
int net_name_pick(const char *prefix, const char *const *taken, size_t n, char out[NET_IFNAME_LEN]);
/* The trailing number of a name ("eth12" -> 12), or -1 when it has none. */
int net_name_number(const char *name);
/*
 * The tap of a VM's VIF: "ovcp" + the first hex digits of the VM's uuid +
 * "d" + the VIF's device, 15 characters at most. -1 when device is not a
 * small decimal number or the uuid has too few hex digits.
 */
int net_tap_name(const char *vm_uuid, const char *device, char out[NET_IFNAME_LEN]);
/* The VLAN device for tag on parent: "parent.tag", or "vl<tag>.<hash of parent>" when that is too long. */
int net_vlan_device_name(const char *parent, int tag, char out[NET_IFNAME_LEN]);

/* A locally administered unicast MAC from six bytes (random or hashed). */
void net_mac_from_bytes(const unsigned char b[6], char out[NET_MAC_LEN]);
/* A fresh random locally administered unicast MAC. 0 / -1. */
int net_mac_generate(char out[NET_MAC_LEN]);
/* "aa:bb:cc:dd:ee:ff" (either case, also '-' separated); normalised lower-case with ':' into out. */
bool net_mac_parse(const char *text, char out[NET_MAC_LEN]);

/* An IPv4 subnet, in host byte order. */
struct net_subnet {
	uint32_t network; /* host bits zero */
	int prefix;	  /* 8..30 */
};
/* "10.77.0.0/24". Host bits must be zero; prefix 8..30. 0 / -1 with e INVALID_VALUE. */
int net_subnet_parse(const char *text, struct net_subnet *s, struct err *e);
void net_subnet_format(const struct net_subnet *s, char *out, size_t size); /* "10.77.0.0/24" */
uint32_t net_subnet_netmask(const struct net_subnet *s);
uint32_t net_subnet_gateway(const struct net_subnet *s); /* the first host: the bridge's address */
/* The DHCP pool: .100-.200 in a /24 or larger, else from gateway+1 to the last host. */
void net_subnet_dhcp_range(const struct net_subnet *s, uint32_t *first, uint32_t *last);
void net_ip_format(uint32_t ip, char out[NET_IP_LEN]);
int net_ip_parse(const char *text, uint32_t *ip); /* 0 / -1 */

/* ---- argv.c: NULL-terminated argument vectors ---- */

struct net_argv {
	char **v;
	size_t n, cap;
};
int net_argv_add(struct net_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void net_argv_free(struct net_argv *a);

/* ---- spawn.c: run a program and wait for it ---- */

/*
 * Run argv[0] (searched in the sbin and bin directories when it has no '/')
 * with stdin from /dev/null and stdout+stderr appended to log_path (or
 * /dev/null), every other descriptor closed; wait at most timeout_ms, then
 * SIGKILL. Returns the exit status (0..255), or -1 with e set when it could
 * not run, was killed, or timed out.
 */
int net_spawn_wait(char *const argv[], const char *log_path, int timeout_ms, struct err *e);
/* The full path of a program, or NULL (static buffer per thread). */
const char *net_program_path(const char *name);

/* ---- dnsmasq.c: DHCP for host-internal networks ---- */

struct net_dhcp_config {
	const char *bridge;
	struct net_subnet subnet;
	bool router;	     /* offer the bridge's address as the default gateway (NAT networks) */
	bool dns;	     /* serve DNS on the bridge's address (forwarding to the host's resolvers) */
	const char *run_dir; /* where the pid, lease and log files live */
};
/* dnsmasq's argv for one network: a pure function (golden tests). 0 / -1. */
int net_dnsmasq_argv(const struct net_dhcp_config *c, struct net_argv *out);
/* Paths of the files dnsmasq keeps for a bridge under run_dir. */
void net_dnsmasq_path(const char *run_dir, const char *bridge, const char *ext, char *out, size_t size);
/* The pid of the dnsmasq serving bridge (from its pid file, checked in /proc), or 0. */
int net_dnsmasq_pid(const char *run_dir, const char *bridge);
/* Start dnsmasq for the network unless it runs already. 0 / -1. */
int net_dnsmasq_start(const struct net_dhcp_config *c, struct err *e);
/* Stop it (SIGTERM, then SIGKILL after a deadline) and remove its pid file. Not running is fine. */
int net_dnsmasq_stop(const char *run_dir, const char *bridge, struct err *e);

/* ---- nat.c: masquerading through nftables ---- */

struct net_nat_network {
	const char *bridge;
	struct net_subnet subnet;
	const char *uplink; /* the interface masqueraded to; NULL or "": any but the bridge */
};
/*
 * The whole ruleset of OVCP's own table `inet ovcp` for these networks: a
 * pure function (golden tests). The text first creates and deletes the
 * table, so `nft -f` of it replaces the table atomically and touches
 * nothing else; with no network it leaves no table. Caller frees.
 */
char *net_nft_ruleset(const struct net_nat_network *nets, size_t n);
/* Write the ruleset to path and load it with `nft -f`. 0 / -1. */
int net_nft_apply(const char *ruleset, const char *path, struct err *e);
/* net.ipv4.ip_forward = 1 (in the caller's network namespace). 0 / -1. */
int net_ip_forward_enable(struct err *e);

/* ---- link.c: links, bridges, VLANs and addresses through libnl-route-3 ---- */

struct net_link {
	char name[NET_IFNAME_LEN];
	char mac[NET_MAC_LEN];
	char kind[16];		     /* "bridge", "vlan", "tun", "veth", "dummy"...; "" for hardware */
	char master[NET_IFNAME_LEN]; /* "" when not enslaved */
	int ifindex, mtu;
	bool up, carrier, loopback;
	bool physical; /* backed by a device (/sys/class/net/NAME/device) */
	int vlan_id;   /* VLAN devices: the tag; else -1 */
	/* The first IPv4 address, if any. */
	char ipv4[NET_IP_LEN];
	int prefix;
	bool ipv4_dynamic; /* a finite lifetime: configured by a DHCP client */
};
/* Every link of the namespace; *links is malloc'd (free it). 0 / -1. */
int net_link_list(struct net_link **links, size_t *n, struct err *e);
/* One link by name: 1 found, 0 absent, -1 error. */
int net_link_get(const char *name, struct net_link *out, struct err *e);
/* The IPv4 default route of the main table: its interface and gateway ("" when none). 0 / -1. */
int net_default_route(char ifname[NET_IFNAME_LEN], char gateway[NET_IP_LEN], struct err *e);
/* Create the bridge if absent (an existing link of that name must be a bridge); set mtu (>0) and up. */
int net_bridge_ensure(const char *name, int mtu, struct err *e);
/* Create VLAN device name (tag on parent) if absent. */
int net_vlan_ensure(const char *parent, int tag, const char *name, struct err *e);
/* Delete a link; an absent one is fine. */
int net_link_delete(const char *name, struct err *e);
/* Enslave name to bridge master (NULL or "": release it). */
int net_link_set_master(const char *name, const char *master, struct err *e);
int net_link_set_up(const char *name, bool up, struct err *e);
int net_link_set_mtu(const char *name, int mtu, struct err *e);
/* Give an interface an IPv4 address (replacing the same address). */
int net_addr_ensure(const char *name, uint32_t ip, int prefix, struct err *e);

/* ---- tap.c: persistent taps through /dev/net/tun ---- */

/* Create the persistent tap name owned by uid (a tap that exists already is reused). 0 / -1. */
int net_tap_create(const char *name, unsigned owner_uid, struct err *e);

#endif
