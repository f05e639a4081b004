/*
 * Devices of a running VM changed while it runs: VBD.plug/unplug (a disk:
 * blockdev-add + device_add, device_del + DEVICE_DELETED + blockdev-del),
 * VIF.plug/unplug (tap + netdev_add + device_add, and the reverse) and
 * VBD.insert/eject (a CD drive's medium: blockdev-change-medium / eject).
 *
 * QEMU object names are the argv builder's (qemu_argv.c): VBD userdevice N
 * is device "vbdN" over nodes "vbdN-format" on "vbdN-file"; VIF device N is
 * device "vifN" over netdev "netvifN". q35's root bus takes no hotplug, so
 * a plugged device goes on the first empty PCIe root port "hotplugK" (the
 * argv has QEMU_HOTPLUG_PORTS of them); which port is free is read from
 * query-pci each time, so nothing about ports lives in ovcpd's memory.
 *
 * Invariants: currently_attached is true exactly while QEMU has the device
 * (set after device_add succeeded, cleared after DEVICE_DELETED); a failed
 * plug removes what it added (nodes, netdev, tap). device_del only asks the
 * guest: an unplug the guest does not answer within UNPLUG_MS fails with
 * the device still attached. Hotplug operations on one host run one at a
 * time (hotplug_lock), so two plugs never pick the same port; the lock is
 * only ever taken here and no other lock is held with it across QMP.
 */
#include "hv/vm_ops.h"

#include "common/log.h"
#include "common/util.h"
#include "hv/qemu_argv.h"
#include "hv/vm_internal.h"
#include "xapi/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNPLUG_MS 30000

static pthread_mutex_t hotplug_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

static const char *str(const json_t *rec, const char *field)
{
	const char *s = json_string_value(json_object_get(rec, field));

	return s ? s : "";
}

/* The device number of userdevice / device: 0..99, as the argv builder takes it. */
static int device_number(const json_t *rec, const char *field, struct err *e)
{
	const char *s = str(rec, field);
	char *end;
	long n = strtol(s, &end, 10);

	if (s[0] == '\0' || *end != '\0' || n < 0 || n > 99) {
		err_set(e, "INVALID_VALUE", field, s, NULL);
		return -1;
	}
	return (int)n;
}

/* The device's record and the runtime of its running VM; VM_BAD_POWER_STATE when the VM has no QEMU here. */
static int device_open(struct xapi_server *srv, const char *cls_name, const char *ref, json_t **rec,
		       struct vm_runtime **rt, struct err *e)
{
	json_t *vm;

	*rt = NULL;
	if (srv->vms == NULL) {
		err_set(e, "NOT_IMPLEMENTED", "VM driver not started", NULL);
		return -1;
	}
	if ((*rec = db_get(srv->store, cls(cls_name), ref, e)) == NULL)
		return -1;
	if ((*rt = vm_runtime_find(srv->vms, str(*rec, "VM"))) != NULL)
		return 0;
	vm = db_get(srv->store, cls("VM"), str(*rec, "VM"), e);
	if (vm != NULL)
		err_set(e, "VM_BAD_POWER_STATE", str(*rec, "VM"), "Running", str(vm, "power_state"), NULL);
	json_decref(vm);
	json_decref(*rec);
	*rec = NULL;
	return -1;
}

static void device_close(json_t *rec, struct vm_runtime *rt)
{
	json_decref(rec);
	if (rt != NULL)
		vm_runtime_put(rt);
}

