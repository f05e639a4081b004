/*
 * VM operations on records and disks: create, destroy, clone, copy,
 * snapshot, revert (see vm_ops.h; provision is vm_provision.c).
 *
 * A new VM (clone, copy, snapshot) is the source's record with its own
 * uuid, every runtime field reset (Halted, not resident, no consoles) and
 * its own VBDs and VIFs (new MACs) pointing at new VDIs made by the storage
 * driver: copy-on-write for clone and snapshot, full copies for copy. A CD
 * VBD keeps its VDI (an ISO is shared, not copied).
 *
 * Snapshot of a running VM: the storage driver refuses to change the chain
 * of an attached image (QEMU has it open), so the VM is frozen (the agent's
 * guest-fsfreeze-freeze when it answers, then QMP stop), its VBDs are
 * marked detached while storage freezes each image as a base and gives the
 * VDI a fresh overlay on it, and QEMU is moved onto those overlays with
 * blockdev-add + blockdev-snapshot: the node QEMU has open is that very
 * base, so the guest sees no change. Then the VM runs on (cont, thaw).
 */
#include "hv/vm_ops.h"

#include "common/log.h"
#include "common/util.h"
#include "hv/vm_internal.h"
#include "xapi/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* ---- create / destroy -------------------------------------------------- */

/* Empty every ref-set field (relations are derived from the other side). */
static void reset_relations(const struct model_class *c, json_t *rec)
{
	for (size_t i = 0; i < c->field_count; i++) {
		const struct model_field *f = &c->fields[i];

		if (f->type && f->type->kind == XT_SET && f->type->elem && f->type->elem->kind == XT_REF)
			json_object_set_new(rec, f->name, json_array());
	}
}

static void reset_runtime(json_t *vm)
{
	json_object_set_new(vm, "uuid", json_string(""));
	json_object_set_new(vm, "power_state", json_string("Halted"));
	json_object_set_new(vm, "resident_on", json_string(REF_NULL));
	json_object_set_new(vm, "scheduled_to_be_resident_on", json_string(REF_NULL));
	json_object_set_new(vm, "domid", json_integer(-1));
	json_object_set_new(vm, "current_operations", json_object());
	json_object_set_new(vm, "suspend_VDI", json_string(REF_NULL));
	json_object_set_new(vm, "metrics", json_string(REF_NULL));
	json_object_set_new(vm, "guest_metrics", json_string(REF_NULL));
	json_object_set_new(vm, "is_a_snapshot", json_false());
	json_object_set_new(vm, "snapshot_of", json_string(REF_NULL));
	json_object_set_new(vm, "parent", json_string(REF_NULL));
	json_object_set_new(vm, "is_default_template", json_false());
	reset_relations(cls("VM"), vm);
}

static int create_with_metrics(struct xapi_server *srv, json_t *vm, char ref[REF_LEN], struct err *e)
{
	json_t *m = record_new_default(cls("VM_metrics"));
	char mref[REF_LEN];
	int rc;

	rc = db_create(srv->store, cls("VM_metrics"), m, NULL, mref, e);
	json_decref(m);
	if (rc < 0)
		return -1;
	json_object_set_new(vm, "metrics", json_string(mref));
	json_object_set_new(vm, "allowed_operations",
			    vm_allowed_operations(str(vm, "power_state"), json_is_true(json_object_get(vm, "is_a_template")),
						  json_is_true(json_object_get(vm, "is_a_snapshot"))));
	if (db_create(srv->store, cls("VM"), vm, NULL, ref, e) < 0) {
		struct err ignore = {0};

		db_destroy(srv->store, cls("VM_metrics"), mref, &ignore);
		err_clear(&ignore);
		return -1;
	}
	return 0;
}

