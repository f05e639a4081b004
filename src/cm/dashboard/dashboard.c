/*
 * Dashboard pages (see dashboard.h): the overview of every node with the
 * counts per state, and a node's page with its last runs, the changed and
 * failed resources of each and their events, and a chart of run times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cm/dashboard/dashboard.h"

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
	"table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;"
	"text-align:left}th{background:#f4f4f4}.unchanged{color:#2a7d2a}.changed{color:#1f5fbf}"
	".failed{color:#c0392b;font-weight:bold}.unresponsive{color:#888;font-style:italic}"
	".tiles span{display:inline-block;margin-right:1.5em;font-size:1.2em}code{font-size:12px}"
	"svg{border:1px solid #ddd;background:#fafafa}";

void cm_html_escape(struct buf *out, const char *s)
{
	static const struct { char c; const char *entity; } entities[] = {
		{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"},
	};
	for (; s && *s; s++) {
		size_t i;
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
			if (*s == entities[i].c)
				break;
		if (i < sizeof(entities) / sizeof(entities[0]))
			buf_puts(out, entities[i].entity);
		else
			buf_putc(out, *s);
	}
}

/* Percent-encoding for a node name in a link (names are [a-z0-9._-] already). */
static void url_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-", c))
			buf_putc(out, (char)c);
		else
			buf_printf(out, "%%%02X", c);
	}
}

const char *cm_dashboard_state(const struct cm_report_summary *latest, double now, double unresponsive_after)
{
	if (now - latest->time > unresponsive_after)
		return "unresponsive";
	if (strcmp(latest->status, "failed") == 0 || latest->failed > 0)
		return "failed";
	if (strcmp(latest->status, "changed") == 0)
		return "changed";
	return "unchanged";
}

static void head(struct buf *out, const char *title)
{
	buf_puts(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	cm_html_escape(out, title);
	buf_printf(out, "</title><style>%s</style></head><body>\n", style);
}

static void time_text(struct buf *out, double t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&tt, &tm));
	buf_puts(out, s);
}

void cm_dashboard_overview(const struct cm_report_summary *latest, size_t n, double now, double unresponsive_after,
                           struct buf *out)
{
	static const char *const states[] = {"unchanged", "changed", "failed", "unresponsive"};
	size_t counts[4] = {0};

	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < 4; s++)
			if (strcmp(cm_dashboard_state(&latest[i], now, unresponsive_after), states[s]) == 0)
				counts[s]++;
	head(out, "ovcp-cm dashboard");
	buf_printf(out, "<h1>Nodes</h1>\n<p class=\"tiles\">");
	for (size_t s = 0; s < 4; s++)
		buf_printf(out, "<span class=\"%s\" id=\"count-%s\">%s: %zu</span>", states[s], states[s], states[s], counts[s]);
	buf_printf(out, "</p>\n<table>\n<tr><th>node</th><th>state</th><th>last run</th><th>environment</th>"
	                "<th>resources</th><th>changed</th><th>failed</th><th>run time (s)</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const char *state = cm_dashboard_state(&latest[i], now, unresponsive_after);
		buf_puts(out, "<tr><td><a href=\"/dashboard/node/");
		url_escape(out, latest[i].host);
		buf_puts(out, "\">");
		cm_html_escape(out, latest[i].host);
		buf_printf(out, "</a></td><td class=\"%s\" data-node-state=\"%s\">%s</td><td>", state, state, state);
		time_text(out, latest[i].time);
		buf_puts(out, "</td><td>");
		cm_html_escape(out, latest[i].environment);
		buf_printf(out, "</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%.2f</td></tr>\n", latest[i].total,
		           latest[i].changed, latest[i].failed, latest[i].run_time);
	}
	if (n == 0)
		buf_puts(out, "<tr><td colspan=\"8\">No reports yet.</td></tr>\n");
	buf_puts(out, "</table>\n</body></html>\n");
}

void cm_dashboard_chart(const struct cm_report_summary *runs, size_t n, struct buf *out)
{
	const int w = 600, h = 160, pad = 30;
	double max = 0;

	for (size_t i = 0; i < n; i++)
		max = runs[i].run_time > max ? runs[i].run_time : max;
	if (max <= 0)
		max = 1;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
	                "aria-label=\"run times\"><text x=\"4\" y=\"14\" font-size=\"11\">%.2f s</text>"
	                "<text x=\"4\" y=\"%d\" font-size=\"11\">0</text>",
	           w, h, max, h - 4);
	buf_puts(out, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"");
	for (size_t k = 0; k < n; k++) {
		const struct cm_report_summary *r = &runs[n - 1 - k]; /* oldest first, left to right */
		double x = pad + (n > 1 ? (double)k * (w - 2 * pad) / (double)(n - 1) : (w - 2 * pad) / 2.0);
		double y = h - pad / 2.0 - r->run_time / max * (h - pad);
		buf_printf(out, "%s%.1f,%.1f", k ? " " : "", x, y);
	}
	buf_puts(out, "\"/>");
	for (size_t k = 0; k < n; k++) {
		const struct cm_report_summary *r = &runs[n - 1 - k];
		double x = pad + (n > 1 ? (double)k * (w - 2 * pad) / (double)(n - 1) : (w - 2 * pad) / 2.0);
		double y = h - pad / 2.0 - r->run_time / max * (h - pad);
		buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%.3f s</title></circle>", x, y,
		           strcmp(r->status, "failed") == 0 ? "#c0392b" : "#1f5fbf", r->run_time);
	}
	buf_puts(out, "</svg>\n");
}

