/*
 * Disk import and export over HTTP: see vdi_http.h.
 *
 * Import: the body is received chunk by chunk into a temp file in the
 * VDI's SR directory (a raw body sparsely: runs of zeros are skipped), then
 * checked with qemu-img info (a qcow2 or vhd with a backing file or an
 * external data file is refused) and converted into a new image that
 * replaces the VDI's by rename. Export: the image is converted into an
 * unlinked temp file that the response streams. No temp file outlives its
 * request; a crash leaves only .tmp- names, removed at start.
 */
#include "storage/xapi/vdi_http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "storage/image.h"
#include "storage/sr_dir.h"
#include "storage/vdi_file.h"
#include "storage/xapi/storage_xapi.h"
#include "xapi/db.h"

#define ZERO_BLOCK 4096

struct import_state {
	struct xapi_server *srv;
	char vdi_ref[REF_LEN];
	char task_ref[REF_LEN];
	char sr_ref[REF_LEN];
	char dir[SR_DIR_SIZE];
	char name[VDI_NAME_SIZE];
	char tmp_path[SR_DIR_SIZE + 128];
	const char *driver;
	int fd;
	uint64_t received, expected;
	int64_t max_size;
	double last_progress;
	struct err e; /* set once the upload failed: the rest of the body is drained */
};

static const struct {
	const char *code;
	unsigned status;
} error_status[] = {
	{ "SESSION_INVALID", MHD_HTTP_UNAUTHORIZED }, { "RBAC_PERMISSION_DENIED", MHD_HTTP_FORBIDDEN },
	{ "HANDLE_INVALID", MHD_HTTP_NOT_FOUND },     { "UUID_INVALID", MHD_HTTP_NOT_FOUND },
	{ "VDI_IN_USE", MHD_HTTP_CONFLICT },	      { "SR_FULL", MHD_HTTP_INSUFFICIENT_STORAGE },
	{ "INTERNAL_ERROR", MHD_HTTP_INTERNAL_SERVER_ERROR },
	{ "SR_BACKEND_FAILURE", MHD_HTTP_INTERNAL_SERVER_ERROR },
};

static enum MHD_Result reply_error(struct MHD_Connection *conn, struct err *e, const char *task_ref)
{
	unsigned status = MHD_HTTP_BAD_REQUEST;
	char *text = json_dumps(e->desc, JSON_COMPACT);
	char body[2048];