int vm_op_create(struct xapi_server *srv, json_t *args, char new_vm[REF_LEN], struct err *e)
{
	json_t *rec = record_from_args(cls("VM"), args, e);
	int rc;

	if (rec == NULL)
		return -1;
	json_object_set_new(rec, "power_state", json_string("Halted"));
	json_object_set_new(rec, "domid", json_integer(-1));
	rc = create_with_metrics(srv, rec, new_vm, e);
	json_decref(rec);
	return rc;
}

int vm_op_destroy(struct xapi_server *srv, const char *vm, struct err *e)
{
	json_t *rec = db_get(srv->store, cls("VM"), vm, e);
	int rc = 0;

	if (rec == NULL)
		return -1;
	/* one lookup, one put: a second put here once freed a live runtime under its users */
	struct vm_runtime *rt = srv->vms ? vm_runtime_find(srv->vms, vm) : NULL;
	bool live = rt != NULL;

	vm_runtime_put(rt);
	if (strcmp(str(rec, "power_state"), "Halted") != 0 || live) {
		err_set(e, "VM_BAD_POWER_STATE", vm, "Halted", str(rec, "power_state"), NULL);
		rc = -1;
	} else if (json_object_size(json_object_get(rec, "current_operations")) > 0) {
		err_set(e, "OTHER_OPERATION_IN_PROGRESS", "VM", vm, "", NULL);
		rc = -1;
	}
	json_decref(rec);
	return rc;
}

/* ---- copying a VM ------------------------------------------------------- */

enum disk_mode { DISK_CLONE, DISK_COPY, DISK_SNAPSHOT };

