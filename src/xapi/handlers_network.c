/*
 * The XenAPI network class: network.create / destroy and the other_config
 * messages whose keys ask the host for an address, DHCP and NAT; the bridge
 * of a network for the VM driver (network_api.h); and the handler table of
 * the whole network driver (network, VIF, PIF, VLAN), which dispatch knows
 * as network_handlers.
 *
 * Invariants: a network's record is stored before its bridge is made, and
 * destroyed again when the host cannot be made to match; a change of
 * other_config is checked as a whole (network_spec_from_record) before it
 * is stored. Every body here runs under the driver's lock
 * (network_run_locked), see handlers_net_host.c.
 */
#include <string.h>

#include "common/log.h"
#include "xapi/handlers_net_internal.h"
#include "xapi/network_api.h"

json_t *network_get(struct xapi_server *srv, const char *ref, struct err *e)
{
	return db_get(srv->store, C("network"), ref, e);
}

static void undo_network(struct xapi_server *srv, const char *ref, const char *bridge)
{
	struct err ignore = {0};

	network_internal_unrealise(srv->network, bridge);
	db_destroy(srv->store, C("network"), ref, &ignore);
	network_nat_apply(srv, &ignore);
	err_clear(&ignore);
}

/* A bridge given by the caller must be a free, valid name; none given: the next free "ovcpbrN". */
static int bridge_choose(struct net_work *w, json_t *rec, struct err *e)
{
	json_t *taken = network_hold(w, network_names_taken(w->srv, e), e);
	const char *want = str_of(rec, "bridge");
	char bridge[NET_IFNAME_LEN];

	if (taken == NULL)
		return -1;
	if (*want && !net_ifname_valid(want)) {
		err_set(e, "INVALID_VALUE", "bridge", want, NULL);
		return -1;
	}
	if (*want && network_name_in(taken, want)) {
		err_set(e, "BRIDGE_NAME_EXISTS", want, NULL);
		return -1;
	}
	if (!*want) {
		if (network_bridge_pick(taken, INTERNAL_BRIDGE_PREFIX, bridge, e) < 0)
			return -1;
		json_object_set_new(rec, "bridge", json_string(bridge));
	}
	return 0;
}

/* network.create: the record, then its bridge (and address, dnsmasq, NAT) on the host. */
static int network_create(struct net_work *w, struct err *e)
{
	json_t *rec = network_hold(w, record_from_args(C("network"), arg(w->call, 0), e), e);
	char ref[REF_LEN];
	struct net_spec s;

	if (rec == NULL || bridge_choose(w, rec, e) < 0)
		return -1;
	if (network_spec_from_record(rec, &s, e) < 0 || db_create(w->srv->store, C("network"), rec, NULL, ref, e) < 0)
		return -1;
	if (network_internal_realise(w->driver, &s, e) < 0 || (s.nat && network_nat_apply(w->srv, e) < 0)) {
		undo_network(w->srv, ref, s.bridge);
		return -1;
	}
	log_info("network: created %s on bridge %s", ref, s.bridge);
	w->result = json_string(ref);
	return 0;
}

/* network.destroy: refused while VIFs or PIFs use it; the bridge and its dnsmasq go with it. */
static int network_destroy(struct net_work *w, struct err *e)
{
	json_t *vifs = json_object_get(w->rec, "VIFs"), *pifs = json_object_get(w->rec, "PIFs");
	struct err ignore = {0};
	struct net_spec s;

	if (json_array_size(vifs) > 0) {
		err_set(e, "NETWORK_CONTAINS_VIF", w->self, json_string_value(json_array_get(vifs, 0)), NULL);
		return -1;
	}
	if (json_array_size(pifs) > 0) {
		err_set(e, "NETWORK_CONTAINS_PIF", w->self, json_string_value(json_array_get(pifs, 0)), NULL);
		return -1;
	}
	if (db_destroy(w->srv->store, C("network"), w->self, e) < 0)
		return -1;
	if (network_spec_from_record(w->rec, &s, &ignore) == 0 && *s.bridge)
		network_internal_unrealise(w->driver, s.bridge);
	if (network_nat_apply(w->srv, &ignore) < 0)
		log_warn("network: NAT after destroying %s: %s", w->self,
			 json_string_value(json_array_get(ignore.desc, 1)));
	err_clear(&ignore);
	return 0;
}

int h_network_create(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, NULL, network_create, NULL, result, e);
}

int h_network_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return network_run_locked(c, network_get, network_destroy, NULL, result, e);
}

/* ---- other_config: checked as a whole before it is stored, then applied ---- */

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
	return network_spec_from_record(rec, &s, e);
}

static int other_config_change(struct net_work *w, struct err *e)
{
	struct oc_edit *x = w->arg;
	json_t *rec;

	x->ref = w->self;
	if (db_update(w->srv->store, C("network"), x->ref, oc_mutate, x, e) < 0 ||
	    (rec = network_hold(w, network_get(w->srv, x->ref, e), e)) == NULL)
		return -1;
	return network_reconcile(w->srv, rec, e) < 0 || network_nat_apply(w->srv, e) < 0 ? -1 : 0;
}

int h_network_add_to_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {arg_str(c, 1), arg(c, 2), NULL, NULL};

	return network_run_locked(c, NULL, other_config_change, &x, result, e);
}

int h_network_remove_from_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {arg_str(c, 1), NULL, NULL, NULL};

	return network_run_locked(c, NULL, other_config_change, &x, result, e);
}

int h_network_set_other_config(struct xapi_call *c, json_t **result, struct err *e)
{
	struct oc_edit x = {NULL, NULL, arg(c, 1), NULL};

	return network_run_locked(c, NULL, other_config_change, &x, result, e);
}

/* ---- the bridge of a network, for the VM driver (network_api.h) ---- */

int network_bridge_locked(struct xapi_server *srv, json_t *net, const char *network_ref, char bridge[NET_IFNAME_LEN],
			  struct err *e)
{
	struct net_spec s;

	if (network_spec_from_record(net, &s, e) < 0)
		return -1;
	if (!*s.bridge) {
		err_internal(e, "network %s has no bridge", network_ref);
		return -1;
	}
	if (network_reconcile(srv, net, e) < 0 || (network_host_managed() && net_bridge_ensure(s.bridge, 0, e) < 0))
		return -1;
	memcpy(bridge, s.bridge, NET_IFNAME_LEN);
	return 0;
}

static int bridge_of(struct net_work *w, struct err *e)
{
	return network_bridge_locked(w->srv, w->rec, w->self, w->arg, e);
}

int network_bridge_of(struct xapi_server *srv, const char *network_ref, char bridge[NETWORK_IFNAME_LEN], struct err *e)
{
	struct net_work w = {.srv = srv, .self = network_ref, .arg = bridge};

	return network_work_run(&w, network_get, bridge_of, NULL, e);
}

/* The messages of the whole driver: one table, as dispatch.h lists it. */
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
    {"VLAN.create", h_vlan_create, true},
    {"VLAN.destroy", h_vlan_destroy, true},
    {NULL, NULL, false},
};
