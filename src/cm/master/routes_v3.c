/*
 * /puppet/v3: node, catalog, report and facts, each for the caller's own
 * name only (CM_AUTH_SELF), and the file server (any valid certificate).
 * A catalog is compiled on every request; the node's environment is the one
 * its classifier names, else the one it asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "cm/master/node.h"
#include "cm/master/routes.h"
#include "cm/reports/reports.h"
#include "common/log.h"
#include "common/util.h"

static const char *err_text(struct err *e)
{
	const char *t = json_string_value(json_array_get(e->desc, 1));
	return t ? t : err_code(e);
}

static int http_code_of(struct err *e)
{
	return strcmp(err_code(e), "NOT_FOUND") == 0 ? 404 : strcmp(err_code(e), "BAD_FACTS") == 0 ? 400 : 500;
}

static json_t *classes_json(const struct cm_node_class *nc)
{
	json_t *out = json_object(), *params;
	const char *name;

	json_object_foreach(nc->classes, name, params)
		json_object_set(out, name, params);
	return out;
}

static void route_node(struct cm_req *q)
{
	struct cm_node_class nc;
	struct err e = {0};

	if (cm_master_classify(q->m, q->rest, &nc, &e) < 0) {
		req_reply_error(q, 500, "Failed to find %s via exec: %s", q->rest, err_text(&e));
		err_clear(&e);
		return;
	}
	const char *env = nc.environment ? nc.environment : q->environment;
	json_t *node = json_pack("{s:s, s:s, s:o, s:O}", "name", q->rest, "environment", env, "classes",
	                         classes_json(&nc), "parameters", nc.parameters);
	json_object_set_new(json_object_get(node, "parameters"), "environment", json_string(env));
	req_reply_json(q, 200, node);
	cm_node_class_clear(&nc);
}

static void route_catalog(struct cm_req *q)
{
	struct cm_node_class nc = {0};
	struct err e = {0};
	json_t *facts = NULL, *catalog = NULL;
	int64_t t0 = time_monotonic_ms();

	if (q->method == CM_POST) {
		if ((facts = cm_form_facts(q->body, &e)) == NULL)
			goto fail;
	} else {
		/* GET with facts in the query string, as old agents do */
		char *f = req_query(q, "facts");
		if (f) {
			char body[16];
			snprintf(body, sizeof(body), "facts=");
			struct buf b = BUF_INIT;
			buf_puts(&b, body);
			buf_puts(&b, f);
			free(f);
			facts = cm_form_facts(buf_cstr(&b), &e);
			buf_free(&b);
			if (facts == NULL)
				goto fail;
		}
	}
	if (cm_master_classify(q->m, q->rest, &nc, &e) < 0)
		goto fail;
	const char *env = nc.environment ? nc.environment : q->environment;
	if (cm_master_compile(q->m, q->rest, env, facts, &nc, &catalog, &e) < 0)
		goto fail;
	log_info("compiled catalog for %s in environment %s in %.3f s", q->rest, env,
	         (double)(time_monotonic_ms() - t0) / 1000.0);
	req_reply_json(q, 200, catalog);
	goto out;
fail:
	req_reply_error(q, http_code_of(&e), "Server Error: %s on node %s", err_text(&e), q->rest);
out:
	err_clear(&e);
	json_decref(facts);
	cm_node_class_clear(&nc);
}

static void route_report(struct cm_req *q)
{
	json_error_t je;
	json_t *report = json_loadb(q->body, q->body_len, 0, &je);
	struct err e = {0};

	if (!json_is_object(report)) {
		req_reply_error(q, 400, "the report is not a JSON object: %s", je.text);
		json_decref(report);
		return;
	}
	const char *host = json_string_value(json_object_get(report, "host"));
	if (host == NULL || strcmp(host, q->rest) != 0) {
		req_reply_error(q, 400, "the report's host (%s) is not %s", host ? host : "none", q->rest);
		json_decref(report);
		return;
	}
	if (cm_reports_add(q->m->reports, report, &e) < 0) {
		req_reply_error(q, 500, "cannot store the report: %s", err_text(&e));
		err_clear(&e);
	} else
		req_reply_json(q, 200, json_pack("[s]", "store"));
	json_decref(report);
}

/* Facts uploads are accepted and not stored: the catalog POST carries them. */
static void route_facts(struct cm_req *q)
{
	req_reply_json(q, 200, json_array());
}

const struct cm_route cm_routes_v3[] = {
	{CM_GET, "/puppet/v3/node/", CM_AUTH_SELF, route_node},
	{CM_GET | CM_POST, "/puppet/v3/catalog/", CM_AUTH_SELF, route_catalog},
	{CM_PUT, "/puppet/v3/report/", CM_AUTH_SELF, route_report},
	{CM_PUT, "/puppet/v3/facts/", CM_AUTH_SELF, route_facts},
	{CM_GET, "/puppet/v3/file_metadatas/", CM_AUTH_CERT, cm_route_file_metadatas},
	{CM_GET, "/puppet/v3/file_metadata/", CM_AUTH_CERT, cm_route_file_metadata},
	{CM_GET, "/puppet/v3/file_content/", CM_AUTH_CERT, cm_route_file_content},
};
const size_t cm_routes_v3_count = sizeof(cm_routes_v3) / sizeof(cm_routes_v3[0]);
