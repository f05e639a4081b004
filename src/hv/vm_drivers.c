/*
 * Adapters from the VM driver to the storage and network drivers.
 *
 * Each adapter calls the driver's XenAPI-level API (xapi/storage_api.h,
 * xapi/network_api.h) when that header is part of the build; without it
 * (a tree where the driver has not landed) the adapter does the least that
 * lets VMs run: a VDI's file is its `location` when that is an absolute path
 * to an existing file, and a VM with VIFs cannot start.
 */
#include "hv/vm_internal.h"

#include "common/log.h"
#include "xapi/db.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if __has_include("xapi/storage_api.h")
#include "xapi/storage_api.h"
#define HAVE_STORAGE_API 1
#endif
#if __has_include("xapi/network_api.h")
#include "net/net.h"
#include "xapi/network_api.h"
#define HAVE_NETWORK_API 1
#endif

#ifndef HAVE_STORAGE_API
static int no_storage(struct err *e)
{
	err_set(e, "NOT_IMPLEMENTED", "storage driver", NULL);
	return -1;
}
#endif

int vm_vdi_path(struct xapi_server *srv, const char *vdi_ref, char *path, size_t size, char format[16],
		struct err *e)
{
#ifdef HAVE_STORAGE_API
	const char *f = NULL;

	if (storage_vdi_location(srv, vdi_ref, path, size, &f, e) < 0)
		return -1;
	snprintf(format, 16, "%s", f ? f : "raw");
	return 0;
#else
	json_t *vdi = db_get(srv->store, model_class_find("VDI"), vdi_ref, e);
	const char *loc;
	struct stat st;

	if (vdi == NULL)
		return -1;
	loc = json_string_value(json_object_get(vdi, "location"));
	if (loc == NULL || loc[0] != '/' || stat(loc, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "VDI_MISSING", json_string_value(json_object_get(vdi, "SR")), vdi_ref, NULL);
		json_decref(vdi);
		return -1;
	}
	snprintf(path, size, "%s", loc);
	snprintf(format, 16, "%s", strstr(loc, ".qcow2") ? "qcow2" : "raw");
	json_decref(vdi);
	return 0;
#endif
}

int vm_vif_plug(struct xapi_server *srv, const char *vif_ref, const char *vm_uuid, uid_t owner, char tap[16],
		struct err *e)
{
#ifdef HAVE_NETWORK_API
	return network_vif_plug_tap(srv, vif_ref, vm_uuid, (unsigned)owner, tap, e);
#else
	(void)srv;
	(void)owner;
	(void)vm_uuid;
	(void)tap;
	err_set(e, "NOT_IMPLEMENTED", "network driver", vif_ref, NULL);
	return -1;
#endif
}

void vm_vif_unplug(struct xapi_server *srv, const char *tap)
{
#ifdef HAVE_NETWORK_API
	struct err e = {0};

	if (network_vif_unplug_tap(srv, tap, &e) < 0) {
		log_warn("%s: %s: %s", __func__, tap, err_code(&e));
		err_clear(&e);
	}
#else
	(void)srv;
	(void)tap;
#endif
}

int vm_vif_tap_name(const char *vm_uuid, const char *device, char tap[16])
{
#ifdef HAVE_NETWORK_API
	return net_tap_name(vm_uuid, device, tap);
#else
	(void)vm_uuid, (void)device, (void)tap;
	return -1;
#endif
}

int vm_network_bridge(struct xapi_server *srv, const char *network_ref, char bridge[16], struct err *e)
{
#ifdef HAVE_NETWORK_API
	return network_bridge_of(srv, network_ref, bridge, e);
#else
	json_t *net = db_get(srv->store, model_class_find("network"), network_ref, e);

	if (net == NULL)
		return -1;
	snprintf(bridge, 16, "%s", json_string_value(json_object_get(net, "bridge")) ?: "");
	json_decref(net);
	return 0;
#endif
}

int vm_vdi_clone(struct xapi_server *srv, const char *vdi_ref, char new_ref[REF_LEN], struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_clone(srv, vdi_ref, NULL, new_ref, e);
#else
	(void)srv, (void)vdi_ref, (void)new_ref;
	return no_storage(e);
#endif
}

int vm_vdi_snapshot(struct xapi_server *srv, const char *vdi_ref, char new_ref[REF_LEN], struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_snapshot(srv, vdi_ref, NULL, new_ref, e);
#else
	(void)srv, (void)vdi_ref, (void)new_ref;
	return no_storage(e);
#endif
}

int vm_vdi_copy(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref, double base,
		double share, char new_ref[REF_LEN], struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_copy_part(srv, vdi_ref, sr_ref, task_ref, base, share, new_ref, e);
#else
	(void)srv, (void)vdi_ref, (void)sr_ref, (void)task_ref, (void)base, (void)share, (void)new_ref;
	return no_storage(e);
#endif
}

int vm_vdi_create(struct xapi_server *srv, const char *sr_ref, const char *name, long long size, const char *type,
		  char new_ref[REF_LEN], struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_create(srv, sr_ref, name, size, type, new_ref, e);
#else
	(void)srv, (void)sr_ref, (void)name, (void)size, (void)type, (void)new_ref;
	return no_storage(e);
#endif
}

int vm_vdi_destroy(struct xapi_server *srv, const char *vdi_ref, struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_destroy(srv, vdi_ref, e);
#else
	(void)srv, (void)vdi_ref;
	return no_storage(e);
#endif
}

int vm_vdi_revert(struct xapi_server *srv, const char *vdi_ref, const char *snapshot_ref, struct err *e)
{
#ifdef HAVE_STORAGE_API
	return storage_vdi_revert_to(srv, vdi_ref, snapshot_ref, e);
#else
	(void)srv, (void)vdi_ref, (void)snapshot_ref;
	return no_storage(e);
#endif
}