static void random_mac(char out[18])
{
	unsigned char b[6];

	random_fill(b, sizeof(b));
	b[0] = (unsigned char)((b[0] & 0xfc) | 0x02); /* locally administered unicast */
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static bool ref_in(const json_t *set, const char *ref)
{
	size_t i;
	json_t *r;

	json_array_foreach(set, i, r) if (strcmp(json_string_value(r), ref) == 0) return true;
	return false;
}

/*
 * One clone, copy or snapshot of a VM's disks. The task's progress goes
 * once from 0 to 1 over all of them: each disk has its share, by virtual
 * size as xapi's safe_clone_disks gives it (by count when every disk is
 * empty), and a copy's own 0..1 is scaled into that share.
 */
struct copy_job {
	struct xapi_server *srv;
	enum disk_mode mode;
	const char *sr;	  /* copy: target SR (NULL: the source VDI's) */
	const char *task;
	const json_t *ignore;
	json_t *made_vdis; /* refs to undo on failure */
	double total;	   /* the weights of all disks to make */
	double done;	   /* the weights of the disks made */
	bool by_count;	   /* weight 1 per disk (all sizes 0), else the virtual size */
};

static const char *const S_HALTED[] = {"Halted", NULL};
static const char *const S_SNAPSHOTTABLE[] = {"Halted", "Running", "Paused", NULL};

/* Does the VBD get a new VDI? Not an empty drive, a CD (the ISO is shared) or an ignored VDI. */
static bool vbd_gets_new_vdi(const struct copy_job *j, const json_t *vbd)
{
	const char *vdi = str(vbd, "VDI");

	return !ref_is_null(vdi) && !json_is_true(json_object_get(vbd, "empty")) &&
	       strcmp(str(vbd, "type"), "CD") != 0 && !(j->ignore && ref_in(j->ignore, vdi));
}

static double disk_weight(const struct copy_job *j, const char *vdi)
{
	json_t *v;
	json_int_t size;

	if (j->by_count)
		return 1.0;
	v = db_get(j->srv->store, cls("VDI"), vdi, NULL);
	size = v ? json_integer_value(json_object_get(v, "virtual_size")) : 0;
	json_decref(v);
	return size > 0 ? (double)size : 0.0;
}

static void plan_progress(struct copy_job *j, const json_t *src)
{
	size_t i, count = 0;
	json_t *r;

	j->total = j->done = 0;
	j->by_count = false;
	json_array_foreach(json_object_get(src, "VBDs"), i, r)
	{
		json_t *vbd = db_get(j->srv->store, cls("VBD"), json_string_value(r), NULL);

		if (vbd && vbd_gets_new_vdi(j, vbd)) {
			j->total += disk_weight(j, str(vbd, "VDI"));
			count++;
		}
		json_decref(vbd);
	}
	if (j->total <= 0) {
		j->by_count = true;
		j->total = (double)count;
	}
}

static double progress_at(const struct copy_job *j, double done)
{
	return j->total > 0 && done < j->total ? done / j->total : 1.0;
}

/* The new VDI for a VBD of the source. new_vdi "" when the VBD keeps no disk. */
static int copy_vdi(struct copy_job *j, const json_t *vbd, char new_vdi[REF_LEN], struct err *e)
{
	const char *vdi = str(vbd, "VDI");
	double weight;
	int rc;

	new_vdi[0] = '\0';
	if (!vbd_gets_new_vdi(j, vbd)) {
		if (!(j->ignore && ref_in(j->ignore, vdi)))
			snprintf(new_vdi, REF_LEN, "%s", vdi); /* the drive itself is copied */
		return 0;
	}
	weight = disk_weight(j, vdi);
	switch (j->mode) {
	case DISK_CLONE:
		rc = vm_vdi_clone(j->srv, vdi, new_vdi, e);
		break;
	case DISK_SNAPSHOT:
		rc = vm_vdi_snapshot(j->srv, vdi, new_vdi, e);
		break;
	default: {
		json_t *v = db_get(j->srv->store, cls("VDI"), vdi, e);
		char sr[REF_LEN];

		if (v == NULL)
			return -1;
		snprintf(sr, sizeof(sr), "%s", j->sr && !ref_is_null(j->sr) ? j->sr : str(v, "SR"));
		json_decref(v);
		double base = progress_at(j, j->done);
		rc = vm_vdi_copy(j->srv, vdi, sr, j->task, base, progress_at(j, j->done + weight) - base, new_vdi, e);
	}
	}
	if (rc < 0)
		return -1;
	json_array_append_new(j->made_vdis, json_string(new_vdi));
	j->done += weight;
	task_progress(j->srv, j->task, progress_at(j, j->done));
	return 0;
}

static int copy_vbds(struct copy_job *j, const json_t *src, const char *new_vm, struct err *e)
{
	size_t i;
	json_t *r;

	plan_progress(j, src);
	json_array_foreach(json_object_get(src, "VBDs"), i, r)
	{
		json_t *vbd = db_get(j->srv->store, cls("VBD"), json_string_value(r), e);
		char new_vdi[REF_LEN];

		if (vbd == NULL)
			return -1;
		if (copy_vdi(j, vbd, new_vdi, e) < 0) {
			json_decref(vbd);
			return -1;
		}
		if (new_vdi[0] != '\0') {
			reset_relations(cls("VBD"), vbd);
			json_object_set_new(vbd, "uuid", json_string(""));
			json_object_set_new(vbd, "VM", json_string(new_vm));
			json_object_set_new(vbd, "VDI", json_string(new_vdi));
			json_object_set_new(vbd, "currently_attached", json_false());
			json_object_set_new(vbd, "current_operations", json_object());
			json_object_set_new(vbd, "metrics", json_string(REF_NULL));
			if (db_create(j->srv->store, cls("VBD"), vbd, NULL, NULL, e) < 0) {
				json_decref(vbd);
				return -1;
			}
		}
		json_decref(vbd);
	}
	return 0;
}

static int copy_vifs(struct xapi_server *srv, const json_t *src, const char *new_vm, struct err *e)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(src, "VIFs"), i, r)
	{
		json_t *vif = db_get(srv->store, cls("VIF"), json_string_value(r), e);
		char mac[18];

		if (vif == NULL)
			return -1;
		random_mac(mac);
		reset_relations(cls("VIF"), vif);
		json_object_set_new(vif, "uuid", json_string(""));
		json_object_set_new(vif, "VM", json_string(new_vm));
		json_object_set_new(vif, "MAC", json_string(mac));
		json_object_set_new(vif, "MAC_autogenerated", json_true());
		json_object_set_new(vif, "currently_attached", json_false());
		json_object_set_new(vif, "current_operations", json_object());
		json_object_set_new(vif, "metrics", json_string(REF_NULL));
		int rc = db_create(srv->store, cls("VIF"), vif, NULL, NULL, e);
		json_decref(vif);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void undo_vm(struct xapi_server *srv, const char *vm, json_t *vdis)
{
	struct err e = {0};
	json_t *rec = db_get(srv->store, cls("VM"), vm, &e);
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(rec, "VBDs"), i, r) db_destroy(srv->store, cls("VBD"), json_string_value(r), &e);
	json_array_foreach(json_object_get(rec, "VIFs"), i, r) db_destroy(srv->store, cls("VIF"), json_string_value(r), &e);
	if (rec) {
		db_destroy(srv->store, cls("VM_metrics"), str(rec, "metrics"), &e);
		db_destroy(srv->store, cls("VM"), vm, &e);
	}
	json_array_foreach(vdis, i, r) vm_vdi_destroy(srv, json_string_value(r), &e);
	err_clear(&e);
	json_decref(rec);
}