/* The first PCIe root port for hotplug with nothing behind it. */
static int free_port(struct vm_runtime *rt, char port[32], struct err *e)
{
	json_t *buses = NULL, *bus, *dev;
	size_t i, j;
	int rc = -1;

	if (vm_qmp(rt, "query-pci", NULL, &buses, VM_QMP_TIMEOUT_MS, e) < 0)
		return -1;
	json_array_foreach(buses, i, bus)
	{
		json_array_foreach(json_object_get(bus, "devices"), j, dev)
		{
			const char *id = str(dev, "qdev_id");
			json_t *behind = json_object_get(json_object_get(dev, "pci_bridge"), "devices");

			if (rc < 0 && strncmp(id, QEMU_HOTPLUG_PORT_PREFIX, strlen(QEMU_HOTPLUG_PORT_PREFIX)) == 0 &&
			    json_array_size(behind) == 0) {
				snprintf(port, 32, "%s", id);
				rc = 0;
			}
		}
	}
	json_decref(buses);
	if (rc < 0)
		err_set(e, "OPERATION_NOT_ALLOWED", "no free hotplug slot: unplug a device first", NULL);
	return rc;
}

/* device_del, then wait until the guest let go of it. */
static int device_remove(struct vm_runtime *rt, const char *id, const char *cls_name, const char *ref, struct err *e)
{
	if (vm_qmp(rt, "device_del", json_pack("{s:s}", "id", id), NULL, VM_QMP_TIMEOUT_MS, e) < 0)
		return -1;
	if (vm_runtime_wait_deleted(rt, id, UNPLUG_MS) < 0) {
		log_warn("VM %s: the guest did not release %s within %d ms", rt->uuid, id, UNPLUG_MS);
		err_set(e, "DEVICE_DETACH_TIMEOUT", cls_name, ref, NULL);
		return -1;
	}
	return 0;
}

static void qmp_quiet(struct vm_runtime *rt, const char *command, json_t *args)
{
	struct err ignore = {0};

	vm_qmp(rt, command, args, NULL, VM_QMP_TIMEOUT_MS, &ignore);
	err_clear(&ignore);
}

/* ---- VBD.plug / VBD.unplug --------------------------------------------- */

static void nodes_remove(struct vm_runtime *rt, int n)
{
	char name[32];

	snprintf(name, sizeof(name), "vbd%d-format", n);
	qmp_quiet(rt, "blockdev-del", json_pack("{s:s}", "node-name", name));
	snprintf(name, sizeof(name), "vbd%d-file", n);
	qmp_quiet(rt, "blockdev-del", json_pack("{s:s}", "node-name", name));
}

static int nodes_add(struct xapi_server *srv, struct vm_runtime *rt, const json_t *vbd, int n, struct err *e)
{
	char path[512], format[16], file_node[32], format_node[32];
	bool ro = strcmp(str(vbd, "mode"), "RO") == 0;
	json_t *file, *fmt;

	if (vm_vdi_path(srv, str(vbd, "VDI"), path, sizeof(path), format, e) < 0 ||
	    vm_user_grant_image(rt->mgr, rt->uid, path, !ro, e) < 0)
		return -1;
	snprintf(file_node, sizeof(file_node), "vbd%d-file", n);
	snprintf(format_node, sizeof(format_node), "vbd%d-format", n);
	file = json_pack("{s:s, s:s, s:s, s:b}", "driver", "file", "filename", path, "node-name", file_node,
			 "read-only", ro);
	fmt = json_pack("{s:s, s:s, s:s, s:b}", "driver", format, "node-name", format_node, "file", file_node,
			"read-only", ro);
	if (!ro) {
		json_object_set_new(file, "discard", json_string("unmap"));
		json_object_set_new(fmt, "discard", json_string("unmap"));
	}
	if (vm_qmp(rt, "blockdev-add", file, NULL, VM_QMP_TIMEOUT_MS, e) < 0) {
		json_decref(fmt);
		return -1;
	}
	if (vm_qmp(rt, "blockdev-add", fmt, NULL, VM_QMP_TIMEOUT_MS, e) < 0) {
		qmp_quiet(rt, "blockdev-del", json_pack("{s:s}", "node-name", file_node));
		return -1;
	}
	return 0;
}

static int vbd_plug(struct xapi_server *srv, const char *vbd_ref, const json_t *vbd, struct vm_runtime *rt,
		    struct err *e)
{
	char id[32], node[32], port[32];
	int n;

