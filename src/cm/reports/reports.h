/*
 * The report store of the master: every report an agent sends, as its JSON
 * plus summary columns for the dashboard, in one SQLite file under vardir
 * (WAL, busy timeout), so that several masters on one host may share it.
 *
 * Invariants: a report row is written once and never changed; rows are
 * found by host and time; a report whose time cannot be read is stored at
 * the time it arrived.
 */
#ifndef OVCP_CM_REPORTS_H
#define OVCP_CM_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/err.h"

struct cm_reports;

struct cm_report_summary {
	int64_t id;
	char host[256];
	double time;               /* seconds since the epoch */
	char status[16];           /* changed, unchanged, failed */
	char environment[64];
	char configuration_version[64];
	char transaction_uuid[64];
	char puppet_version[32];
	long total, changed, failed, out_of_sync, skipped, corrective;
	double run_time;           /* metrics time.total */
	bool noop;
};

/* summary.c (pure) */
int cm_report_summarize(const json_t *report, struct cm_report_summary *s);
/* "2026-11-26T09:42:07.665940037+00:00" -> seconds since the epoch; -1 when malformed. */
double cm_report_time_parse(const char *s);

/* reports.c */
struct cm_reports *cm_reports_open(const char *path, struct err *e);
void cm_reports_close(struct cm_reports *r);
int cm_reports_add(struct cm_reports *r, const json_t *report, struct err *e);
/* The latest report of every host, by host name. *out malloc'ed. */
int cm_reports_latest(struct cm_reports *r, struct cm_report_summary **out, size_t *n, struct err *e);
/* HOST's last LIMIT reports, newest first. */
int cm_reports_host(struct cm_reports *r, const char *host, size_t limit, struct cm_report_summary **out, size_t *n,
                    struct err *e);
/* One report's JSON (new reference) or NULL. */
json_t *cm_reports_json(struct cm_reports *r, int64_t id);

#endif
