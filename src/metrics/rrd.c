/*
 * Round-robin archives (see rrd.h for the model and its invariants).
 */
#include "metrics/rrd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10 minutes at 5 s, 2 hours at 1 min, 1 week at 1 h, 1 year at 1 day: xcp-rrdd's resolutions. */
const struct rrd_archive_def rrd_archive_defs[] = {
	{ RRD_AVERAGE, 1, 120 },
	{ RRD_AVERAGE, 12, 120 },    { RRD_MIN, 12, 120 },    { RRD_MAX, 12, 120 },
	{ RRD_AVERAGE, 720, 168 },   { RRD_MIN, 720, 168 },   { RRD_MAX, 720, 168 },
	{ RRD_AVERAGE, 17280, 366 }, { RRD_MIN, 17280, 366 }, { RRD_MAX, 17280, 366 },
};
const size_t rrd_archive_count = sizeof(rrd_archive_defs) / sizeof(rrd_archive_defs[0]);

static const char *const cf_names[] = { "AVERAGE", "MIN", "MAX" };

const char *rrd_cf_name(enum rrd_cf cf)
{
	return cf_names[cf];
}

int rrd_cf_parse(const char *name, enum rrd_cf *cf)
{
	for (size_t i = 0; i < 3; i++)
		if (name && strcmp(name, cf_names[i]) == 0) {
			*cf = (enum rrd_cf)i;
			return 0;
		}
	return -1;
}

unsigned rrd_archive_interval(int archive)
{
	return RRD_STEP * rrd_archive_defs[archive].pdp_per_row;
}

struct rrd *rrd_new(void)
{
	return calloc(1, sizeof(struct rrd));
}

static void ds_clear(struct rrd_ds *d)
{
	for (size_t a = 0; d->series && a < rrd_archive_count; a++)
		free(d->series[a].values);
	free(d->series);
}

void rrd_free(struct rrd *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nds; i++)
		ds_clear(&r->ds[i]);
	free(r->ds);
	free(r);
}

static void acc_reset(struct rrd_series *s)
{
	s->acc_total = s->acc_known = 0;
	s->acc_sum = 0;
	s->acc_min = INFINITY;
	s->acc_max = -INFINITY;
}

static struct rrd_ds *ds_add(struct rrd *r, const char *name, enum rrd_ds_type type)
{
	if (r->nds == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct rrd_ds *ds = realloc(r->ds, cap * sizeof(*ds));
		if (ds == NULL)
			return NULL;
		r->ds = ds;
		r->cap = cap;
	}
	struct rrd_ds *d = &r->ds[r->nds];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->type = type;
	d->last_value = NAN;
	d->series = calloc(rrd_archive_count, sizeof(*d->series));
	if (d->series == NULL)
		return NULL;
	for (size_t a = 0; a < rrd_archive_count; a++) {
		d->series[a].values = malloc(rrd_archive_defs[a].rows * sizeof(double));
		if (d->series[a].values == NULL) {
			ds_clear(d);
			return NULL;
		}
		for (unsigned i = 0; i < rrd_archive_defs[a].rows; i++)
			d->series[a].values[i] = NAN;
		acc_reset(&d->series[a]);
	}
	r->nds++;
	return d;
}

const struct rrd_ds *rrd_ds_find(const struct rrd *r, const char *name)
{
	for (size_t i = 0; i < r->nds; i++)
		if (strcmp(r->ds[i].name, name) == 0)
			return &r->ds[i];
	return NULL;
}

/* Append a row ending at t; the steps skipped since the last row become unknown rows. */
static void series_push(struct rrd_series *s, const struct rrd_archive_def *def, time_t t, double v)
{
	time_t interval = (time_t)RRD_STEP * def->pdp_per_row;

	if (s->filled > 0 && t <= s->last_time)
		return;
	if (s->filled > 0) {
		time_t gap = (t - s->last_time) / interval - 1;
		for (time_t i = 0; i < gap && i < (time_t)def->rows; i++) {
			s->head = (s->head + 1) % def->rows;
			s->values[s->head] = NAN;
		}
		s->filled += (unsigned)(gap < (time_t)def->rows ? gap : (time_t)def->rows);
	}
	s->head = s->filled > 0 ? (s->head + 1) % def->rows : 0;
	s->values[s->head] = v;
	s->filled = s->filled + 1 > def->rows ? def->rows : s->filled + 1;
	s->last_time = t;
}

