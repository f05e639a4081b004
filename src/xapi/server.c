/*
 * The server's lifecycle and first start: see server.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"
#include "xapi/dispatch.h"
#include "xapi/server.h"

#define TASK_WORKERS 4

int xapi_server_init(struct xapi_server *srv, struct store *store, struct err *e)
{
	memset(srv, 0, sizeof(*srv));
	srv->store = store;
	srv->session_idle_timeout_s = 24 * 3600;
	if (model_init() < 0 || generic_init() < 0) {
		err_internal(e, "the object model does not load");
		return -1;
	}
	srv->sessions = session_table_new();
	srv->tasks = task_pool_new(srv, TASK_WORKERS);
	if (srv->tasks == NULL) {
		err_internal(e, "cannot start the task workers");
		return -1;
	}
	return db_upgrade(store, e);
}

void xapi_server_fini(struct xapi_server *srv)
{
	srv->stopping = true;
	task_pool_free(srv->tasks);
	srv->tasks = NULL;
	session_table_free(srv->sessions);
	srv->sessions = NULL;
}

static int ensure_roles(struct xapi_server *srv, struct err *e)
{
	const struct model_class *rc = model_class_find("role");

	for (unsigned bit = 1; bit < R_CC; bit <<= 1) {
		const char *name = model_roles_text(bit);
		json_t *found = db_find_by_name_label(srv->store, rc, name, e);
		if (found == NULL)
			return -1;
		size_t n = json_array_size(found);
		json_decref(found);
		if (n > 0)
			continue;
		json_t *rec = record_new_default(rc);
		json_object_set_new(rec, "name_label", json_string(name));
		json_object_set_new(rec, "name_description", json_sprintf("The %s role", name));
		int r = db_create(srv->store, rc, rec, NULL, NULL, e);
		json_decref(rec);
		if (r < 0)
			return -1;
	}
	return 0;
}

static json_t *host_record(const struct host_identity *id, const char *metrics_ref)
{
	const struct model_class *hc = model_class_find("host");
	json_t *rec = record_new_default(hc);
	struct utsname u;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	uname(&u);
	json_object_set_new(rec, "uuid", json_string(id->uuid));
	json_object_set_new(rec, "name_label", json_string(id->hostname));
	json_object_set_new(rec, "hostname", json_string(id->hostname));
	json_object_set_new(rec, "address", json_string(id->address));
	json_object_set_new(rec, "enabled", json_true());
	json_object_set_new(rec, "API_version_major", json_integer(2));
	json_object_set_new(rec, "API_version_minor", json_integer(21));
	json_object_set_new(rec, "API_version_vendor", json_string("OVCP"));
	json_object_set_new(rec, "software_version",
			    json_pack("{ssssssssssss}", "product_brand", "OVCP", "product_version", id->version,
				      "platform_name", "OVCP", "xapi", "1.20", "hostname", id->hostname, "linux",
				      u.release));
	json_object_set_new(rec, "cpu_info", json_pack("{ssso}", "arch", u.machine, "cpu_count", json_sprintf("%ld", cpus)));
	json_object_set_new(rec, "metrics", json_string(metrics_ref));
	json_object_set_new(rec, "allowed_operations", json_array());
	return rec;
}

static int ensure_host(struct xapi_server *srv, const struct host_identity *id, struct err *e)
{
	const struct model_class *hc = model_class_find("host"), *mc = model_class_find("host_metrics");
	char metrics[REF_LEN], now[20];
	struct sysinfo si;

	ref_from_uuid(id->uuid, srv->host_ref);
	if (db_exists(srv->store, hc, srv->host_ref))
		return 0;
	sysinfo(&si);
	xdatetime_now(now);
	json_t *m = record_new_default(mc);
	json_object_set_new(m, "memory_total", json_integer((json_int_t)si.totalram * si.mem_unit));
	json_object_set_new(m, "live", json_true());
	json_object_set_new(m, "last_updated", json_string(now));
	int rc = db_create(srv->store, mc, m, NULL, metrics, e);
	json_decref(m);
	if (rc < 0)
		return -1;
	json_t *h = host_record(id, metrics);
	rc = db_create(srv->store, hc, h, NULL, NULL, e);
	json_decref(h);
	if (rc == 0)
		log_info("created host %s (%s)", id->hostname, id->uuid);
	return rc;
}

static int ensure_pool(struct xapi_server *srv, struct err *e)
{
	const struct model_class *pc = model_class_find("pool");
	json_t *refs = db_all_refs(srv->store, pc, e);

	if (refs == NULL)
		return -1;
	if (json_array_size(refs) > 0) {
		snprintf(srv->pool_ref, sizeof(srv->pool_ref), "%s", json_string_value(json_array_get(refs, 0)));
		json_decref(refs);
		return 0;
	}
	json_decref(refs);
	json_t *rec = record_new_default(pc);
	json_object_set_new(rec, "master", json_string(srv->host_ref));
	int rc = db_create(srv->store, pc, rec, NULL, srv->pool_ref, e);
	json_decref(rec);
	if (rc == 0)
		log_info("created the pool");
	return rc;
}

int xapi_server_bootstrap(struct xapi_server *srv, const struct host_identity *host, const char *root_password,
			  struct err *e)
{
	if (ensure_roles(srv, e) < 0 || ensure_host(srv, host, e) < 0 || ensure_pool(srv, e) < 0)
		return -1;
	if (!users_exist(srv, "root")) {
		if (root_password == NULL || *root_password == '\0') {
			err_internal(e, "no root password for the first start");
			return -1;
		}
		if (users_add(srv, "root", root_password, 0, NULL, e) < 0)
			return -1;
	}
	return 0;
}
