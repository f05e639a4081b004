/*
 * SR and PBD records of file SRs, and the local SR made at start.
 *
 * A file SR's directory is its PBD's device_config:path on this host; the
 * SR record holds no path of its own. The local SR is the one whose PBD on
 * this host has STATE/sr/local as its path: found again at each start, made
 * only when missing, so restarts never make a second one.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "storage/image.h"
#include "storage/sr_dir.h"
#include "storage/vdi_file.h"
#include "storage/xapi/storage_xapi.h"
#include "xapi/db.h"

#define SR_TYPE_FILE "file"

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

void storage_lock(struct xapi_server *srv)
{
	pthread_mutex_lock(&srv->storage->lock);
}

void storage_unlock(struct xapi_server *srv)
{
	pthread_mutex_unlock(&srv->storage->lock);
}

static const char *str_field(json_t *rec, const char *field)
{
	const char *s = json_string_value(json_object_get(rec, field));

	return s ? s : "";
}

/* The PBD of this host for the SR: its ref and record (new reference), or NULL. */
static json_t *sr_local_pbd(struct xapi_server *srv, json_t *sr, char pbd_ref[REF_LEN])
{
	json_t *pbds = json_object_get(sr, "PBDs"), *v;
	size_t i;

	json_array_foreach(pbds, i, v) {
		json_t *pbd = db_get(srv->store, cls("PBD"), json_string_value(v), NULL);
		if (pbd && strcmp(str_field(pbd, "host"), srv->host_ref) == 0) {
			snprintf(pbd_ref, REF_LEN, "%s", json_string_value(v));
			return pbd;
		}
		json_decref(pbd);
	}
	return NULL;
}

int storage_sr_dir(struct xapi_server *srv, const char *sr_ref, char dir[SR_DIR_SIZE], struct err *e)
{
	char pbd_ref[REF_LEN];
	json_t *sr = db_get(srv->store, cls("SR"), sr_ref, e), *pbd = NULL;
	int rc = -1;

	if (sr == NULL)
		return -1;
	if (strcmp(str_field(sr, "type"), SR_TYPE_FILE) != 0) {
		err_set(e, "SR_OPERATION_NOT_SUPPORTED", sr_ref, NULL);
		goto out;
	}
	pbd = sr_local_pbd(srv, sr, pbd_ref);
	if (pbd == NULL) {
		err_set(e, "SR_HAS_NO_PBDS", sr_ref, NULL);
		goto out;
	}
	if (!json_is_true(json_object_get(pbd, "currently_attached"))) {
		err_set(e, "SR_NOT_ATTACHED", sr_ref, NULL);
		goto out;
	}
	const char *path = str_field(json_object_get(pbd, "device_config"), "path");
	if (!sr_dir_path_is_valid(path) || strlen(path) >= SR_DIR_SIZE) {
		err_set(e, "SR_BACKEND_FAILURE", "path", "the PBD's device_config:path is not a valid directory", NULL);
		goto out;
	}
	snprintf(dir, SR_DIR_SIZE, "%s", path);
	rc = 0;
out:
	json_decref(sr);
	json_decref(pbd);
	return rc;
}

struct sizes {
	struct sr_usage u;
	int64_t virtual_allocation;
};

static int set_sizes(json_t *rec, void *arg, struct err *e)
{
	struct sizes *s = arg;

	json_object_set_new(rec, "physical_size", json_integer(s->u.physical_size));
	json_object_set_new(rec, "physical_utilisation", json_integer(s->u.utilisation));
	json_object_set_new(rec, "virtual_allocation", json_integer(s->virtual_allocation));
	return 0;
}