	if (json_is_true(json_object_get(vbd, "currently_attached"))) {
		err_set(e, "DEVICE_ALREADY_ATTACHED", vbd_ref, NULL);
		return -1;
	}
	if (strcmp(str(vbd, "type"), "CD") == 0 || json_is_true(json_object_get(vbd, "empty"))) {
		err_set(e, "OPERATION_NOT_ALLOWED", "a CD drive or an empty VBD cannot be hotplugged", NULL);
		return -1;
	}
	if ((n = device_number(vbd, "userdevice", e)) < 0 || free_port(rt, port, e) < 0 ||
	    nodes_add(srv, rt, vbd, n, e) < 0)
		return -1;
	snprintf(id, sizeof(id), "vbd%d", n);
	snprintf(node, sizeof(node), "vbd%d-format", n);
	if (vm_qmp(rt, "device_add",
		   json_pack("{s:s, s:s, s:s, s:s}", "driver", "virtio-blk-pci", "id", id, "drive", node, "bus", port),
		   NULL, VM_QMP_TIMEOUT_MS, e) < 0) {
		nodes_remove(rt, n);
		return -1;
	}
	log_info("VM %s: disk %s plugged (VBD %s) on %s", rt->uuid, id, vbd_ref, port);
	return vm_device_attached(srv, "VBD", vbd_ref, true, true, e);
}

static int vbd_unplug(struct xapi_server *srv, const char *vbd_ref, const json_t *vbd, struct vm_runtime *rt,
		      struct err *e)
{
	char id[32];
	int n;

	if (!json_is_true(json_object_get(vbd, "currently_attached"))) {
		err_set(e, "DEVICE_ALREADY_DETACHED", vbd_ref, NULL);
		return -1;
	}
	if (strcmp(str(vbd, "type"), "CD") == 0) {
		err_set(e, "OPERATION_NOT_ALLOWED", "a CD drive cannot be unplugged: eject its medium", NULL);
		return -1;
	}
	if ((n = device_number(vbd, "userdevice", e)) < 0)
		return -1;
	snprintf(id, sizeof(id), "vbd%d", n);
	if (device_remove(rt, id, "VBD", vbd_ref, e) < 0)
		return -1;
	nodes_remove(rt, n);
	char path[512], format[16];
	struct err ignore = {0};
	if (rt->uid != 0 && vm_vdi_path(srv, str(vbd, "VDI"), path, sizeof(path), format, &ignore) == 0)
		vm_user_release_image(rt->mgr, path);
	err_clear(&ignore);
	log_info("VM %s: disk %s unplugged (VBD %s)", rt->uuid, id, vbd_ref);
	return vm_device_attached(srv, "VBD", vbd_ref, false, true, e);
}

typedef int (*device_fn)(struct xapi_server *srv, const char *ref, const json_t *rec, struct vm_runtime *rt,
			 struct err *e);

static int with_device(struct xapi_server *srv, const char *cls_name, const char *ref, device_fn fn, struct err *e)
{
	struct vm_runtime *rt;
	json_t *rec;
	int rc;

	if (device_open(srv, cls_name, ref, &rec, &rt, e) < 0)
		return -1;
	pthread_mutex_lock(&hotplug_lock);
	rc = fn(srv, ref, rec, rt, e);
	pthread_mutex_unlock(&hotplug_lock);
	device_close(rec, rt);
	return rc;
}

int vm_op_vbd_plug(struct xapi_server *srv, const char *vbd, struct err *e)
{
	return with_device(srv, "VBD", vbd, vbd_plug, e);
}

int vm_op_vbd_unplug(struct xapi_server *srv, const char *vbd, struct err *e)
{
	return with_device(srv, "VBD", vbd, vbd_unplug, e);
}

/* ---- VBD.insert / VBD.eject ---------------------------------------------- */

struct medium_edit {
	const char *vdi; /* NULL: eject */
	bool vm_live;
};

