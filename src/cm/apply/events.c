/*
 * Recording changes and logs for the resource being evaluated: event shapes,
 * Puppet's value formatting ('string', 1001, ['a', 'b']) and event names
 * (file_created, service_started, mode_changed...).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm/apply/report.h"
#include "cm/providers/provider.h"

/* Puppet's %#p display of a value, into a new string. */
static char *value_display(const json_t *v)
{
	char *out = NULL;

	if (json_is_string(v)) {
		if (asprintf(&out, "'%s'", json_string_value(v)) < 0)
			return NULL;
		return out;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		out = strdup("[");
		json_array_foreach(v, i, x) {
			char *one = value_display(x), *more = NULL;
			if (asprintf(&more, "%s%s%s", out, i ? ", " : "", one ? one : "") < 0)
				more = NULL;
			free(one);
			free(out);
			out = more;
			if (out == NULL)
				return NULL;
		}
		char *closed = NULL;
		if (asprintf(&closed, "%s]", out) < 0)
			closed = NULL;
		free(out);
		return closed;
	}
	return json_dumps(v, JSON_ENCODE_ANY);
}

static const struct {
	const char *type, *value, *name;
} ensure_events[] = {
	{"File", "file", "file_created"},	 {"File", "directory", "directory_created"},
	{"File", "link", "link_created"},	 {"Service", "running", "service_started"},
	{"Service", "stopped", "service_stopped"}, {"Package", "purged", "package_purged"},
	{"Package", "absent", "package_removed"},  {"Exec", NULL, "executed_command"},
};

static json_t *event_name(const struct cm_resource *r, const char *property, const json_t *desired)
{
	const char *want = json_string_value(desired);
	char buf[128];

	if (strcmp(property, "ensure") != 0 && strcmp(property, "returns") != 0) {
		snprintf(buf, sizeof(buf), "%s_changed", property);
		return json_string(buf);
	}
	for (size_t i = 0; i < sizeof(ensure_events) / sizeof(ensure_events[0]); i++)
		if (strcmp(ensure_events[i].type, r->type) == 0 &&
		    (ensure_events[i].value == NULL || (want && strcmp(ensure_events[i].value, want) == 0)))
			return json_string(ensure_events[i].name);
	snprintf(buf, sizeof(buf), "%s_%s", r->type,
		 want && strcmp(want, "absent") == 0 ? "removed"
		 : want && strcmp(want, "present") == 0 ? "created"
		 : strcmp(r->type, "Package") == 0	 ? "installed"
							 : "changed");
	for (char *p = buf; *p && *p != '_'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return json_string(buf);
}

bool cm_change(struct cm_res_ctx *c, const char *property, json_t *prev, json_t *desired, const char *fmt,
	       ...)
{
	char *msg = NULL;
	va_list ap;
	json_t *ev;

	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
	} else {
		char *is = value_display(prev), *should = value_display(desired);
		if (json_is_string(prev) && strcmp(json_string_value(prev), "absent") == 0) {
			if (asprintf(&msg, "defined '%s' as %s", property, should) < 0)
				msg = NULL;
		} else if (asprintf(&msg, "%s changed %s to %s", property, is, should) < 0)
			msg = NULL;
		free(is);
		free(should);
	}
	if (c->noop) {
		char *is = value_display(prev), *should = value_display(desired);
		free(msg);
		if (asprintf(&msg, "current_value %s, should be %s (noop)", is, should) < 0)
			msg = NULL;
		free(is);
		free(should);
	}
	ev = json_pack("{s:b s:s s:o s:o s:n s:s s:o s:s s:o s:n s:b}", "audited", false, "property",
		       property, "previous_value", prev, "desired_value", desired, "historical_value",
		       "message", msg ? msg : "", "name", event_name(c->res, property, desired), "status",
		       c->noop ? "noop" : "success", "time", cm_report_time_now(), "redacted",
		       "corrective_change", false);
	json_array_append_new(c->events, ev);
	cm_log(c, "notice", property, "%s", msg ? msg : "");
	free(msg);
	return !c->noop;
}

void cm_log(struct cm_res_ctx *c, const char *level, const char *property, const char *fmt, ...)
{
	char *msg = NULL, *source = NULL;
	va_list ap;

	if (!c->opt->debug && (strcmp(level, "debug") == 0 || strcmp(level, "info") == 0))
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (asprintf(&source, "%s%s%s", c->path, property ? "/" : "", property ? property : "") < 0)
		source = NULL;
	if (msg && source)
		cm_report_log(c->logs, c->opt->quiet, level, source, c->tags, msg);
	free(msg);
	free(source);
}

void cm_log_plain(json_t *logs, bool quiet, const char *level, const char *source, json_t *tags,
		  const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		cm_report_log(logs, quiet, level, source, tags, msg);
	free(msg);
}
