/*
 * Round-robin archives (src/metrics/rrd.c): rates from counters,
 * consolidation, gaps, ring wrap-around, archive choice, persistence.
 */
#include <math.h>
#include <stdlib.h>

#include "metrics/rrd.h"
#include "tap.h"

#define T0 1700000000 /* any time: base() rounds it down to a day, a row boundary of every archive */

static time_t base(void)
{
	return (time_t)T0 - (time_t)T0 % 86400; /* a day boundary: every archive's row boundary */
}

static void test_gauge_and_counter_rates(void)
{
	struct rrd *r = rrd_new();
	time_t t = base();

	for (int i = 0; i <= 10; i++) {
		struct rrd_sample s[] = { { "mem", RRD_GAUGE, 100.0 + i }, { "bytes", RRD_COUNTER, 1000.0 * i } };
		CHECK(rrd_update(r, t + 5 * i, s, 2) == 0);
	}
	const struct rrd_ds *mem = rrd_ds_find(r, "mem"), *bytes = rrd_ds_find(r, "bytes");
	CHECK(mem && bytes);
	CHECK(rrd_value_at(mem, 0, t + 50) == 110.0);
	CHECK(rrd_value_at(mem, 0, t + 25) == 105.0);
	CHECK(rrd_value_at(bytes, 0, t + 50) == 200.0); /* 1000 bytes per 5 s */
	CHECK(isnan(rrd_value_at(bytes, 0, t)));        /* no rate for the first sample */
	CHECK(isnan(rrd_value_at(mem, 0, t + 55)));     /* not yet */
	CHECK(isnan(rrd_value_at(mem, 0, t + 52)));     /* not on the grid */
	/* a counter that goes back (a restart) gives an unknown, then rates again */
	struct rrd_sample reset[] = { { "bytes", RRD_COUNTER, 10 } };
	rrd_update(r, t + 55, reset, 1);
	reset[0].value = 510;
	rrd_update(r, t + 60, reset, 1);
	CHECK(isnan(rrd_value_at(bytes, 0, t + 55)));
	CHECK(rrd_value_at(bytes, 0, t + 60) == 100.0);
	CHECK(isnan(rrd_value_at(mem, 0, t + 60))); /* missing from the update: unknown */
	/* an update at or before the last is ignored */
	struct rrd_sample old[] = { { "mem", RRD_GAUGE, 1 } };
	CHECK(rrd_update(r, t + 30, old, 1) == 0);
	CHECK(rrd_value_at(mem, 0, t + 30) == 106.0);
	rrd_free(r);
}

static void test_consolidation_avg_min_max(void)
{
	struct rrd *r = rrd_new();
	time_t t = base();

	/* one minute row (12 steps) ending at t+60: values 1..12 */
	for (int i = 1; i <= 12; i++) {
		struct rrd_sample s[] = { { "g", RRD_GAUGE, (double)i } };
		rrd_update(r, t + 5 * i, s, 1);
	}
	const struct rrd_ds *g = rrd_ds_find(r, "g");
	int avg = rrd_archive_pick(RRD_AVERAGE, t, 60, t + 60), mn = rrd_archive_pick(RRD_MIN, t, 60, t + 60),
	    mx = rrd_archive_pick(RRD_MAX, t, 60, t + 60);
	CHECK(rrd_archive_interval(avg) == 60 && rrd_archive_interval(mn) == 60 && rrd_archive_interval(mx) == 60);
	CHECK(rrd_value_at(g, avg, t + 60) == 6.5);
	CHECK(rrd_value_at(g, mn, t + 60) == 1.0);
	CHECK(rrd_value_at(g, mx, t + 60) == 12.0);
	rrd_free(r);
}