	for (size_t i = 0; i < MODEL_COUNT(error_status); i++)
		if (strcmp(err_code(e), error_status[i].code) == 0)
			status = error_status[i].status;
	snprintf(body, sizeof(body), "%s\n", text ? text : "[\"INTERNAL_ERROR\"]");
	free(text);
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (task_ref && *task_ref)
		MHD_add_response_header(r, "Task-id", task_ref);
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static const char *query(struct http_call *call, const char *name)
{
	return MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The VDI named by the vdi argument: a ref, or a uuid. */
static int vdi_from_query(struct http_call *call, char ref[REF_LEN], struct err *e)
{
	const char *v = query(call, "vdi");
	const struct model_class *vc = model_class_find("VDI");

	if (v && ref_is_wellformed(v) && !ref_is_null(v) && db_exists(call->xs->store, vc, v)) {
		snprintf(ref, REF_LEN, "%s", v);
		return 0;
	}
	if (v && uuid_is_valid(v) && db_find_by_uuid(call->xs->store, vc, v, ref, NULL) == 0)
		return 0;
	err_set(e, "HANDLE_INVALID", "VDI", v ? v : "", NULL);
	return -1;
}

/* Session, role and arguments common to both directions. */
static int check_request(struct http_call *call, unsigned roles, const char *what, char vdi_ref[REF_LEN],
			 const char **driver, struct err *e)
{
	struct session_info info;
	const char *fmt = query(call, "format");

	if (call->xs->storage == NULL) {
		err_set(e, "SR_BACKEND_FAILURE", "storage", "the storage driver is not started", NULL);
		return -1;
	}
	if (http_call_session(call, &info, e) < 0)
		return -1;
	if (!(info.roles & roles)) {
		err_set(e, "RBAC_PERMISSION_DENIED", what, "No permission in user session", NULL);
		return -1;
	}
	*driver = img_format_driver(fmt ? fmt : "raw");
	if (*driver == NULL) {
		err_set(e, "FIELD_TYPE_ERROR", "format", NULL);
		return -1;
	}
	return vdi_from_query(call, vdi_ref, e);
}

/* A task of our own for an import that came without one. */
static int task_make(struct xapi_server *srv, const char *label, char ref[REF_LEN], struct err *e)
{
	const struct model_class *tc = model_class_find("task");
	json_t *rec = record_new_default(tc);
	char now[20];

	xdatetime_now(now);
	json_object_set_new(rec, "name_label", json_string(label));
	json_object_set_new(rec, "status", json_string("pending"));
	json_object_set_new(rec, "created", json_string(now));
	json_object_set_new(rec, "resident_on", json_string(srv->host_ref));
	json_object_set_new(rec, "progress", json_real(0.0));
	int rc = db_create(srv->store, tc, rec, NULL, ref, e);
	json_decref(rec);
	return rc;
}

static int task_end_mutator(json_t *rec, void *arg, struct err *e)
{
	json_t *error_info = arg;
	char now[20];

	xdatetime_now(now);
	json_object_set_new(rec, "status", json_string(error_info ? "failure" : "success"));
	json_object_set_new(rec, "finished", json_string(now));
	json_object_set_new(rec, "progress", json_real(1.0));
	json_object_set_new(rec, "result", json_string(""));
	if (error_info)
		json_object_set(rec, "error_info", error_info);
	return 0;
}

static void task_end(struct xapi_server *srv, const char *ref, struct err *failure)
{
	if (ref[0])
		db_update(srv->store, model_class_find("task"), ref, task_end_mutator, failure ? failure->desc : NULL,
			  NULL);
}

static void import_discard(struct import_state *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->tmp_path[0])
		unlink(s->tmp_path);
	s->tmp_path[0] = '\0';
}

static void import_free(void *p)
{
	struct import_state *s = p;

	if (s == NULL)
		return;
	import_discard(s);
	err_clear(&s->e);
	free(s);
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Append a chunk: a raw body's zero blocks become holes. */
static int import_write(struct import_state *s, const char *data, size_t len)
{
	bool sparse = strcmp(s->driver, "raw") == 0;

	while (len > 0) {
		size_t n = len < ZERO_BLOCK ? len : ZERO_BLOCK;
		if (sparse && all_zero(data, n)) {
			if (lseek(s->fd, (off_t)n, SEEK_CUR) < 0)
				return -1;
		} else {
			ssize_t w = write(s->fd, data, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -1;
			n = (size_t)w;
		}
		data += n;
		len -= n;
		s->received += n;
	}
	return 0;
}

static bool import_progress(double p, void *arg)
{
	struct import_state *s = arg;

	return task_progress(s->srv, s->task_ref, 0.5 + p / 2);
}

static int import_begin(struct http_call *call, struct import_state *s, struct err *e)
{
	json_t *rec = NULL;
	const char *task = query(call, "task_id");
	const char *len = MHD_lookup_connection_value(call->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int rc = -1;

	if (check_request(call, model_class_find("VDI")->create_roles, "VDI.import_raw_vdi", s->vdi_ref, &s->driver,
			  e) < 0 ||
	    storage_vdi_lookup(s->srv, s->vdi_ref, &rec, s->dir, s->name, e) < 0 ||
	    storage_vdi_check_unused(s->srv, s->vdi_ref, rec, "import", e) < 0)
		goto out;
	if (json_is_true(json_object_get(rec, "read_only"))) {
		err_set(e, "VDI_READ_ONLY", s->vdi_ref, NULL);
		goto out;
	}
	snprintf(s->sr_ref, sizeof(s->sr_ref), "%s", json_string_value(json_object_get(rec, "SR")));
	s->max_size = json_integer_value(json_object_get(rec, "virtual_size"));
	s->expected = len ? strtoull(len, NULL, 10) : 0;
	if (strcmp(s->driver, "raw") == 0 && s->expected > (uint64_t)s->max_size) {
		err_set(e, "VDI_TOO_SMALL", s->vdi_ref, len, NULL);
		goto out;
	}
	if (task) {
		if (!ref_is_wellformed(task) || !db_exists(s->srv->store, model_class_find("task"), task)) {
			err_set(e, "HANDLE_INVALID", "task", task, NULL);
			goto out;
		}
		snprintf(s->task_ref, sizeof(s->task_ref), "%s", task);
	} else if (task_make(s->srv, "VDI import", s->task_ref, e) < 0) {
		goto out;
	}
	char tmp[96];
	sr_temp_name("import", tmp, sizeof(tmp));
	if (sr_path_join(s->dir, tmp, s->tmp_path, sizeof(s->tmp_path), e) < 0)
		goto out;
	s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		s->tmp_path[0] = '\0';
		err_set(e, "SR_BACKEND_FAILURE", "open", strerror(errno), NULL);
		goto out;
	}
	rc = 0;
out:
	json_decref(rec);
	return rc;
}

static void import_chunk(struct import_state *s, const char *data, size_t len)
{
	if (s->fd < 0 || err_isset(&s->e))
		return;
	if (import_write(s, data, len) < 0) {
		if (errno == ENOSPC || errno == EDQUOT)
			err_set(&s->e, "SR_FULL", "", "", NULL);
		else
			err_set(&s->e, "SR_BACKEND_FAILURE", "write", strerror(errno), NULL);
		return;
	}
	if (strcmp(s->driver, "raw") == 0 && s->received > (uint64_t)s->max_size) {
		char n[32];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)s->received);
		err_set(&s->e, "VDI_TOO_SMALL", s->vdi_ref, n, NULL);
		return;
	}
	double p = s->expected ? (double)s->received / (double)s->expected / 2 : 0;
	if (p - s->last_progress >= 0.01) {
		s->last_progress = p;
		task_progress(s->srv, s->task_ref, p);
	}
}

static int import_finish(struct import_state *s, struct err *e)
{
	if (err_isset(&s->e)) {
		err_move(e, &s->e);
		return -1;
	}
	if ((strcmp(s->driver, "raw") == 0 && ftruncate(s->fd, (off_t)s->received) < 0) || close(s->fd) < 0) {
		s->fd = -1;
		err_set(e, errno == ENOSPC ? "SR_FULL" : "SR_BACKEND_FAILURE", "", strerror(errno), NULL);
		return -1;
	}
	s->fd = -1;
	if (s->received == 0) {
		err_set(e, "IMPORT_ERROR", "the body is empty", NULL);
		return -1;
	}
	if (vdi_file_import(s->dir, s->name, s->tmp_path, s->driver, s->max_size, import_progress, s, e) < 0)
		return -1;
	storage_vdi_update(s->srv, s->vdi_ref, e);
	storage_sr_refresh(s->srv, s->sr_ref);
	return err_isset(e) ? -1 : 0;
}

enum MHD_Result storage_http_import(struct http_call *call, const char *upload, size_t *upload_size)
{
	struct import_state *s = call->state;
	struct err e = { 0 };

