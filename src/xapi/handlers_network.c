/*
 * The network driver's XenAPI side: network, PIF and VIF messages, and the
 * reconciliation that makes the host match the records (src/net does the
 * host work with plain values).
 *
 * What the records mean on the host (docs/networking.md):
 * - A network with no PIF is host-internal: its bridge (network.bridge,
 *   "ovcpbrN" unless given) always exists while the record does. Its
 *   other_config may ask for an address and DHCP ("ovcp-subnet",
 *   "ovcp-dhcp": dnsmasq on the bridge) and NAT ("ovcp-nat": masquerading
 *   in nftables table `inet ovcp`, "ovcp-nat-uplink" to pick the uplink).
 * - A physical PIF describes a host interface; its network's bridge
 *   ("xenbrN") is made and the interface enslaved to it only when the
 *   administrator plugs the PIF (PIF.plug): OVCP never takes over a host
 *   interface by itself. PIF.currently_attached records that choice.
 * - A VLAN PIF (PIF.create_VLAN, pool.create_VLAN[_from_PIF]) is a VLAN
 *   device "DEV.TAG" on its tagged PIF's interface, enslaved to its
 *   network's bridge.
 *
 * Invariants: records are written before the host is changed and undone
 * when the change fails; every change of bridges, dnsmasq and NAT runs
 * under the driver's lock; network_startup() is idempotent (a restart
 * re-creates what is missing: bridges, VLAN devices, dnsmasq, nft table).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "net/net.h"
#include "xapi/db.h"
#include "xapi/dispatch.h"
#include "xapi/network_api.h"

#define OC_SUBNET	       "ovcp-subnet"
#define OC_DHCP		       "ovcp-dhcp"
#define OC_NAT		       "ovcp-nat"
#define OC_NAT_UPLINK	       "ovcp-nat-uplink"
#define INTERNAL_BRIDGE_PREFIX "ovcpbr"
#define PIF_BRIDGE_PREFIX      "xenbr"

struct network {
	pthread_mutex_t lock; /* serialises every change of bridges, devices, dnsmasq and nft */
	char run_dir[4096];   /* STATE/net: dnsmasq's files, the nft ruleset, bridge markers */
	bool host;	      /* false: records only, the host is never changed (see network_startup) */
};

/* One driver per process (ovcpd serves one host); it lives as long as the process. */
static struct network driver_instance = {.lock = PTHREAD_MUTEX_INITIALIZER, .host = true};

/* What a network record asks of the host. */
struct net_spec {
	char bridge[NET_IFNAME_LEN];
	int mtu;
	bool has_subnet, dhcp, nat;
	struct net_subnet subnet;
	char uplink[NET_IFNAME_LEN];
};

static const struct model_class *C(const char *name)
{
	return model_class_find(name);
}

/* ---- record helpers ---- */

static const char *str_of(json_t *rec, const char *field)
{
	const char *s = json_string_value(json_object_get(rec, field));

	return s ? s : "";
}

static const char *oc_of(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(rec, "other_config"), key));
}

static bool oc_true(json_t *rec, const char *key)
{
	const char *v = oc_of(rec, key);

	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0);
}

static int collect_record(const char *ref, const char *text, void *arg)
{
	json_t *rec = json_loads(text, 0, NULL);

	if (rec)
		json_object_set_new(arg, ref, rec);
	return 0;
}

/* Every record of a class: {ref: record}. */
static json_t *records_all(struct xapi_server *srv, const char *cls, struct err *e)
{
	json_t *all = json_object();

	if (db_list(srv->store, C(cls), collect_record, all, e) < 0) {
		json_decref(all);
		return NULL;
	}
	return all;
}

static int spec_from_record(json_t *rec, struct net_spec *s, struct err *e)
{
	const char *subnet = oc_of(rec, OC_SUBNET), *uplink = oc_of(rec, OC_NAT_UPLINK);

	memset(s, 0, sizeof(*s));
	snprintf(s->bridge, sizeof(s->bridge), "%s", str_of(rec, "bridge"));
	s->mtu = (int)json_integer_value(json_object_get(rec, "MTU"));
	if (s->mtu != 0 && (s->mtu < 68 || s->mtu > 65535)) {
		err_set(e, "INVALID_VALUE", "MTU", "an MTU from 68 to 65535", NULL);
		return -1;
	}
	if (subnet && *subnet) {
		if (net_subnet_parse(subnet, &s->subnet, e) < 0)
			return -1;
		s->has_subnet = true;
	}
	s->dhcp = oc_true(rec, OC_DHCP);
	s->nat = oc_true(rec, OC_NAT);
	if ((s->dhcp || s->nat) && !s->has_subnet) {
		err_set(e, "INVALID_VALUE", s->dhcp ? OC_DHCP : OC_NAT, "true", "needs " OC_SUBNET, NULL);
		return -1;
	}
	if (uplink && *uplink) {
		if (!net_ifname_valid(uplink)) {
			err_set(e, "INVALID_VALUE", OC_NAT_UPLINK, uplink, NULL);
			return -1;
		}
		snprintf(s->uplink, sizeof(s->uplink), "%s", uplink);
	}
	return 0;
}

