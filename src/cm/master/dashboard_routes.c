/*
 * GET /dashboard and /dashboard/node/NAME: the report store rendered by
 * src/cm/dashboard. Served on the plain loopback listener
 * (--dashboard-listen) to anyone who can reach it, and on the TLS port to
 * callers with a valid certificate of this CA.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cm/dashboard/dashboard.h"
#include "cm/master/routes.h"

#define NODE_RUNS 20
#define NODE_RUNS_WITH_EVENTS 5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double unresponsive_after(struct cm_master *m)
{
	return (double)m->opt.runinterval * (double)m->opt.unresponsive_runs;
}

static void reply_html(struct cm_req *q, struct buf *b)
{
	req_reply(q, 200, "text/html; charset=utf-8", b->data, b->len);
	buf_free(b);
}

void cm_route_dashboard(struct cm_req *q)
{
	struct cm_report_summary *latest = NULL;
	struct buf b = BUF_INIT;
	struct err e = {0};
	size_t n = 0;

	if (strcmp(q->rest, "") != 0 && strcmp(q->rest, "/") != 0) {
		req_reply_error(q, 404, "No page %s", q->path);
		return;
	}
	if (cm_reports_latest(q->m->reports, &latest, &n, &e) < 0) {
		req_reply_error(q, 500, "report store: %s", json_string_value(json_array_get(e.desc, 1)));
		err_clear(&e);
		return;
	}
	cm_dashboard_overview(latest, n, now_s(), unresponsive_after(q->m), &b);
	free(latest);
	reply_html(q, &b);
}

void cm_route_dashboard_node(struct cm_req *q)
{
	struct cm_report_summary *runs = NULL;
	json_t *reports[NODE_RUNS] = {0};
	struct buf b = BUF_INIT;
	struct err e = {0};
	size_t n = 0;

	if (cm_reports_host(q->m->reports, q->rest, NODE_RUNS, &runs, &n, &e) < 0) {
		req_reply_error(q, 500, "report store: %s", json_string_value(json_array_get(e.desc, 1)));
		err_clear(&e);
		return;
	}
	for (size_t i = 0; i < n && i < NODE_RUNS_WITH_EVENTS; i++)
		reports[i] = cm_reports_json(q->m->reports, runs[i].id);
	cm_dashboard_node(q->rest, runs, reports, n, now_s(), unresponsive_after(q->m), &b);
	for (size_t i = 0; i < n; i++)
		json_decref(reports[i]);
	free(runs);
	reply_html(q, &b);
}