	if (call->first) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return MHD_NO;
		s->srv = call->xs;
		s->fd = -1;
		call->state = s;
		call->state_free = import_free;
		/* A refusal is sent after the body is drained: simple clients cannot read it while still sending. */
		if (import_begin(call, s, &s->e) < 0)
			log_info("import refused: %s", err_code(&s->e));
		return MHD_YES;
	}
	if (*upload_size > 0) {
		import_chunk(s, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	enum MHD_Result rc;
	int done = import_finish(s, &e);
	import_discard(s); /* before the reply: the client may look at the SR as soon as it has it */
	if (done < 0) {
		log_warn("import into VDI %s failed: %s", s->vdi_ref, err_code(&e));
		task_end(s->srv, s->task_ref, &e);
		rc = reply_error(call->conn, &e, s->task_ref);
	} else {
		task_end(s->srv, s->task_ref, NULL);
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		MHD_add_response_header(r, "Task-id", s->task_ref);
		rc = MHD_queue_response(call->conn, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
	}
	err_clear(&e);
	return rc;
}

enum MHD_Result storage_http_export(struct http_call *call, const char *upload, size_t *upload_size)
{
	char vdi_ref[REF_LEN], dir[SR_DIR_SIZE], name[VDI_NAME_SIZE];
	const char *driver, *task = query(call, "task_id");
	const struct model_message *copy = model_message_find(model_class_find("VDI"), "copy");
	struct err e = { 0 };
	json_t *rec = NULL;
	int64_t size;
	int fd = -1;

	if (call->first)
		return MHD_YES;
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (task && (!ref_is_wellformed(task) || !db_exists(call->xs->store, model_class_find("task"), task)))
		task = NULL;
	if (check_request(call, copy->roles, "VDI.export_raw_vdi", vdi_ref, &driver, &e) < 0 ||
	    storage_vdi_lookup(call->xs, vdi_ref, &rec, dir, name, &e) < 0 ||
	    vdi_file_export(dir, name, driver, &fd, &size, &e) < 0) {
		json_decref(rec);
		if (task)
			task_end(call->xs, task, &e);
		enum MHD_Result rc = reply_error(call->conn, &e, NULL);
		err_clear(&e);
		return rc;
	}
	json_decref(rec);
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)size, fd);
	if (r == NULL) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	enum MHD_Result rc = MHD_queue_response(call->conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	if (task)
		task_end(call->xs, task, NULL);
	return rc;
}
