/*
 * ovcpd's metrics: what xcp-rrdd does for xapi.
 *
 * A sampler thread wakes on every RRD_STEP (5 s) boundary of the wall
 * clock, reads the host (/proc/stat, /proc/meminfo, /proc/loadavg) and each
 * VM running here (its QEMU's vCPU threads and process in /proc, and through
 * QMP: query-cpus-fast, query-blockstats, query-balloon, "info network" for
 * the taps, whose byte counts come from /sys/class/net), and
 *   - keeps the newest raw sample of each object for GET /metrics
 *     (Prometheus text format, counters as totals);
 *   - feeds one round-robin database per object (rrd.h), served by
 *     GET /rrd_updates in xcp-rrdd's JSON form and persisted to
 *     STATE/rrd/<uuid>.json when a VM stops running here and at stop, and
 *     read back when the object is next seen;
 *   - writes host_metrics (memory_total, live, last_updated) and
 *     VM_metrics (memory_actual, VCPUs_number, last_updated) when a value
 *     changed or METRICS_RECORD_REFRESH_S passed: each write is an event.
 * No lock is held across a QMP call or a store write: the thread samples
 * into locals, then swaps them in under the metrics lock.
 */
#ifndef OVCP_METRICS_METRICS_H
#define OVCP_METRICS_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "daemon/http_route.h"

struct xapi_server;

#define METRICS_RECORD_REFRESH_S 60

struct metrics_options {
	bool public_read; /* GET /metrics needs no session (ovcpd --metrics-public) */
	const char *state_dir; /* RRDs go to STATE/rrd */
};

/* Start the sampler; sets srv->metrics. 0 / -1 with e. */
int metrics_start(struct xapi_server *srv, const struct metrics_options *o, struct err *e);
/* Stop the sampler, persist every RRD, free; srv->metrics becomes NULL. NULL-safe. */
void metrics_stop(struct xapi_server *srv);
/* Take one sample now (tests, and the first sample at start). */
void metrics_sample_now(struct xapi_server *srv);

/* Stream routes (http_route.h). */
enum MHD_Result metrics_http_prometheus(struct http_call *call, const char *upload, size_t *upload_size);
enum MHD_Result metrics_http_rrd_updates(struct http_call *call, const char *upload, size_t *upload_size);

#endif
