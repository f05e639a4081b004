/*
 * The XenAPI PIF class and VLANs: a PIF for each interface of this host
 * (PIF.scan, and network_startup), PIF.plug / unplug that put an interface
 * in its network's bridge and take it out, PIF.forget / destroy, and the
 * VLAN PIFs of PIF.create_VLAN and pool.create_VLAN[_from_PIF].
 *
 * Invariants: a PIF is attached (its interface, or its VLAN device
 * "DEV.TAG", enslaved to its network's bridge) only when
 * PIF.currently_attached says so, and only by the administrator's PIF.plug
 * or a VLAN's creation: OVCP never takes over a host interface by itself;
 * the management interface is never enslaved nor forgotten. A VLAN is two
 * records, the VLAN (tag, tagged_PIF, untagged_PIF) and its untagged PIF
 * (VLAN_master_of), stored before its device is made and destroyed again
 * when that fails; the two are always created and destroyed together.
 * Only PIFs of this host are changed here (HOST_OFFLINE otherwise). Every
 * handler body runs under the driver's lock (network_run_locked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/handlers_net_internal.h"

/* ---- the host side of a PIF ---- */

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
int pif_attach(json_t *pif, const char *bridge, int mtu, struct err *e)
{
	int tag = (int)json_integer_value(json_object_get(pif, "VLAN"));
	char dev[NET_IFNAME_LEN];

	if (!network_host_managed())
		return 0;
	if (pif_host_device(pif, dev, e) < 0 || net_bridge_ensure(bridge, mtu, e) < 0)
		return -1;
	/* the kernel refuses to bring a VLAN device up while its interface is down */
	if (tag >= 0 && (net_vlan_ensure(str_of(pif, "device"), tag, dev, e) < 0 ||
			 net_link_set_up(str_of(pif, "device"), true, e) < 0))
		return -1;
	if (net_link_set_master(dev, bridge, e) < 0 || net_link_set_up(dev, true, e) < 0)
		return -1;
	return 0;
}