void storage_sr_refresh(struct xapi_server *srv, const char *sr_ref)
{
	char dir[SR_DIR_SIZE];
	struct sizes s = { { 0 }, 0 };
	struct err e = { 0 };
	json_t *sr = NULL, *v;
	size_t i;

	if (storage_sr_dir(srv, sr_ref, dir, &e) < 0 || sr_dir_usage(dir, &s.u, &e) < 0 ||
	    (sr = db_get(srv->store, cls("SR"), sr_ref, &e)) == NULL)
		goto out;
	json_array_foreach(json_object_get(sr, "VDIs"), i, v) {
		json_t *vdi = db_get(srv->store, cls("VDI"), json_string_value(v), NULL);
		s.virtual_allocation += json_integer_value(json_object_get(vdi, "virtual_size"));
		json_decref(vdi);
	}
	db_update(srv->store, cls("SR"), sr_ref, set_sizes, &s, &e);
out:
	if (err_isset(&e))
		log_debug("SR %s: sizes not refreshed: %s", sr_ref, err_code(&e));
	err_clear(&e);
	json_decref(sr);
}

/* Is the directory already the path of a PBD of this host? */
static bool path_in_use(struct xapi_server *srv, const char *path)
{
	json_t *pbds = db_find_by_field(srv->store, cls("PBD"), "host", srv->host_ref, NULL), *v;
	size_t i;
	bool used = false;

	json_array_foreach(pbds, i, v) {
		json_t *pbd = db_get(srv->store, cls("PBD"), json_string_value(v), NULL);
		if (pbd && strcmp(str_field(json_object_get(pbd, "device_config"), "path"), path) == 0)
			used = true;
		json_decref(pbd);
	}
	json_decref(pbds);
	return used;
}

/* The SR and PBD records of a file SR whose directory is ready. */
static int sr_records_create(struct xapi_server *srv, json_t *sr_fields, json_t *device_config, char sr_ref[REF_LEN],
			     struct err *e)
{
	json_t *sr = record_new_default(cls("SR")), *pbd;
	char pbd_ref[REF_LEN];

	json_object_update(sr, sr_fields);
	json_object_set_new(sr, "type", json_string(SR_TYPE_FILE));
	json_object_set_new(sr, "allowed_operations",
			    json_pack("[sssssss]", "scan", "destroy", "forget", "plug", "unplug", "vdi_create",
				      "vdi_destroy"));
	if (db_create(srv->store, cls("SR"), sr, NULL, sr_ref, e) < 0) {
		json_decref(sr);
		return -1;
	}
	json_decref(sr);
	pbd = record_new_default(cls("PBD"));
	json_object_set_new(pbd, "host", json_string(srv->host_ref));
	json_object_set_new(pbd, "SR", json_string(sr_ref));
	json_object_set(pbd, "device_config", device_config);
	json_object_set_new(pbd, "currently_attached", json_true());
	int rc = db_create(srv->store, cls("PBD"), pbd, NULL, pbd_ref, e);
	json_decref(pbd);
	if (rc < 0) {
		db_destroy(srv->store, cls("SR"), sr_ref, NULL);
		return -1;
	}
	storage_sr_refresh(srv, sr_ref);
	return 0;
}

int storage_sr_create(struct xapi_server *srv, json_t *args, char new_ref[REF_LEN], struct err *e)
{
	const char *host = json_string_value(json_array_get(args, 0));
	json_t *dc = json_array_get(args, 1);
	const char *type = json_string_value(json_array_get(args, 5));
	const char *path = str_field(dc, "path");
	json_t *sm_config = json_array_get(args, 8);
	struct stat st;

	if (!db_exists(srv->store, cls("host"), host)) {
		err_set(e, "HANDLE_INVALID", "host", host, NULL);
		return -1;
	}
	if (strcmp(host, srv->host_ref) != 0) {
		err_set(e, "HOST_OFFLINE", host, NULL);
		return -1;
	}
	if (strcmp(type, SR_TYPE_FILE) != 0) {
		err_set(e, "SR_UNKNOWN_DRIVER", type, NULL);
		return -1;
	}
	if (!sr_dir_path_is_valid(path) || strlen(path) >= SR_DIR_SIZE) {
		err_set(e, "SR_BACKEND_FAILURE", "path",
			"device_config:path must be an absolute, normalised directory path", NULL);
		return -1;
	}
	if (path_in_use(srv, path)) {
		err_set(e, "SR_BACKEND_FAILURE", "path", "the directory is already an SR", NULL);
		return -1;
	}
	bool existed = stat(path, &st) == 0;
	if (sr_dir_prepare(path, false, e) < 0)
		return -1;
	json_t *fields = json_pack("{sO sO sO sO s{} sO}", "name_label", json_array_get(args, 3), "name_description",
				   json_array_get(args, 4), "content_type", json_array_get(args, 6), "shared",
				   json_array_get(args, 7), "other_config", "sm_config",
				   json_is_object(sm_config) ? sm_config : json_object());
	json_t *device_config = json_pack("{ss}", "path", path);
	int rc = sr_records_create(srv, fields, device_config, new_ref, e);
	json_decref(fields);
	json_decref(device_config);
	if (rc < 0 && !existed)
		rmdir(path);
	return rc;
}

