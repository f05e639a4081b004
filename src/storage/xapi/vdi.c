/*
 * VDI records over the images of src/storage/vdi_file.c: the functions of
 * xapi/storage_api.h and the VDI messages of handlers_storage.c.
 *
 * A VDI's image is <SR directory>/<location>; OVCP names the images it
 * makes <uuid>.qcow2, except suspend images (type "suspend"): <uuid>.raw,
 * since QEMU writes its migration stream into them as plain bytes.
 * Every operation makes its file first and its record
 * after, and removes the file again when the record cannot be written, so
 * no record is left without its file nor a file of ours without a record.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "storage/image.h"
#include "storage/sr_dir.h"
#include "storage/vdi_file.h"
#include "storage/xapi/storage_xapi.h"
#include "xapi/db.h"

static const struct model_class *vdi_class(void)
{
	return model_class_find("VDI");
}

static const char *str_field(json_t *rec, const char *field)
{
	const char *s = json_string_value(json_object_get(rec, field));

	return s ? s : "";
}

static int not_started(struct xapi_server *srv, struct err *e)
{
	if (srv->storage != NULL)
		return 0;
	err_set(e, "SR_BACKEND_FAILURE", "storage", "the storage driver is not started", NULL);
	return -1;
}

int storage_vdi_lookup(struct xapi_server *srv, const char *vdi_ref, json_t **rec, char dir[SR_DIR_SIZE],
		       char name[VDI_NAME_SIZE], struct err *e)
{
	json_t *r;

	*rec = NULL;
	if (not_started(srv, e) < 0 || (r = db_get(srv->store, vdi_class(), vdi_ref, e)) == NULL)
		return -1;
	const char *loc = str_field(r, "location");
	if (sr_name_kind(loc) != SR_ENTRY_IMAGE || strlen(loc) >= VDI_NAME_SIZE) {
		err_set(e, "VDI_LOCATION_INVALID", loc, NULL);
		json_decref(r);
		return -1;
	}
	if (storage_sr_dir(srv, str_field(r, "SR"), dir, e) < 0) {
		json_decref(r);
		return -1;
	}
	snprintf(name, VDI_NAME_SIZE, "%s", loc);
	*rec = r;
	return 0;
}

int storage_vdi_check_unused(struct xapi_server *srv, const char *vdi_ref, json_t *rec, const char *op,
			     struct err *e)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(rec, "VBDs"), i, v) {
		json_t *vbd = db_get(srv->store, model_class_find("VBD"), json_string_value(v), NULL);
		bool attached = vbd && json_is_true(json_object_get(vbd, "currently_attached"));
		json_decref(vbd);
		if (attached) {
			err_set(e, "VDI_IN_USE", vdi_ref, op, NULL);
			return -1;
		}
	}
	return 0;
}

/* The VBD records of a VDI that goes (none of them attached: checked before). */
static void vbds_remove(struct xapi_server *srv, json_t *rec)
{
	json_t *v;
	size_t i;
	json_t *vbds = json_deep_copy(json_object_get(rec, "VBDs"));

	json_array_foreach(vbds, i, v)
		db_destroy(srv->store, model_class_find("VBD"), json_string_value(v), NULL);
	json_decref(vbds);
}

/* Fields a new VDI takes over from the one it is made from. */
static const char *const inherited_fields[] = {
	"name_label", "name_description", "type", "sharable", "read_only", "other_config",
	"xenstore_data", "sm_config", "tags", "on_boot", "allow_caching",
};

static json_t *inherit(json_t *src)
{
	json_t *out = json_object();

	for (size_t i = 0; i < MODEL_COUNT(inherited_fields); i++) {
		json_t *v = json_object_get(src, inherited_fields[i]);
		if (v)
			json_object_set_new(out, inherited_fields[i], json_deep_copy(v));
	}
	return out;
}

int storage_vdi_add_record(struct xapi_server *srv, const char *sr_ref, const char *dir, const char *uuid,
			   const char *location, int64_t virtual_size, json_t *fields, char new_ref[REF_LEN],
			   struct err *e)
{
	json_t *rec = record_new_default(vdi_class()), *v;
	const char *key;
	char path[4096];