/* Names a new bridge may not take: every network's bridge and every link of the host. */
static json_t *names_taken(struct xapi_server *srv, json_t *networks, struct err *e)
{
	json_t *names = json_array(), *rec;
	struct net_link *links;
	const char *ref;
	size_t n;

	json_object_foreach(networks, ref, rec) if (*str_of(rec, "bridge"))
	    json_array_append_new(names, json_string(str_of(rec, "bridge")));
	/* Records-only: the host's own links are not ours to avoid. */
	if (srv->network == NULL || !srv->network->host)
		return names;
	if (net_link_list(&links, &n, e) < 0) {
		json_decref(names);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(names, json_string(links[i].name));
	free(links);
	return names;
}

static int bridge_pick(json_t *taken, const char *prefix, char out[NET_IFNAME_LEN], struct err *e)
{
	size_t n = json_array_size(taken);
	const char **v = calloc(n + 1, sizeof(*v));
	int rc;

	if (v == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(taken, i));
	rc = net_name_pick(prefix, v, n, out);
	free(v);
	if (rc < 0)
		err_internal(e, "no free bridge name with prefix %s", prefix);
	return rc;
}

static bool name_in(json_t *names, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
	return false;
}

/* ---- the host side of networks and PIFs ---- */

static void dhcp_config(struct network *n, const struct net_spec *s, struct net_dhcp_config *c)
{
	*c = (struct net_dhcp_config){
	    .bridge = s->bridge, .subnet = s->subnet, .router = s->nat, .dns = s->nat, .run_dir = n->run_dir};
}

/* A host-internal network: bridge, address, dnsmasq. */
static int internal_realise(struct network *n, const struct net_spec *s, struct err *e)
{
	struct net_dhcp_config c;
	char marker[4200];

	if (!n->host)
		return 0;
	/* The marker says this state directory made the bridge: only such bridges are removed as orphans. */
	snprintf(marker, sizeof(marker), "%s/%s.bridge", n->run_dir, s->bridge);
	if (file_write_atomic(marker, "", 0, 0644) < 0 || net_bridge_ensure(s->bridge, s->mtu, e) < 0) {
		if (!err_isset(e))
			err_internal(e, "cannot write %s", marker);
		return -1;
	}
	if (s->has_subnet && net_addr_ensure(s->bridge, net_subnet_gateway(&s->subnet), s->subnet.prefix, e) < 0)
		return -1;
	if (!s->dhcp)
		return net_dnsmasq_stop(n->run_dir, s->bridge, e);
	dhcp_config(n, s, &c);
	return net_dnsmasq_start(&c, e);
}

static void internal_unrealise(struct network *n, const char *bridge)
{
	struct err e = {0};
	char marker[4200];

	if (!n->host)
		return;
	if (net_dnsmasq_stop(n->run_dir, bridge, &e) < 0 || net_link_delete(bridge, &e) < 0)
		log_warn("network: removing %s: %s", bridge, json_string_value(json_array_get(e.desc, 1)));
	snprintf(marker, sizeof(marker), "%s/%s.bridge", n->run_dir, bridge);
	unlink(marker);
	err_clear(&e);
}

/* The device a PIF stands for on the host: its interface, or its VLAN device. */
static int pif_host_device(json_t *pif, char out[NET_IFNAME_LEN], struct err *e)
{
	int tag = (int)json_integer_value(json_object_get(pif, "VLAN"));

	if (tag < 0) {
		snprintf(out, NET_IFNAME_LEN, "%s", str_of(pif, "device"));
		return 0;
	}
	if (net_vlan_device_name(str_of(pif, "device"), tag, out) < 0) {
		err_internal(e, "no VLAN device name for %s tag %d", str_of(pif, "device"), tag);
		return -1;
	}
	return 0;
}

/* Attach a PIF to its network's bridge: the bridge, the VLAN device if any, enslaved and up. */
static int pif_attach(json_t *pif, const char *bridge, int mtu, struct err *e)
{
	int tag = (int)json_integer_value(json_object_get(pif, "VLAN"));
	char dev[NET_IFNAME_LEN];

	if (!driver_instance.host)
		return 0;
	if (pif_host_device(pif, dev, e) < 0 || net_bridge_ensure(bridge, mtu, e) < 0)
		return -1;
	if (tag >= 0 && net_vlan_ensure(str_of(pif, "device"), tag, dev, e) < 0)
		return -1;
	if (net_link_set_master(dev, bridge, e) < 0 || net_link_set_up(dev, true, e) < 0)
		return -1;
	return 0;
}

/* Undo pif_attach: a VLAN device goes, an interface is released from the bridge. */
static int pif_detach(json_t *pif, struct err *e)
{
	char dev[NET_IFNAME_LEN];
	struct net_link l;

	if (!driver_instance.host)
		return 0;
	if (pif_host_device(pif, dev, e) < 0)
		return -1;
	if (json_integer_value(json_object_get(pif, "VLAN")) >= 0)
		return net_link_delete(dev, e);
	int r = net_link_get(dev, &l, e);
	if (r <= 0 || !*l.master)
		return r < 0 ? -1 : 0;
	return net_link_set_master(dev, NULL, e);
}

/* The NAT rules of every NAT network, loaded whole. Called with the lock held. */
static int nat_apply(struct xapi_server *srv, struct err *e)
{
	json_t *nets = records_all(srv, "network", e), *pifs = records_all(srv, "PIF", e), *rec;
	struct net_spec *specs = NULL;
	struct net_nat_network *nat = NULL;
	char mgmt_uplink[NET_IFNAME_LEN] = "", path[4200];
	const char *ref;
	size_t n = 0;
	int rc = -1;

	if (!((struct network *)srv->network)->host) {
		rc = 0;
		goto out;
	}
	if (nets == NULL || pifs == NULL)
		goto out;
	/* The default uplink: the management interface, or its bridge when it is attached to one. */
	json_object_foreach(pifs, ref, rec)
	{
		if (strcmp(str_of(rec, "host"), srv->host_ref) != 0 ||
		    !json_is_true(json_object_get(rec, "management")))
			continue;
		json_t *net = json_object_get(nets, str_of(rec, "network"));
		if (json_is_true(json_object_get(rec, "currently_attached")) && net)
			snprintf(mgmt_uplink, sizeof(mgmt_uplink), "%s", str_of(net, "bridge"));
		else
			snprintf(mgmt_uplink, sizeof(mgmt_uplink), "%s", str_of(rec, "device"));
	}
	specs = calloc(json_object_size(nets) + 1, sizeof(*specs));
	nat = calloc(json_object_size(nets) + 1, sizeof(*nat));
	if (specs == NULL || nat == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	json_object_foreach(nets, ref, rec)
	{
		struct err ignore = {0};
		if (json_array_size(json_object_get(rec, "PIFs")) > 0 ||
		    spec_from_record(rec, &specs[n], &ignore) < 0 || !specs[n].nat || !*specs[n].bridge) {
			err_clear(&ignore);
			continue;
		}
		nat[n] = (struct net_nat_network){specs[n].bridge, specs[n].subnet,
						  *specs[n].uplink ? specs[n].uplink : mgmt_uplink};
		n++;
	}
	snprintf(path, sizeof(path), "%s/ovcp.nft", ((struct network *)srv->network)->run_dir);
	if (n == 0 && access(path, F_OK) != 0) {
		rc = 0; /* no rules, and none loaded before: nft is not even asked */
		goto out;
	}
	char *ruleset = net_nft_ruleset(nat, n);
	if (ruleset == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	rc = n > 0 ? net_ip_forward_enable(e) : 0;
	if (rc == 0)
		rc = net_nft_apply(ruleset, path, e);
	if (rc == 0 && n == 0)
		unlink(path); /* the table is gone: the next start has nothing to remove */
	free(ruleset);
out:
	free(specs);
	free(nat);
	json_decref(nets);
	json_decref(pifs);
	return rc;
}

/* Make the host match one network record. Called with the lock held. */
static int network_reconcile(struct xapi_server *srv, json_t *rec, struct err *e)
{
	struct net_spec s;
	json_t *pifs = json_object_get(rec, "PIFs"), *v;
	size_t i;

	if (spec_from_record(rec, &s, e) < 0)
		return -1;
	if (!*s.bridge)
		return 0;
	if (json_array_size(pifs) == 0)
		return internal_realise(srv->network, &s, e);
	json_array_foreach(pifs, i, v)
	{
		json_t *pif = db_get(srv->store, C("PIF"), json_string_value(v), e);
		if (pif == NULL)
			return -1;
		int rc = 0;
		if (strcmp(str_of(pif, "host"), srv->host_ref) == 0 &&
		    json_is_true(json_object_get(pif, "currently_attached")))
			rc = pif_attach(pif, s.bridge, s.mtu, e);
		json_decref(pif);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- PIFs of this host's interfaces ---- */

struct pif_facts {
	const struct net_link *link;
	bool management;
	const char *gateway, *dns;
};

static void pif_set_facts(json_t *rec, const struct pif_facts *f)
{
	const struct net_link *l = f->link;
	char mask[NET_IP_LEN] = "";

	if (*l->ipv4) {
		struct net_subnet s = {0, l->prefix};
		net_ip_format(net_subnet_netmask(&s), mask);
	}
	json_object_set_new(rec, "MAC", json_string(l->mac));
	json_object_set_new(rec, "MTU", json_integer(l->mtu));
	json_object_set_new(rec, "physical", json_boolean(l->physical));
	json_object_set_new(rec, "management", json_boolean(f->management));
	json_object_set_new(rec, "ip_configuration_mode",
			    json_string(!*l->ipv4	  ? "None"
					: l->ipv4_dynamic ? "DHCP"
							  : "Static"));
	json_object_set_new(rec, "IP", json_string(l->ipv4));
	json_object_set_new(rec, "netmask", json_string(mask));
	json_object_set_new(rec, "gateway", json_string(f->management ? f->gateway : ""));
	json_object_set_new(rec, "DNS", json_string(f->management ? f->dns : ""));
}

static int pif_update_facts(json_t *rec, void *arg, struct err *e)
{
	pif_set_facts(rec, arg);
	return 0;
}

/* The name servers of /etc/resolv.conf, comma-separated (XenAPI's PIF.DNS). */
static void resolv_servers(char *out, size_t size)
{
	char *text = file_read_all("/etc/resolv.conf", NULL), *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (text == NULL)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char addr[64];
		if (sscanf(line, " nameserver %63s", addr) == 1 && len + strlen(addr) + 2 < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "," : "", addr);
	}
	free(text);
}

/* Interfaces that get a PIF: hardware, dummy, veth and bond links not enslaved by someone else. */
static bool link_is_pif_candidate(const struct net_link *l, json_t *pif_by_device)
{
	static const char *const kinds[] = {"", "dummy", "veth", "bond"};
	bool kind_ok = false;

	if (l->loopback || strncmp(l->name, "ovcp", 4) == 0 || !*l->mac)
		return false;
	for (size_t i = 0; i < MODEL_COUNT(kinds); i++)
		kind_ok |= strcmp(l->kind, kinds[i]) == 0;
	if (!kind_ok)
		return false;
	return !*l->master || json_object_get(pif_by_device, l->name) != NULL;
}

static int pif_create(struct xapi_server *srv, const struct pif_facts *f, json_t *taken, struct err *e)
{
	char bridge[NET_IFNAME_LEN], nref[REF_LEN];
	const struct net_link *l = f->link;
	int num = net_name_number(l->name), rc;

	snprintf(bridge, sizeof(bridge), PIF_BRIDGE_PREFIX "%d", num);
	if (strncmp(l->name, "eth", 3) != 0 || num < 0 || name_in(taken, bridge))
		if (bridge_pick(taken, PIF_BRIDGE_PREFIX, bridge, e) < 0)
			return -1;
	json_array_append_new(taken, json_string(bridge));
	json_t *net = record_new_default(C("network"));
	json_object_set_new(net, "name_label", json_sprintf("Pool-wide network associated with %s", l->name));
	json_object_set_new(net, "bridge", json_string(bridge));
	json_object_set_new(net, "MTU", json_integer(l->mtu));
	json_object_set_new(net, "other_config", json_object());
	rc = db_create(srv->store, C("network"), net, NULL, nref, e);
	json_decref(net);
	if (rc < 0)
		return -1;
	json_t *pif = record_new_default(C("PIF"));
	json_object_set_new(pif, "device", json_string(l->name));
	json_object_set_new(pif, "network", json_string(nref));
	json_object_set_new(pif, "host", json_string(srv->host_ref));
	json_object_set_new(pif, "VLAN", json_integer(-1));
	json_object_set_new(pif, "currently_attached", json_false());
	json_object_set_new(pif, "other_config", json_object());
	pif_set_facts(pif, f);
	rc = db_create(srv->store, C("PIF"), pif, NULL, NULL, e);
	json_decref(pif);
	if (rc == 0)
		log_info("network: PIF for %s (network bridge %s, not attached)", l->name, bridge);
	return rc;
}

/* PIF records for this host's interfaces: new ones created, known ones refreshed. Lock held. */
static int pif_scan(struct xapi_server *srv, struct err *e)
{
	json_t *pifs = records_all(srv, "PIF", e), *nets = records_all(srv, "network", e), *by_dev = json_object(),
	       *taken = NULL, *rec;
	char mgmt[NET_IFNAME_LEN], gateway[NET_IP_LEN], dns[256];
	struct net_link *links = NULL;
	const char *ref;
	size_t n = 0;
	int rc = -1;

	if (pifs == NULL || nets == NULL || net_default_route(mgmt, gateway, e) < 0 ||
	    net_link_list(&links, &n, e) < 0 || (taken = names_taken(srv, nets, e)) == NULL)
		goto out;
	resolv_servers(dns, sizeof(dns));
	json_object_foreach(pifs, ref, rec) if (strcmp(str_of(rec, "host"), srv->host_ref) == 0 &&
						json_integer_value(json_object_get(rec, "VLAN")) < 0)
	    json_object_set_new(by_dev, str_of(rec, "device"), json_string(ref));
	for (size_t i = 0; i < n; i++) {
		if (!link_is_pif_candidate(&links[i], by_dev))
			continue;
		struct pif_facts f = {&links[i], strcmp(links[i].name, mgmt) == 0, gateway, dns};
		const char *known = json_string_value(json_object_get(by_dev, links[i].name));
		if (known ? db_update(srv->store, C("PIF"), known, pif_update_facts, &f, e) < 0
			  : pif_create(srv, &f, taken, e) < 0)
			goto out;
	}
	rc = 0;
out:
	free(links);
	json_decref(pifs);
	json_decref(nets);
	json_decref(by_dev);
	json_decref(taken);
	return rc;
}

static bool bridge_marked(struct network *n, const char *bridge)
{
	char marker[4200];

	snprintf(marker, sizeof(marker), "%s/%s.bridge", n->run_dir, bridge);
	return access(marker, F_OK) == 0;
}

/* Remove what this ovcpd made and no record asks for: bridges, dnsmasq daemons. Lock held. */
static void remove_orphans(struct xapi_server *srv, json_t *nets)
{
	struct network *n = srv->network;
	json_t *bridges = json_array(), *rec;
	struct net_link *links;
	const char *ref;
	size_t count;
	struct err e = {0};

	json_object_foreach(nets, ref, rec)
	{
		struct net_spec s;
		if (spec_from_record(rec, &s, &e) == 0 && s.dhcp && json_array_size(json_object_get(rec, "PIFs")) == 0)
			json_array_append_new(bridges, json_string(s.bridge));
		err_clear(&e);
	}
	DIR *d = opendir(n->run_dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		char bridge[NET_IFNAME_LEN];
		if (len < 5 || len - 4 >= sizeof(bridge) || strcmp(de->d_name + len - 4, ".pid") != 0)
			continue;
		snprintf(bridge, sizeof(bridge), "%.*s", (int)(len - 4), de->d_name);
		if (!name_in(bridges, bridge) && net_dnsmasq_stop(n->run_dir, bridge, &e) == 0)
			log_info("network: stopped the dnsmasq of %s, which no network has", bridge);
		err_clear(&e);
	}
	if (d)
		closedir(d);
	json_array_clear(bridges);
	json_object_foreach(nets, ref, rec) json_array_append_new(bridges, json_string(str_of(rec, "bridge")));
	if (net_link_list(&links, &count, &e) == 0) {
		for (size_t i = 0; i < count; i++)
			if (strcmp(links[i].kind, "bridge") == 0 && !name_in(bridges, links[i].name) &&
			    bridge_marked(n, links[i].name) && net_link_delete(links[i].name, &e) == 0) {
				char marker[4200];
				snprintf(marker, sizeof(marker), "%s/%s.bridge", n->run_dir, links[i].name);
				unlink(marker);
				log_info("network: deleted bridge %s, which no network has", links[i].name);
			}
		free(links);
	}
	err_clear(&e);
	json_decref(bridges);
}

/* The whole host from the records. Lock held. Failures of one network are logged, not fatal. */
static void reconcile_all(struct xapi_server *srv)
{
	struct err e = {0};
	json_t *nets = records_all(srv, "network", &e), *rec;
	const char *ref;

	if (nets == NULL)
		goto out;
	if (((struct network *)srv->network)->host)
		remove_orphans(srv, nets);
	json_object_foreach(nets, ref, rec)
	{
		if (network_reconcile(srv, rec, &e) < 0)
			log_warn("network: %s (%s): %s", str_of(rec, "name_label"), str_of(rec, "bridge"),
				 json_string_value(json_array_get(e.desc, 1)));
		err_clear(&e);
	}
	nat_apply(srv, &e);
out:
	if (err_isset(&e))
		log_warn("network: reconcile: %s", json_string_value(json_array_get(e.desc, 1)));
	err_clear(&e);
	json_decref(nets);
}

int network_startup(struct xapi_server *srv, struct err *e)
{
	struct network *n = &driver_instance;
	const char *mode = getenv("OVCP_NETWORK");

	if (srv->state_dir == NULL) {
		err_internal(e, "network: no state directory");
		return -1;
	}
	/*
	 * Without root (CAP_NET_ADMIN) nothing on the host can be changed; with
	 * OVCP_NETWORK=records-only the administrator (or a test on a shared
	 * host) asks that nothing be. The records are served as usual.
	 */
	n->host = geteuid() == 0 && !(mode && strcmp(mode, "records-only") == 0);
	if (!n->host)
		log_warn("network: records only: bridges, taps, dnsmasq and NAT are not managed on this host");
	pthread_mutex_lock(&n->lock);
	snprintf(n->run_dir, sizeof(n->run_dir), "%s/net", srv->state_dir);
	if (dir_make_all(n->run_dir, 0755) < 0) {
		pthread_mutex_unlock(&n->lock);
		err_internal(e, "network: cannot make %s", n->run_dir);
		return -1;
	}
	srv->network = n;
	struct err scan = {0};
	if (pif_scan(srv, &scan) < 0)
		log_warn("network: PIF scan: %s", json_string_value(json_array_get(scan.desc, 1)));
	err_clear(&scan);
	reconcile_all(srv);
	pthread_mutex_unlock(&n->lock);
	return 0;
}

static struct network *driver(struct xapi_server *srv, struct err *e)
{
	if (srv->network == NULL)
		err_internal(e, "the network driver is not running");
	return srv->network;
}

/* ---- network ---- */

static void undo_network(struct xapi_server *srv, const char *ref, const char *bridge)
{
	struct err ignore = {0};

	internal_unrealise(srv->network, bridge);
	db_destroy(srv->store, C("network"), ref, &ignore);
	nat_apply(srv, &ignore);
	err_clear(&ignore);
}

/* network.create: the record, then its bridge (and address, dnsmasq, NAT) on the host. */
static int h_network_create(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	json_t *rec, *nets = NULL, *taken = NULL;
	char ref[REF_LEN], bridge[NET_IFNAME_LEN];
	struct net_spec s;
	int rc = -1;

	if (n == NULL || (rec = record_from_args(C("network"), arg(c, 0), e)) == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if ((nets = records_all(srv, "network", e)) == NULL || (taken = names_taken(srv, nets, e)) == NULL)
		goto out;
	const char *want = str_of(rec, "bridge");
	if (*want && !net_ifname_valid(want)) {
		err_set(e, "INVALID_VALUE", "bridge", want, NULL);
		goto out;
	}
	if (*want && name_in(taken, want)) {
		err_set(e, "BRIDGE_NAME_EXISTS", want, NULL);
		goto out;
	}
	if (!*want) {
		if (bridge_pick(taken, INTERNAL_BRIDGE_PREFIX, bridge, e) < 0)
			goto out;
		json_object_set_new(rec, "bridge", json_string(bridge));
	}
	if (spec_from_record(rec, &s, e) < 0 || db_create(srv->store, C("network"), rec, NULL, ref, e) < 0)
		goto out;
	if (internal_realise(n, &s, e) < 0 || (s.nat && nat_apply(srv, e) < 0)) {
		undo_network(srv, ref, s.bridge);
		goto out;
	}
	log_info("network: created %s on bridge %s", ref, s.bridge);
	*result = json_string(ref);
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(rec);
	json_decref(nets);
	json_decref(taken);
	return rc;
}

/* network.destroy: refused while VIFs or PIFs use it; the bridge and its dnsmasq go with it. */
static int h_network_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	const char *self = arg_str(c, 0);
	json_t *rec = NULL;
	struct net_spec s;
	int rc = -1;

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if ((rec = db_get(srv->store, C("network"), self, e)) == NULL)
		goto out;
	json_t *vifs = json_object_get(rec, "VIFs"), *pifs = json_object_get(rec, "PIFs");
	if (json_array_size(vifs) > 0) {
		err_set(e, "NETWORK_CONTAINS_VIF", self, json_string_value(json_array_get(vifs, 0)), NULL);
		goto out;
	}
	if (json_array_size(pifs) > 0) {
		err_set(e, "NETWORK_CONTAINS_PIF", self, json_string_value(json_array_get(pifs, 0)), NULL);
		goto out;
	}
	if (db_destroy(srv->store, C("network"), self, e) < 0)
		goto out;
	struct err ignore = {0};
	if (spec_from_record(rec, &s, &ignore) == 0 && *s.bridge)
		internal_unrealise(n, s.bridge);
	if (nat_apply(srv, &ignore) < 0)
		log_warn("network: NAT after destroying %s: %s", self,
			 json_string_value(json_array_get(ignore.desc, 1)));
	err_clear(&ignore);
	*result = json_null();
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(rec);
	return rc;
}

/* A change of network.other_config: checked as a whole before it is stored, then applied. */
struct oc_edit {
	const char *key;
	json_t *value; /* NULL: remove key */
	json_t *whole; /* set_other_config */
	const char *ref;
};

static int oc_mutate(json_t *rec, void *arg, struct err *e)
{
	struct oc_edit *x = arg;
	json_t *oc = json_object_get(rec, "other_config");
	struct net_spec s;

	if (x->whole) {
		json_object_set_new(rec, "other_config", json_deep_copy(x->whole));
	} else if (x->value == NULL) {
		json_object_del(oc, x->key);
	} else if (json_object_get(oc, x->key)) {
		err_set(e, "MAP_DUPLICATE_KEY", "network", "other_config", x->ref, x->key, NULL);
		return -1;
	} else {
		json_object_set(oc, x->key, x->value);
	}
	return spec_from_record(rec, &s, e);
}

static int network_other_config_change(struct xapi_call *c, struct oc_edit *x, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	json_t *rec = NULL;
	int rc = -1;

	if (n == NULL)
		return -1;
	x->ref = arg_str(c, 0);
	pthread_mutex_lock(&n->lock);
	if (db_update(srv->store, C("network"), x->ref, oc_mutate, x, e) < 0 ||
	    (rec = db_get(srv->store, C("network"), x->ref, e)) == NULL)
		goto out;
	if (network_reconcile(srv, rec, e) < 0 || nat_apply(srv, e) < 0)
		goto out;
	*result = json_null();
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(rec);
	return rc;
}

static int h_network_add_to_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {arg_str(c, 1), arg(c, 2), NULL, NULL};

	return network_other_config_change(c, &x, result, e);
}

static int h_network_remove_from_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {arg_str(c, 1), NULL, NULL, NULL};

	return network_other_config_change(c, &x, result, e);
}

static int h_network_set_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {NULL, NULL, arg(c, 1), NULL};

	return network_other_config_change(c, &x, result, e);
}

/* ---- VIF ---- */

static bool device_valid(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n > 4 || (n > 1 && d[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	return true;
}

/* Is device free on the VM? -1 with DEVICE_ALREADY_EXISTS when not. */
static int vif_device_free(struct xapi_server *srv, json_t *vm, const char *device, struct err *e)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(vm, "VIFs"), i, v)
	{
		json_t *other = db_get(srv->store, C("VIF"), json_string_value(v), e);
		if (other == NULL)
			return -1;
		bool same = strcmp(str_of(other, "device"), device) == 0;
		json_decref(other);
		if (same) {
			err_set(e, "DEVICE_ALREADY_EXISTS", device, NULL);
			return -1;
		}
	}
	return 0;
}

/* VIF.create: device unique on the VM, a MAC generated when empty (locally administered), MTU from the network. */
static int h_vif_create(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	json_t *rec, *vm = NULL, *net = NULL;
	char ref[REF_LEN], mac[NET_MAC_LEN];
	int rc = -1;

	if (n == NULL || (rec = record_from_args(C("VIF"), arg(c, 0), e)) == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	const char *device = str_of(rec, "device"), *given = str_of(rec, "MAC");
	if ((vm = db_get(srv->store, C("VM"), str_of(rec, "VM"), e)) == NULL ||
	    (net = db_get(srv->store, C("network"), str_of(rec, "network"), e)) == NULL)
		goto out;
	if (!device_valid(device)) {
		err_set(e, "INVALID_DEVICE", device, NULL);
		goto out;
	}
	if (vif_device_free(srv, vm, device, e) < 0)
		goto out;
	if (*given == '\0') {
		if (net_mac_generate(mac) < 0) {
			err_internal(e, "no random bytes for a MAC");
			goto out;
		}
		json_object_set_new(rec, "MAC_autogenerated", json_true());
	} else if (!net_mac_parse(given, mac) || (strtoul((char[]){mac[0], mac[1], 0}, NULL, 16) & 1)) {
		err_set(e, "MAC_INVALID", given, NULL);
		goto out;
	}
	json_object_set_new(rec, "MAC", json_string(mac));
	if (json_integer_value(json_object_get(rec, "MTU")) <= 0)
		json_object_set(rec, "MTU", json_object_get(net, "MTU"));
	if (db_create(srv->store, C("VIF"), rec, NULL, ref, e) < 0)
		goto out;
	*result = json_string(ref);
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(rec);
	json_decref(vm);
	json_decref(net);
	return rc;
}

/* VIF.destroy: refused while the VIF is attached to a running VM (unplug it first). */
static int h_vif_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	const char *self = arg_str(c, 0);
	json_t *rec = db_get(srv->store, C("VIF"), self, e), *vm;

	if (rec == NULL)
		return -1;
	vm = db_get(srv->store, C("VM"), str_of(rec, "VM"), NULL);
	const char *power = vm ? str_of(vm, "power_state") : "";
	bool busy = json_is_true(json_object_get(rec, "currently_attached")) &&
		    (strcmp(power, "Running") == 0 || strcmp(power, "Paused") == 0);
	json_decref(vm);
	json_decref(rec);
	if (busy) {
		err_set(e, "OPERATION_NOT_ALLOWED", "VIF is attached to a running VM: unplug it first", NULL);
		return -1;
	}
	if (db_destroy(srv->store, C("VIF"), self, e) < 0)
		return -1;
	*result = json_null();
	return 0;
}

/* ---- PIF ---- */

static json_t *pif_here(struct xapi_server *srv, const char *ref, struct err *e)
{
	json_t *pif = db_get(srv->store, C("PIF"), ref, e);

	if (pif && strcmp(str_of(pif, "host"), srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", str_of(pif, "host"), NULL);
		json_decref(pif);
		return NULL;
	}
	return pif;
}

static int pif_set_attached(struct xapi_server *srv, const char *ref, bool attached, struct err *e)
{
	json_t *v = json_boolean(attached);
	int rc = db_set_field(srv->store, C("PIF"), ref, "currently_attached", v, e);

	json_decref(v);
	return rc;
}

/* PIF.plug: the administrator asks for the PIF's interface to join its network's bridge. */
static int h_pif_plug(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	const char *self = arg_str(c, 0);
	json_t *pif = NULL, *net = NULL;
	struct net_spec s;
	int rc = -1;

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if ((pif = pif_here(srv, self, e)) == NULL ||
	    (net = db_get(srv->store, C("network"), str_of(pif, "network"), e)) == NULL)
		goto out;
	if (json_is_true(json_object_get(pif, "management")) && json_integer_value(json_object_get(pif, "VLAN")) < 0) {
		/* Its address would stay on an enslaved interface: the host would lose its network. */
		err_set(e, "PIF_IS_MANAGEMENT_INTERFACE", self, NULL);
		goto out;
	}
	if (spec_from_record(net, &s, e) < 0 || pif_attach(pif, s.bridge, 0, e) < 0 ||
	    pif_set_attached(srv, self, true, e) < 0)
		goto out;
	log_info("network: PIF %s (%s) attached to %s", self, str_of(pif, "device"), s.bridge);
	*result = json_null();
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(pif);
	json_decref(net);
	return rc;
}

static int h_pif_unplug(struct xapi_call *c, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	const char *self = arg_str(c, 0);
	json_t *pif = NULL;
	int rc = -1;

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if ((pif = pif_here(srv, self, e)) == NULL || pif_detach(pif, e) < 0 ||
	    pif_set_attached(srv, self, false, e) < 0)
		goto out;
	*result = json_null();
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(pif);
	return rc;
}

static int h_pif_scan(struct xapi_call *c, json_t **result, struct err *e)
{
	struct network *n = driver(c->srv, e);
	int rc;

	if (n == NULL)
		return -1;
	if (strcmp(arg_str(c, 0), c->srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", arg_str(c, 0), NULL);
		return -1;
	}
	pthread_mutex_lock(&n->lock);
	rc = pif_scan(c->srv, e);
	pthread_mutex_unlock(&n->lock);
	*result = rc == 0 ? json_null() : NULL;
	return rc;
}

/* Remove a PIF: a VLAN PIF (PIF.destroy) takes its VLAN device; a physical one (PIF.forget) is released. */
static int pif_remove(struct xapi_call *c, bool want_vlan, json_t **result, struct err *e)
{
	struct xapi_server *srv = c->srv;
	struct network *n = driver(srv, e);
	const char *self = arg_str(c, 0);
	json_t *pif = NULL;
	int rc = -1;

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if ((pif = pif_here(srv, self, e)) == NULL)
		goto out;
	bool is_vlan = json_integer_value(json_object_get(pif, "VLAN")) >= 0;
	if (want_vlan && !is_vlan) {
		err_set(e, "PIF_IS_PHYSICAL", self, NULL);
		goto out;
	}
	if (!is_vlan && json_is_true(json_object_get(pif, "management"))) {
		err_set(e, "PIF_IS_MANAGEMENT_INTERFACE", self, NULL);
		goto out;
	}
	if (pif_detach(pif, e) < 0 || db_destroy(srv->store, C("PIF"), self, e) < 0)
		goto out;
	*result = json_null();
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(pif);
	return rc;
}

static int h_pif_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return pif_remove(c, true, result, e);
}

static int h_pif_forget(struct xapi_call *c, json_t **result, struct err *e)
{
	return pif_remove(c, false, result, e);
}

/* ---- VLANs: a VLAN PIF on a tagged PIF's interface, in a network's bridge ---- */

static int vlan_exists(struct xapi_server *srv, const char *device, int64_t tag, struct err *e)
{
	json_t *pifs = records_all(srv, "PIF", e), *rec;
	const char *ref;
	int found = 0;

	if (pifs == NULL)
		return -1;
	json_object_foreach(pifs, ref, rec) if (strcmp(str_of(rec, "host"), srv->host_ref) == 0 &&
						strcmp(str_of(rec, "device"), device) == 0 &&
						json_integer_value(json_object_get(rec, "VLAN")) == tag) found = 1;
	json_decref(pifs);
	if (found)
		err_set(e, "PIF_VLAN_EXISTS", device, NULL);
	return found ? -1 : 0;
}

/* Lock held. */
static int vlan_create(struct xapi_server *srv, const char *tagged_ref, const char *net_ref, int64_t tag,
		       char out[REF_LEN], struct err *e)
{
	json_t *tagged = NULL, *net = NULL, *pif = NULL;
	struct net_spec s;
	char tag_text[24];
	int rc = -1;

	snprintf(tag_text, sizeof(tag_text), "%lld", (long long)tag);
	if (tag < 0 || tag > 4094) {
		err_set(e, "VLAN_TAG_INVALID", tag_text, NULL);
		return -1;
	}
	if ((tagged = pif_here(srv, tagged_ref, e)) == NULL ||
	    (net = db_get(srv->store, C("network"), net_ref, e)) == NULL || spec_from_record(net, &s, e) < 0)
		goto out;
	if (json_integer_value(json_object_get(tagged, "VLAN")) >= 0) {
		err_set(e, "PIF_IS_VLAN", tagged_ref, NULL);
		goto out;
	}
	if (json_array_size(json_object_get(net, "PIFs")) > 0) {
		err_set(e, "NETWORK_ALREADY_CONNECTED", net_ref,
			json_string_value(json_array_get(json_object_get(net, "PIFs"), 0)), NULL);
		goto out;
	}
	if (vlan_exists(srv, str_of(tagged, "device"), tag, e) < 0)
		goto out;
	pif = record_new_default(C("PIF"));
	json_object_set_new(pif, "device", json_string(str_of(tagged, "device")));
	json_object_set_new(pif, "network", json_string(net_ref));
	json_object_set_new(pif, "host", json_string(srv->host_ref));
	json_object_set_new(pif, "MAC", json_string(str_of(tagged, "MAC")));
	json_object_set(pif, "MTU", json_object_get(net, "MTU"));
	json_object_set_new(pif, "VLAN", json_integer(tag));
	json_object_set_new(pif, "physical", json_false());
	json_object_set_new(pif, "currently_attached", json_true());
	json_object_set_new(pif, "other_config", json_object());
	if (db_create(srv->store, C("PIF"), pif, NULL, out, e) < 0)
		goto out;
	if (pif_attach(pif, s.bridge, 0, e) < 0) {
		struct err ignore = {0};
		pif_detach(pif, &ignore);
		db_destroy(srv->store, C("PIF"), out, &ignore);
		err_clear(&ignore);
		goto out;
	}
	log_info("network: VLAN %lld on %s in bridge %s", (long long)tag, str_of(tagged, "device"), s.bridge);
	rc = 0;
out:
	json_decref(tagged);
	json_decref(net);
	json_decref(pif);
	return rc;
}

/* The physical PIF of this host for a device name, into ref. */
static int pif_of_device(struct xapi_server *srv, const char *device, char ref[REF_LEN], struct err *e)
{
	json_t *pifs = records_all(srv, "PIF", e), *rec;
	const char *r;

	if (pifs == NULL)
		return -1;
	ref[0] = '\0';
	json_object_foreach(pifs, r, rec) if (strcmp(str_of(rec, "host"), srv->host_ref) == 0 &&
					      strcmp(str_of(rec, "device"), device) == 0 &&
					      json_integer_value(json_object_get(rec, "VLAN")) < 0)
	    snprintf(ref, REF_LEN, "%s", r);
	json_decref(pifs);
	if (!*ref)
		err_set(e, "INVALID_VALUE", "device", device, NULL);
	return *ref ? 0 : -1;
}

/* The common body: tagged PIF (or device), network, tag -> the VLAN PIF, as a ref or a one-element set. */
static int vlan_call(struct xapi_call *c, const char *tagged, const char *device, const char *net_ref, int64_t tag,
		     bool as_set, json_t **result, struct err *e)
{
	struct network *n = driver(c->srv, e);
	char pif_ref[REF_LEN], ref[REF_LEN];
	int rc = -1;

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	if (tagged == NULL) {
		if (pif_of_device(c->srv, device, pif_ref, e) < 0)
			goto out;
		tagged = pif_ref;
	}
	if (vlan_create(c->srv, tagged, net_ref, tag, ref, e) < 0)
		goto out;
	*result = as_set ? json_pack("[s]", ref) : json_string(ref);
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	return rc;
}

static int h_pif_create_vlan(struct xapi_call *c, json_t **result, struct err *e)
{
	if (strcmp(arg_str(c, 2), c->srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", arg_str(c, 2), NULL);
		return -1;
	}
	return vlan_call(c, NULL, arg_str(c, 0), arg_str(c, 1), json_integer_value(arg(c, 3)), false, result, e);
}

static int h_pool_create_vlan(struct xapi_call *c, json_t **result, struct err *e)
{
	return vlan_call(c, NULL, arg_str(c, 0), arg_str(c, 1), json_integer_value(arg(c, 2)), true, result, e);
}

static int h_pool_create_vlan_from_pif(struct xapi_call *c, json_t **result, struct err *e)
{
	return vlan_call(c, arg_str(c, 0), NULL, arg_str(c, 1), json_integer_value(arg(c, 2)), true, result, e);
}

/* ---- what the VM driver calls (network_api.h) ---- */

/* Lock held. */
static int bridge_of_locked(struct xapi_server *srv, const char *network_ref, char bridge[NET_IFNAME_LEN],
			    struct err *e)
{
	json_t *net = db_get(srv->store, C("network"), network_ref, e);
	struct net_spec s;
	int rc = -1;

	if (net == NULL)
		return -1;
	if (spec_from_record(net, &s, e) < 0)
		goto out;
	if (!*s.bridge) {
		err_internal(e, "network %s has no bridge", network_ref);
		goto out;
	}
	if (network_reconcile(srv, net, e) < 0 || (driver_instance.host && net_bridge_ensure(s.bridge, 0, e) < 0))
		goto out;
	memcpy(bridge, s.bridge, NET_IFNAME_LEN);
	rc = 0;
out:
	json_decref(net);
	return rc;
}

int network_bridge_of(struct xapi_server *srv, const char *network_ref, char bridge[NETWORK_IFNAME_LEN], struct err *e)
{
	struct network *n = driver(srv, e);

	if (n == NULL)
		return -1;
	pthread_mutex_lock(&n->lock);
	int rc = bridge_of_locked(srv, network_ref, bridge, e);
	pthread_mutex_unlock(&n->lock);
	return rc;
}

int network_vif_plug_tap(struct xapi_server *srv, const char *vif_ref, const char *vm_uuid, unsigned owner_uid,
			 char tap[NETWORK_IFNAME_LEN], struct err *e)
{
	struct network *n = driver(srv, e);
	char bridge[NET_IFNAME_LEN], name[NET_IFNAME_LEN];
	json_t *vif;
	int rc = -1;

	if (n == NULL || (vif = db_get(srv->store, C("VIF"), vif_ref, e)) == NULL)
		return -1;
	if (!n->host) {
		err_internal(e, "the network driver runs records-only: no taps");
		json_decref(vif);
		return -1;
	}
	if (net_tap_name(vm_uuid, str_of(vif, "device"), name) < 0) {
		err_internal(e, "no tap name for VM %s device %s", vm_uuid, str_of(vif, "device"));
		json_decref(vif);
		return -1;
	}
	int mtu = (int)json_integer_value(json_object_get(vif, "MTU"));
	pthread_mutex_lock(&n->lock);
	if (bridge_of_locked(srv, str_of(vif, "network"), bridge, e) < 0 || net_tap_create(name, owner_uid, e) < 0)
		goto out;
	if ((mtu > 0 && net_link_set_mtu(name, mtu, e) < 0) || net_link_set_master(name, bridge, e) < 0 ||
	    net_link_set_up(name, true, e) < 0) {
		struct err ignore = {0};
		net_link_delete(name, &ignore);
		err_clear(&ignore);
		goto out;
	}
	memcpy(tap, name, NET_IFNAME_LEN);
	log_info("network: tap %s (uid %u) for VIF %s in bridge %s", name, owner_uid, vif_ref, bridge);
	rc = 0;
out:
	pthread_mutex_unlock(&n->lock);
	json_decref(vif);
	return rc;
}

int network_vif_unplug_tap(struct xapi_server *srv, const char *tap, struct err *e)
{
	struct network *n = driver(srv, e);

	if (n == NULL)
		return -1;
	if (!net_ifname_valid(tap) || strncmp(tap, "ovcp", 4) != 0) {
		err_internal(e, "%s is not a tap of OVCP", tap);
		return -1;
	}
	pthread_mutex_lock(&n->lock);
	int rc = n->host ? net_link_delete(tap, e) : 0;
	pthread_mutex_unlock(&n->lock);
	return rc;
}

const struct handler_row network_handlers[] = {
    {"network.create", h_network_create, true},
    {"network.destroy", h_network_destroy, true},
    {"network.add_to_other_config", h_network_add_to_other_config, false},
    {"network.remove_from_other_config", h_network_remove_from_other_config, false},
    {"network.set_other_config", h_network_set_other_config, false},
    {"VIF.create", h_vif_create, true},
    {"VIF.destroy", h_vif_destroy, true},
    {"PIF.plug", h_pif_plug, true},
    {"PIF.unplug", h_pif_unplug, true},
    {"PIF.scan", h_pif_scan, true},
    {"PIF.forget", h_pif_forget, true},
    {"PIF.destroy", h_pif_destroy, true},
    {"PIF.create_VLAN", h_pif_create_vlan, true},
    {"pool.create_VLAN", h_pool_create_vlan, true},
    {"pool.create_VLAN_from_PIF", h_pool_create_vlan_from_pif, true},
    {NULL, NULL, false},
};