/* Make the new VM from src (record adjusted by the caller's edit), then its devices. */
static int copy_vm(struct copy_job *j, const json_t *src, json_t *rec, char new_vm[REF_LEN], struct err *e)
{
	j->made_vdis = json_array();
	if (create_with_metrics(j->srv, rec, new_vm, e) < 0) {
		json_decref(j->made_vdis);
		return -1;
	}
	if (copy_vbds(j, src, new_vm, e) < 0 || copy_vifs(j->srv, src, new_vm, e) < 0) {
		undo_vm(j->srv, new_vm, j->made_vdis);
		json_decref(j->made_vdis);
		return -1;
	}
	json_decref(j->made_vdis);
	return 0;
}

/*
 * Clone and copy keep is_a_template as xapi does: the copy of a template (or
 * of a snapshot, which is one) is a template, which VM.provision turns into
 * a VM (xe vm-install: clone or copy, then provision).
 */
int vm_op_clone(struct xapi_server *srv, const char *vm, const char *name, const char *task, char new_vm[REF_LEN],
		struct err *e)
{
	char key[REF_LEN];
	json_t *src, *rec;
	int rc = -1;

	if (vm_op_begin(srv, vm, "clone", task, S_HALTED, key, e) < 0)
		return -1;
	if ((src = db_get(srv->store, cls("VM"), vm, e)) != NULL) {
		struct copy_job j = {.srv = srv, .mode = DISK_CLONE, .task = task};

		rec = json_deep_copy(src);
		reset_runtime(rec);
		json_object_set_new(rec, "name_label", json_string(name));
		rc = copy_vm(&j, src, rec, new_vm, e);
		json_decref(rec);
	}
	json_decref(src);
	vm_op_end(srv, vm, key);
	return rc;
}

int vm_op_copy(struct xapi_server *srv, const char *vm, const char *name, const char *sr, const char *task,
	       char new_vm[REF_LEN], struct err *e)
{
	char key[REF_LEN];
	json_t *src, *rec;
	int rc = -1;

	if (vm_op_begin(srv, vm, "copy", task, S_HALTED, key, e) < 0)
		return -1;
	if ((src = db_get(srv->store, cls("VM"), vm, e)) != NULL) {
		struct copy_job j = {.srv = srv, .mode = DISK_COPY, .sr = sr, .task = task};

		rec = json_deep_copy(src);
		reset_runtime(rec);
		json_object_set_new(rec, "name_label", json_string(name));
		rc = copy_vm(&j, src, rec, new_vm, e);
		json_decref(rec);
	}
	json_decref(src);
	vm_op_end(srv, vm, key);
	return rc;
}

