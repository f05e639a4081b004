/*
 * The summary of a Puppet report (format 10-12): status, counts from
 * metrics.resources, run time from metrics.time "total", identity fields.
 * Pure; a missing field leaves its default (0 / "").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cm/reports/reports.h"

double cm_report_time_parse(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	struct tm tm = {0};
	double frac = 0;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.') {
		double scale = 0.1;
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	double t = (double)timegm(&tm) + frac;
	int oh, om;
	if (*s == 'Z' || *s == '\0')
		return t;
	if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d", &oh, &om) == 2)
		return t - (*s == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
	return -1;
}

static void copy_str(char *dst, size_t len, const json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(dst, len, "%lld", (long long)json_integer_value(v));
}

static double metric(const json_t *report, const char *group, const char *name)
{
	const json_t *values = json_object_get(json_object_get(json_object_get(report, "metrics"), group), "values");
	size_t i;
	json_t *row;

	json_array_foreach(values, i, row) {
		const char *k = json_string_value(json_array_get(row, 0));
		if (k && strcmp(k, name) == 0)
			return json_number_value(json_array_get(row, 2));
	}
	return 0;
}

int cm_report_summarize(const json_t *report, struct cm_report_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (!json_is_object(report))
		return -1;
	copy_str(s->host, sizeof(s->host), json_object_get(report, "host"));
	copy_str(s->status, sizeof(s->status), json_object_get(report, "status"));
	copy_str(s->environment, sizeof(s->environment), json_object_get(report, "environment"));
	copy_str(s->configuration_version, sizeof(s->configuration_version),
	         json_object_get(report, "configuration_version"));
	copy_str(s->transaction_uuid, sizeof(s->transaction_uuid), json_object_get(report, "transaction_uuid"));
	copy_str(s->puppet_version, sizeof(s->puppet_version), json_object_get(report, "puppet_version"));
	s->time = cm_report_time_parse(json_string_value(json_object_get(report, "time")));
	s->noop = json_is_true(json_object_get(report, "noop"));
	s->total = (long)metric(report, "resources", "total");
	s->changed = (long)metric(report, "resources", "changed");
	s->failed = (long)(metric(report, "resources", "failed") + metric(report, "resources", "failed_to_restart"));
	s->out_of_sync = (long)metric(report, "resources", "out_of_sync");
	s->skipped = (long)metric(report, "resources", "skipped");
	s->corrective = (long)metric(report, "resources", "corrective_change");
	s->run_time = metric(report, "time", "total");
	if (s->host[0] == '\0' || s->status[0] == '\0')
		return -1;
	return 0;
}