/* Undo pif_attach: a VLAN device goes, an interface is released from the bridge. */
int pif_detach(json_t *pif, struct err *e)
{
	char dev[NET_IFNAME_LEN];
	struct net_link l;

	if (!network_host_managed())
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
	if (strncmp(l->name, "eth", 3) != 0 || num < 0 || network_name_in(taken, bridge))
		if (network_bridge_pick(taken, PIF_BRIDGE_PREFIX, bridge, e) < 0)
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

int pif_scan(struct xapi_server *srv, struct err *e)
{
	json_t *pifs = network_records_all(srv, "PIF", e), *by_dev = json_object(), *taken = NULL, *rec;
	char mgmt[NET_IFNAME_LEN], gateway[NET_IP_LEN], dns[256];
	struct net_link *links = NULL;
	const char *ref;
	size_t n = 0;
	int rc = -1;

	if (pifs == NULL || net_default_route(mgmt, gateway, e) < 0 || net_link_list(&links, &n, e) < 0 ||
	    (taken = network_names_taken(srv, e)) == NULL)
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
	json_decref(by_dev);
	json_decref(taken);
	return rc;
}

/* ---- PIF messages ---- */

/* The PIF, which must be one of this host's: HOST_OFFLINE otherwise. */
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

static int pif_set_ref(struct xapi_server *srv, const char *ref, const char *field, const char *value, struct err *e)
{
	json_t *v = json_string(value);
	int rc = db_set_field(srv->store, C("PIF"), ref, field, v, e);

	json_decref(v);
	return rc;
}

/* PIF.plug: the administrator asks for the PIF's interface to join its network's bridge. */
static int pif_plug(struct net_work *w, struct err *e)
{
	json_t *pif = w->rec, *net = network_hold(w, network_get(w->srv, str_of(pif, "network"), e), e);
	struct net_spec s;

	if (net == NULL)
		return -1;
	if (json_is_true(json_object_get(pif, "management")) && json_integer_value(json_object_get(pif, "VLAN")) < 0) {
		/* Its address would stay on an enslaved interface: the host would lose its network. */
		err_set(e, "PIF_IS_MANAGEMENT_INTERFACE", w->self, NULL);
		return -1;
	}
	if (network_spec_from_record(net, &s, e) < 0 || pif_attach(pif, s.bridge, 0, e) < 0 ||
	    pif_set_attached(w->srv, w->self, true, e) < 0)
		return -1;
	log_info("network: PIF %s (%s) attached to %s", w->self, str_of(pif, "device"), s.bridge);
	return 0;
}

static int pif_unplug(struct net_work *w, struct err *e)
{
	return pif_detach(w->rec, e) < 0 || pif_set_attached(w->srv, w->self, false, e) < 0 ? -1 : 0;
}

/* PIF.scan: its argument is a host, which must be this one. */
static int pif_rescan(struct net_work *w, struct err *e)
{
	if (strcmp(w->self, w->srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", w->self, NULL);
		return -1;
	}
	return pif_scan(w->srv, e);
}

/* Detach a PIF and destroy it, with its VLAN record when it is a VLAN's untagged PIF. */
static int vlan_records_destroy(struct xapi_server *srv, json_t *pif, const char *pif_ref, struct err *e)
{
	const char *vlan = str_of(pif, "VLAN_master_of");

	if (pif_detach(pif, e) < 0)
		return -1;
	if (*vlan && !ref_is_null(vlan) && db_exists(srv->store, C("VLAN"), vlan) &&
	    db_destroy(srv->store, C("VLAN"), vlan, e) < 0)
		return -1;
	return db_destroy(srv->store, C("PIF"), pif_ref, e);
}

/* Remove a PIF: a VLAN PIF (PIF.destroy) takes its VLAN device; a physical one (PIF.forget) is released. */
static int pif_remove(struct net_work *w, bool want_vlan, struct err *e)
{
	bool is_vlan = json_integer_value(json_object_get(w->rec, "VLAN")) >= 0;

	if (want_vlan && !is_vlan) {
		err_set(e, "PIF_IS_PHYSICAL", w->self, NULL);
		return -1;
	}
	if (!is_vlan && json_is_true(json_object_get(w->rec, "management"))) {
		err_set(e, "PIF_IS_MANAGEMENT_INTERFACE", w->self, NULL);
		return -1;
	}
	return vlan_records_destroy(w->srv, w->rec, w->self, e);
}

static int pif_remove_vlan(struct net_work *w, struct err *e)
{
	return pif_remove(w, true, e);
}

static int pif_remove_any(struct net_work *w, struct err *e)
{
	return pif_remove(w, false, e);
}

int h_pif_plug(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, pif_here, pif_plug, NULL, result, e);
}

int h_pif_unplug(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, pif_here, pif_unplug, NULL, result, e);
}

int h_pif_scan(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, NULL, pif_rescan, NULL, result, e);
}

int h_pif_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, pif_here, pif_remove_vlan, NULL, result, e);
}

int h_pif_forget(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, pif_here, pif_remove_any, NULL, result, e);
}

/* ---- VLANs: a VLAN PIF on a tagged PIF's interface, in a network's bridge ---- */

/* This host's PIFs that match: the VLAN PIFs with the tag, or (tag < 0) the physical ones. */
static bool pif_matches(struct xapi_server *srv, json_t *rec, const char *device, int64_t tag)
{
	int64_t vlan = json_integer_value(json_object_get(rec, "VLAN"));

	return strcmp(str_of(rec, "host"), srv->host_ref) == 0 && strcmp(str_of(rec, "device"), device) == 0 &&
	       (tag < 0 ? vlan < 0 : vlan == tag);
}

/* The last of this host's PIFs on device with the tag (< 0: physical) into ref, "" when none. */
static int pif_find(struct xapi_server *srv, const char *device, int64_t tag, char ref[REF_LEN], struct err *e)
{
	json_t *pifs = network_records_all(srv, "PIF", e), *rec;
	const char *r;

	if (pifs == NULL)
		return -1;
	ref[0] = '\0';
	json_object_foreach(pifs, r, rec) if (pif_matches(srv, rec, device, tag)) snprintf(ref, REF_LEN, "%s", r);
	json_decref(pifs);
	return 0;
}