/* ---- snapshot -------------------------------------------------------------- */

static int set_attached(struct xapi_server *srv, const json_t *vm, bool on)
{
	size_t i;
	json_t *r;
	struct err e = {0};

	json_array_foreach(json_object_get(vm, "VBDs"), i, r)
	{
		json_t *vbd = db_get(srv->store, cls("VBD"), json_string_value(r), &e);

		if (vbd && !json_is_true(json_object_get(vbd, "empty")))
			db_set_field(srv->store, cls("VBD"), json_string_value(r), "currently_attached",
				     on ? json_true() : json_false(), &e);
		json_decref(vbd);
		err_clear(&e);
	}
	return 0;
}

/* The node at the top of the device's chain (vbdN-format, or a later overlay). */
static int device_top_node(struct vm_runtime *rt, const char *userdevice, char *out, size_t size, struct err *e)
{
	json_t *blocks = NULL;
	char qdev[64];
	size_t i;
	json_t *b;
	int rc = -1;

	snprintf(qdev, sizeof(qdev), "/vbd%s/", userdevice);
	if (vm_qmp(rt, "query-block", NULL, &blocks, VM_QMP_TIMEOUT_MS, e) < 0)
		return -1;
	json_array_foreach(blocks, i, b)
	{
		const char *q = json_string_value(json_object_get(b, "qdev"));
		const char *node = json_string_value(json_object_get(json_object_get(b, "inserted"), "node-name"));

		if (q && node && strstr(q, qdev)) {
			snprintf(out, size, "%s", node);
			rc = 0;
		}
	}
	json_decref(blocks);
	if (rc < 0)
		err_internal(e, "no block node for VBD userdevice %s", userdevice);
	return rc;
}

/* After storage gave the VDI a fresh overlay on the base QEMU has open: move QEMU onto it. */
static int switch_to_overlay(struct xapi_server *srv, struct vm_runtime *rt, const json_t *vbd, struct err *e)
{
	char path[512], fmt[16], top[64], node[64];
	static unsigned counter;
	int rc;

	if (vm_vdi_path(srv, str(vbd, "VDI"), path, sizeof(path), fmt, e) < 0 ||
	    vm_user_grant_image(rt->mgr, rt->uid, path, true, e) < 0 ||
	    device_top_node(rt, str(vbd, "userdevice"), top, sizeof(top), e) < 0)
		return -1;
	snprintf(node, sizeof(node), "vbd%s-ovl%u", str(vbd, "userdevice"), __atomic_add_fetch(&counter, 1, 0));
	json_t *add = json_pack("{s:s, s:s, s:{s:s, s:s}, s:n}", "driver", fmt, "node-name", node, "file", "driver",
				"file", "filename", path, "backing");
	rc = vm_qmp(rt, "blockdev-add", add, NULL, VM_QMP_TIMEOUT_MS, e);
	if (rc == 0)
		rc = vm_qmp(rt, "blockdev-snapshot", json_pack("{s:s, s:s}", "node", top, "overlay", node), NULL,
			    VM_QMP_TIMEOUT_MS, e);
	return rc;
}

static int snapshot_live_disks(struct copy_job *j, struct vm_runtime *rt, const json_t *src, const char *new_vm,
			       struct err *e)
{
	size_t i;
	json_t *r;
	int rc;