	json_object_set_new(rec, "type", json_string("user"));
	json_object_set_new(rec, "other_config", json_object());
	json_object_foreach(fields, key, v) {
		const struct model_field *f = model_field_find(vdi_class(), key);
		json_t *canon;
		if (f == NULL)
			continue;
		if (value_coerce(f->type, v, &canon, key, e) < 0) {
			json_decref(rec);
			return -1;
		}
		json_object_set_new(rec, key, canon);
	}
	if (sr_path_join(dir, location, path, sizeof(path), e) < 0) {
		json_decref(rec);
		return -1;
	}
	json_object_set_new(rec, "uuid", json_string(uuid));
	json_object_set_new(rec, "SR", json_string(sr_ref));
	json_object_set_new(rec, "location", json_string(location));
	json_object_set_new(rec, "virtual_size", json_integer(virtual_size));
	json_object_set_new(rec, "physical_utilisation", json_integer(sr_file_allocated(path)));
	json_object_set_new(rec, "managed", json_true());
	json_object_set_new(rec, "missing", json_false());
	json_object_set_new(rec, "storage_lock", json_false());
	json_object_set_new(rec, "VBDs", json_array());
	json_object_set_new(rec, "snapshots", json_array());
	json_object_set_new(rec, "crash_dumps", json_array());
	json_object_set_new(rec, "allowed_operations",
			    json_pack("[ssssss]", "clone", "copy", "resize", "destroy", "snapshot", "update"));
	int rc = db_create(srv->store, vdi_class(), rec, NULL, new_ref, e);
	json_decref(rec);
	return rc;
}

/* Make the image, then the record; the image goes again if the record cannot be made. */
static int vdi_make(struct xapi_server *srv, const char *sr_ref, json_t *fields, int64_t size, char new_ref[REF_LEN],
		    struct err *e)
{
	char dir[SR_DIR_SIZE], uuid[UUID_STR_LEN], name[VDI_NAME_SIZE];
	struct img_info info;
	struct err ignore = { 0 };

	if (not_started(srv, e) < 0 || storage_sr_dir(srv, sr_ref, dir, e) < 0)
		return -1;
	if (size <= 0) {
		err_set(e, "FIELD_TYPE_ERROR", "virtual_size", NULL);
		return -1;
	}
	uuid_generate_str(uuid);
	bool raw = strcmp(str_field(fields, "type"), "suspend") == 0;
	snprintf(name, sizeof(name), "%s.%s", uuid, raw ? "raw" : "qcow2");
	storage_lock(srv);
	int rc = vdi_file_create(dir, name, size, &info, e);
	if (rc == 0 && storage_vdi_add_record(srv, sr_ref, dir, uuid, name, info.virtual_size, fields, new_ref, e) < 0) {
		vdi_file_destroy(dir, name, &ignore);
		rc = -1;
	}
	storage_unlock(srv);
	err_clear(&ignore);
	if (rc == 0)
		storage_sr_refresh(srv, sr_ref);
	return rc;
}

int storage_vdi_create_from_args(struct xapi_server *srv, json_t *args, char new_ref[REF_LEN], struct err *e)
{
	json_t *rec = record_from_args(vdi_class(), args, e);

	if (rec == NULL)
		return -1;
	json_object_del(rec, "uuid");
	int rc = vdi_make(srv, str_field(rec, "SR"), rec, json_integer_value(json_object_get(rec, "virtual_size")),
			  new_ref, e);
	json_decref(rec);
	return rc;
}

int storage_vdi_create(struct xapi_server *srv, const char *sr_ref, const char *name, int64_t virtual_size,
		       const char *type, char new_ref[REF_LEN], struct err *e)
{
	json_t *fields = json_pack("{ss ss}", "name_label", name ? name : "", "type", type ? type : "user");
	int rc = vdi_make(srv, sr_ref, fields, virtual_size, new_ref, e);

	json_decref(fields);
	return rc;
}

int storage_vdi_destroy(struct xapi_server *srv, const char *vdi_ref, struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE];
	json_t *rec;
	int rc = -1;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	storage_lock(srv);
	if (storage_vdi_check_unused(srv, vdi_ref, rec, "destroy", e) == 0 && vdi_file_destroy(dir, name, e) == 0) {
		vbds_remove(srv, rec);
		rc = db_destroy(srv->store, vdi_class(), vdi_ref, e);
	}
	storage_unlock(srv);
	if (rc == 0)
		storage_sr_refresh(srv, str_field(rec, "SR"));
	json_decref(rec);
	return rc;
}

int storage_vdi_forget(struct xapi_server *srv, const char *vdi_ref, struct err *e)
{
	json_t *rec = db_get(srv->store, vdi_class(), vdi_ref, e);
	int rc = -1;

	if (rec == NULL)
		return -1;
	if (storage_vdi_check_unused(srv, vdi_ref, rec, "forget", e) == 0) {
		vbds_remove(srv, rec);
		rc = db_destroy(srv->store, vdi_class(), vdi_ref, e);
	}
	json_decref(rec);
	return rc;
}