/* Refuse when any VDI of the SR is attached. */
static int sr_check_unused(struct xapi_server *srv, json_t *sr, struct err *e)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(sr, "VDIs"), i, v) {
		json_t *vdi = db_get(srv->store, cls("VDI"), json_string_value(v), NULL);
		int rc = vdi ? storage_vdi_check_unused(srv, json_string_value(v), vdi, "destroy", e) : 0;
		json_decref(vdi);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int clear_pool_sr(json_t *rec, void *arg, struct err *e)
{
	static const char *const fields[] = { "default_SR", "suspend_image_SR", "crash_dump_SR" };

	for (size_t i = 0; i < MODEL_COUNT(fields); i++)
		if (strcmp(str_field(rec, fields[i]), arg) == 0)
			json_object_set_new(rec, fields[i], json_string(REF_NULL));
	return 0;
}

/* Remove the records of the SR, its VDIs (and their VBDs) and PBDs. */
static int sr_records_remove(struct xapi_server *srv, const char *sr_ref, json_t *sr, struct err *e)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(sr, "VDIs"), i, v)
		if (storage_vdi_forget(srv, json_string_value(v), e) < 0 && strcmp(err_code(e), "HANDLE_INVALID") != 0)
			return -1;
	err_clear(e);
	json_array_foreach(json_object_get(sr, "PBDs"), i, v)
		db_destroy(srv->store, cls("PBD"), json_string_value(v), NULL);
	db_update(srv->store, cls("pool"), srv->pool_ref, clear_pool_sr, (void *)sr_ref, NULL);
	return db_destroy(srv->store, cls("SR"), sr_ref, e);
}

int storage_sr_forget(struct xapi_server *srv, const char *sr_ref, struct err *e)
{
	json_t *sr = db_get(srv->store, cls("SR"), sr_ref, e);
	int rc = -1;

	if (sr == NULL)
		return -1;
	storage_lock(srv);
	if (sr_check_unused(srv, sr, e) == 0)
		rc = sr_records_remove(srv, sr_ref, sr, e);
	storage_unlock(srv);
	json_decref(sr);
	return rc;
}

int storage_sr_destroy(struct xapi_server *srv, const char *sr_ref, struct err *e)
{
	char dir[SR_DIR_SIZE];
	json_t *sr = db_get(srv->store, cls("SR"), sr_ref, e);
	int rc = -1;

	if (sr == NULL)
		return -1;
	storage_lock(srv);
	if (storage_sr_dir(srv, sr_ref, dir, e) == 0 && sr_check_unused(srv, sr, e) == 0 &&
	    sr_dir_remove_all(dir, e) == 0)
		rc = sr_records_remove(srv, sr_ref, sr, e);
	storage_unlock(srv);
	json_decref(sr);
	return rc;
}

struct scan {
	struct xapi_server *srv;
	const char *sr_ref;
	const char *dir;
	json_t *by_location; /* location -> VDI ref */
};