	set_attached(j->srv, src, false);
	rc = copy_vbds(j, src, new_vm, e);
	set_attached(j->srv, src, true);
	if (rc < 0)
		return -1;
	json_array_foreach(json_object_get(src, "VBDs"), i, r)
	{
		json_t *vbd = db_get(j->srv->store, cls("VBD"), json_string_value(r), e);

		if (vbd == NULL)
			return -1;
		rc = vbd_gets_new_vdi(j, vbd) ? switch_to_overlay(j->srv, rt, vbd, e) : 0;
		json_decref(vbd);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int vm_op_snapshot(struct xapi_server *srv, const char *vm, const char *name, json_t *ignore_vdis,
		   const char *task, char new_vm[REF_LEN], struct err *e)
{
	char key[REF_LEN], now[20];
	json_t *src, *rec;
	struct vm_runtime *rt;
	bool frozen = false, was_running = false;
	int rc = -1;

	if (vm_op_begin(srv, vm, "snapshot", task, S_SNAPSHOTTABLE, key, e) < 0)
		return -1;
	if ((src = db_get(srv->store, cls("VM"), vm, e)) == NULL)
		goto out;
	rt = srv->vms ? vm_runtime_find(srv->vms, vm) : NULL;
	struct copy_job j = {.srv = srv, .mode = DISK_SNAPSHOT, .task = task, .ignore = ignore_vdis};

	rec = json_deep_copy(src);
	reset_runtime(rec);
	xdatetime_now(now);
	json_object_set_new(rec, "name_label", json_string(name));
	json_object_set_new(rec, "is_a_snapshot", json_true());
	json_object_set_new(rec, "is_a_template", json_true()); /* xapi's snapshots are templates */
	json_object_set_new(rec, "snapshot_of", json_string(vm));
	json_object_set_new(rec, "snapshot_time", json_string(now));
	if (rt != NULL) {
		struct err ignore = {0};
		json_t *st = NULL;

		json_t *n = NULL;

		frozen = vm_agent(rt, "guest-fsfreeze-freeze", NULL, &n, false, 5000, &ignore) == 0;
		if (frozen)
			log_info("VM %s: guest agent froze %lld file systems for the snapshot", rt->uuid,
				 (long long)json_integer_value(n));
		else
			log_info("VM %s: snapshot without freezing file systems (guest agent: %s)", rt->uuid,
				 err_code(&ignore));
		json_decref(n);
		err_clear(&ignore);
		if (vm_qmp(rt, "query-status", NULL, &st, VM_QMP_TIMEOUT_MS, &ignore) == 0)
			was_running = json_is_true(json_object_get(st, "running"));
		json_decref(st);
		err_clear(&ignore);
		pthread_mutex_lock(&rt->lock);
		rt->hold_records = true;
		pthread_mutex_unlock(&rt->lock);
		if (was_running)
			vm_qmp(rt, "stop", NULL, NULL, VM_QMP_TIMEOUT_MS, &ignore);
		err_clear(&ignore);
		j.made_vdis = json_array();
		if ((rc = create_with_metrics(srv, rec, new_vm, e)) == 0 &&
		    ((rc = snapshot_live_disks(&j, rt, src, new_vm, e)) < 0 || (rc = copy_vifs(srv, src, new_vm, e)) < 0))
			undo_vm(srv, new_vm, j.made_vdis);
		json_decref(j.made_vdis);
		if (was_running)
			vm_qmp(rt, "cont", NULL, NULL, VM_QMP_TIMEOUT_MS, &ignore);
		err_clear(&ignore);
		pthread_mutex_lock(&rt->lock);
		rt->hold_records = false;
		pthread_mutex_unlock(&rt->lock);
		if (frozen && vm_agent(rt, "guest-fsfreeze-thaw", NULL, NULL, false, 5000, &ignore) == 0)
			log_info("VM %s: guest agent thawed the file systems", rt->uuid);
		else if (frozen)
			log_warn("VM %s: guest agent did not thaw the file systems: %s", rt->uuid, err_code(&ignore));
		err_clear(&ignore);
		vm_runtime_put(rt);
	} else {
		rc = copy_vm(&j, src, rec, new_vm, e);
	}
	json_decref(rec);
	json_decref(src);
out:
	vm_op_end(srv, vm, key);
	return rc;
}

/* ---- revert ---------------------------------------------------------------- */

/* The VBD of vm with this userdevice, or NULL. */
static json_t *vbd_by_userdevice(struct xapi_server *srv, const json_t *vm, const char *userdevice)
{
	size_t i;
	json_t *r;
	struct err e = {0};

	json_array_foreach(json_object_get(vm, "VBDs"), i, r)
	{
		json_t *vbd = db_get(srv->store, cls("VBD"), json_string_value(r), &e);

		if (vbd && strcmp(str(vbd, "userdevice"), userdevice) == 0)
			return vbd;
		json_decref(vbd);
		err_clear(&e);
	}
	return NULL;
}

/*
 * The configuration a revert brings back from the snapshot, as xapi does:
 * the VM's settings at snapshot time. Its name, identity, devices and
 * runtime state stay the VM's own.
 */
static const char *const revert_fields[] = {
	"name_description", "user_version", "memory_static_max", "memory_dynamic_max", "memory_dynamic_min",
	"memory_static_min", "VCPUs_params", "VCPUs_max", "VCPUs_at_startup", "actions_after_shutdown",
	"actions_after_reboot", "actions_after_crash", "PV_bootloader", "PV_kernel", "PV_ramdisk", "PV_args",
	"PV_bootloader_args", "PV_legacy_args", "HVM_boot_policy", "HVM_boot_params", "platform", "PCI_bus",
	"other_config", "recommendations",
};

static int revert_edit(json_t *vm, void *arg, struct err *e)
{
	const json_t *snap = arg;

	(void)e;
	for (size_t i = 0; i < sizeof(revert_fields) / sizeof(revert_fields[0]); i++) {
		json_t *v = json_object_get(snap, revert_fields[i]);

		if (v != NULL)
			json_object_set_new(vm, revert_fields[i], json_deep_copy(v));
	}
	return 0;
}

int vm_op_revert(struct xapi_server *srv, const char *snapshot, const char *task, struct err *e)
{
	json_t *snap = db_get(srv->store, cls("VM"), snapshot, e), *vm = NULL;
	char key[REF_LEN];
	const char *vm_ref;
	size_t i;
	json_t *r;
	int rc = -1;

	if (snap == NULL)
		return -1;
	vm_ref = str(snap, "snapshot_of");
	if (!json_is_true(json_object_get(snap, "is_a_snapshot")) || ref_is_null(vm_ref)) {
		err_set(e, "VM_NOT_A_SNAPSHOT"/* not xapi's; see report */, snapshot, NULL);
		json_decref(snap);
		return -1;
	}
	/* As xapi: the VM is halted first. */
	if ((vm = db_get(srv->store, cls("VM"), vm_ref, e)) == NULL)
		goto out;
	if (strcmp(str(vm, "power_state"), "Halted") != 0 && vm_op_hard_shutdown(srv, vm_ref, task, e) < 0)
		goto out;
	if (vm_op_begin(srv, vm_ref, "revert", task, NULL, key, e) < 0)
		goto out;
	json_decref(vm);
	vm = db_get(srv->store, cls("VM"), vm_ref, e);
	rc = 0;
	json_array_foreach(json_object_get(snap, "VBDs"), i, r)
	{
		json_t *svbd = db_get(srv->store, cls("VBD"), json_string_value(r), e), *vbd;

		if (svbd == NULL || strcmp(str(svbd, "type"), "CD") == 0 || ref_is_null(str(svbd, "VDI"))) {
			json_decref(svbd);
			err_clear(e);
			continue;
		}
		vbd = vbd_by_userdevice(srv, vm, str(svbd, "userdevice"));
		if (vbd != NULL && !ref_is_null(str(vbd, "VDI")))
			rc = vm_vdi_revert(srv, str(vbd, "VDI"), str(svbd, "VDI"), e);
		json_decref(vbd);
		json_decref(svbd);
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = db_update(srv->store, cls("VM"), vm_ref, revert_edit, snap, e);
	vm_op_end(srv, vm_ref, key);
out:
	json_decref(vm);
	json_decref(snap);
	return rc;
}
