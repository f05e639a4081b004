/*
 * Report building: see report.h. Field names, order and metric categories
 * follow the report a Puppet 7.23 agent writes, so that tools reading
 * Puppet's reports (PuppetDB, dashboards) read ours.
 */
#include "cm/apply/report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cm/apply/apply.h"
#include "cm/providers/provider.h"

/* The Puppet release whose report format and behaviour ovcp-cm follows. */
#define CM_PUPPET_VERSION "7.23.0"

json_t *cm_report_time_now(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%09ld+00:00", ts.tv_nsec);
	return json_string(buf);
}

double cm_report_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *report_uuid(void)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");

	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL)
		snprintf(buf, sizeof(buf), "00000000-0000-4000-8000-%012lx", (unsigned long)getpid());
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return json_string(buf);
}

static json_t *report_hostname(const json_t *catalog)
{
	const char *name = json_string_value(json_object_get(catalog, "name"));
	char host[256] = "localhost";

	if (name)
		return json_string(name);
	gethostname(host, sizeof(host) - 1);
	return json_string(host);
}

json_t *cm_report_new(const json_t *catalog, bool noop)
{
	json_t *version = json_object_get(catalog, "version");
	json_t *env = json_object_get(catalog, "environment");
	json_t *cuuid = json_object_get(catalog, "catalog_uuid");

	return json_pack("{s:o s:o s:O s:o s:i s:s s:s s:b s:b s:b s:o s:[] s:{} s:{} s:b s:O s:s}",
			 "host", report_hostname(catalog), "time", cm_report_time_now(),
			 "configuration_version", version ? version : json_null(),
			 "transaction_uuid", report_uuid(), "report_format", 12,
			 "puppet_version", CM_PUPPET_VERSION, "status", "failed",
			 "transaction_completed", false, "noop", noop, "noop_pending", false,
			 "environment", env ? json_incref(env) : json_string("production"), "logs", "metrics",
			 "resource_statuses", "corrective_change", false, "catalog_uuid",
			 cuuid ? cuuid : json_null(), "cached_catalog_status", "not_used");
}

json_t *cm_report_status_new(const struct cm_resource *r, json_t *containment_path)
{
	return json_pack("{s:s s:s? s:o s:s s:s s:n s:o s:f s:O s:o s:b s:b s:b s:b s:b s:i s:i s:[] s:b}",
			 "title", r->title, "file", r->file, "line", r->line ? json_integer(r->line) : json_null(), "resource",
			 r->ref, "resource_type", r->type, "provider_used", "containment_path",
			 containment_path, "evaluation_time", 0.0, "tags", r->tags, "time",
			 cm_report_time_now(), "failed", false, "failed_to_restart", false, "changed",
			 false, "out_of_sync", false, "skipped", false, "change_count", 0,
			 "out_of_sync_count", 0, "events", "corrective_change", false);
}

static const struct {
	const char *level, *label;
	bool to_stderr;
} levels[] = {
	{"debug", "Debug", false}, {"info", "Info", false},     {"notice", "Notice", false},
	{"warning", "Warning", true}, {"err", "Error", true},   {"crit", "Critical", true},
};

void cm_report_log(json_t *logs, bool quiet, const char *level, const char *source, json_t *tags,
		   const char *message)
{
	json_t *t = json_pack("[s]", level);
	size_t i;
	json_t *v;

	json_array_foreach(tags, i, v)
		json_array_append(t, v);
	json_array_append_new(logs, json_pack("{s:s s:s s:s s:o s:o s:n s:n}", "level", level, "message",
					      message, "source", source, "tags", t, "time",
					      cm_report_time_now(), "file", "line"));
	if (quiet)
		return;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		FILE *out;
		if (strcmp(levels[i].level, level) != 0)
			continue;
		out = levels[i].to_stderr ? stderr : stdout;
		if (strcmp(source, "Puppet") == 0)
			fprintf(out, "%s: %s\n", levels[i].label, message);
		else
			fprintf(out, "%s: %s: %s\n", levels[i].label, source, message);
		fflush(out);
	}
}

static void metric_add(json_t *values, const char *name, json_t *value)
{
	char label[128];

	snprintf(label, sizeof(label), "%s", name);
	label[0] = (char)toupper((unsigned char)label[0]);
	for (char *p = label; *p; p++)
		if (*p == '_')
			*p = ' ';
	json_array_append_new(values, json_pack("[s s o]", name, label, value));
}

static json_t *metric_new(const char *name, const char *label)
{
	return json_pack("{s:s s:s s:[]}", "name", name, "label", label, "values");
}