static int scan_image(const char *name, enum sr_entry_kind kind, void *arg)
{
	struct scan *s = arg;
	struct img_info info;
	struct err e = { 0 };
	char uuid[UUID_STR_LEN], ref[REF_LEN];

	if (kind != SR_ENTRY_IMAGE)
		return 0;
	json_t *known = json_object_get(s->by_location, name);
	if (known) {
		storage_vdi_update(s->srv, json_string_value(known), &e);
		json_object_del(s->by_location, name);
		err_clear(&e);
		return 0;
	}
	if (vdi_file_info(s->dir, name, &info, &e) < 0) {
		log_warn("SR scan: %s/%s not adopted: %s", s->dir, name, err_code(&e));
		err_clear(&e);
		return 0;
	}
	/* Our own names keep their uuid, unless a record elsewhere holds it. */
	size_t n = strcspn(name, ".");
	if (n == UUID_STR_LEN - 1) {
		memcpy(uuid, name, n);
		uuid[n] = '\0';
	}
	if (n != UUID_STR_LEN - 1 || !uuid_is_valid(uuid) || db_find_by_uuid(s->srv->store, cls("VDI"), uuid, ref, NULL) == 0)
		uuid_generate_str(uuid);
	json_t *fields = json_pack("{ss}", "name_label", name);
	if (storage_vdi_add_record(s->srv, s->sr_ref, s->dir, uuid, name, info.virtual_size, fields, ref, &e) < 0)
		log_warn("SR scan: %s/%s: %s", s->dir, name, err_code(&e));
	json_decref(fields);
	err_clear(&e);
	return 0;
}

int storage_sr_scan(struct xapi_server *srv, const char *sr_ref, struct err *e)
{
	char dir[SR_DIR_SIZE];
	json_t *sr = NULL, *v;
	const char *loc;
	size_t i;
	int rc = -1;

	storage_lock(srv);
	if (storage_sr_dir(srv, sr_ref, dir, e) < 0 || (sr = db_get(srv->store, cls("SR"), sr_ref, e)) == NULL)
		goto out;
	sr_dir_clean_temps(dir);
	struct scan s = { srv, sr_ref, dir, json_object() };
	json_array_foreach(json_object_get(sr, "VDIs"), i, v) {
		json_t *vdi = db_get(srv->store, cls("VDI"), json_string_value(v), NULL);
		if (vdi)
			json_object_set(s.by_location, str_field(vdi, "location"), v);
		json_decref(vdi);
	}
	rc = sr_dir_list(dir, scan_image, &s, e);
	/* What is left had no file: the record goes (or is marked missing while attached). */
	json_object_foreach(s.by_location, loc, v) {
		struct err ignore = { 0 };
		json_t *vdi = db_get(srv->store, cls("VDI"), json_string_value(v), NULL);
		if (vdi && storage_vdi_check_unused(srv, json_string_value(v), vdi, "forget", &ignore) == 0)
			storage_vdi_forget(srv, json_string_value(v), &ignore);
		else if (vdi)
			db_set_field(srv->store, cls("VDI"), json_string_value(v), "missing", json_true(), &ignore);
		json_decref(vdi);
		err_clear(&ignore);
	}
	json_decref(s.by_location);
	sr_dir_gc(dir);
	storage_sr_refresh(srv, sr_ref);
out:
	storage_unlock(srv);
	json_decref(sr);
	return rc;
}

int storage_pbd_plug(struct xapi_server *srv, const char *pbd_ref, bool plug, struct err *e)
{
	json_t *pbd = db_get(srv->store, cls("PBD"), pbd_ref, e);
	int rc = -1;

	if (pbd == NULL)
		return -1;
	const char *path = str_field(json_object_get(pbd, "device_config"), "path");
	if (plug && (!sr_dir_path_is_valid(path) || sr_dir_prepare(path, true, e) < 0)) {
		if (!err_isset(e))
			err_set(e, "SR_BACKEND_FAILURE", "path", "not a valid directory", NULL);
		goto out;
	}
	if (!plug) {
		json_t *sr = db_get(srv->store, cls("SR"), str_field(pbd, "SR"), e);
		rc = sr ? sr_check_unused(srv, sr, e) : -1;
		json_decref(sr);
		if (rc < 0)
			goto out;
	}
	rc = db_set_field(srv->store, cls("PBD"), pbd_ref, "currently_attached", plug ? json_true() : json_false(), e);
out:
	json_decref(pbd);
	return rc;
}

