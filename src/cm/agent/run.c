/*
 * One agent run, in the order Puppet 7's configurer runs it:
 *
 *   lock -> SSL bootstrap -> node -> facts -> catalog (or the cached one)
 *        -> apply -> report (PUT, and last_run_report.json, summary) -> unlock
 *
 * Every run that gets past the SSL bootstrap submits a report, a failed one
 * too (no catalog: status "failed", with the error in its logs). A catalog
 * fetched from the master is cached before it is applied; when none can be
 * fetched, the cached one is applied and the report says
 * cached_catalog_status "on_failure", as Puppet's usecacheonfailure does.
 */
#include "cm/agent/agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cm/apply/apply.h"
#include "cm/apply/report.h"
#include "cm/catalog/catalog.h"
#include "cm/facts/facts.h"
#include "common/util.h"

struct run {
	const struct cm_agent_config *cfg;
	struct cm_agent_paths paths;
	struct cm_http *http;
	char *name;        /* certname, URL-escaped */
	char *environment; /* the run's environment (the node may change it) */
	char uuid[UUID_STR_LEN];
	const char *cached_status; /* not_used, on_failure */
	double config_retrieval;
	long started;
};

static const char *err_text(const struct err *e)
{
	const char *m = json_string_value(json_array_get(e->desc, 1));

	return m ? m : err_code(e);
}

/* GET/POST/PUT under /puppet/v3; 0 with a 2xx answer, else -1 and the reason in E. */
static int v3_request(struct run *r, const char *method, const char *path, const char *ctype, const char *body,
		      struct cm_http_response *resp, struct err *e)
{
	if (cm_http_request(r->http, method, path, ctype, body, body ? strlen(body) : 0, "application/json", resp,
			    e) < 0)
		return -1;
	if (resp->status / 100 != 2) {
		char *msg = cm_http_error_text(resp);
		err_setf(e, "AGENT_HTTP", "Error %ld on SERVER: %s", resp->status, msg ? msg : "");
		free(msg);
		cm_http_response_clear(resp);
		return -1;
	}
	return 0;
}

static void run_node(struct run *r)
{
	struct cm_http_response resp;
	struct err e = {0};
	char *path = NULL, *env = cm_http_escape(r->environment);
	json_t *node = NULL;
	const char *node_env;

	if (env == NULL || asprintf(&path, "/puppet/v3/node/%s?environment=%s&configured_environment=%s"
				    "&transaction_uuid=%s&fail_on_404=true", r->name, env, env, r->uuid) < 0)
		goto out;
	if (v3_request(r, "GET", path, NULL, NULL, &resp, &e) < 0) {
		cm_agent_log("warning", "Unable to fetch my node definition, but the agent run will continue:");
		cm_agent_log("warning", "%s", err_text(&e));
		goto out;
	}
	node = json_loads(resp.body, 0, NULL);
	cm_http_response_clear(&resp);
	node_env = json_string_value(json_object_get(node, "environment"));
	if (node_env && strcmp(node_env, r->environment) != 0 && r->cfg->environment == NULL) {
		cm_agent_log("notice", "Local environment: '%s' doesn't match server specified node environment "
			     "'%s', switching agent to '%s'.", r->environment, node_env, node_env);
		free(r->environment);
		r->environment = strdup(node_env);
	}
out:
	err_clear(&e);
	json_decref(node);
	free(env);
	free(path);
}

static json_t *catalog_fetch(struct run *r, struct err *e)
{
	struct cm_http_response resp;
	json_t *facts = cm_agent_facts_document(r->cfg->certname, cm_facts_collect(), r->cfg->environment,
						r->cfg->noop);
	char *form = cm_agent_catalog_form(facts, r->environment, r->uuid), *path = NULL;
	json_t *catalog = NULL;
	double t0 = cm_report_clock();

	json_decref(facts);
	if (form == NULL || asprintf(&path, "/puppet/v3/catalog/%s", r->name) < 0) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (v3_request(r, "POST", path, "application/x-www-form-urlencoded", form, &resp, e) < 0)
		goto out;
	catalog = json_loads(resp.body, 0, NULL);
	cm_http_response_clear(&resp);
	if (json_is_object(json_object_get(catalog, "data"))) { /* {"document_type":"Catalog","data":...} */
		json_t *data = json_incref(json_object_get(catalog, "data"));
		json_decref(catalog);
		catalog = data;
	}
	if (!json_is_array(json_object_get(catalog, "resources"))) {
		err_set(e, "AGENT_CATALOG", "the master's answer is not a catalog", NULL);
		json_decref(catalog);
		catalog = NULL;
	}
out:
	r->config_retrieval = cm_report_clock() - t0;
	free(form);
	free(path);
	return catalog;
}

