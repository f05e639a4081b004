/*
 * Puppet's report, format 12: the report object, resource statuses, logs and
 * the metrics computed from the statuses exactly as Puppet's
 * Transaction::Report does (resources, time, changes, events).
 */
#ifndef OVCP_CM_REPORT_H
#define OVCP_CM_REPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "cm/catalog/catalog.h"

/* "2026-11-26T09:42:07.665940037+00:00" for now, in a new json string. */
json_t *cm_report_time_now(void);
double cm_report_clock(void); /* monotonic seconds */
/* A new report skeleton for CATALOG (may be NULL when it did not load). */
json_t *cm_report_new(const json_t *catalog, bool noop);
/* A new resource status for R with its containment path. */
json_t *cm_report_status_new(const struct cm_resource *r, json_t *containment_path);
/* Append a log entry to LOGS and print it unless QUIET. SOURCE "Puppet" prints bare. TAGS borrowed, may be NULL. */
void cm_report_log(json_t *logs, bool quiet, const char *level, const char *source, json_t *tags,
		   const char *message);
/* Compute metrics and status; TIMES (stolen) holds external times (transaction_evaluation...). */
void cm_report_finish(json_t *report, json_t *times, bool completed);

#endif