static int medium_edit_fn(json_t *vbd, void *arg, struct err *e)
{
	struct medium_edit *m = arg;

	(void)e;
	json_object_set_new(vbd, "VDI", json_string(m->vdi ? m->vdi : REF_NULL));
	json_object_set_new(vbd, "empty", json_boolean(m->vdi == NULL));
	json_object_set_new(vbd, "currently_attached", json_boolean(m->vdi != NULL && m->vm_live));
	json_object_set_new(vbd, "allowed_operations", json_pack("[s]", m->vdi ? "eject" : "insert"));
	return 0;
}

static int medium_change(struct xapi_server *srv, const char *vbd_ref, const char *vdi_ref, struct err *e)
{
	struct vm_runtime *rt = NULL;
	json_t *vbd;
	char id[32], path[512], format[16];
	int n, rc = -1;

	if ((vbd = db_get(srv->store, cls("VBD"), vbd_ref, e)) == NULL)
		return -1;
	if (strcmp(str(vbd, "type"), "CD") != 0) {
		err_set(e, "VBD_NOT_REMOVABLE_MEDIA", vbd_ref, NULL);
		goto out;
	}
	if (vdi_ref != NULL && !json_is_true(json_object_get(vbd, "empty"))) {
		err_set(e, "VBD_NOT_EMPTY", vbd_ref, NULL);
		goto out;
	}
	if (vdi_ref == NULL && json_is_true(json_object_get(vbd, "empty"))) {
		err_set(e, "VBD_IS_EMPTY", vbd_ref, NULL);
		goto out;
	}
	if ((n = device_number(vbd, "userdevice", e)) < 0)
		goto out;
	if (vdi_ref != NULL && vm_vdi_path(srv, vdi_ref, path, sizeof(path), format, e) < 0)
		goto out;
	snprintf(id, sizeof(id), "vbd%d", n);
	pthread_mutex_lock(&hotplug_lock);
	if (srv->vms != NULL && (rt = vm_runtime_find(srv->vms, str(vbd, "VM"))) != NULL &&
	    (vdi_ref == NULL || vm_user_grant_image(rt->mgr, rt->uid, path, false, e) == 0)) {
		json_t *args = vdi_ref ? json_pack("{s:s, s:s, s:s, s:s}", "id", id, "filename", path, "format", format,
						   "read-only-mode", "read-only")
				       : json_pack("{s:s, s:b}", "id", id, "force", 1);

		rc = vm_qmp(rt, vdi_ref ? "blockdev-change-medium" : "eject", args, NULL, VM_QMP_TIMEOUT_MS, e);
	} else if (rt == NULL)
		rc = 0; /* a VM without QEMU: the drive gets its medium at the next start */
	pthread_mutex_unlock(&hotplug_lock);
	if (rc == 0) {
		struct medium_edit m = {vdi_ref, rt != NULL};

		rc = db_update(srv->store, cls("VBD"), vbd_ref, medium_edit_fn, &m, e);
		log_info("VM %s: CD %s %s", str(vbd, "VM"), id, vdi_ref ? "inserted" : "ejected");
	}
out:
	if (rt != NULL)
		vm_runtime_put(rt);
	json_decref(vbd);
	return rc;
}

int vm_op_vbd_insert(struct xapi_server *srv, const char *vbd, const char *vdi, struct err *e)
{
	if (vdi == NULL || ref_is_null(vdi) || !db_exists(srv->store, cls("VDI"), vdi)) {
		err_set(e, "HANDLE_INVALID", "VDI", vdi ? vdi : "", NULL);
		return -1;
	}
	return medium_change(srv, vbd, vdi, e);
}

int vm_op_vbd_eject(struct xapi_server *srv, const char *vbd, struct err *e)
{
	return medium_change(srv, vbd, NULL, e);
}

/* ---- VIF.plug / VIF.unplug ----------------------------------------------- */

