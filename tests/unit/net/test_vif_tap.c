/*
 * network_api.h as the VM driver uses it, through a real xapi_server on a
 * scratch SQLite store, inside a private network namespace: network.create
 * and VIF.create through dispatch, then network_vif_plug_tap makes a tap
 * owned by the given uid in the network's bridge, and unplug removes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "net/net.h"
#include "netns.h"
#include "tap.h"
#include "xapi/db.h"
#include "xapi/network_api.h"
#include "xapi/server.h"

static struct xapi_server srv;
static struct session_info who;
static bool ready;
static char state_dir[256];

static json_t *call(const char *method, json_t *args, struct err *e)
{
	json_t *result = NULL;
	const struct xtype *type;

	if (xapi_invoke(&srv, &who, method, args, NULL, &result, &type, e) < 0)
		result = NULL;
	json_decref(args);
	return result;
}

static int server_start(void)
{
	char url[300], ref[REF_LEN];
	struct err e = {0};

	snprintf(url, sizeof(url), "sqlite:%s/ovcp.db", state_dir);
	struct store *st = store_open(url, &e);
	struct host_identity id = {"6f1d3a1e-0000-4000-8000-000000000001", "nethost", "127.0.0.1", "0.1.0"};
	if (st == NULL || xapi_server_init(&srv, st, &e) < 0)
		goto fail;
	srv.state_dir = state_dir;
	if (xapi_server_bootstrap(&srv, &id, "pw", &e) < 0 || network_startup(&srv, &e) < 0 ||
	    session_login(&srv, "root", "pw", "test", true, ref, &e) < 0 || session_check(&srv, ref, &who, &e) < 0)
		goto fail;
	return 0;
fail:
	printf("# server: %s\n", e.desc ? json_dumps(e.desc, JSON_COMPACT) : "?");
	err_clear(&e);
	return -1;
}

static void test_plug_tap(void)
{
	struct err e = {0};
	char tap[NETWORK_IFNAME_LEN] = "", bridge[NETWORK_IFNAME_LEN] = "", vm_ref[REF_LEN];
	struct net_link l;

	if (!ready) {
		TAP_SKIP("needs root for a private network namespace");
		return;
	}
	json_t *net = call("network.create", json_pack("[{s:s,s:{}}]", "name_label", "n", "other_config"), &e);
	CHECK(net != NULL);
	const struct model_class *vmc = model_class_find("VM");
	json_t *vm = record_new_default(vmc);
	json_object_set_new(vm, "name_label", json_string("vm"));
	CHECK(db_create(srv.store, vmc, vm, NULL, vm_ref, &e) == 0);
	json_t *vif =
	    call("VIF.create",
		 json_pack("[{s:s,s:O,s:s,s:s,s:i,s:{},s:s,s:{}}]", "device", "3", "network", net, "VM", vm_ref, "MAC",
			   "", "MTU", 1400, "other_config", "qos_algorithm_type", "", "qos_algorithm_params"),
		 &e);
	CHECK(vif != NULL);
	if (net == NULL || vif == NULL)
		goto out;
	CHECK(network_bridge_of(&srv, json_string_value(net), bridge, &e) == 0);
	CHECK(strncmp(bridge, "ovcpbr", 6) == 0);
	CHECK(network_vif_plug_tap(&srv, json_string_value(vif), json_string_value(json_object_get(vm, "uuid")), 4321,
				   tap, &e) == 0);
	char want[NET_IFNAME_LEN];
	CHECK(net_tap_name(json_string_value(json_object_get(vm, "uuid")), "3", want) == 0);
	CHECK_STR(tap, want);
	CHECK(net_link_get(tap, &l, &e) == 1);
	CHECK_STR(l.master, bridge);
	CHECK_STR(l.kind, "tun");
	CHECK_INT(l.mtu, 1400);
	CHECK(l.up);
	char path[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/owner", tap);
	char *owner = file_read_all(path, NULL);
	CHECK(owner && atoi(owner) == 4321);
	free(owner);
	/* Plugging again (a VM restarted) reuses the tap. */
	CHECK(network_vif_plug_tap(&srv, json_string_value(vif), json_string_value(json_object_get(vm, "uuid")), 4321,
				   tap, &e) == 0);
	CHECK(network_vif_unplug_tap(&srv, tap, &e) == 0);
	CHECK(net_link_get(tap, &l, &e) == 0);
	CHECK(network_vif_unplug_tap(&srv, tap, &e) == 0);   /* gone already */
	CHECK(network_vif_unplug_tap(&srv, "eth0", &e) < 0); /* not a tap of OVCP */
	err_clear(&e);
	CHECK(network_vif_plug_tap(&srv, "OpaqueRef:NULL", "6f1d3a1e", 0, tap, &e) < 0);
	CHECK_STR(err_code(&e), "HANDLE_INVALID");
out:
	err_clear(&e);
	json_decref(vm);
	json_decref(net);
	json_decref(vif);
}

int main(void)
{
	char tmpl[] = "/tmp/ovcp-net-vif-XXXXXX";
	bool in_netns = netns_enter_private() == 0;

	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(state_dir, sizeof(state_dir), "%s", tmpl);
	ready = in_netns && server_start() == 0;
	TAP_RUN(test_plug_tap);
	if (ready) {
		struct store *st = srv.store;
		xapi_server_fini(&srv);
		store_close(st);
	}
	char *rm[] = {"rm", "-rf", state_dir, NULL};
	struct err e = {0};
	net_spawn_wait(rm, NULL, 10000, &e);
	err_clear(&e);
	return tap_done();
}