static void test_gaps_become_unknown_rows(void)
{
	struct rrd *r = rrd_new();
	time_t t = base();
	struct rrd_sample s[] = { { "g", RRD_GAUGE, 7 } };

	rrd_update(r, t + 5, s, 1);
	rrd_update(r, t + 100, s, 1); /* 18 steps missed */
	const struct rrd_ds *g = rrd_ds_find(r, "g");
	CHECK(rrd_value_at(g, 0, t + 5) == 7);
	CHECK(isnan(rrd_value_at(g, 0, t + 50)));
	CHECK(rrd_value_at(g, 0, t + 100) == 7);
	/* the minute rows: the first had one known value of 12 (unknown, xff 0.5) */
	CHECK(isnan(rrd_value_at(g, 1, t + 60)));
	rrd_free(r);
}

static void test_fixed_size_ring(void)
{
	struct rrd *r = rrd_new();
	time_t t = base();

	for (int i = 1; i <= 1000; i++) {
		struct rrd_sample s[] = { { "g", RRD_GAUGE, (double)i } };
		rrd_update(r, t + 5 * i, s, 1);
	}
	const struct rrd_ds *g = rrd_ds_find(r, "g");
	CHECK(g->series[0].filled == 120);
	CHECK(rrd_value_at(g, 0, t + 5000) == 1000);
	CHECK(rrd_value_at(g, 0, t + 5000 - 119 * 5) == 881);
	CHECK(isnan(rrd_value_at(g, 0, t + 5000 - 120 * 5))); /* dropped off the ring */
	rrd_free(r);
}

static void test_archive_pick(void)
{
	time_t now = base() + 86400 * 10;

	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_AVERAGE, now - 300, 5, now)) == 5);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_AVERAGE, now - 3600, 5, now)) == 60);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_AVERAGE, now - 300, 60, now)) == 60);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_AVERAGE, now - 86400, 5, now)) == 3600);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_MAX, now - 86400 * 30, 5, now)) == 86400);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_AVERAGE, 0, 5, now)) == 86400);
	CHECK(rrd_archive_interval(rrd_archive_pick(RRD_MIN, now - 10, 5, now)) == 60); /* no 5 s MIN */
}

static void test_persistence_roundtrip(void)
{
	struct rrd *r = rrd_new();
	time_t t = base();

	for (int i = 1; i <= 300; i++) {
		struct rrd_sample s[] = { { "g", RRD_GAUGE, (double)(i % 17) }, { "c", RRD_COUNTER, 10.0 * i * i } };
		rrd_update(r, t + 5 * i, s, 2);
	}
	json_t *j = rrd_to_json(r);
	char *text = json_dumps(j, JSON_COMPACT);
	json_t *back = json_loads(text, 0, NULL);
	struct rrd *r2 = rrd_from_json(back);
	CHECK(r2 != NULL);
	if (r2) {
		bool same = true;
		for (size_t d = 0; d < r->nds; d++)
			for (int a = 0; a < (int)rrd_archive_count; a++)
				for (time_t x = t; x <= t + 1500; x += 5) {
					double v1 = rrd_value_at(&r->ds[d], a, x), v2 = rrd_value_at(&r2->ds[d], a, x);
					same &= (isnan(v1) && isnan(v2)) || v1 == v2;
				}
		CHECK(same);
		/* and it goes on where it stopped: the counter's rate continues */
		struct rrd_sample s[] = { { "g", RRD_GAUGE, 1 }, { "c", RRD_COUNTER, 10.0 * 301 * 301 } };
		rrd_update(r2, t + 5 * 301, s, 2);
		CHECK(rrd_value_at(rrd_ds_find(r2, "c"), 0, t + 1505) == 10.0 * (301 * 301 - 300 * 300) / 5);
	}
	json_t *bad = json_pack("{s:i}", "version", 99);
	CHECK(rrd_from_json(bad) == NULL);
	json_decref(bad);
	rrd_free(r2);
	free(text);
	json_decref(back);
	json_decref(j);
	rrd_free(r);
}

int main(void)
{
	TAP_RUN(test_gauge_and_counter_rates);
	TAP_RUN(test_consolidation_avg_min_max);
	TAP_RUN(test_gaps_become_unknown_rows);
	TAP_RUN(test_fixed_size_ring);
	TAP_RUN(test_archive_pick);
	TAP_RUN(test_persistence_roundtrip);
	return tap_done();
}
