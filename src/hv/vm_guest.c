/*
 * The guest metrics poller: one thread for all running VMs. Every few
 * seconds it asks each VM's guest agent for its OS and network addresses
 * and keeps VM_guest_metrics (and VM.guest_metrics) true.
 *
 * Invariant: a VM_guest_metrics record is written only when what the agent
 * says changed (or once a minute for last_updated), so an idle host makes no
 * event traffic. A VM whose agent does not answer is left as it was.
 */
#include "common/log.h"
#include "common/util.h"
#include "hv/vm_internal.h"
#include "xapi/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_INTERVAL_S 5
#define AGENT_POLL_MS	1000
#define REFRESH_S	60

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

static void put_str(json_t *map, const char *key, const json_t *v)
{
	if (json_is_string(v) && json_string_length(v) > 0)
		json_object_set_new(map, key, json_string(json_string_value(v)));
}

static json_t *os_version(const json_t *info)
{
	json_t *m = json_object();
	const char *ver = json_string_value(json_object_get(info, "version-id"));

	put_str(m, "name", json_object_get(info, "pretty-name"));
	if (json_object_get(m, "name") == NULL)
		put_str(m, "name", json_object_get(info, "name"));
	put_str(m, "distro", json_object_get(info, "id"));
	put_str(m, "uname", json_object_get(info, "kernel-release"));
	if (ver) {
		char major[16] = "", minor[16] = "";

		sscanf(ver, "%15[0-9].%15[0-9]", major, minor);
		if (major[0])
			json_object_set_new(m, "major", json_string(major));
		if (minor[0])
			json_object_set_new(m, "minor", json_string(minor));
	}
	return m;
}

/* xapi's networks map: "N/ip" (first IPv4), "N/ipv4/K", "N/ipv6/K"; N counts the non-loopback interfaces. */
static json_t *networks(const json_t *ifaces)
{
	json_t *m = json_object();
	size_t i, j, n = 0;
	json_t *itf, *addr;

	json_array_foreach(ifaces, i, itf)
	{
		const char *name = json_string_value(json_object_get(itf, "name"));
		int k4 = 0, k6 = 0;

		if (name == NULL || strcmp(name, "lo") == 0)
			continue;
		json_array_foreach(json_object_get(itf, "ip-addresses"), j, addr)
		{
			const char *type = json_string_value(json_object_get(addr, "ip-address-type"));
			const char *ip = json_string_value(json_object_get(addr, "ip-address"));
			char key[48];

			if (type == NULL || ip == NULL)
				continue;
			if (strcmp(type, "ipv4") == 0) {
				if (k4 == 0) {
					snprintf(key, sizeof(key), "%zu/ip", n);
					json_object_set_new(m, key, json_string(ip));
				}
				snprintf(key, sizeof(key), "%zu/ipv4/%d", n, k4++);
			} else {
				snprintf(key, sizeof(key), "%zu/ipv6/%d", n, k6++);
			}
			json_object_set_new(m, key, json_string(ip));
		}
		n++;
	}
	return m;
}

struct gm_update {
	json_t *os, *nets;
	bool force;
	bool changed;
};

static int gm_edit(json_t *gm, void *arg, struct err *e)
{
	struct gm_update *u = arg;
	char now[20];

	(void)e;
	u->changed = u->force || !json_equal(json_object_get(gm, "os_version"), u->os) ||
		     !json_equal(json_object_get(gm, "networks"), u->nets) ||
		     !json_is_true(json_object_get(gm, "PV_drivers_detected"));
	if (!u->changed) {
		err_set(e, "OVCP_UNCHANGED", NULL); /* abort the update: nothing to write */
		return -1;
	}
	xdatetime_now(now);
	json_object_set(gm, "os_version", u->os);
	json_object_set(gm, "networks", u->nets);
	json_object_set_new(gm, "PV_drivers_detected", json_true());
	json_object_set_new(gm, "live", json_true());
	json_object_set_new(gm, "can_use_hotplug_vbd", json_string("yes"));
	json_object_set_new(gm, "can_use_hotplug_vif", json_string("yes"));
	json_object_set_new(gm, "PV_drivers_version", json_pack("{s:s}", "qemu-ga", "present"));
	json_object_set_new(gm, "last_updated", json_string(now));
	return 0;
}

/* The VM's VM_guest_metrics ref, created and linked when missing. */
static int gm_ref(struct xapi_server *srv, const char *vm_ref, char out[REF_LEN], struct err *e)
{
	json_t *vm = db_get(srv->store, cls("VM"), vm_ref, e), *rec, *v;
	const char *g;

	if (vm == NULL)
		return -1;
	g = json_string_value(json_object_get(vm, "guest_metrics"));
	if (g && !ref_is_null(g) && db_exists(srv->store, cls("VM_guest_metrics"), g)) {
		snprintf(out, REF_LEN, "%s", g);
		json_decref(vm);
		return 0;
	}
	json_decref(vm);
	rec = record_new_default(cls("VM_guest_metrics"));
	int rc = db_create(srv->store, cls("VM_guest_metrics"), rec, NULL, out, e);
	json_decref(rec);
	if (rc < 0)
		return -1;
	v = json_string(out);
	rc = db_set_field(srv->store, cls("VM"), vm_ref, "guest_metrics", v, e);
	json_decref(v);
	return rc;
}

static void poll_one(struct xapi_server *srv, struct vm_runtime *rt, bool force)
{
	struct err e = {0};
	json_t *info = NULL, *ifaces = NULL;
	char ref[REF_LEN];

	if (vm_agent(rt, "guest-ping", NULL, NULL, false, AGENT_POLL_MS, &e) < 0) {
		err_clear(&e);
		return;
	}
	vm_agent(rt, "guest-get-osinfo", NULL, &info, false, AGENT_POLL_MS, &e);
	err_clear(&e);
	vm_agent(rt, "guest-network-get-interfaces", NULL, &ifaces, false, AGENT_POLL_MS, &e);
	err_clear(&e);
	struct gm_update u = {os_version(info), networks(ifaces), force, false};
	if (gm_ref(srv, rt->ref, ref, &e) == 0)
		db_update(srv->store, cls("VM_guest_metrics"), ref, gm_edit, &u, &e);
	err_clear(&e);
	json_decref(u.os);
	json_decref(u.nets);
	json_decref(info);
	json_decref(ifaces);
}

void *vm_guest_main(void *arg);

void *vm_guest_main(void *arg)
{
	struct vm_manager *m = arg;
	int64_t last_refresh = time_monotonic_ms();

	while (!m->stopping) {
		struct vm_runtime **all;
		size_t n;
		bool force = time_monotonic_ms() - last_refresh > REFRESH_S * 1000;

		for (int i = 0; i < POLL_INTERVAL_S * 10 && !m->stopping; i++)
			usleep(100 * 1000);
		if (m->stopping)
			break;
		all = vm_runtime_all(m, &n);
		for (size_t i = 0; i < n; i++) {
			if (!m->stopping)
				poll_one(m->srv, all[i], force);
			vm_runtime_put(all[i]);
		}
		free(all);
		if (force)
			last_refresh = time_monotonic_ms();
	}
	return NULL;
}