struct vdi_sizes {
	int64_t virtual_size, physical;
};

static int set_vdi_sizes(json_t *rec, void *arg, struct err *e)
{
	struct vdi_sizes *s = arg;

	json_object_set_new(rec, "virtual_size", json_integer(s->virtual_size));
	json_object_set_new(rec, "physical_utilisation", json_integer(s->physical));
	json_object_set_new(rec, "missing", json_false());
	return 0;
}

/* Read the image's sizes into the record. */
static int vdi_sizes_store(struct xapi_server *srv, const char *vdi_ref, const char *dir, const char *name,
			   struct err *e)
{
	struct img_info info;
	struct vdi_sizes s;
	char path[4096];

	if (vdi_file_info(dir, name, &info, e) < 0 || sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	s.virtual_size = info.virtual_size;
	s.physical = sr_file_allocated(path);
	return db_update(srv->store, vdi_class(), vdi_ref, set_vdi_sizes, &s, e);
}

int storage_vdi_update(struct xapi_server *srv, const char *vdi_ref, struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE];
	json_t *rec;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	int rc = vdi_sizes_store(srv, vdi_ref, dir, name, e);
	json_decref(rec);
	return rc;
}

int storage_vdi_resize(struct xapi_server *srv, const char *vdi_ref, int64_t size, struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE];
	json_t *rec;
	int rc = -1;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	storage_lock(srv);
	if (storage_vdi_check_unused(srv, vdi_ref, rec, "resize", e) == 0 && vdi_file_resize(dir, name, size, e) == 0)
		rc = vdi_sizes_store(srv, vdi_ref, dir, name, e);
	storage_unlock(srv);
	if (rc == 0)
		storage_sr_refresh(srv, str_field(rec, "SR"));
	json_decref(rec);
	return rc;
}

/* Clone or snapshot: copy-on-write in the same SR. */
static int vdi_cow(struct xapi_server *srv, const char *vdi_ref, json_t *overrides, bool snapshot,
		   char new_ref[REF_LEN], struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE], uuid[UUID_STR_LEN], new_name[VDI_NAME_SIZE], now[20];
	struct err ignore = { 0 };
	json_t *rec;
	int rc = -1;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	uuid_generate_str(uuid);
	snprintf(new_name, sizeof(new_name), "%s.qcow2", uuid);
	json_t *fields = inherit(rec);
	if (snapshot) {
		xdatetime_now(now);
		json_object_set_new(fields, "read_only", json_true());
		json_object_set_new(fields, "is_a_snapshot", json_true());
		json_object_set_new(fields, "snapshot_of", json_string(vdi_ref));
		json_object_set_new(fields, "snapshot_time", json_string(now));
	}
	if (json_is_object(overrides))
		json_object_update(fields, overrides);
	storage_lock(srv);
	if (storage_vdi_check_unused(srv, vdi_ref, rec, snapshot ? "snapshot" : "clone", e) == 0 &&
	    vdi_file_clone(dir, name, new_name, e) == 0) {
		rc = storage_vdi_add_record(srv, str_field(rec, "SR"), dir, uuid, new_name,
					    json_integer_value(json_object_get(rec, "virtual_size")), fields, new_ref, e);
		if (rc < 0)
			vdi_file_destroy(dir, new_name, &ignore);
	}
	storage_unlock(srv);
	err_clear(&ignore);
	if (rc == 0)
		storage_sr_refresh(srv, str_field(rec, "SR"));
	json_decref(fields);
	json_decref(rec);
	return rc;
}

int storage_vdi_clone(struct xapi_server *srv, const char *vdi_ref, json_t *overrides, char new_ref[REF_LEN],
		      struct err *e)
{
	return vdi_cow(srv, vdi_ref, overrides, false, new_ref, e);
}

int storage_vdi_snapshot(struct xapi_server *srv, const char *vdi_ref, json_t *overrides, char new_ref[REF_LEN],
			 struct err *e)
{
	return vdi_cow(srv, vdi_ref, overrides, true, new_ref, e);
}

int storage_vdi_revert_to(struct xapi_server *srv, const char *vdi_ref, const char *snapshot_ref, struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE], sdir[SR_DIR_SIZE], sname[VDI_NAME_SIZE];
	json_t *rec = NULL, *snap = NULL;
	int rc = -1;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0 ||
	    storage_vdi_lookup(srv, snapshot_ref, &snap, sdir, sname, e) < 0)
		goto out;
	if (strcmp(dir, sdir) != 0) {
		err_set(e, "VDI_NOT_IN_MAP", snapshot_ref, NULL);
		goto out;
	}
	storage_lock(srv);
	if (storage_vdi_check_unused(srv, vdi_ref, rec, "revert", e) == 0 && vdi_file_revert(dir, name, sname, e) == 0)
		rc = vdi_sizes_store(srv, vdi_ref, dir, name, e);
	storage_unlock(srv);
	if (rc == 0)
		storage_sr_refresh(srv, str_field(rec, "SR"));
