/*
 * Round-robin archives, as xcp-rrdd keeps them: a fixed amount of memory
 * per data source, whatever the uptime.
 *
 * Every RRD_STEP seconds each data source gets one primary value (a gauge
 * as given; a counter as its rate per second since the previous sample,
 * unknown after a reset or a gap). Each archive consolidates pdp_per_row
 * primary values into one row with its function (AVERAGE, MIN, MAX) and
 * keeps its last `rows` rows in a ring; a row with more than half of its
 * primary values unknown is unknown (NaN). Missing steps become unknown
 * rows, so row times stay a regular grid: row k of an archive ends at
 * last_time - k * interval.
 *
 * Pure code: time is passed in, nothing is read or written outside; the
 * JSON form (rrd_to_json/rrd_from_json) is what ovcpd persists to
 * STATE/rrd/<uuid>.json. Not thread-safe: the owner locks.
 */
#ifndef OVCP_METRICS_RRD_H
#define OVCP_METRICS_RRD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RRD_STEP 5
#define RRD_DS_NAME 64

enum rrd_cf { RRD_AVERAGE, RRD_MIN, RRD_MAX };
enum rrd_ds_type { RRD_GAUGE, RRD_COUNTER };

/* The archive layout, one row per archive of every data source. */
struct rrd_archive_def {
	enum rrd_cf cf;
	unsigned pdp_per_row;
	unsigned rows;
};
extern const struct rrd_archive_def rrd_archive_defs[];
extern const size_t rrd_archive_count;

struct rrd_series {
	time_t last_time; /* end of the newest row; 0: none yet */
	unsigned head;    /* index of the newest row */
	unsigned filled;
	double *values; /* rows */
	/* the row being consolidated */
	time_t acc_end;
	unsigned acc_total, acc_known;
	double acc_sum, acc_min, acc_max;
};

struct rrd_ds {
	char name[RRD_DS_NAME];
	enum rrd_ds_type type;
	bool have_raw;
	double last_raw;
	time_t last_raw_time;
	double last_value; /* the newest primary value (NaN if unknown) */
	struct rrd_series *series; /* rrd_archive_count */
};

struct rrd {
	struct rrd_ds *ds;
	size_t nds, cap;
	time_t last_update;
};

struct rrd *rrd_new(void);
void rrd_free(struct rrd *r);

/* One sample of one data source for rrd_update. */
struct rrd_sample {
	const char *name;
	enum rrd_ds_type type;
	double value;
};

/*
 * Record the samples taken at time t (seconds; rounded down to the step).
 * A data source seen for the first time is added; one not in this update
 * gets an unknown value. An update at or before the last one is ignored. 0/-1.
 */
int rrd_update(struct rrd *r, time_t t, const struct rrd_sample *samples, size_t n);

/* The data source called name, or NULL. */
const struct rrd_ds *rrd_ds_find(const struct rrd *r, const char *name);

/*
 * The archive of cf to read for rows after `start` at `interval` seconds or
 * coarser, as xcp-rrdd picks it: the finest whose interval is at least the
 * one asked for and whose span reaches back to start; else the coarsest.
 * Returns its index in rrd_archive_defs, or -1 if cf has none.
 */
int rrd_archive_pick(enum rrd_cf cf, time_t start, unsigned interval, time_t now);
/* An archive's interval in seconds. */
unsigned rrd_archive_interval(int archive);
/* The value of a data source's archive row ending at t (NaN when unknown or not kept). */
double rrd_value_at(const struct rrd_ds *ds, int archive, time_t t);
/* The end of the newest row of an archive over every data source (0: none). */
time_t rrd_last_row_time(const struct rrd *r, int archive);

/* "AVERAGE" / "MIN" / "MAX"; parse returns -1 for anything else. */
const char *rrd_cf_name(enum rrd_cf cf);
int rrd_cf_parse(const char *name, enum rrd_cf *cf);

/* Persisted form (NaN as null). from_json: NULL if the JSON is not an RRD of this layout. */
json_t *rrd_to_json(const struct rrd *r);
struct rrd *rrd_from_json(const json_t *j);

#endif