/* The VLAN PIF's record, from its tagged PIF and its network. */
static json_t *vlan_record(struct xapi_server *srv, json_t *tagged, json_t *net, const char *net_ref, int64_t tag)
{
	json_t *pif = record_new_default(C("PIF"));

	json_object_set_new(pif, "device", json_string(str_of(tagged, "device")));
	json_object_set_new(pif, "network", json_string(net_ref));
	json_object_set_new(pif, "host", json_string(srv->host_ref));
	json_object_set_new(pif, "MAC", json_string(str_of(tagged, "MAC")));
	json_object_set(pif, "MTU", json_object_get(net, "MTU"));
	json_object_set_new(pif, "VLAN", json_integer(tag));
	json_object_set_new(pif, "physical", json_false());
	json_object_set_new(pif, "currently_attached", json_true());
	json_object_set_new(pif, "other_config", json_object());
	return pif;
}

/* May tagged carry a VLAN with this tag into net? */
static int vlan_check(struct xapi_server *srv, const char *tagged_ref, json_t *tagged, const char *net_ref, json_t *net,
		      int64_t tag, struct err *e)
{
	char existing[REF_LEN];

	if (json_integer_value(json_object_get(tagged, "VLAN")) >= 0) {
		err_set(e, "PIF_IS_VLAN", tagged_ref, NULL);
		return -1;
	}
	if (json_array_size(json_object_get(net, "PIFs")) > 0) {
		err_set(e, "NETWORK_ALREADY_CONNECTED", net_ref,
			json_string_value(json_array_get(json_object_get(net, "PIFs"), 0)), NULL);
		return -1;
	}
	if (pif_find(srv, str_of(tagged, "device"), tag, existing, e) < 0)
		return -1;
	if (*existing) {
		err_set(e, "PIF_VLAN_EXISTS", str_of(tagged, "device"), NULL);
		return -1;
	}
	return 0;
}

enum vlan_answer { VLAN_ANSWER_PIF, VLAN_ANSWER_PIF_SET, VLAN_ANSWER_VLAN };

struct vlan_request {
	const char *tagged; /* the tagged PIF, or NULL: the physical PIF of device */
	const char *device;
	const char *network;
	int64_t tag;
	enum vlan_answer answer; /* the untagged PIF (PIF.create_VLAN), as a set (pool.create_VLAN*), the VLAN */
	char vlan_ref[REF_LEN];	 /* the VLAN record made */
};

/* The VLAN record of a VLAN PIF; vlan_ref "" when it was not made. */
static int vlan_object_create(struct xapi_server *srv, const char *tagged_ref, const char *untagged_ref, int64_t tag,
			      char vlan_ref[REF_LEN], struct err *e)
{
	json_t *v = record_new_default(C("VLAN"));
	int rc;

	vlan_ref[0] = '\0';
	json_object_set_new(v, "tagged_PIF", json_string(tagged_ref));
	json_object_set_new(v, "untagged_PIF", json_string(untagged_ref));
	json_object_set_new(v, "tag", json_integer(tag));
	json_object_set_new(v, "other_config", json_object());
	rc = db_create(srv->store, C("VLAN"), v, NULL, vlan_ref, e);
	json_decref(v);
	if (rc < 0)
		vlan_ref[0] = '\0';
	return rc;
}

/* The VLAN PIF: stored, then its device made in the network's bridge (the record goes again if that fails). */
static int vlan_create(struct net_work *w, const char *tagged_ref, char out[REF_LEN], struct err *e)
{
	struct vlan_request *r = w->arg;
	json_t *tagged, *net, *pif;
	struct net_spec s;
	char tag_text[24];

	snprintf(tag_text, sizeof(tag_text), "%lld", (long long)r->tag);
	if (r->tag < 0 || r->tag > 4094) {
		err_set(e, "VLAN_TAG_INVALID", tag_text, NULL);
		return -1;
	}
	if ((tagged = network_hold(w, pif_here(w->srv, tagged_ref, e), e)) == NULL ||
	    (net = network_hold(w, network_get(w->srv, r->network, e), e)) == NULL ||
	    network_spec_from_record(net, &s, e) < 0 ||
	    vlan_check(w->srv, tagged_ref, tagged, r->network, net, r->tag, e) < 0)
		return -1;
	if ((pif = network_hold(w, vlan_record(w->srv, tagged, net, r->network, r->tag), e)) == NULL ||
	    db_create(w->srv->store, C("PIF"), pif, NULL, out, e) < 0)
		return -1;
	if (vlan_object_create(w->srv, tagged_ref, out, r->tag, r->vlan_ref, e) < 0 ||
	    pif_set_ref(w->srv, out, "VLAN_master_of", r->vlan_ref, e) < 0 || pif_attach(pif, s.bridge, 0, e) < 0) {
		struct err ignore = {0};
		pif_detach(pif, &ignore);
		if (*r->vlan_ref)
			db_destroy(w->srv->store, C("VLAN"), r->vlan_ref, &ignore);
		db_destroy(w->srv->store, C("PIF"), out, &ignore);
		err_clear(&ignore);
		return -1;
	}
	log_info("network: VLAN %lld on %s in bridge %s", (long long)r->tag, str_of(tagged, "device"), s.bridge);
	return 0;
}

