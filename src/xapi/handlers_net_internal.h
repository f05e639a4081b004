/*
 * Private to the network driver's XenAPI side (handlers_net_host.c,
 * handlers_network.c, handlers_vif.c, handlers_pif_vlan.c): the driver,
 * what a network record asks of the host, and the one way a handler works
 * under the driver's lock.
 *
 * Every change of bridges, devices, dnsmasq and nft happens inside
 * network_work_run() (or network_startup()), so it runs under the driver's
 * lock; functions below marked "lock held" expect to be called from there.
 */
#ifndef OVCP_XAPI_HANDLERS_NET_INTERNAL_H
#define OVCP_XAPI_HANDLERS_NET_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/err.h"
#include "net/net.h"
#include "xapi/db.h"
#include "xapi/dispatch.h"

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

/* What a network record asks of the host. */
struct net_spec {
	char bridge[NET_IFNAME_LEN];
	int mtu;
	bool has_subnet, dhcp, nat;
	struct net_subnet subnet;
	char uplink[NET_IFNAME_LEN];
};

/*
 * One piece of work under the driver's lock: a XenAPI call, or a call of
 * network_api.h. The runner fetches rec, and releases rec, every held
 * record and (on failure) result, whatever path the body takes.
 */
#define NET_WORK_HELD 4
struct net_work {
	struct xapi_server *srv;
	struct network *driver;
	struct xapi_call *call; /* NULL for network_api.h */
	const char *self;	/* the call's argument 0, or the object the API function is about */
	void *arg;		/* what the caller adds */
	json_t *rec;		/* the record of self, when the caller gave a fetch function */
	json_t *held[NET_WORK_HELD];
	json_t *result; /* the answer; NULL on success means json_null() */
};

/* The XenAPI handlers of these files, listed in network_handlers (handlers_network.c). */
typedef int net_handler_fn(struct xapi_call *c, json_t **result, struct err *e);
typedef json_t *(*net_fetch_fn)(struct xapi_server *srv, const char *ref, struct err *e);
typedef int (*net_body_fn)(struct net_work *w, struct err *e);

static inline const struct model_class *C(const char *name)
{
	return model_class_find(name);
}

static inline const char *str_of(json_t *rec, const char *field)
{
	const char *s = json_string_value(json_object_get(rec, field));

	return s ? s : "";
}

/* handlers_net_host.c: the driver, its lock, and the host made to match the records */
/*
 * Under the driver's lock: w->rec = fetch(w->self) when fetch is given, then
 * body(w). *result (when result is not NULL) takes w->result. 0 / -1.
 */
int network_work_run(struct net_work *w, net_fetch_fn fetch, net_body_fn body, json_t **result, struct err *e);
/* The same for a XenAPI call: self is its argument 0. */
int network_run_locked(struct xapi_call *c, net_fetch_fn fetch, net_body_fn body, void *arg, json_t **result,
		       struct err *e);
/* Keep v (a new reference, or NULL when its fetch failed) until the work ends; v is returned. */
json_t *network_hold(struct net_work *w, json_t *v, struct err *e);
bool network_host_managed(void);
json_t *network_records_all(struct xapi_server *srv, const char *cls, struct err *e);
int network_spec_from_record(json_t *rec, struct net_spec *s, struct err *e);
json_t *network_names_taken(struct xapi_server *srv, struct err *e);
int network_bridge_pick(json_t *taken, const char *prefix, char out[NET_IFNAME_LEN], struct err *e);
bool network_name_in(json_t *names, const char *name);
int network_internal_realise(struct network *n, const struct net_spec *s, struct err *e);
void network_internal_unrealise(struct network *n, const char *bridge);
int network_nat_apply(struct xapi_server *srv, struct err *e);
int network_reconcile(struct xapi_server *srv, json_t *rec, struct err *e);

/* handlers_network.c: the network class */
json_t *network_get(struct xapi_server *srv, const char *ref, struct err *e);
/* The bridge of the network record net (network_ref), the host made to match the record. Lock held. */
int network_bridge_locked(struct xapi_server *srv, json_t *net, const char *network_ref, char bridge[NET_IFNAME_LEN],
			  struct err *e);
net_handler_fn h_network_create, h_network_destroy, h_network_add_to_other_config, h_network_remove_from_other_config,
    h_network_set_other_config;

/* handlers_vif.c: VIFs and their taps */
net_handler_fn h_vif_create, h_vif_destroy;

/* handlers_pif_vlan.c: PIFs of this host's interfaces, VLANs */
/* Attach a PIF to a bridge / undo it (the host side only). Lock held. */
int pif_attach(json_t *pif, const char *bridge, int mtu, struct err *e);
int pif_detach(json_t *pif, struct err *e);
/* PIF records for this host's interfaces: new ones created, known ones refreshed. Lock held. */
int pif_scan(struct xapi_server *srv, struct err *e);
net_handler_fn h_pif_plug, h_pif_unplug, h_pif_scan, h_pif_forget, h_pif_destroy;
net_handler_fn h_pif_create_vlan, h_pool_create_vlan, h_pool_create_vlan_from_pif;
net_handler_fn h_vlan_create;
net_handler_fn h_vlan_destroy;

#endif