static const char *const resource_states[] = {"skipped", "failed", "failed_to_restart", "restarted",
					      "changed", "out_of_sync", "scheduled", "corrective_change"};

static void report_metrics(json_t *report, json_t *times, long *changes, long *failed)
{
	json_t *statuses = json_object_get(report, "resource_statuses");
	json_t *res = metric_new("resources", "Resources"), *tm = metric_new("time", "Time");
	json_t *ch = metric_new("changes", "Changes"), *ev = metric_new("events", "Events");
	json_t *type_times = json_object(), *event_counts = json_object();
	long counts[8] = {0}, total_events = 0, change_total = 0;
	const char *key;
	json_t *st, *v;
	double total = 0;

	json_object_set_new(event_counts, "failure", json_integer(0));
	json_object_set_new(event_counts, "success", json_integer(0));
	json_object_foreach(statuses, key, st) {
		char type[128];
		size_t i;
		json_t *e;

		for (i = 0; i < 8; i++)
			counts[i] += json_is_true(json_object_get(st, resource_states[i]));
		change_total += (long)json_integer_value(json_object_get(st, "change_count"));
		snprintf(type, sizeof(type), "%s", json_string_value(json_object_get(st, "resource_type")));
		for (char *p = type; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		v = json_object_get(type_times, type);
		json_object_set_new(type_times, type,
				    json_real((v ? json_real_value(v) : 0) +
					      json_real_value(json_object_get(st, "evaluation_time"))));
		json_array_foreach(json_object_get(st, "events"), i, e) {
			const char *s = json_string_value(json_object_get(e, "status"));
			total_events++;
			v = json_object_get(event_counts, s);
			json_object_set_new(event_counts, s, json_integer(v ? json_integer_value(v) + 1 : 1));
		}
	}
	metric_add(json_object_get(res, "values"), "total", json_integer((json_int_t)json_object_size(statuses)));
	for (size_t i = 0; i < 8; i++)
		metric_add(json_object_get(res, "values"), resource_states[i], json_integer(counts[i]));
	json_object_foreach(type_times, key, v)
		metric_add(json_object_get(tm, "values"), key, json_incref(v));
	json_object_foreach(times, key, v) {
		metric_add(json_object_get(tm, "values"), key, json_incref(v));
		if (strcmp(key, "catalog_application") == 0 || strcmp(key, "config_retrieval") == 0)
			total += json_real_value(v);
	}
	metric_add(json_object_get(tm, "values"), "total", json_real(total));
	metric_add(json_object_get(ch, "values"), "total", json_integer(change_total));
	metric_add(json_object_get(ev, "values"), "total", json_integer(total_events));
	json_object_foreach(event_counts, key, v)
		metric_add(json_object_get(ev, "values"), key, json_incref(v));
	json_object_set_new(report, "metrics",
			    json_pack("{s:o s:o s:o s:o}", "resources", res, "time", tm, "changes", ch,
				      "events", ev));
	json_decref(type_times);
	json_decref(event_counts);
	*changes = change_total;
	*failed = counts[1] + counts[2];
}

void cm_report_finish(json_t *report, json_t *times, bool completed)
{
	long changes = 0, failed = 0;
	bool noop_pending = false;
	const char *key;
	json_t *st;

	report_metrics(report, times, &changes, &failed);
	json_object_foreach(json_object_get(report, "resource_statuses"), key, st) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(st, "events"), i, e)
			if (strcmp(json_string_value(json_object_get(e, "status")), "noop") == 0)
				noop_pending = true;
	}
	/* "restarted" feeds the metric only: Puppet's status JSON has no such field */
	json_object_foreach(json_object_get(report, "resource_statuses"), key, st)
		json_object_del(st, "restarted");
	json_decref(times);
	json_object_set_new(report, "transaction_completed", json_boolean(completed));
	json_object_set_new(report, "noop_pending", json_boolean(noop_pending));
	json_object_set_new(report, "status",
			    json_string(!completed || failed > 0 ? "failed"
					: changes > 0		 ? "changed"
								 : "unchanged"));
}

int cm_report_write(const json_t *report, const char *path, struct err *e)
{
	char *dir = strdup(path), *slash;

	if (dir && (slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		char *with_slash = NULL;
		if (asprintf(&with_slash, "%s/", dir) >= 0)
			cm_mkdir_parents(with_slash, 0755);
		free(with_slash);
	}
	free(dir);
	if (json_dump_file(report, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		err_setf(e, "CM_REPORT_FAILED", "Could not write report %s", path);
		return -1;
	}
	return 0;
}