static void catalog_cache_write(struct run *r, const json_t *catalog)
{
	char *text = json_dumps(catalog, JSON_COMPACT), *dir = strdup(r->paths.catalog_cache);

	cm_agent_log("info", "Caching catalog for %s", r->cfg->certname);
	if (dir && strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	if (text == NULL || dir == NULL || dir_make_all(dir, 0750) < 0 ||
	    file_write_atomic(r->paths.catalog_cache, text, strlen(text), 0640) < 0)
		cm_agent_log("warning", "Could not write the catalog cache %s", r->paths.catalog_cache);
	free(text);
	free(dir);
}

static json_t *catalog_from_cache(struct run *r)
{
	struct err e = {0};
	json_t *catalog = cm_catalog_read_file(r->paths.catalog_cache, &e);
	const char *env;

	err_clear(&e);
	if (catalog == NULL)
		return NULL;
	env = json_string_value(json_object_get(catalog, "environment"));
	if (env && strcmp(env, r->environment) != 0) {
		cm_agent_log("err", "Not using cached catalog because its environment '%s' does not match '%s'",
			     env, r->environment);
		json_decref(catalog);
		return NULL;
	}
	r->cached_status = "on_failure";
	cm_agent_log("info", "Using cached catalog from environment '%s'", env ? env : r->environment);
	return catalog;
}

static json_t *run_catalog(struct run *r)
{
	struct err e = {0};
	json_t *catalog = catalog_fetch(r, &e);

	if (catalog) {
		catalog_cache_write(r, catalog);
		return catalog;
	}
	cm_agent_log("err", "Could not retrieve catalog from remote server: %s", err_text(&e));
	err_clear(&e);
	if (r->cfg->use_cache_on_failure)
		catalog = catalog_from_cache(r);
	else
		cm_agent_log("warning", "Not using cache on failed catalog");
	if (catalog == NULL)
		cm_agent_log("err", "Could not retrieve catalog; skipping run");
	return catalog;
}

static void metric_time_add(json_t *report, const char *name, double seconds)
{
	json_t *values = json_object_get(json_object_get(json_object_get(report, "metrics"), "time"), "values");
	size_t i;
	json_t *v;

	json_array_foreach(values, i, v) {
		const char *n = json_string_value(json_array_get(v, 0));
		if (strcmp(n, name) == 0 || strcmp(n, "total") == 0)
			json_array_set_new(v, 2, json_real(json_number_value(json_array_get(v, 2)) + seconds));
	}
}

/* What only the agent knows goes into the applier's report. */
static void report_complete(struct run *r, json_t *report)
{
	char server[300];

	snprintf(server, sizeof(server), "%s:%d", r->cfg->server, r->cfg->port);
	json_object_set_new(report, "host", json_string(r->cfg->certname));
	json_object_set_new(report, "transaction_uuid", json_string(r->uuid));
	json_object_set_new(report, "environment", json_string(r->environment));
	json_object_set_new(report, "cached_catalog_status", json_string(r->cached_status));
	json_object_set_new(report, "master_used", json_string(server));
	json_object_set_new(report, "server_used", json_string(server));
	json_object_set_new(report, "kind", json_string("apply"));
	if (json_object_get(report, "code_id") == NULL)
		json_object_set_new(report, "code_id", json_null());
	json_object_set_new(report, "job_id", json_null());
	metric_time_add(report, "config_retrieval", r->config_retrieval);
}

/* The report of a run that had no catalog to apply. */
static json_t *report_failed(struct run *r)
{
	json_t *report = cm_report_new(NULL, r->cfg->noop);

	cm_report_log(json_object_get(report, "logs"), true, "err", "Puppet", NULL,
		      "Could not retrieve catalog; skipping run");
	cm_report_finish(report, json_pack("{s:f}", "config_retrieval", 0.0), false);
	return report;
}

static void report_submit(struct run *r, const json_t *report)
{
	struct cm_http_response resp;
	struct err e = {0};
	char *text = json_dumps(report, JSON_COMPACT), *path = NULL, *env = cm_http_escape(r->environment);

	if (text && env && asprintf(&path, "/puppet/v3/report/%s?environment=%s", r->name, env) >= 0) {
		if (v3_request(r, "PUT", path, "application/json", text, &resp, &e) == 0)
			cm_http_response_clear(&resp);
		else
			cm_agent_log("err", "Could not send report: %s", err_text(&e));
	}
	err_clear(&e);
	free(text);
	free(env);
	free(path);
}

static void report_save(struct run *r, const json_t *report)
{
	struct err e = {0};
	char *summary = cm_agent_summary_yaml(report, r->started);

	if (cm_report_write(report, r->paths.report, &e) < 0)
		cm_agent_log("warning", "%s", err_text(&e));
	if (summary == NULL || file_write_atomic(r->paths.summary, summary, strlen(summary), 0640) < 0)
		cm_agent_log("warning", "Could not write %s", r->paths.summary);
	err_clear(&e);
	free(summary);
}

static json_t *run_apply(struct run *r, json_t *catalog)
{
	struct cm_apply_options opt = {
		.noop = r->cfg->noop, .debug = r->cfg->debug, .source_fetch = cm_source_fetch,
	};
	struct cm_source_fetcher *fetcher = cm_source_fetcher_new(r->http, r->environment, r->paths.source_cache);
	json_t *version = json_object_get(catalog, "version"), *report = NULL;
	struct err e = {0};

	opt.source_fetch_arg = fetcher;
	if (fetcher == NULL)
		opt.source_fetch = NULL;
	if (json_is_integer(version))
		cm_agent_log("info", "Applying configuration version '%lld'", (long long)json_integer_value(version));
	else if (json_is_string(version))
		cm_agent_log("info", "Applying configuration version '%s'", json_string_value(version));
	cm_apply_catalog(catalog, &opt, &report, &e);
	err_clear(&e);
	cm_source_fetcher_free(fetcher);
	return report;
}

static int run_connected(struct run *r)
{
	struct err e = {0};
	json_t *catalog, *report;
	int rc;

	r->http = cm_http_new(r->cfg->server, r->cfg->port, r->paths.ca, r->paths.crl, r->paths.cert, r->paths.key,
			      r->cfg->http_timeout, &e);
	if (r->http == NULL) {
		cm_agent_log("err", "%s", err_text(&e));
		err_clear(&e);
		return 1;
	}
	cm_agent_log("info", "Using environment '%s'", r->environment);
	run_node(r);
	catalog = run_catalog(r);
	report = catalog ? run_apply(r, catalog) : report_failed(r);
	report_complete(r, report);
	report_submit(r, report);
	report_save(r, report);
	rc = catalog ? cm_agent_exit_code(report, r->cfg->detailed_exitcodes) : 1;
	json_decref(catalog);
	json_decref(report);
	return rc;
}

int cm_agent_run_once(const struct cm_agent_config *cfg)
{
	struct run r = {.cfg = cfg, .cached_status = "not_used", .started = (long)time(NULL)};
	struct err e = {0};
	int rc = 1;

	if (cm_agent_paths_init(&r.paths, cfg, &e) < 0) {
		cm_agent_log("err", "%s", err_text(&e));
		err_clear(&e);
		return 1;
	}
	if (cm_agent_lock_take(r.paths.lock, &e) < 0) {
		if (strcmp(err_code(&e), "AGENT_LOCKED") == 0)
			cm_agent_log("notice", "Run of Puppet configuration client already in progress; skipping  "
				     "(%s exists)", r.paths.lock);
		else
			cm_agent_log("err", "%s", err_text(&e));
		goto out;
	}
	r.name = cm_http_escape(cfg->certname);
	r.environment = strdup(cfg->environment ? cfg->environment : "production");
	uuid_generate_str(r.uuid);
	if (r.name == NULL || r.environment == NULL)
		goto unlock;
	if (cm_ssl_bootstrap(cfg, &r.paths, &e) < 0) {
		cm_agent_log("err", "%s", err_text(&e));
		goto unlock;
	}
	rc = run_connected(&r);
unlock:
	cm_agent_lock_release(r.paths.lock);
out:
	err_clear(&e);
	cm_http_free(r.http);
	free(r.name);
	free(r.environment);
	cm_agent_paths_free(&r.paths);
	return rc;
}