static int set_pool_defaults(json_t *rec, void *arg, struct err *e)
{
	static const char *const fields[] = { "default_SR", "suspend_image_SR", "crash_dump_SR" };

	for (size_t i = 0; i < MODEL_COUNT(fields); i++)
		if (ref_is_null(str_field(rec, fields[i])) || str_field(rec, fields[i])[0] == '\0')
			json_object_set_new(rec, fields[i], json_string(arg));
	return 0;
}

/* The local SR: found by its PBD's path, made when missing. */
static int local_sr_ensure(struct xapi_server *srv, const char *path, char sr_ref[REF_LEN], struct err *e)
{
	json_t *pbds = db_find_by_field(srv->store, cls("PBD"), "host", srv->host_ref, e), *v;
	size_t i;
	int found = 0;

	if (pbds == NULL)
		return -1;
	json_array_foreach(pbds, i, v) {
		json_t *pbd = db_get(srv->store, cls("PBD"), json_string_value(v), NULL);
		if (pbd && strcmp(str_field(json_object_get(pbd, "device_config"), "path"), path) == 0 &&
		    db_exists(srv->store, cls("SR"), str_field(pbd, "SR"))) {
			snprintf(sr_ref, REF_LEN, "%s", str_field(pbd, "SR"));
			found = 1;
		}
		json_decref(pbd);
	}
	json_decref(pbds);
	if (sr_dir_prepare(path, true, e) < 0)
		return -1;
	if (found)
		return 0;
	json_t *fields = json_pack("{ss ss ss sb s{ss}}", "name_label", "Local storage", "name_description",
				   "Local file storage of this host", "content_type", "user", "shared", 0,
				   "other_config", "i18n-key", "local-storage");
	json_t *dc = json_pack("{ss}", "path", path);
	int rc = sr_records_create(srv, fields, dc, sr_ref, e);
	json_decref(fields);
	json_decref(dc);
	if (rc == 0)
		log_info("made the local SR %s at %s", sr_ref, path);
	return rc;
}

/* At start: every file SR of this host loses its leftovers and gets true sizes. */
static void sr_startup_each(struct xapi_server *srv)
{
	json_t *pbds = db_find_by_field(srv->store, cls("PBD"), "host", srv->host_ref, NULL), *v;
	size_t i;
	char dir[SR_DIR_SIZE];

	json_array_foreach(pbds, i, v) {
		struct err e = { 0 };
		json_t *pbd = db_get(srv->store, cls("PBD"), json_string_value(v), NULL);
		const char *sr = str_field(pbd, "SR");
		if (pbd && storage_sr_dir(srv, sr, dir, &e) == 0) {
			sr_dir_clean_temps(dir);
			storage_sr_refresh(srv, sr);
		}
		err_clear(&e);
		json_decref(pbd);
	}
	json_decref(pbds);
}

void storage_shutdown(struct xapi_server *srv)
{
	if (srv->storage == NULL)
		return;
	pthread_mutex_destroy(&srv->storage->lock);
	free(srv->storage);
	srv->storage = NULL;
}

int storage_startup(struct xapi_server *srv, struct err *e)
{
	char path[PATH_MAX], sr_ref[REF_LEN], real[PATH_MAX];

	if (srv->storage == NULL) {
		srv->storage = calloc(1, sizeof(*srv->storage));
		if (srv->storage == NULL) {
			err_internal(e, "out of memory");
			return -1;
		}
		pthread_mutex_init(&srv->storage->lock, NULL);
	}
	if (srv->state_dir == NULL || realpath(srv->state_dir, real) == NULL) {
		err_internal(e, "storage: no state directory");
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%.4000s/sr/local", real) >= sizeof(path)) {
		err_internal(e, "storage: state directory path too long");
		return -1;
	}
	if (local_sr_ensure(srv, path, sr_ref, e) < 0)
		return -1;
	if (db_update(srv->store, cls("pool"), srv->pool_ref, set_pool_defaults, sr_ref, e) < 0)
		return -1;
	sr_startup_each(srv);
	return 0;
}
