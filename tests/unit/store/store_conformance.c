/*
 * The store's conformance suite: what every backend must do, written only
 * against store/store.h.
 *
 *   store_conformance [URL]      (or OVCP_STORE_URL=URL store_conformance)
 *
 * Without a URL it makes a fresh "sqlite:" store in a new temporary
 * directory and removes it at the end. Every key it writes starts with a
 * prefix unique to the run, so it can also run against a shared store; the
 * revision arithmetic assumes nobody else writes during the run. A caller
 * that gives the URL of a store it has just created, never written (as
 * with_etcd.py does), sets OVCP_STORE_FRESH=1 so the fresh-store checks run.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

static char url[4096];
static char tmpdir[2048]; /* non-empty: we made the store and remove it at the end */
static char prefix[64];
static bool fresh; /* the store was never written before this run */
static struct store *s;

/* prefix + name, in one of a few rotating buffers (single-threaded callers). */
static const char *K(const char *name)
{
	static char bufs[8][512];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s%s", prefix, name);
	return b;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* get -> the value (malloc'd) or NULL if absent; mod_rev optional. */
static char *get(const char *key, uint64_t *mod_rev)
{
	struct err e = {0};
	char *value = NULL;
	int rc = store_get(s, key, &value, mod_rev, &e);

	CHECK(rc >= 0);
	err_clear(&e);
	return rc == 1 ? value : NULL;
}

static uint64_t put(const char *key, const char *value)
{
	struct err e = {0};
	uint64_t rev = 0;

	CHECK_INT(store_put(s, key, value, STORE_EXPECT_ANY, &rev, &e), 0);
	err_clear(&e);
	return rev;
}

/* Collected events from store_changes. */
struct events {
	size_t n;
	struct {
		uint64_t rev;
		enum store_event_kind kind;
		bool created;
		char key[256];
		char *value;
	} ev[64];
};

static int events_add(const struct store_event *ev, void *arg)
{
	struct events *evs = arg;

	if (evs->n < sizeof(evs->ev) / sizeof(evs->ev[0])) {
		evs->ev[evs->n].rev = ev->rev;
		evs->ev[evs->n].kind = ev->kind;
		evs->ev[evs->n].created = ev->created;
		snprintf(evs->ev[evs->n].key, sizeof(evs->ev[0].key), "%s", ev->key);
		evs->ev[evs->n].value = strdup(ev->value);
	}
	evs->n++;
	return 0;
}

static void events_free(struct events *evs)
{
	for (size_t i = 0; i < evs->n && i < sizeof(evs->ev) / sizeof(evs->ev[0]); i++)
		free(evs->ev[i].value);
	evs->n = 0;
}

static int changes(uint64_t after, const char *pfx, size_t max, struct events *evs, uint64_t *upto)
{
	struct err e = {0};
	int rc;

	evs->n = 0;
	rc = store_changes(s, after, pfx, max, events_add, evs, upto, &e);
	err_clear(&e);
	return rc;
}

/* ---- tests ---- */

static void test_open_bad_url(void)
{
	struct err e = {0};

	CHECK(store_open("nosuchscheme:x", &e) == NULL);
	CHECK(err_isset(&e));
	err_clear(&e);
	CHECK(store_open("no-colon-at-all", &e) == NULL);
	CHECK(err_isset(&e));
	err_clear(&e);
}

static void test_fresh_store(void)
{
	if (!fresh) {
		TAP_SKIP("store given by the caller, maybe not fresh (OVCP_STORE_FRESH unset)");
		return;
	}
	CHECK_INT(store_revision(s), 0);
	CHECK_INT(store_first_revision(s), 1);
	CHECK_INT(store_count(s, "", NULL), 0);
}

static void test_put_get_delete(void)
{
	struct err e = {0};
	uint64_t r0 = store_revision(s), r1, r2, r3 = 0, mod = 0;
	char *v;

	CHECK(get(K("pgd"), NULL) == NULL);
	r1 = put(K("pgd"), "one");
	CHECK_INT(r1, r0 + 1);
	v = get(K("pgd"), &mod);
	CHECK_STR(v, "one");
	CHECK_INT(mod, r1);
	free(v);
	r2 = put(K("pgd"), "two");
	CHECK_INT(r2, r1 + 1);
	v = get(K("pgd"), &mod);
	CHECK_STR(v, "two");
	CHECK_INT(mod, r2);
	free(v);
	CHECK_INT(store_delete(s, K("pgd"), STORE_EXPECT_ANY, &r3, &e), 0);
	CHECK_INT(r3, r2 + 1);
	CHECK(get(K("pgd"), NULL) == NULL);
	CHECK_INT(store_revision(s), r3);
	err_clear(&e);
}

static void test_noop_delete(void)
{
	struct err e = {0};
	uint64_t r0 = store_revision(s), rev = 0;
	struct events evs;

	CHECK_INT(store_delete(s, K("never-existed"), STORE_EXPECT_ANY, &rev, &e), 0);
	CHECK_INT(rev, r0);
	CHECK_INT(store_revision(s), r0);
	CHECK_INT(changes(r0, K("never-existed"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 0);
	err_clear(&e);
}

static void test_txn_shared_revision(void)
{
	struct err e = {0};
	uint64_t r0 = store_revision(s), rev = 0, m1 = 0, m2 = 0, m3 = 0;
	struct store_op ops[] = {
	    {STORE_OP_PUT, K("txn/a"), "A", STORE_EXPECT_ANY, 0},
	    {STORE_OP_PUT, K("txn/b"), "B", STORE_EXPECT_ABSENT, 0},
	    {STORE_OP_PUT, K("txn/c"), "C", STORE_EXPECT_ANY, 0},
	};
	struct events evs;

	CHECK_INT(store_txn(s, ops, 3, &rev, NULL, &e), 0);
	CHECK_INT(rev, r0 + 1);
	free(get(K("txn/a"), &m1));
	free(get(K("txn/b"), &m2));
	free(get(K("txn/c"), &m3));
	CHECK_INT(m1, rev);
	CHECK_INT(m2, rev);
	CHECK_INT(m3, rev);
	CHECK_INT(changes(r0, K("txn/"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 3);
	for (size_t i = 0; i < evs.n && i < 3; i++) {
		CHECK_INT(evs.ev[i].rev, rev);
		CHECK(evs.ev[i].kind == STORE_EVENT_PUT && evs.ev[i].created);
	}
	events_free(&evs);
	err_clear(&e);
}

static void test_cas(void)
{
	struct err e = {0};
	uint64_t r1 = 0, r2 = 0, mod = 0;
	size_t failed = 99;
	struct store_op op = {STORE_OP_PUT, K("cas"), "v1", STORE_EXPECT_ABSENT, 0};
	char *v;

	CHECK_INT(store_txn(s, &op, 1, &r1, &failed, &e), 0);
	op.value = "v2";
	CHECK_INT(store_txn(s, &op, 1, NULL, &failed, &e), 1); /* exists already */
	CHECK_INT(failed, 0);
	CHECK_INT(store_put(s, K("cas"), "v2", (int64_t)r1, &r2, &e), 0);
	CHECK_INT(r2, r1 + 1);
	CHECK_INT(store_put(s, K("cas"), "v3", (int64_t)r1, NULL, &e), 1); /* stale */
	CHECK_INT(store_delete(s, K("cas"), (int64_t)r1, NULL, &e), 1);	   /* stale */
	v = get(K("cas"), &mod);
	CHECK_STR(v, "v2");
	CHECK_INT(mod, r2);
	free(v);
	CHECK_INT(store_put(s, K("cas-absent"), "x", 12345, NULL, &e), 1); /* a mod_rev on a missing key */
	CHECK(get(K("cas-absent"), NULL) == NULL);
	CHECK_INT(store_delete(s, K("cas"), (int64_t)r2, NULL, &e), 0);
	CHECK(get(K("cas"), NULL) == NULL);
	err_clear(&e);
}

static void test_txn_conflict_applies_nothing(void)
{
	struct err e = {0};
	uint64_t r0, rx = put(K("conf/x"), "x0"), ry = put(K("conf/y"), "y0"), rev = 0;
	size_t failed = 99;
	struct store_op ops[] = {
	    {STORE_OP_PUT, K("conf/x"), "x1", (int64_t)rx, 0},
	    {STORE_OP_DELETE, K("conf/new"), NULL, STORE_EXPECT_ANY, 0},
	    {STORE_OP_PUT, K("conf/y"), "y1", (int64_t)rx, 0}, /* stale: y is at ry */
	    {STORE_OP_PUT, K("conf/z"), "z1", STORE_EXPECT_ABSENT, 0},
	};
	struct events evs;
	char *v;

	CHECK(ry == rx + 1);
	r0 = store_revision(s);
	CHECK_INT(store_txn(s, ops, 4, &rev, &failed, &e), 1);
	CHECK_INT(failed, 2);
	CHECK_INT(store_revision(s), r0);
	v = get(K("conf/x"), NULL);
	CHECK_STR(v, "x0");
	free(v);
	CHECK(get(K("conf/z"), NULL) == NULL);
	CHECK_INT(changes(r0, K("conf/"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 0);
	err_clear(&e);
}

static void test_txn_duplicate_key(void)
{
	struct err e = {0};
	uint64_t r0 = store_revision(s);
	struct store_op ops[] = {
	    {STORE_OP_PUT, K("dup"), "1", STORE_EXPECT_ANY, 0},
	    {STORE_OP_DELETE, K("dup"), NULL, STORE_EXPECT_ANY, 0},
	};

	CHECK_INT(store_txn(s, ops, 2, NULL, NULL, &e), -1);
	CHECK(err_isset(&e));
	CHECK_INT(store_revision(s), r0);
	CHECK(get(K("dup"), NULL) == NULL);
	err_clear(&e);
}

struct listed {
	size_t n, stop_after;
	char keys[32][256];
	uint64_t mod_rev[32], create_rev[32];
};

static int listed_add(const struct store_kv *kv, void *arg)
{
	struct listed *l = arg;

	if (l->n < 32) {
		snprintf(l->keys[l->n], sizeof(l->keys[0]), "%s", kv->key);
		l->mod_rev[l->n] = kv->mod_rev;
		l->create_rev[l->n] = kv->create_rev;
	}
	l->n++;
	return l->stop_after && l->n >= l->stop_after;
}

static void test_list_prefix_order(void)
{
	static const char *const names[] = {"l/b/2", "l/a", "l/b/10", "l/b", "l/b/1", "l/c", "l/b0", "l/b/1/x"};
	static const char *const expected[] = {"l/b/1", "l/b/1/x", "l/b/10", "l/b/2"};
	struct err e = {0};
	struct listed l = {0};
	uint64_t rev = 0, created;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		put(K(names[i]), names[i]);
	created = put(K("l/b/2"), "again"); /* mod_rev moves, create_rev stays */
	CHECK_INT(store_list(s, K("l/b/"), listed_add, &l, &rev, &e), 0);
	CHECK_INT(rev, store_revision(s));
	CHECK_INT(l.n, 4);
	for (size_t i = 0; i < 4 && i < l.n; i++)
		CHECK_STR(l.keys[i], K(expected[i]));
	CHECK_INT(l.mod_rev[3], created);
	CHECK(l.create_rev[3] < created);
	CHECK_INT(l.create_rev[0], l.mod_rev[0]);

	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	CHECK_INT(store_list(s, K("l/"), listed_add, &l, NULL, &e), 0);
	CHECK_INT(l.n, 2);
	CHECK_STR(l.keys[0], K("l/a"));
	CHECK_STR(l.keys[1], K("l/b"));
	err_clear(&e);
}

static void test_count(void)
{
	struct err e = {0};

	CHECK_INT(store_count(s, K("l/b/"), &e), 4);
	CHECK_INT(store_count(s, K("l/"), &e), 8);
	CHECK_INT(store_count(s, K("l/nothing"), &e), 0);
	CHECK(store_count(s, "", &e) >= 8);
	CHECK(store_count(s, NULL, &e) >= 8);
	err_clear(&e);
}

/*
 * A list longer than a backend's page (etcd reads ranges in pages) is still
 * one snapshot: writes made from the callback, after the first key, show in
 * neither the values nor the keys listed.
 */
#define MANY_KEYS 300
struct many {
	size_t n;
	bool in_order, stale_seen, late_key_seen;
	char last[256];
	int write_rc;
};

static int many_check(const struct store_kv *kv, void *arg)
{
	struct many *m = arg;

	if (m->n > 0 && strcmp(m->last, kv->key) >= 0)
		m->in_order = false;
	snprintf(m->last, sizeof(m->last), "%s", kv->key);
	if (strcmp(kv->key, K("many/250")) == 0)
		m->stale_seen = strcmp(kv->value, "250") == 0;
	if (strcmp(kv->key, K("many/zzz")) == 0)
		m->late_key_seen = true;
	if (m->n++ == 0) {
		struct err e = {0};
		struct store_op ops[] = {
		    {STORE_OP_PUT, K("many/250"), "changed", STORE_EXPECT_ANY, 0},
		    {STORE_OP_PUT, K("many/zzz"), "late", STORE_EXPECT_ANY, 0},
		};

		m->write_rc = store_txn(s, ops, 2, NULL, NULL, &e);
		err_clear(&e);
	}
	return 0;
}

static void test_list_many(void)
{
	struct store_op ops[100];
	char name[32], value[100][8];
	struct many m = {.in_order = true, .write_rc = -1};
	struct err e = {0};
	uint64_t rev = 0, before;
	char *v;

	for (int base = 0; base < MANY_KEYS; base += 100) {
		for (int i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "many/%03d", base + i);
			snprintf(value[i], sizeof(value[i]), "%d", base + i);
			ops[i] = (struct store_op){STORE_OP_PUT, strdup(K(name)), value[i], STORE_EXPECT_ANY, 0};
		}
		CHECK_INT(store_txn(s, ops, 100, NULL, NULL, &e), 0);
		for (int i = 0; i < 100; i++)
			free((char *)ops[i].key);
	}
	before = store_revision(s);
	CHECK_INT(store_count(s, K("many/"), &e), MANY_KEYS);
	CHECK_INT(store_list(s, K("many/"), many_check, &m, &rev, &e), 0);
	CHECK_INT(m.write_rc, 0);
	CHECK_INT(m.n, MANY_KEYS);
	CHECK(m.in_order);
	CHECK(m.stale_seen);
	CHECK(!m.late_key_seen);
	CHECK_INT(rev, before);
	CHECK_INT(store_revision(s), before + 1);
	v = get(K("many/250"), NULL);
	CHECK_STR(v, "changed");
	free(v);
	CHECK_INT(store_count(s, K("many/"), &e), MANY_KEYS + 1);
	err_clear(&e);
}

/* A writer rewrites all keys of a group in one txn while the main thread lists the group. */
#define SNAP_KEYS 40
struct snap {
	char keys[SNAP_KEYS][256];
	atomic_int stop;
	int errors;
};

static void *snap_writer(void *arg)
{
	struct snap *sn = arg;
	struct store_op ops[SNAP_KEYS];
	char value[32];

	for (int round = 1; !atomic_load(&sn->stop) && round < 100000; round++) {
		struct err e = {0};

		snprintf(value, sizeof(value), "%d", round);
		for (int i = 0; i < SNAP_KEYS; i++)
			ops[i] = (struct store_op){STORE_OP_PUT, sn->keys[i], value, STORE_EXPECT_ANY, 0};
		if (store_txn(s, ops, SNAP_KEYS, NULL, NULL, &e) != 0)
			sn->errors++;
		err_clear(&e);
	}
	return NULL;
}

struct snap_check {
	char first[32];
	size_t n;
	uint64_t rev;
	bool mixed, future;
};

static int snap_check_kv(const struct store_kv *kv, void *arg)
{
	struct snap_check *c = arg;

	if (c->n++ == 0)
		snprintf(c->first, sizeof(c->first), "%s", kv->value);
	else if (strcmp(c->first, kv->value) != 0)
		c->mixed = true;
	return 0;
}

static void test_list_snapshot(void)
{
	struct snap sn = {0};
	pthread_t t;

	for (int i = 0; i < SNAP_KEYS; i++) {
		snprintf(sn.keys[i], sizeof(sn.keys[0]), "%ssnap/%03d", prefix, i);
		put(sn.keys[i], "0");
	}
	CHECK(pthread_create(&t, NULL, snap_writer, &sn) == 0);
	for (int i = 0; i < 30; i++) {
		struct snap_check c = {0};
		struct err e = {0};
		uint64_t before = store_revision(s);

		CHECK_INT(store_list(s, K("snap/"), snap_check_kv, &c, &c.rev, &e), 0);
		CHECK_INT(c.n, SNAP_KEYS);
		CHECK(!c.mixed);
		CHECK(c.rev >= before && c.rev <= store_revision(s));
		err_clear(&e);
		sleep_ms(2);
	}
	atomic_store(&sn.stop, 1);
	pthread_join(t, NULL);
	CHECK_INT(sn.errors, 0);
}

static void test_changes_kinds(void)
{
	struct err e = {0};
	struct events evs;
	uint64_t r0 = store_revision(s), r1, r2, r3 = 0, upto = 0;

	r1 = put(K("ch/a"), "first");
	put(K("other/b"), "not under ch/");
	r2 = put(K("ch/a"), "second");
	CHECK_INT(store_delete(s, K("ch/a"), STORE_EXPECT_ANY, &r3, &e), 0);
	CHECK_INT(changes(r0, K("ch/"), 0, &evs, &upto), 0);
	CHECK_INT(upto, r3);
	CHECK_INT(evs.n, 3);
	if (evs.n == 3) {
		CHECK(evs.ev[0].rev == r1 && evs.ev[0].kind == STORE_EVENT_PUT && evs.ev[0].created);
		CHECK_STR(evs.ev[0].value, "first");
		CHECK_STR(evs.ev[0].key, K("ch/a"));
		CHECK(evs.ev[1].rev == r2 && evs.ev[1].kind == STORE_EVENT_PUT && !evs.ev[1].created);
		CHECK_STR(evs.ev[1].value, "second");
		CHECK(evs.ev[2].rev == r3 && evs.ev[2].kind == STORE_EVENT_DELETE);
		CHECK_STR(evs.ev[2].value, "second"); /* a delete carries the value the key had */
	}
	events_free(&evs);
	/* From the latest revision there is nothing, and upto stays. */
	CHECK_INT(changes(r3, K("ch/"), 0, &evs, &upto), 0);
	CHECK_INT(evs.n, 0);
	CHECK_INT(upto, r3);
	/* Without a prefix filter the other key shows too. */
	CHECK_INT(changes(r0, NULL, 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 4);
	events_free(&evs);
	err_clear(&e);
}

static void test_changes_max_upto(void)
{
	struct events evs;
	uint64_t r0 = store_revision(s), rev[5], upto = 0, after = r0;
	char name[32];

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "max/%d", i);
		rev[i] = put(K(name), name);
	}
	CHECK_INT(changes(after, K("max/"), 2, &evs, &upto), 0);
	CHECK_INT(evs.n, 2);
	CHECK_INT(evs.ev[0].rev, rev[0]);
	CHECK_INT(upto, rev[1]);
	events_free(&evs);
	after = upto;
	CHECK_INT(changes(after, K("max/"), 2, &evs, &upto), 0);
	CHECK_INT(evs.n, 2);
	CHECK_INT(evs.ev[0].rev, rev[2]);
	CHECK_INT(upto, rev[3]);
	events_free(&evs);
	after = upto;
	CHECK_INT(changes(after, K("max/"), 2, &evs, &upto), 0);
	CHECK_INT(evs.n, 1);
	CHECK_STR(evs.ev[0].key, K("max/4"));
	CHECK_INT(upto, rev[4]);
	events_free(&evs);
}

static void test_changes_revision_not_split(void)
{
	struct err e = {0};
	struct events evs;
	uint64_t r0 = store_revision(s), rt = 0, r2, upto = 0;
	struct store_op ops[] = {
	    {STORE_OP_PUT, K("split/a"), "a", STORE_EXPECT_ANY, 0},
	    {STORE_OP_PUT, K("split/b"), "b", STORE_EXPECT_ANY, 0},
	    {STORE_OP_PUT, K("split/c"), "c", STORE_EXPECT_ANY, 0},
	};

	CHECK_INT(store_txn(s, ops, 3, &rt, NULL, &e), 0);
	r2 = put(K("split/d"), "d");
	CHECK_INT(changes(r0, K("split/"), 2, &evs, &upto), 0);
	CHECK_INT(evs.n, 3); /* one revision is delivered whole */
	CHECK_INT(upto, rt);
	events_free(&evs);
	CHECK_INT(changes(upto, K("split/"), 2, &evs, &upto), 0);
	CHECK_INT(evs.n, 1);
	CHECK_INT(upto, r2);
	events_free(&evs);
	err_clear(&e);
}

static int stop_at_first(const struct store_event *ev, void *arg)
{
	(*(size_t *)arg)++;
	return 1;
}

static void test_changes_callback_stop(void)
{
	struct err e = {0};
	uint64_t r0 = store_revision(s), r1 = put(K("stop/a"), "a"), upto = 0;
	size_t calls = 0;

	put(K("stop/b"), "b");
	CHECK_INT(store_changes(s, r0, K("stop/"), 0, stop_at_first, &calls, &upto, &e), 0);
	CHECK_INT(calls, 1);
	CHECK_INT(upto, r1); /* resume after the event delivered */
	err_clear(&e);
}

static void test_compaction(void)
{
	struct err e = {0};
	struct events evs;
	uint64_t r1 = put(K("cmp/a"), "1"), r2 = put(K("cmp/a"), "2"), r3 = put(K("cmp/a"), "3"), upto = 0;

	CHECK_INT(store_compact(s, r2, &e), 0);
	CHECK_INT(store_first_revision(s), r2 + 1);
	CHECK_INT(changes(r1 - 1, K("cmp/"), 0, &evs, &upto), 1);
	CHECK_INT(changes(r1, K("cmp/"), 0, &evs, &upto), 1);
	CHECK_INT(changes(r2, K("cmp/"), 0, &evs, &upto), 0);
	CHECK_INT(evs.n, 1);
	CHECK_INT(evs.n ? evs.ev[0].rev : 0, r3);
	CHECK_STR(evs.n ? evs.ev[0].value : NULL, "3");
	events_free(&evs);
	CHECK_INT(store_compact(s, store_revision(s) + 10, &e), -1); /* the future */
	err_clear(&e);
	CHECK_INT(store_compact(s, r1, &e), 0); /* behind the point: nothing to do */
	CHECK_INT(store_first_revision(s), r2 + 1);
	err_clear(&e);
}

struct delayed_put {
	struct store *store;
	int delay_ms;
	const char *key;
	int rc;
};

static void *delayed_put_run(void *arg)
{
	struct delayed_put *d = arg;
	struct err e = {0};

	sleep_ms(d->delay_ms);
	d->rc = store_put(d->store, d->key, "woke", STORE_EXPECT_ANY, NULL, &e);
	err_clear(&e);
	return NULL;
}

static void test_wait_wakes(void)
{
	struct delayed_put d = {s, 150, K("wait/a"), -1};
	uint64_t r0 = store_revision(s);
	int64_t t0 = now_ms(), elapsed;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, delayed_put_run, &d) == 0);
	CHECK_INT(store_wait(s, r0, 5000), 1);
	elapsed = now_ms() - t0;
	pthread_join(t, NULL);
	CHECK_INT(d.rc, 0);
	CHECK(elapsed >= 100 && elapsed < 2000);
	CHECK(store_revision(s) > r0);
	CHECK_INT(store_wait(s, r0, 1000), 1); /* already past: returns at once */
}

static void test_wait_timeout(void)
{
	uint64_t r0 = store_revision(s);
	int64_t t0 = now_ms(), elapsed;

	CHECK_INT(store_wait(s, r0, 250), 0);
	elapsed = now_ms() - t0;
	CHECK(elapsed >= 240 && elapsed < 1500);
	CHECK_INT(store_wait(s, r0, 0), 0);
}

/* Another handle on the same store (as another process would have) writes; ours must notice. */
static void test_wait_other_handle(void)
{
	struct err e = {0};
	struct store *other = store_open(url, &e);
	struct delayed_put d = {other, 150, K("wait/other"), -1};
	uint64_t r0 = store_revision(s);
	int64_t t0 = now_ms();
	pthread_t t;
	char *v;

	CHECK(other != NULL);
	if (other == NULL)
		return;
	CHECK(pthread_create(&t, NULL, delayed_put_run, &d) == 0);
	CHECK_INT(store_wait(s, r0, 5000), 1);
	CHECK(now_ms() - t0 < 2000);
	pthread_join(t, NULL);
	CHECK_INT(d.rc, 0);
	v = get(K("wait/other"), NULL);
	CHECK_STR(v, "woke");
	free(v);
	store_close(other);
}

static void test_lease_expiry(void)
{
	struct err e = {0};
	struct events evs;
	int64_t lease = 0;
	uint64_t r0, rev = 0, r_exp;
	struct store_op ops[] = {
	    {STORE_OP_PUT, K("lease/a"), "va", STORE_EXPECT_ANY, 0},
	    {STORE_OP_PUT, K("lease/b"), "vb", STORE_EXPECT_ANY, 0},
	};
	int64_t t0 = now_ms();
	char *v;

	put(K("lease/keep"), "no lease");
	CHECK_INT(store_lease_grant(s, 1, &lease, &e), 0);
	CHECK(lease != 0);
	ops[0].lease = ops[1].lease = lease;
	CHECK_INT(store_txn(s, ops, 2, &rev, NULL, &e), 0);
	v = get(K("lease/a"), NULL);
	CHECK_STR(v, "va");
	free(v);
	r0 = store_revision(s);
	/* Nobody writes: the expiry itself must wake the waiter, within the lease's second. */
	CHECK_INT(store_wait(s, r0, 4000), 1);
	CHECK(now_ms() - t0 >= 900 && now_ms() - t0 < 3000);
	CHECK(get(K("lease/a"), NULL) == NULL);
	CHECK(get(K("lease/b"), NULL) == NULL);
	v = get(K("lease/keep"), NULL);
	CHECK_STR(v, "no lease");
	free(v);
	r_exp = store_revision(s);
	CHECK_INT(r_exp, r0 + 1);
	CHECK_INT(changes(r0, K("lease/"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 2);
	for (size_t i = 0; i < evs.n && i < 2; i++) {
		CHECK(evs.ev[i].kind == STORE_EVENT_DELETE && evs.ev[i].rev == r_exp);
		CHECK_STR(evs.ev[i].value, i == 0 ? "va" : "vb");
	}
	events_free(&evs);
	CHECK_INT(store_lease_keepalive(s, lease, &e), 1); /* gone */
	err_clear(&e);
}

static void test_lease_keepalive_revoke(void)
{
	struct err e = {0};
	struct events evs;
	int64_t lease = 0;
	uint64_t r0, rr;
	struct store_op op = {STORE_OP_PUT, K("ka/a"), "alive", STORE_EXPECT_ANY, 0};
	char *v;

	CHECK_INT(store_lease_grant(s, 1, &lease, &e), 0);
	op.lease = lease;
	CHECK_INT(store_txn(s, &op, 1, NULL, NULL, &e), 0);
	for (int i = 0; i < 6; i++) {
		sleep_ms(300);
		CHECK_INT(store_lease_keepalive(s, lease, &e), 0);
	}
	v = get(K("ka/a"), NULL); /* 1.8 s after the grant, with a 1 s ttl */
	CHECK_STR(v, "alive");
	free(v);
	r0 = store_revision(s);
	CHECK_INT(store_lease_revoke(s, lease, &e), 0);
	rr = store_revision(s);
	CHECK_INT(rr, r0 + 1);
	CHECK(get(K("ka/a"), NULL) == NULL);
	CHECK_INT(changes(r0, K("ka/"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 1);
	CHECK(evs.n == 1 && evs.ev[0].kind == STORE_EVENT_DELETE);
	CHECK_STR(evs.n == 1 ? evs.ev[0].value : NULL, "alive");
	events_free(&evs);
	CHECK_INT(store_lease_keepalive(s, lease, &e), 1);
	CHECK_INT(store_lease_revoke(s, lease, &e), 0); /* unknown: not an error */
	CHECK_INT(store_revision(s), rr);
	err_clear(&e);
}

static void test_lease_unknown(void)
{
	struct err e = {0};
	struct store_op op = {STORE_OP_PUT, K("nolease"), "x", STORE_EXPECT_ANY, 987654321};
	uint64_t r0 = store_revision(s);

	CHECK_INT(store_txn(s, &op, 1, NULL, NULL, &e), -1);
	CHECK(err_isset(&e));
	CHECK(get(K("nolease"), NULL) == NULL);
	CHECK_INT(store_revision(s), r0);
	err_clear(&e);
}

static void test_large_value(void)
{
	size_t len = 1024 * 1024;
	char *big = malloc(len + 1), *v;
	struct events evs;
	uint64_t r0 = store_revision(s);

	for (size_t i = 0; i < len; i++)
		big[i] = (char)('a' + i % 26);
	big[len] = '\0';
	put(K("big"), big);
	v = get(K("big"), NULL);
	CHECK(v != NULL && strlen(v) == len && memcmp(v, big, len) == 0);
	free(v);
	CHECK_INT(changes(r0, K("big"), 0, &evs, NULL), 0);
	CHECK(evs.n == 1 && strcmp(evs.ev[0].value, big) == 0);
	events_free(&evs);
	free(big);
}

static void test_quotes(void)
{
	static const char *const key = "q/it's \"quoted\" \\ ; -- %s %% ?1 '); DROP TABLE kv; --";
	static const char *const value = "{\"a\": \"it's\", \"b\": \"\\\"x\\\"\", \"c\": \"'); DELETE FROM kv; --\"}";
	struct listed l = {0};
	struct err e = {0};
	char *v;

	put(K(key), value);
	v = get(K(key), NULL);
	CHECK_STR(v, value);
	free(v);
	CHECK_INT(store_list(s, K("q/it's"), listed_add, &l, NULL, &e), 0);
	CHECK_INT(l.n, 1);
	CHECK_STR(l.keys[0], K(key));
	CHECK(store_count(s, K(""), &e) > 1); /* nothing was dropped */
	err_clear(&e);
}

static void test_unicode(void)
{
	static const char *const keys[] = {"u/ключ", "u/日本語", "u/emoji-\xf0\x9f\x99\x82", "u/z"};
	static const char *const value = "значение · 値 · \xf0\x9f\x98\x80 · é";
	struct listed l = {0};
	struct err e = {0};

	for (size_t i = 0; i < 4; i++)
		put(K(keys[i]), value);
	for (size_t i = 0; i < 4; i++) {
		char *v = get(K(keys[i]), NULL);

		CHECK_STR(v, value);
		free(v);
	}
	/* Byte order: "e" (0x65) < "z" (0x7a) < Cyrillic (0xd0) < CJK (0xe6). */
	CHECK_INT(store_list(s, K("u/"), listed_add, &l, NULL, &e), 0);
	CHECK_INT(l.n, 4);
	CHECK_STR(l.keys[0], K(keys[2]));
	CHECK_STR(l.keys[1], K(keys[3]));
	CHECK_STR(l.keys[2], K(keys[0]));
	CHECK_STR(l.keys[3], K(keys[1]));
	memset(&l, 0, sizeof(l));
	CHECK_INT(store_list(s, K("u/\xd0\xba"), listed_add, &l, NULL, &e), 0); /* a prefix ending mid-letter */
	CHECK_INT(l.n, 1);
	err_clear(&e);
}

#define CAS_THREADS    4
#define CAS_INCREMENTS 100

struct cas_worker {
	const char *key;
	int conflicts, errors;
	uint64_t last_rev;
};

static void *cas_run(void *arg)
{
	struct cas_worker *w = arg;

	for (int i = 0; i < CAS_INCREMENTS; i++) {
		for (;;) {
			struct err e = {0};
			char *v = NULL, next[32];
			uint64_t mod = 0, rev = 0;
			int rc = store_get(s, w->key, &v, &mod, &e);

			if (rc != 1) {
				w->errors++;
				err_clear(&e);
				break;
			}
			snprintf(next, sizeof(next), "%ld", strtol(v, NULL, 10) + 1);
			free(v);
			rc = store_put(s, w->key, next, (int64_t)mod, &rev, &e);
			err_clear(&e);
			if (rc == 0) {
				if (rev <= w->last_rev)
					w->errors++; /* revisions seen by one thread only grow */
				w->last_rev = rev;
				break;
			}
			if (rc < 0) {
				w->errors++;
				break;
			}
			w->conflicts++;
		}
	}
	return NULL;
}

static void test_concurrent_cas(void)
{
	struct cas_worker w[CAS_THREADS];
	pthread_t t[CAS_THREADS];
	int errors = 0, conflicts = 0;
	char *v;

	put(K("counter"), "0");
	for (int i = 0; i < CAS_THREADS; i++) {
		w[i] = (struct cas_worker){.key = K("counter")};
		CHECK(pthread_create(&t[i], NULL, cas_run, &w[i]) == 0);
	}
	for (int i = 0; i < CAS_THREADS; i++) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
		conflicts += w[i].conflicts;
	}
	CHECK_INT(errors, 0);
	v = get(K("counter"), NULL);
	CHECK(v != NULL && atoi(v) == CAS_THREADS * CAS_INCREMENTS);
	free(v);
	printf("# %d conflicts retried\n", conflicts);
}

static void test_persistence(void)
{
	struct err e = {0};
	struct events evs;
	uint64_t rev = store_revision(s), first = store_first_revision(s), mod = 0;
	char *v;

	put(K("persist"), "kept");
	rev = store_revision(s);
	store_close(s);
	s = store_open(url, &e);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(store_revision(s), rev);
	CHECK_INT(store_first_revision(s), first);
	v = get(K("persist"), &mod);
	CHECK_STR(v, "kept");
	CHECK_INT(mod, rev);
	free(v);
	CHECK_INT(changes(rev - 1, K("persist"), 0, &evs, NULL), 0);
	CHECK_INT(evs.n, 1);
	events_free(&evs);
	CHECK_INT(put(K("persist"), "again"), rev + 1); /* the counter goes on */
	err_clear(&e);
}

/* ---- setup ---- */

static void remove_tmpdir(void)
{
	static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm", "store.db-journal"};
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

static int setup(int argc, char **argv)
{
	const char *given = argc > 1 ? argv[1] : getenv("OVCP_STORE_URL");
	const char *tmp = getenv("TMPDIR"), *fresh_env = getenv("OVCP_STORE_FRESH");
	struct err e = {0};

	if (given != NULL && *given != '\0') {
		snprintf(url, sizeof(url), "%s", given);
		fresh = fresh_env != NULL && strcmp(fresh_env, "1") == 0;
	} else {
		fresh = true;
		snprintf(tmpdir, sizeof(tmpdir), "%s/ovcp-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			return -1;
		}
		snprintf(url, sizeof(url), "sqlite:%s/store.db", tmpdir);
	}
	snprintf(prefix, sizeof(prefix), "/conformance-%ld-%ld/", (long)getpid(), (long)time(NULL));
	s = store_open(url, &e);
	if (s == NULL) {
		printf("# store_open(%s) failed: %s\n", url, err_code(&e));
		err_clear(&e);
		return -1;
	}
	printf("# store %s, keys under %s\n", url, prefix);
	return 0;
}

int main(int argc, char **argv)
{
	if (setup(argc, argv) < 0) {
		printf("not ok 1 - store_open\n1..1\n");
		if (tmpdir[0])
			remove_tmpdir();
		return 1;
	}
	TAP_RUN(test_open_bad_url);
	TAP_RUN(test_fresh_store);
	TAP_RUN(test_put_get_delete);
	TAP_RUN(test_noop_delete);
	TAP_RUN(test_txn_shared_revision);
	TAP_RUN(test_cas);
	TAP_RUN(test_txn_conflict_applies_nothing);
	TAP_RUN(test_txn_duplicate_key);
	TAP_RUN(test_list_prefix_order);
	TAP_RUN(test_count);
	TAP_RUN(test_list_many);
	TAP_RUN(test_list_snapshot);
	TAP_RUN(test_changes_kinds);
	TAP_RUN(test_changes_max_upto);
	TAP_RUN(test_changes_revision_not_split);
	TAP_RUN(test_changes_callback_stop);
	TAP_RUN(test_compaction);
	TAP_RUN(test_wait_wakes);
	TAP_RUN(test_wait_timeout);
	TAP_RUN(test_wait_other_handle);
	TAP_RUN(test_lease_expiry);
	TAP_RUN(test_lease_keepalive_revoke);
	TAP_RUN(test_lease_unknown);
	TAP_RUN(test_large_value);
	TAP_RUN(test_quotes);
	TAP_RUN(test_unicode);
	TAP_RUN(test_concurrent_cas);
	TAP_RUN(test_persistence);
	store_close(s);
	if (tmpdir[0])
		remove_tmpdir();
	return tap_done();
}