/* Tagged PIF (or device), network, tag -> the VLAN PIF, as a ref or a one-element set. */
static int vlan_call(struct net_work *w, struct err *e)
{
	struct vlan_request *r = w->arg;
	char pif_ref[REF_LEN], ref[REF_LEN];
	const char *tagged = r->tagged;

	if (tagged == NULL) {
		if (pif_find(w->srv, r->device, -1, pif_ref, e) < 0)
			return -1;
		if (!*pif_ref) {
			err_set(e, "INVALID_VALUE", "device", r->device, NULL);
			return -1;
		}
		tagged = pif_ref;
	}
	if (vlan_create(w, tagged, ref, e) < 0)
		return -1;
	w->result = r->answer == VLAN_ANSWER_PIF_SET ? json_pack("[s]", ref)
		    : r->answer == VLAN_ANSWER_VLAN  ? json_string(r->vlan_ref)
						     : json_string(ref);
	return 0;
}

int h_pif_create_vlan(struct xapi_call *c, json_t **result, struct err *e)
{
	struct vlan_request r = {NULL, arg_str(c, 0), arg_str(c, 1), json_integer_value(arg(c, 3)), VLAN_ANSWER_PIF, ""};

	if (strcmp(arg_str(c, 2), c->srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", arg_str(c, 2), NULL);
		return -1;
	}
	return network_run_locked(c, NULL, vlan_call, &r, result, e);
}

int h_pool_create_vlan(struct xapi_call *c, json_t **result, struct err *e)
{
	struct vlan_request r = {NULL, arg_str(c, 0), arg_str(c, 1), json_integer_value(arg(c, 2)), VLAN_ANSWER_PIF_SET,
				 ""};

	return network_run_locked(c, NULL, vlan_call, &r, result, e);
}

int h_pool_create_vlan_from_pif(struct xapi_call *c, json_t **result, struct err *e)
{
	struct vlan_request r = {arg_str(c, 0), NULL, arg_str(c, 1), json_integer_value(arg(c, 2)), VLAN_ANSWER_PIF_SET,
				 ""};

	return network_run_locked(c, NULL, vlan_call, &r, result, e);
}

/* VLAN.create(tagged_PIF, tag, network) -> the VLAN. */
int h_vlan_create(struct xapi_call *c, json_t **result, struct err *e)
{
	struct vlan_request r = {arg_str(c, 0), NULL, arg_str(c, 2), json_integer_value(arg(c, 1)), VLAN_ANSWER_VLAN,
				 ""};

	return network_run_locked(c, NULL, vlan_call, &r, result, e);
}

/* VLAN.destroy: the VLAN, its untagged PIF and its device. */
static int vlan_destroy(struct net_work *w, struct err *e)
{
	const char *pif_ref = str_of(w->rec, "untagged_PIF");
	json_t *pif;

	if (!*pif_ref || ref_is_null(pif_ref) || !db_exists(w->srv->store, C("PIF"), pif_ref))
		return db_destroy(w->srv->store, C("VLAN"), w->self, e);
	if ((pif = network_hold(w, pif_here(w->srv, pif_ref, e), e)) == NULL)
		return -1;
	return vlan_records_destroy(w->srv, pif, pif_ref, e);
}

static json_t *vlan_get(struct xapi_server *srv, const char *ref, struct err *e)
{
	return db_get(srv->store, C("VLAN"), ref, e);
}

int h_vlan_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, vlan_get, vlan_destroy, NULL, result, e);
}