static double consolidate(const struct rrd_series *s, const struct rrd_archive_def *def)
{
	if (s->acc_known * 2 < def->pdp_per_row || s->acc_known == 0)
		return NAN; /* xff 0.5: more than half unknown */
	switch (def->cf) {
	case RRD_MIN:
		return s->acc_min;
	case RRD_MAX:
		return s->acc_max;
	default:
		return s->acc_sum / s->acc_known;
	}
}

static void series_feed(struct rrd_series *s, const struct rrd_archive_def *def, time_t t, double v)
{
	time_t interval = (time_t)RRD_STEP * def->pdp_per_row;
	time_t end = ((t + interval - 1) / interval) * interval;

	if (s->acc_total > 0 && end != s->acc_end) {
		series_push(s, def, s->acc_end, consolidate(s, def));
		acc_reset(s);
	}
	s->acc_end = end;
	s->acc_total++;
	if (!isnan(v)) {
		s->acc_known++;
		s->acc_sum += v;
		if (v < s->acc_min)
			s->acc_min = v;
		if (v > s->acc_max)
			s->acc_max = v;
	}
	if (t == end) {
		series_push(s, def, end, consolidate(s, def));
		acc_reset(s);
	}
}

static double primary_value(struct rrd_ds *d, time_t t, const struct rrd_sample *smp)
{
	if (smp == NULL) {
		d->have_raw = false;
		return NAN;
	}
	if (d->type == RRD_GAUGE)
		return smp->value;
	double v = NAN;
	if (d->have_raw && t > d->last_raw_time && smp->value >= d->last_raw &&
	    t - d->last_raw_time <= 2 * RRD_STEP)
		v = (smp->value - d->last_raw) / (double)(t - d->last_raw_time);
	d->have_raw = !isnan(smp->value);
	d->last_raw = smp->value;
	d->last_raw_time = t;
	return v;
}

int rrd_update(struct rrd *r, time_t t, const struct rrd_sample *samples, size_t n)
{
	t -= t % RRD_STEP;
	if (r->last_update && t <= r->last_update)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (rrd_ds_find(r, samples[i].name) == NULL && ds_add(r, samples[i].name, samples[i].type) == NULL)
			return -1;
	for (size_t i = 0; i < r->nds; i++) {
		struct rrd_ds *d = &r->ds[i];
		const struct rrd_sample *smp = NULL;
		for (size_t k = 0; k < n && smp == NULL; k++)
			if (strcmp(samples[k].name, d->name) == 0)
				smp = &samples[k];
		double v = primary_value(d, t, smp);
		d->last_value = v;
		for (size_t a = 0; a < rrd_archive_count; a++)
			series_feed(&d->series[a], &rrd_archive_defs[a], t, v);
	}
	r->last_update = t;
	return 0;
}

int rrd_archive_pick(enum rrd_cf cf, time_t start, unsigned interval, time_t now)
{
	int last = -1;

	for (size_t a = 0; a < rrd_archive_count; a++) {
		const struct rrd_archive_def *def = &rrd_archive_defs[a];
		if (def->cf != cf)
			continue;
		last = (int)a;
		time_t span = (time_t)rrd_archive_interval((int)a) * def->rows;
		if (rrd_archive_interval((int)a) >= interval && now - span <= start)
			return (int)a;
	}
	return last;
}

double rrd_value_at(const struct rrd_ds *ds, int archive, time_t t)
{
	const struct rrd_series *s = &ds->series[archive];
	const struct rrd_archive_def *def = &rrd_archive_defs[archive];
	time_t interval = (time_t)rrd_archive_interval(archive);

	if (s->filled == 0 || t > s->last_time || (s->last_time - t) % interval != 0)
		return NAN;
	time_t back = (s->last_time - t) / interval;
	if (back >= (time_t)s->filled)
		return NAN;
	return s->values[(s->head + def->rows - (unsigned)back) % def->rows];
}

time_t rrd_last_row_time(const struct rrd *r, int archive)
{
	time_t last = 0;

	for (size_t i = 0; i < r->nds; i++)
		if (r->ds[i].series[archive].last_time > last)
			last = r->ds[i].series[archive].last_time;
	return last;
}

