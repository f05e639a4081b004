/*
 * Pure builders for a run: the facts document and the catalog POST's form
 * body exactly as Puppet 7's agent sends them, the exit code Puppet's
 * --detailed-exitcodes gives a report, and last_run_summary.yaml. No I/O
 * here, so each is pinned by unit tests.
 */
#include "cm/agent/agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"

#define AGENT_PUPPET_VERSION "7.23.0"

static json_t *time_iso(time_t t)
{
	char out[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S.000000000+00:00", &tm);
	return json_string(out);
}

json_t *cm_agent_facts_document(const char *certname, json_t *values, const char *environment,
				bool noop)
{
	time_t now = time(NULL);

	if (values == NULL)
		values = json_object();
	json_object_set_new(values, "clientcert", json_string(certname));
	json_object_set_new(values, "clientversion", json_string(AGENT_PUPPET_VERSION));
	json_object_set_new(values, "clientnoop", json_boolean(noop));
	if (environment)
		json_object_set_new(values, "agent_specified_environment", json_string(environment));
	return json_pack("{s:s s:o s:o s:o}", "name", certname, "values", values, "timestamp", time_iso(now),
			 "expiration", time_iso(now + 1800));
}

static void form_add(struct buf *b, const char *key, const char *value)
{
	char *v = cm_http_escape(value);

	if (b->len)
		buf_putc(b, '&');
	buf_printf(b, "%s=%s", key, v ? v : "");
	free(v);
}

char *cm_agent_catalog_form(const json_t *facts_doc, const char *environment, const char *transaction_uuid)
{
	struct buf b = BUF_INIT;
	char *json = json_dumps(facts_doc, JSON_COMPACT), *once;

	if (json == NULL)
		return NULL;
	once = cm_http_escape(json); /* Puppet::Util.uri_query_encode, then the form's own encoding */
	free(json);
	if (once == NULL)
		return NULL;
	form_add(&b, "facts_format", "application/json");
	form_add(&b, "facts", once);
	form_add(&b, "environment", environment);
	form_add(&b, "configured_environment", environment);
	form_add(&b, "transaction_uuid", transaction_uuid);
	form_add(&b, "static_catalog", "false");
	form_add(&b, "checksum_type", "sha256.md5");
	free(once);
	return buf_steal(&b);
}

static long metric_value(const json_t *report, const char *metric, const char *name)
{
	json_t *values = json_object_get(json_object_get(json_object_get(report, "metrics"), metric), "values");
	size_t i;
	json_t *v;

	json_array_foreach(values, i, v)
		if (strcmp(json_string_value(json_array_get(v, 0)), name) == 0)
			return (long)json_number_value(json_array_get(v, 2));
	return 0;
}

int cm_agent_exit_code(const json_t *report, bool detailed)
{
	const char *status = json_string_value(json_object_get(report, "status"));
	long failed, changed;

	if (report == NULL || status == NULL)
		return 1;
	failed = metric_value(report, "resources", "failed") + metric_value(report, "resources", "failed_to_restart");
	changed = metric_value(report, "resources", "changed");
	if (!detailed)
		return strcmp(status, "failed") == 0 && failed == 0 ? 1 : 0;
	if (strcmp(status, "failed") == 0 && failed == 0)
		return 1; /* the run itself failed: no catalog, or it could not be applied */
	return (changed ? 2 : 0) | (failed ? 4 : 0);
}

static void yaml_metric(struct buf *b, const json_t *report, const char *metric)
{
	json_t *values = json_object_get(json_object_get(json_object_get(report, "metrics"), metric), "values");
	size_t i;
	json_t *v;

	buf_printf(b, "%s:\n", metric);
	json_array_foreach(values, i, v) {
		json_t *n = json_array_get(v, 2);
		if (json_is_integer(n))
			buf_printf(b, "  %s: %lld\n", json_string_value(json_array_get(v, 0)),
				   (long long)json_integer_value(n));
		else
			buf_printf(b, "  %s: %.6f\n", json_string_value(json_array_get(v, 0)), json_number_value(n));
	}
}

char *cm_agent_summary_yaml(const json_t *report, long run_started)
{
	struct buf b = BUF_INIT;
	json_t *cv = json_object_get(report, "configuration_version");

	buf_puts(&b, "---\nversion:\n");
	if (json_is_integer(cv))
		buf_printf(&b, "  config: %lld\n", (long long)json_integer_value(cv));
	else if (json_is_string(cv))
		buf_printf(&b, "  config: \"%s\"\n", json_string_value(cv));
	else
		buf_puts(&b, "  config: \n");
	buf_printf(&b, "  puppet: %s\n", AGENT_PUPPET_VERSION);
	if (json_object_get(report, "metrics") && json_object_size(json_object_get(report, "metrics"))) {
		yaml_metric(&b, report, "resources");
		yaml_metric(&b, report, "time");
		buf_printf(&b, "  last_run: %ld\n", run_started);
		yaml_metric(&b, report, "changes");
		yaml_metric(&b, report, "events");
	} else {
		buf_printf(&b, "time:\n  last_run: %ld\n", run_started);
	}
	return buf_steal(&b);
}
