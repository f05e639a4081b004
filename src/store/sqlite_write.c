/*
 * Writes of the SQLite backend: transactions, compaction, leases and their
 * expiry. The schema and the invariants these keep are described at the top
 * of sqlite.c.
 *
 * Every write goes through sqlite_write_run(): take this process's write
 * lock, BEGIN IMMEDIATE, delete the keys of expired leases (their own
 * revision), run the operation, store the new revision, COMMIT, then wake
 * store_wait callers. Either all of it is committed or none of it.
 */
#include "store/sqlite_internal.h"

#include <inttypes.h>
#include <stdlib.h>

#include "common/log.h"

struct sqlite_write {
	struct sqlite_store *ss;
	struct sqlite_conn *c;
	int64_t now;  /* wall clock (ms) when the transaction began */
	uint64_t rev; /* the revision, including this transaction's changes so far */
};

/* An operation inside a write transaction: 0 or 1 (commit and return it), -1 (roll back). */
typedef int (*sqlite_write_fn)(struct sqlite_write *w, void *arg, struct err *e);

/* Step a statement that returns no rows, then reset it. 0 / -1. */
static int sqlite_step_done(struct sqlite_conn *c, sqlite3_stmt *st, const char *what, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(c, what, e);
}

static int sqlite_meta_set(struct sqlite_conn *c, const char *name, uint64_t value, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_META_SET, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)value);
	return sqlite_step_done(c, st, name, e);
}

static int sqlite_next_expiry(struct sqlite_conn *c, int64_t *next, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_LEASE_NEXT, e);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*next = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sqlite_fail(c, "lease expiry", e);
}

void sqlite_refresh_expiry(struct sqlite_store *ss, struct sqlite_conn *c)
{
	int64_t next;

	if (sqlite_next_expiry(c, &next, NULL) == 0)
		atomic_store(&ss->next_expiry_ms, next);
}