/* ---- persistence ---- */

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static double num_of(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

json_t *rrd_to_json(const struct rrd *r)
{
	json_t *dss = json_array();

	for (size_t i = 0; i < r->nds; i++) {
		const struct rrd_ds *d = &r->ds[i];
		json_t *series = json_array();
		for (size_t a = 0; a < rrd_archive_count; a++) {
			const struct rrd_series *s = &d->series[a];
			json_t *vals = json_array();
			/* oldest first, so the ring's position does not matter */
			for (unsigned k = s->filled; k-- > 0;)
				json_array_append_new(vals, num(s->values[(s->head + rrd_archive_defs[a].rows - k) %
									   rrd_archive_defs[a].rows]));
			json_array_append_new(series,
					      json_pack("{s:I, s:o, s:I, s:i, s:i, s:f, s:o, s:o}", "last_time",
							(json_int_t)s->last_time, "values", vals, "acc_end",
							(json_int_t)s->acc_end, "acc_total", (int)s->acc_total,
							"acc_known", (int)s->acc_known, "acc_sum", s->acc_sum,
							"acc_min", num(s->acc_min), "acc_max", num(s->acc_max)));
		}
		json_array_append_new(dss, json_pack("{s:s, s:s, s:b, s:o, s:I, s:o}", "name", d->name, "type",
						     d->type == RRD_COUNTER ? "counter" : "gauge", "have_raw",
						     d->have_raw, "last_raw", num(d->last_raw), "last_raw_time",
						     (json_int_t)d->last_raw_time, "series", series));
	}
	return json_pack("{s:i, s:i, s:I, s:o}", "version", 1, "step", RRD_STEP, "last_update",
			 (json_int_t)r->last_update, "ds", dss);
}

static int series_from_json(struct rrd_series *s, const struct rrd_archive_def *def, const json_t *j)
{
	const json_t *vals = json_object_get(j, "values");
	size_t n = json_array_size(vals);

	if (!json_is_array(vals) || n > def->rows)
		return -1;
	for (size_t k = 0; k < n; k++)
		s->values[k] = num_of(json_array_get(vals, k));
	s->filled = (unsigned)n;
	s->head = n > 0 ? (unsigned)n - 1 : 0;
	s->last_time = (time_t)json_integer_value(json_object_get(j, "last_time"));
	s->acc_end = (time_t)json_integer_value(json_object_get(j, "acc_end"));
	s->acc_total = (unsigned)json_integer_value(json_object_get(j, "acc_total"));
	s->acc_known = (unsigned)json_integer_value(json_object_get(j, "acc_known"));
	s->acc_sum = num_of(json_object_get(j, "acc_sum"));
	if (isnan(s->acc_sum))
		s->acc_sum = 0;
	s->acc_min = json_is_number(json_object_get(j, "acc_min")) ? num_of(json_object_get(j, "acc_min")) : INFINITY;
	s->acc_max = json_is_number(json_object_get(j, "acc_max")) ? num_of(json_object_get(j, "acc_max")) : -INFINITY;
	return 0;
}

struct rrd *rrd_from_json(const json_t *j)
{
	const json_t *dss = json_object_get(j, "ds");
	struct rrd *r;

	if (json_integer_value(json_object_get(j, "version")) != 1 ||
	    json_integer_value(json_object_get(j, "step")) != RRD_STEP || !json_is_array(dss))
		return NULL;
	r = rrd_new();
	if (r == NULL)
		return NULL;
	r->last_update = (time_t)json_integer_value(json_object_get(j, "last_update"));
	for (size_t i = 0; i < json_array_size(dss); i++) {
		const json_t *dj = json_array_get(dss, i);
		const char *name = json_string_value(json_object_get(dj, "name"));
		const char *type = json_string_value(json_object_get(dj, "type"));
		const json_t *series = json_object_get(dj, "series");
		if (name == NULL || type == NULL || json_array_size(series) != rrd_archive_count)
			goto bad;
		struct rrd_ds *d = ds_add(r, name, strcmp(type, "counter") == 0 ? RRD_COUNTER : RRD_GAUGE);
		if (d == NULL)
			goto bad;
		d->have_raw = json_is_true(json_object_get(dj, "have_raw"));
		d->last_raw = num_of(json_object_get(dj, "last_raw"));
		d->last_raw_time = (time_t)json_integer_value(json_object_get(dj, "last_raw_time"));
		for (size_t a = 0; a < rrd_archive_count; a++)
			if (series_from_json(&d->series[a], &rrd_archive_defs[a], json_array_get(series, a)) < 0)
				goto bad;
	}
	return r;
bad:
	rrd_free(r);
	return NULL;
}