/* The runtime dir's "taps" file lists the VM's taps (see vm_start.c): add or drop one. */
static void taps_edit(const char *dir, const char *tap, bool add)
{
	char path[300], tmp[310], line[64];
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/taps", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((out = fopen(tmp, "we")) == NULL) {
		log_warn("%s: %s: cannot write", __func__, tmp);
		return;
	}
	if ((in = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), in)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] && strcmp(line, tap) != 0)
				fprintf(out, "%s\n", line);
		}
		fclose(in);
	}
	if (add)
		fprintf(out, "%s\n", tap);
	if (fclose(out) != 0 || rename(tmp, path) < 0) {
		log_warn("%s: %s: cannot replace", __func__, path);
		unlink(tmp);
	}
}

static int vif_plug(struct xapi_server *srv, const char *vif_ref, const json_t *vif, struct vm_runtime *rt,
		    struct err *e)
{
	char id[32], netdev[32], port[32], tap[16];
	int n;

	if (json_is_true(json_object_get(vif, "currently_attached"))) {
		err_set(e, "DEVICE_ALREADY_ATTACHED", vif_ref, NULL);
		return -1;
	}
	if ((n = device_number(vif, "device", e)) < 0 || free_port(rt, port, e) < 0)
		return -1;
	if (vm_vif_plug(srv, vif_ref, rt->uuid, rt->mgr->qemu_uid, tap, e) < 0)
		return -1;
	taps_edit(rt->dir, tap, true);
	snprintf(id, sizeof(id), "vif%d", n);
	snprintf(netdev, sizeof(netdev), "netvif%d", n);
	if (vm_qmp(rt, "netdev_add",
		   json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "tap", "id", netdev, "ifname", tap, "script", "no",
			     "downscript", "no"),
		   NULL, VM_QMP_TIMEOUT_MS, e) < 0)
		goto undo_tap;
	json_t *dev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "driver", "virtio-net-pci", "id", id, "netdev",
				netdev, "mac", str(vif, "MAC"), "bus", port, "romfile", "");
	json_int_t mtu = json_integer_value(json_object_get(vif, "MTU"));
	if (mtu > 0 && mtu != 1500)
		json_object_set_new(dev, "host_mtu", json_integer(mtu));
	if (vm_qmp(rt, "device_add", dev, NULL, VM_QMP_TIMEOUT_MS, e) < 0) {
		qmp_quiet(rt, "netdev_del", json_pack("{s:s}", "id", netdev));
		goto undo_tap;
	}
	log_info("VM %s: NIC %s plugged (VIF %s, tap %s) on %s", rt->uuid, id, vif_ref, tap, port);
	return vm_device_attached(srv, "VIF", vif_ref, true, true, e);
undo_tap:
	vm_vif_unplug(srv, tap);
	taps_edit(rt->dir, tap, false);
	return -1;
}

static int vif_unplug(struct xapi_server *srv, const char *vif_ref, const json_t *vif, struct vm_runtime *rt,
		      struct err *e)
{
	char id[32], netdev[32], tap[16];
	int n;

	if (!json_is_true(json_object_get(vif, "currently_attached"))) {
		err_set(e, "DEVICE_ALREADY_DETACHED", vif_ref, NULL);
		return -1;
	}
	if ((n = device_number(vif, "device", e)) < 0)
		return -1;
	snprintf(id, sizeof(id), "vif%d", n);
	snprintf(netdev, sizeof(netdev), "netvif%d", n);
	if (device_remove(rt, id, "VIF", vif_ref, e) < 0)
		return -1;
	qmp_quiet(rt, "netdev_del", json_pack("{s:s}", "id", netdev));
	if (vm_vif_tap_name(rt->uuid, str(vif, "device"), tap) == 0) {
		vm_vif_unplug(srv, tap);
		taps_edit(rt->dir, tap, false);
	}
	log_info("VM %s: NIC %s unplugged (VIF %s)", rt->uuid, id, vif_ref);
	return vm_device_attached(srv, "VIF", vif_ref, false, true, e);
}

int vm_op_vif_plug(struct xapi_server *srv, const char *vif, struct err *e)
{
	return with_device(srv, "VIF", vif, vif_plug, e);
}

int vm_op_vif_unplug(struct xapi_server *srv, const char *vif, struct err *e)
{
	return with_device(srv, "VIF", vif, vif_unplug, e);
}