/* Delete (and log at rev) the keys of a lease and the lease itself; *changed if any key went. */
static int sqlite_lease_drop(struct sqlite_write *w, int64_t lease, uint64_t rev, bool *changed, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = sqlite_stmt(w->c, SQL_LOG_DELETE_LEASE, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)rev);
	sqlite3_bind_int64(st, 2, lease);
	if (sqlite_step_done(w->c, st, "lease keys", e) < 0)
		return -1;
	if (sqlite3_changes(w->c->db) > 0) {
		*changed = true;
		if ((st = sqlite_stmt(w->c, SQL_KV_DELETE_LEASE, e)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, lease);
		if (sqlite_step_done(w->c, st, "lease keys", e) < 0)
			return -1;
	}
	if ((st = sqlite_stmt(w->c, SQL_LEASE_DELETE, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lease);
	return sqlite_step_done(w->c, st, "lease", e);
}

/* The ids of the leases expired at w->now; *ids malloc'd. -1 on error. */
static int sqlite_expired_leases(struct sqlite_write *w, int64_t **ids, size_t *n, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(w->c, SQL_LEASE_EXPIRED, e);
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, w->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *grown = realloc(*ids, (cap = cap ? 2 * cap : 8) * sizeof(**ids));

			if (grown == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			*ids = grown;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(w->c, "expired leases", e);
}

/* Drop every expired lease; the deletions of their keys share one new revision. */
static int sqlite_expire(struct sqlite_write *w, struct err *e)
{
	int64_t *ids;
	size_t n;
	bool changed = false;
	int ret = 0;

	if (sqlite_expired_leases(w, &ids, &n, e) < 0) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = sqlite_lease_drop(w, ids[i], w->rev + 1, &changed, e);
	free(ids);
	if (changed)
		w->rev++;
	return ret;
}

static int sqlite_write_run(struct sqlite_store *ss, sqlite_write_fn fn, void *arg, uint64_t *rev, struct err *e)
{
	struct sqlite_write w = {.ss = ss};
	int64_t value, next_expiry;
	int ret = -1;

	if ((w.c = sqlite_conn_get(ss, e)) == NULL)
		return -1;
	pthread_mutex_lock(&ss->write_lock);
	if (sqlite_exec_stmt(w.c, SQL_BEGIN_WRITE, e) < 0) {
		pthread_mutex_unlock(&ss->write_lock);
		sqlite_conn_put(ss, w.c);
		return -1;
	}
	w.now = sqlite_now_ms();
	if (sqlite_meta_get(w.c, SQLITE_META_REVISION, &value, e) < 0)
		goto rollback;
	w.rev = (uint64_t)value;
	if (sqlite_expire(&w, e) < 0 || (ret = fn ? fn(&w, arg, e) : 0) < 0)
		goto rollback;
	if ((w.rev != (uint64_t)value && sqlite_meta_set(w.c, SQLITE_META_REVISION, w.rev, e) < 0) ||
	    sqlite_next_expiry(w.c, &next_expiry, e) < 0 || sqlite_exec_stmt(w.c, SQL_COMMIT, e) < 0)
		goto rollback;
	pthread_mutex_unlock(&ss->write_lock);
	atomic_store(&ss->next_expiry_ms, next_expiry);
	sqlite_publish(ss, w.rev);
	sqlite_conn_put(ss, w.c);
	if (rev != NULL)
		*rev = w.rev;
	return ret;
rollback:
	/* After a failed COMMIT SQLite may have rolled back already; then this fails harmlessly. */
	sqlite_exec_stmt(w.c, SQL_ROLLBACK, NULL);
	pthread_mutex_unlock(&ss->write_lock);
	sqlite_conn_put(ss, w.c);
	return -1;
}

void sqlite_expire_if_due(struct sqlite_store *ss)
{
	struct err e = {0};

	if (sqlite_now_ms() < atomic_load(&ss->next_expiry_ms))
		return;
	sqlite_write_run(ss, NULL, NULL, NULL, &e); /* failures are logged by sqlite_fail */
	err_clear(&e);
}

/* ---- transactions ---- */

struct sqlite_txn_arg {
	const struct store_op *ops;
	size_t n;
	size_t *failed_op;
	bool *exists; /* per op: the key existed before the transaction */
};

/* 0 all compares hold (exists[] filled), 1 one failed. */
static int sqlite_txn_compare(struct sqlite_write *w, struct sqlite_txn_arg *t, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(w->c, SQL_KV_MOD_REV, e);

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		int64_t expect = t->ops[i].expect_rev, mod_rev = 0;
		int rc;
		bool ok;

		sqlite3_bind_text(st, 1, t->ops[i].key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			mod_rev = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sqlite_fail(w->c, "compare", e);
		t->exists[i] = rc == SQLITE_ROW;
		if (expect == STORE_EXPECT_ANY)
			ok = true;
		else if (expect == STORE_EXPECT_ABSENT)
			ok = !t->exists[i];
		else
			ok = t->exists[i] && mod_rev == expect;
		if (!ok) {
			if (t->failed_op != NULL)
				*t->failed_op = i;
			return 1;
		}
	}
	return 0;
}

static int sqlite_txn_check_leases(struct sqlite_write *w, const struct sqlite_txn_arg *t, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(w->c, SQL_LEASE_EXISTS, e);

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		int rc;

		if (t->ops[i].kind != STORE_OP_PUT || t->ops[i].lease == 0)
			continue;
		sqlite3_bind_int64(st, 1, t->ops[i].lease);
		sqlite3_bind_int64(st, 2, w->now);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			err_setf(e, "STORE_LEASE_NOT_FOUND", "%" PRId64, t->ops[i].lease);
			return -1;
		}
		if (rc != SQLITE_ROW)
			return sqlite_fail(w->c, "lease", e);
	}
	return 0;
}

static int sqlite_txn_put(struct sqlite_write *w, const struct store_op *op, bool created, uint64_t rev, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = sqlite_stmt(w->c, SQL_KV_PUT, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, op->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, op->value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)rev);
	sqlite3_bind_int64(st, 4, op->lease);
	if (sqlite_step_done(w->c, st, "put", e) < 0 || (st = sqlite_stmt(w->c, SQL_LOG_PUT, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)rev);
	sqlite3_bind_int(st, 2, created);
	sqlite3_bind_text(st, 3, op->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, op->value, -1, SQLITE_STATIC);
	return sqlite_step_done(w->c, st, "log put", e);
}

/* Log the key's deletion (with the value it had), then delete it. */
static int sqlite_txn_delete(struct sqlite_write *w, const struct store_op *op, uint64_t rev, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = sqlite_stmt(w->c, SQL_LOG_DELETE, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)rev);
	sqlite3_bind_text(st, 2, op->key, -1, SQLITE_STATIC);
	if (sqlite_step_done(w->c, st, "log delete", e) < 0 || (st = sqlite_stmt(w->c, SQL_KV_DELETE, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, op->key, -1, SQLITE_STATIC);
	return sqlite_step_done(w->c, st, "delete", e);
}

static int sqlite_txn_apply(struct sqlite_write *w, void *arg, struct err *e)
{
	struct sqlite_txn_arg *t = arg;
	uint64_t rev = w->rev + 1;
	bool changed = false;
	int ret;

	if ((ret = sqlite_txn_compare(w, t, e)) != 0)
		return ret;
	if (sqlite_txn_check_leases(w, t, e) < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct store_op *op = &t->ops[i];

		if (op->kind == STORE_OP_PUT)
			ret = sqlite_txn_put(w, op, !t->exists[i], rev, e);
		else if (t->exists[i])
			ret = sqlite_txn_delete(w, op, rev, e);
		else
			continue; /* deleting an absent key changes nothing */
		if (ret < 0)
			return -1;
		changed = true;
	}
	if (changed)
		w->rev = rev;
	return 0;
}

int sqlite_txn(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op, struct err *e)
{
	struct sqlite_txn_arg t = {ops, n, failed_op, calloc(n ? n : 1, sizeof(bool))};
	int ret;

	if (t.exists == NULL) {
		err_internal(e, "store: out of memory");
		return -1;
	}
	ret = sqlite_write_run((struct sqlite_store *)s, sqlite_txn_apply, &t, rev, e);
	free(t.exists);
	return ret;
}

/* ---- compaction ---- */

static int sqlite_compact_apply(struct sqlite_write *w, void *arg, struct err *e)
{
	uint64_t rev = *(const uint64_t *)arg;
	sqlite3_stmt *st;
	int64_t compacted;

	if (rev > w->rev) {
		err_setf(e, "STORE_FUTURE_REVISION", "%" PRIu64, rev);
		return -1;
	}
	if (sqlite_meta_get(w->c, SQLITE_META_COMPACTED, &compacted, e) < 0)
		return -1;
	if (rev <= (uint64_t)compacted)
		return 0;
	if ((st = sqlite_stmt(w->c, SQL_CHANGES_COMPACT, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)rev);
	if (sqlite_step_done(w->c, st, "compact", e) < 0)
		return -1;
	return sqlite_meta_set(w->c, SQLITE_META_COMPACTED, rev, e);
}

int sqlite_compact(struct store *s, uint64_t rev, struct err *e)
{
	return sqlite_write_run((struct sqlite_store *)s, sqlite_compact_apply, &rev, NULL, e);
}

/* ---- leases ---- */

struct sqlite_lease_arg {
	int64_t id;
	int ttl_seconds;
};

static int sqlite_lease_grant_apply(struct sqlite_write *w, void *arg, struct err *e)
{
	struct sqlite_lease_arg *l = arg;
	sqlite3_stmt *st = sqlite_stmt(w->c, SQL_LEASE_INSERT, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, l->ttl_seconds);
	sqlite3_bind_int64(st, 2, w->now + (int64_t)l->ttl_seconds * 1000);
	if (sqlite_step_done(w->c, st, "lease grant", e) < 0)
		return -1;
	l->id = sqlite3_last_insert_rowid(w->c->db);
	return 0;
}

int sqlite_lease_grant(struct store *s, int ttl_seconds, int64_t *lease, struct err *e)
{
	struct sqlite_lease_arg l = {0, ttl_seconds};

	if (sqlite_write_run((struct sqlite_store *)s, sqlite_lease_grant_apply, &l, NULL, e) < 0)
		return -1;
	*lease = l.id;
	return 0;
}

/* Leases expired at the transaction's start are gone already, so they are not renewed. */
static int sqlite_lease_keepalive_apply(struct sqlite_write *w, void *arg, struct err *e)
{
	struct sqlite_lease_arg *l = arg;
	sqlite3_stmt *st = sqlite_stmt(w->c, SQL_LEASE_RENEW, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, l->id);
	sqlite3_bind_int64(st, 2, w->now);
	if (sqlite_step_done(w->c, st, "lease keepalive", e) < 0)
		return -1;
	return sqlite3_changes(w->c->db) > 0 ? 0 : 1;
}

int sqlite_lease_keepalive(struct store *s, int64_t lease, struct err *e)
{
	struct sqlite_lease_arg l = {lease, 0};

	return sqlite_write_run((struct sqlite_store *)s, sqlite_lease_keepalive_apply, &l, NULL, e);
}

static int sqlite_lease_revoke_apply(struct sqlite_write *w, void *arg, struct err *e)
{
	struct sqlite_lease_arg *l = arg;
	bool changed = false;

	if (sqlite_lease_drop(w, l->id, w->rev + 1, &changed, e) < 0)
		return -1;
	if (changed)
		w->rev++;
	return 0;
}

int sqlite_lease_revoke(struct store *s, int64_t lease, struct err *e)
{
	struct sqlite_lease_arg l = {lease, 0};

	return sqlite_write_run((struct sqlite_store *)s, sqlite_lease_revoke_apply, &l, NULL, e);
}
