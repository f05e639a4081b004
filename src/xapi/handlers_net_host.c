/*
 * The network driver itself: its one instance and lock, the runner every
 * handler's work goes through, and the reconciliation that makes the host
 * match the network records (src/net does the host work with plain values).
 * The XenAPI messages are in handlers_network.c (network), handlers_vif.c
 * (VIF) and handlers_pif_vlan.c (PIF, VLAN).
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
 * under the driver's lock, taken only by network_work_run() and
 * network_startup(); network_startup() is idempotent (a restart re-creates
 * what is missing: bridges, VLAN devices, dnsmasq, nft table).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/handlers_net_internal.h"
#include "xapi/network_api.h"

/* One driver per process (ovcpd serves one host); it lives as long as the process. */
static struct network driver_instance = {.lock = PTHREAD_MUTEX_INITIALIZER, .host = true};

static struct network *driver(struct xapi_server *srv, struct err *e)
{
	if (srv->network == NULL)
		err_internal(e, "the network driver is not running");
	return srv->network;
}

bool network_host_managed(void)
{
	return driver_instance.host;
}

/* ---- the runner: lock, fetch, body, unlock, release ---- */

int network_work_run(struct net_work *w, net_fetch_fn fetch, net_body_fn body, json_t **result, struct err *e)
{
	int rc = -1;

	if ((w->driver = driver(w->srv, e)) == NULL)
		return -1;
	pthread_mutex_lock(&w->driver->lock);
	if (fetch == NULL || (w->rec = fetch(w->srv, w->self, e)) != NULL)
		rc = body(w, e);
	pthread_mutex_unlock(&w->driver->lock);
	json_decref(w->rec);
	for (size_t i = 0; i < NET_WORK_HELD; i++)
		json_decref(w->held[i]);
	if (rc == 0 && result != NULL)
		*result = w->result ? w->result : json_null();
	else
		json_decref(w->result);
	return rc;
}

int network_run_locked(struct xapi_call *c, net_fetch_fn fetch, net_body_fn body, void *arg, json_t **result,
		       struct err *e)
{
	struct net_work w = {.srv = c->srv, .call = c, .self = arg_str(c, 0), .arg = arg};

	return network_work_run(&w, fetch, body, result, e);
}

json_t *network_hold(struct net_work *w, json_t *v, struct err *e)
{
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < NET_WORK_HELD; i++)
		if (w->held[i] == NULL)
			return w->held[i] = v;
	json_decref(v);
	err_internal(e, "network: more than %d records held by one call", NET_WORK_HELD);
	return NULL;
}

/* ---- record helpers ---- */

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
json_t *network_records_all(struct xapi_server *srv, const char *cls, struct err *e)
{
	json_t *all = json_object();

	if (db_list(srv->store, C(cls), collect_record, all, e) < 0) {
		json_decref(all);
		return NULL;
	}
	return all;
}

int network_spec_from_record(json_t *rec, struct net_spec *s, struct err *e)
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
json_t *network_names_taken(struct xapi_server *srv, struct err *e)
{
	json_t *networks = network_records_all(srv, "network", e), *names, *rec;
	struct net_link *links;
	const char *ref;
	size_t n;

	if (networks == NULL)
		return NULL;
	names = json_array();
	json_object_foreach(networks, ref, rec) if (*str_of(rec, "bridge"))
	    json_array_append_new(names, json_string(str_of(rec, "bridge")));
	json_decref(networks);
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

int network_bridge_pick(json_t *taken, const char *prefix, char out[NET_IFNAME_LEN], struct err *e)
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

bool network_name_in(json_t *names, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
	return false;
}

/* ---- host-internal networks: bridge, address, dnsmasq ---- */

/* The marker says this state directory made the bridge: only such bridges are removed as orphans. */
static void marker_path(struct network *n, const char *bridge, char *out, size_t size)
{
	snprintf(out, size, "%s/%s.bridge", n->run_dir, bridge);
}

int network_internal_realise(struct network *n, const struct net_spec *s, struct err *e)
{
	struct net_dhcp_config c;
	char marker[4200];

	if (!n->host)
		return 0;
	marker_path(n, s->bridge, marker, sizeof(marker));
	if (file_write_atomic(marker, "", 0, 0644) < 0 || net_bridge_ensure(s->bridge, s->mtu, e) < 0) {
		if (!err_isset(e))
			err_internal(e, "cannot write %s", marker);
		return -1;
	}
	if (s->has_subnet && net_addr_ensure(s->bridge, net_subnet_gateway(&s->subnet), s->subnet.prefix, e) < 0)
		return -1;
	if (!s->dhcp)
		return net_dnsmasq_stop(n->run_dir, s->bridge, e);
	c = (struct net_dhcp_config){
	    .bridge = s->bridge, .subnet = s->subnet, .router = s->nat, .dns = s->nat, .run_dir = n->run_dir};
	return net_dnsmasq_start(&c, e);
}

void network_internal_unrealise(struct network *n, const char *bridge)
{
	struct err e = {0};
	char marker[4200];

	if (!n->host)
		return;
	if (net_dnsmasq_stop(n->run_dir, bridge, &e) < 0 || net_link_delete(bridge, &e) < 0)
		log_warn("network: removing %s: %s", bridge, json_string_value(json_array_get(e.desc, 1)));
	marker_path(n, bridge, marker, sizeof(marker));
	unlink(marker);
	err_clear(&e);
}

/* ---- NAT ---- */

/* The default uplink: the management interface, or its bridge when it is attached to one. */
static void nat_default_uplink(struct xapi_server *srv, json_t *nets, json_t *pifs, char out[NET_IFNAME_LEN])
{
	const char *ref;
	json_t *rec;

	json_object_foreach(pifs, ref, rec)
	{
		if (strcmp(str_of(rec, "host"), srv->host_ref) != 0 ||
		    !json_is_true(json_object_get(rec, "management")))
			continue;
		json_t *net = json_object_get(nets, str_of(rec, "network"));
		if (json_is_true(json_object_get(rec, "currently_attached")) && net)
			snprintf(out, NET_IFNAME_LEN, "%s", str_of(net, "bridge"));
		else
			snprintf(out, NET_IFNAME_LEN, "%s", str_of(rec, "device"));
	}
}

/* The NAT rules of every NAT network, loaded whole. Lock held. */
int network_nat_apply(struct xapi_server *srv, struct err *e)
{
	json_t *nets = network_records_all(srv, "network", e), *pifs = network_records_all(srv, "PIF", e), *rec;
	struct net_spec *specs = NULL;
	struct net_nat_network *nat = NULL;
	char mgmt_uplink[NET_IFNAME_LEN] = "", path[4200];
	const char *ref;
	size_t n = 0;
	int rc = -1;

	if (!srv->network->host) {
		rc = 0;
		goto out;
	}
	if (nets == NULL || pifs == NULL)
		goto out;
	nat_default_uplink(srv, nets, pifs, mgmt_uplink);
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
		    network_spec_from_record(rec, &specs[n], &ignore) < 0 || !specs[n].nat || !*specs[n].bridge) {
			err_clear(&ignore);
			continue;
		}
		nat[n] = (struct net_nat_network){specs[n].bridge, specs[n].subnet,
						  *specs[n].uplink ? specs[n].uplink : mgmt_uplink};
		n++;
	}
	snprintf(path, sizeof(path), "%s/ovcp.nft", srv->network->run_dir);
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

