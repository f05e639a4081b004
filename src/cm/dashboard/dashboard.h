/*
 * The master's dashboard: server-rendered HTML (a small inline stylesheet,
 * no JavaScript) from the report store's summaries. Pure functions of their
 * inputs and "now", so the pages are pinned by unit tests.
 *
 * A node's state is that of its latest report (unchanged / changed /
 * failed), or "unresponsive" when that report is older than
 * unresponsive_after seconds (runinterval x missed runs).
 */
#ifndef OVCP_CM_DASHBOARD_H
#define OVCP_CM_DASHBOARD_H

#include <jansson.h>

#include "cm/reports/reports.h"
#include "common/buf.h"

/* "unchanged", "changed", "failed" or "unresponsive". */
const char *cm_dashboard_state(const struct cm_report_summary *latest, double now, double unresponsive_after);
void cm_dashboard_overview(const struct cm_report_summary *latest, size_t n, double now, double unresponsive_after,
                           struct buf *out);
/* RUNS newest first; REPORTS[i] the JSON of RUNS[i] or NULL (events are shown for those given). */
void cm_dashboard_node(const char *host, const struct cm_report_summary *runs, json_t *const *reports, size_t n,
                       double now, double unresponsive_after, struct buf *out);
/* Run times (oldest to newest) as an inline SVG line chart. */
void cm_dashboard_chart(const struct cm_report_summary *runs_newest_first, size_t n, struct buf *out);
void cm_html_escape(struct buf *out, const char *s);

#endif