out:
	json_decref(rec);
	json_decref(snap);
	return rc;
}

/* A copy's progress 0..1 lands on base..base+share of its task's: a VM's copy has one task for all its disks. */
struct copy_progress {
	struct xapi_server *srv;
	const char *task_ref;
	double base, share;
};

static bool copy_progress(double p, void *arg)
{
	struct copy_progress *c = arg;

	p = p < 0 ? 0 : p > 1 ? 1 : p;
	return task_progress(c->srv, c->task_ref, c->base + c->share * p);
}

static int copy_failed(struct err *e, const char *task_ref)
{
	if (strcmp(err_code(e), "TASK_CANCELLED") == 0)
		err_set(e, "TASK_CANCELLED", task_ref ? task_ref : "", NULL);
	return -1;
}

int storage_vdi_copy(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref,
		     char new_ref[REF_LEN], struct err *e)
{
	return storage_vdi_copy_part(srv, vdi_ref, sr_ref, task_ref, 0.0, 1.0, new_ref, e);
}

int storage_vdi_copy_part(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref,
			  double base, double share, char new_ref[REF_LEN], struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE], dst[SR_DIR_SIZE], uuid[UUID_STR_LEN], new_name[VDI_NAME_SIZE];
	struct copy_progress cp = { srv, task_ref, base, share };
	struct err ignore = { 0 };
	json_t *rec;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	if (storage_sr_dir(srv, sr_ref, dst, e) < 0) {
		json_decref(rec);
		return -1;
	}
	uuid_generate_str(uuid);
	snprintf(new_name, sizeof(new_name), "%s.qcow2", uuid);
	int rc = vdi_file_copy(dir, name, dst, new_name, copy_progress, &cp, e);
	if (rc == 0) {
		json_t *fields = inherit(rec);
		rc = storage_vdi_add_record(srv, sr_ref, dst, uuid, new_name,
					    json_integer_value(json_object_get(rec, "virtual_size")), fields, new_ref, e);
		json_decref(fields);
		if (rc < 0)
			vdi_file_destroy(dst, new_name, &ignore);
	} else {
		copy_failed(e, task_ref);
	}
	err_clear(&ignore);
	storage_sr_refresh(srv, sr_ref);
	json_decref(rec);
	return rc;
}

int storage_vdi_copy_into(struct xapi_server *srv, const char *vdi_ref, const char *into_ref, const char *task_ref,
			  struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE], idir[SR_DIR_SIZE], iname[VDI_NAME_SIZE], size[32];
	struct copy_progress cp = { srv, task_ref, 0.0, 1.0 };
	json_t *rec = NULL, *into = NULL;
	int rc = -1;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0 ||
	    storage_vdi_lookup(srv, into_ref, &into, idir, iname, e) < 0 ||
	    storage_vdi_check_unused(srv, into_ref, into, "copy", e) < 0)
		goto out;
	int64_t want = json_integer_value(json_object_get(rec, "virtual_size"));
	int64_t have = json_integer_value(json_object_get(into, "virtual_size"));
	if (have < want) {
		snprintf(size, sizeof(size), "%lld", (long long)want);
		err_set(e, "VDI_TOO_SMALL", into_ref, size, NULL);
		goto out;
	}
	if (vdi_file_copy(dir, name, idir, iname, copy_progress, &cp, e) < 0) {
		copy_failed(e, task_ref);
		goto out;
	}
	rc = (have > want ? vdi_file_resize(idir, iname, have, e) : 0);
	if (rc == 0)
		rc = vdi_sizes_store(srv, into_ref, idir, iname, e);
	storage_sr_refresh(srv, str_field(into, "SR"));
out:
	json_decref(rec);
	json_decref(into);
	return rc;
}

int storage_vdi_location(struct xapi_server *srv, const char *vdi_ref, char *path, size_t size, const char **format,
			 struct err *e)
{
	char dir[SR_DIR_SIZE], name[VDI_NAME_SIZE];
	json_t *rec;

	if (storage_vdi_lookup(srv, vdi_ref, &rec, dir, name, e) < 0)
		return -1;
	json_decref(rec);
	*format = sr_name_format(name);
	return sr_path_join(dir, name, path, size, e);
}