/* ---- reconciliation ---- */

/* Make the host match one network record. Lock held. */
int network_reconcile(struct xapi_server *srv, json_t *rec, struct err *e)
{
	struct net_spec s;
	json_t *pifs = json_object_get(rec, "PIFs"), *v;
	size_t i;

	if (network_spec_from_record(rec, &s, e) < 0)
		return -1;
	if (!*s.bridge)
		return 0;
	if (json_array_size(pifs) == 0)
		return network_internal_realise(srv->network, &s, e);
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

static bool bridge_marked(struct network *n, const char *bridge)
{
	char marker[4200];

	marker_path(n, bridge, marker, sizeof(marker));
	return access(marker, F_OK) == 0;
}

/* Stop the dnsmasq daemons of this state directory that no DHCP network asks for. */
static void remove_orphan_dnsmasq(struct network *n, json_t *nets)
{
	json_t *bridges = json_array(), *rec;
	const char *ref;
	struct err e = {0};

	json_object_foreach(nets, ref, rec)
	{
		struct net_spec s;
		if (network_spec_from_record(rec, &s, &e) == 0 && s.dhcp &&
		    json_array_size(json_object_get(rec, "PIFs")) == 0)
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
		if (!network_name_in(bridges, bridge) && net_dnsmasq_stop(n->run_dir, bridge, &e) == 0)
			log_info("network: stopped the dnsmasq of %s, which no network has", bridge);
		err_clear(&e);
	}
	if (d)
		closedir(d);
	json_decref(bridges);
}

/* Delete the bridges this state directory made that no network has. */
static void remove_orphan_bridges(struct network *n, json_t *nets)
{
	json_t *bridges = json_array(), *rec;
	struct net_link *links;
	const char *ref;
	size_t count;
	struct err e = {0};

	json_object_foreach(nets, ref, rec) json_array_append_new(bridges, json_string(str_of(rec, "bridge")));
	if (net_link_list(&links, &count, &e) == 0) {
		for (size_t i = 0; i < count; i++)
			if (strcmp(links[i].kind, "bridge") == 0 && !network_name_in(bridges, links[i].name) &&
			    bridge_marked(n, links[i].name) && net_link_delete(links[i].name, &e) == 0) {
				char marker[4200];
				marker_path(n, links[i].name, marker, sizeof(marker));
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
	json_t *nets = network_records_all(srv, "network", &e), *rec;
	const char *ref;

	if (nets == NULL)
		goto out;
	if (srv->network->host) {
		remove_orphan_dnsmasq(srv->network, nets);
		remove_orphan_bridges(srv->network, nets);
	}
	json_object_foreach(nets, ref, rec)
	{
		if (network_reconcile(srv, rec, &e) < 0)
			log_warn("network: %s (%s): %s", str_of(rec, "name_label"), str_of(rec, "bridge"),
				 json_string_value(json_array_get(e.desc, 1)));
		err_clear(&e);
	}
	network_nat_apply(srv, &e);
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