static void value_text(struct buf *out, const json_t *v)
{
	if (v == NULL || json_is_null(v))
		buf_puts(out, "");
	else if (json_is_string(v))
		cm_html_escape(out, json_string_value(v));
	else {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		cm_html_escape(out, t);
		free(t);
	}
}

/* The changed and failed resources of one report, with their events. */
static void run_events(struct buf *out, const json_t *report)
{
	const json_t *statuses = json_object_get(report, "resource_statuses");
	const char *title;
	json_t *rs;
	size_t shown = 0;

	json_object_foreach((json_t *)statuses, title, rs) {
		bool failed = json_is_true(json_object_get(rs, "failed"));
		bool changed = json_is_true(json_object_get(rs, "changed"));
		json_t *events = json_object_get(rs, "events"), *ev;
		size_t i;
		if (!failed && !changed)
			continue;
		if (shown++ == 0)
			buf_puts(out, "<table class=\"events\"><tr><th>resource</th><th>status</th><th>property</th>"
			              "<th>from</th><th>to</th><th>message</th></tr>\n");
		if (json_array_size(events) == 0) {
			buf_printf(out, "<tr><td>");
			cm_html_escape(out, title);
			buf_printf(out, "</td><td class=\"%s\">%s</td><td colspan=\"4\"></td></tr>\n", failed ? "failed" : "changed",
			           failed ? "failed" : "changed");
		}
		json_array_foreach(events, i, ev) {
			const char *st = json_string_value(json_object_get(ev, "status"));
			buf_puts(out, "<tr><td>");
			cm_html_escape(out, title);
			buf_printf(out, "</td><td class=\"%s\">", st && strcmp(st, "failure") == 0 ? "failed" : "changed");
			cm_html_escape(out, st);
			buf_puts(out, "</td><td>");
			value_text(out, json_object_get(ev, "property"));
			buf_puts(out, "</td><td><code>");
			value_text(out, json_object_get(ev, "previous_value"));
			buf_puts(out, "</code></td><td><code>");
			value_text(out, json_object_get(ev, "desired_value"));
			buf_puts(out, "</code></td><td>");
			value_text(out, json_object_get(ev, "message"));
			buf_puts(out, "</td></tr>\n");
		}
	}
	if (shown)
		buf_puts(out, "</table>\n");
	else
		buf_puts(out, "<p>No changed or failed resources.</p>\n");
}

void cm_dashboard_node(const char *host, const struct cm_report_summary *runs, json_t *const *reports, size_t n,
                       double now, double unresponsive_after, struct buf *out)
{
	head(out, host);
	buf_puts(out, "<p><a href=\"/dashboard\">&larr; all nodes</a></p>\n<h1>");
	cm_html_escape(out, host);
	buf_puts(out, "</h1>\n");
	if (n == 0) {
		buf_puts(out, "<p>No reports from this node.</p>\n</body></html>\n");
		return;
	}
	const char *state = cm_dashboard_state(&runs[0], now, unresponsive_after);
	buf_printf(out, "<p>State: <span class=\"%s\" data-node-state=\"%s\">%s</span></p>\n", state, state, state);
	buf_puts(out, "<h2>Run times</h2>\n");
	cm_dashboard_chart(runs, n, out);
	buf_puts(out, "<h2>Runs</h2>\n");
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "<h3 class=\"%s\">", runs[i].status);
		time_text(out, runs[i].time);
		buf_printf(out, " &mdash; %s, %ld resources, %ld changed, %ld failed, %.2f s", runs[i].status, runs[i].total,
		           runs[i].changed, runs[i].failed, runs[i].run_time);
		buf_puts(out, runs[i].noop ? " (noop)" : "");
		buf_puts(out, "</h3>\n<p>environment ");
		cm_html_escape(out, runs[i].environment);
		buf_puts(out, ", configuration version ");
		cm_html_escape(out, runs[i].configuration_version);
		buf_puts(out, ", Puppet ");
		cm_html_escape(out, runs[i].puppet_version);
		buf_puts(out, "</p>\n");
		if (reports && reports[i])
			run_events(out, reports[i]);
	}
	buf_puts(out, "</body></html>\n");
}
