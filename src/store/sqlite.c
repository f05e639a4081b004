/*
 * The SQLite backend ("sqlite:PATH"): the whole store in one SQLite file.
 *
 * Tables:
 *   meta(name, value)        "revision": the store's revision; "compacted": the
 *                            compaction point (changes <= it are gone); "schema".
 *   kv(key PRIMARY KEY, value, create_rev, mod_rev, lease)
 *   changes(seq, rev, kind, created, key, value)
 *                            one row per change; the ops of one transaction share
 *                            rev, so rev alone cannot be the key: seq (the rowid)
 *                            orders the rows of one revision. kind 0 put, 1 delete;
 *                            a delete's value is the value the key had.
 *   leases(id, ttl, expiry)  expiry in ms of the wall clock (shared by processes).
 *
 * Invariants (each write transaction keeps them):
 *   - meta.revision == max(kv.mod_rev, changes.rev) and grows by exactly one per
 *     revision: a user transaction that changes something is one revision, the
 *     deletion of the keys of the leases found expired at its start is another
 *     (committed in the same SQLite transaction, before it).
 *   - every kv row change has its changes row at the same revision.
 *   - a key's lease is 0 or the id of a row of leases.
 *
 * Durability: journal_mode=WAL with synchronous=NORMAL. A commit has written
 * its frames to the WAL file with write(2) before sqlite3_step(COMMIT) returns;
 * only the fsync is deferred to checkpoints. Data handed to write(2) lives in
 * the kernel's page cache, which a kill -9 of this process does not touch, so a
 * transaction reported committed survives the process dying at any moment. Only
 * an OS crash or power loss can lose the last transactions (never corrupt the
 * file), which is the trade etcd's single-node default makes too.
 *
 * Threads: a pool of connections (struct sqlite_conn); a call takes an idle one
 * (or opens one), uses it alone, and gives it back, so readers never share a
 * connection and, in WAL, never block each other or a writer. Prepared
 * statements are cached per connection. Writers of this process take
 * write_lock before BEGIN IMMEDIATE: they queue on a mutex instead of SQLite's
 * sleeping busy handler; busy_timeout covers writers in other processes.
 *
 * Waiting: every commit by this process broadcasts wait_cond; store_wait also
 * re-reads meta.revision every SQLITE_POLL_MS, which sees other processes'
 * commits, and expires due leases.
 *
 * Leases are expired lazily: at the start of every write transaction, and from
 * reads (get/list/count/changes/revision/wait) when the earliest known expiry
 * (next_expiry_ms, one atomic load and a clock read) has passed.
 */
#include "store/sqlite_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

#define SQLITE_BUSY_TIMEOUT_MS 5000
#define SQLITE_POLL_MS	       50
#define SQLITE_POOL_IDLE_MAX   64
#define SQLITE_SCHEMA_VERSION  1

static const char *const sqlite_sql[SQL_COUNT] = {
    [SQL_BEGIN] = "BEGIN",
    [SQL_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    [SQL_META_GET] = "SELECT value FROM meta WHERE name = ?1",
    [SQL_META_SET] = "UPDATE meta SET value = ?2 WHERE name = ?1",
    [SQL_KV_GET] = "SELECT value, mod_rev FROM kv WHERE key = ?1",
    [SQL_KV_MOD_REV] = "SELECT mod_rev FROM kv WHERE key = ?1",
    /*
     * Prefix ranges are [?1, ?2). When the prefix has no successor (empty,
     * or all 0xff bytes) ?2 is bound to a BLOB: SQLite orders every TEXT
     * before every BLOB, so the bound is open and the index is still used.
     */
    [SQL_KV_LIST] = "SELECT key, value, create_rev, mod_rev FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key",
    [SQL_KV_COUNT] = "SELECT count(*) FROM kv WHERE key >= ?1 AND key < ?2",
    [SQL_KV_PUT] = "INSERT INTO kv(key, value, create_rev, mod_rev, lease) VALUES (?1, ?2, ?3, ?3, ?4) "
		   "ON CONFLICT(key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, "
		   "lease = excluded.lease",
    [SQL_KV_DELETE] = "DELETE FROM kv WHERE key = ?1",
    [SQL_KV_DELETE_LEASE] = "DELETE FROM kv WHERE lease = ?1 AND lease != 0",
    [SQL_LOG_PUT] = "INSERT INTO changes(rev, kind, created, key, value) VALUES (?1, 0, ?2, ?3, ?4)",
    [SQL_LOG_DELETE] = "INSERT INTO changes(rev, kind, created, key, value) "
		       "SELECT ?1, 1, 0, key, value FROM kv WHERE key = ?2",
    [SQL_LOG_DELETE_LEASE] = "INSERT INTO changes(rev, kind, created, key, value) "
			     "SELECT ?1, 1, 0, key, value FROM kv WHERE lease = ?2 AND lease != 0 ORDER BY key",
    [SQL_CHANGES] = "SELECT rev, kind, created, key, value FROM changes "
		    "WHERE rev > ?1 AND rev <= ?2 AND key >= ?3 AND key < ?4 ORDER BY rev, seq",
    [SQL_CHANGES_NTH] = "SELECT rev FROM changes WHERE rev > ?1 AND rev <= ?2 AND key >= ?3 AND key < ?4 "
			"ORDER BY rev, seq LIMIT 1 OFFSET ?5",
    [SQL_CHANGES_COMPACT] = "DELETE FROM changes WHERE rev <= ?1",
    [SQL_LEASE_INSERT] = "INSERT INTO leases(ttl, expiry) VALUES (?1, ?2)",
    [SQL_LEASE_RENEW] = "UPDATE leases SET expiry = ?2 + ttl * 1000 WHERE id = ?1 AND expiry > ?2",
    [SQL_LEASE_EXISTS] = "SELECT 1 FROM leases WHERE id = ?1 AND expiry > ?2",
    [SQL_LEASE_EXPIRED] = "SELECT id FROM leases WHERE expiry <= ?1",
    [SQL_LEASE_DELETE] = "DELETE FROM leases WHERE id = ?1",
    [SQL_LEASE_NEXT] = "SELECT coalesce(min(expiry), 9223372036854775807) FROM leases",
};

static const char sqlite_schema[] =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta VALUES ('schema', 1), ('revision', 0), ('compacted', 0);"
    "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL,"
    " mod_rev INTEGER NOT NULL, lease INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS kv_lease ON kv(lease) WHERE lease != 0;"
    "CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY, rev INTEGER NOT NULL, kind INTEGER NOT NULL,"
    " created INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS changes_rev ON changes(rev);"
    "CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY AUTOINCREMENT, ttl INTEGER NOT NULL,"
    " expiry INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS leases_expiry ON leases(expiry);"
    "COMMIT;";

static struct sqlite_store *sqlite_store_of(struct store *s)
{
	return (struct sqlite_store *)s;
}

int sqlite_fail(struct sqlite_conn *c, const char *what, struct err *e)
{
	const char *msg = c && c->db ? sqlite3_errmsg(c->db) : "out of memory";

	log_warn("store: sqlite: %s: %s", what, msg);
	err_internal(e, "store: %s: %s", what, msg);
	return -1;
}

int64_t sqlite_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sqlite3_stmt *sqlite_stmt(struct sqlite_conn *c, enum sqlite_sql_id id, struct err *e)
{
	if (c->stmt[id] == NULL &&
	    sqlite3_prepare_v3(c->db, sqlite_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &c->stmt[id], NULL) != SQLITE_OK) {
		sqlite_fail(c, sqlite_sql[id], e);
		c->stmt[id] = NULL;
		return NULL;
	}
	return c->stmt[id];
}

int sqlite_exec_stmt(struct sqlite_conn *c, enum sqlite_sql_id id, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, id, e);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlite_fail(c, sqlite_sql[id], e);
	return 0;
}

int sqlite_meta_get(struct sqlite_conn *c, const char *name, int64_t *value, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_META_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			err_internal(e, "store: meta %s is missing", name);
		return rc == SQLITE_DONE ? -1 : sqlite_fail(c, name, e);
	}
	return 0;
}

void sqlite_publish(struct sqlite_store *ss, uint64_t rev)
{
	uint64_t seen = atomic_load(&ss->seen_rev);

	while (seen < rev && !atomic_compare_exchange_weak(&ss->seen_rev, &seen, rev))
		;
	if (seen < rev) {
		pthread_mutex_lock(&ss->wait_lock);
		pthread_cond_broadcast(&ss->wait_cond);
		pthread_mutex_unlock(&ss->wait_lock);
	}
}

/* ---- connections ---- */

static void sqlite_conn_close(struct sqlite_conn *c)
{
	for (int i = 0; i < SQL_COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close(c->db);
	free(c);
}

static int sqlite_conn_setup(struct sqlite_conn *c, struct err *e)
{
	sqlite3_stmt *st;
	int ok;

	sqlite3_extended_result_codes(c->db, 1);
	if (sqlite3_busy_timeout(c->db, SQLITE_BUSY_TIMEOUT_MS) != SQLITE_OK)
		return sqlite_fail(c, "busy_timeout", e);
	/* journal_mode is a property of the file; setting it again is cheap and covers a file made elsewhere. */
	if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK)
		return sqlite_fail(c, "journal_mode", e);
	ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (!ok)
		return sqlite_fail(c, "journal_mode=WAL refused", e);
	if (sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(c, "synchronous", e);
	return 0;
}

static struct sqlite_conn *sqlite_conn_open(struct sqlite_store *ss, struct err *e)
{
	struct sqlite_conn *c = calloc(1, sizeof(*c));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	if (c == NULL) {
		err_internal(e, "store: out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(ss->path, &c->db, flags, NULL) != SQLITE_OK) {
		sqlite_fail(c, ss->path, e);
		sqlite_conn_close(c);
		return NULL;
	}
	if (sqlite_conn_setup(c, e) < 0) {
		sqlite_conn_close(c);
		return NULL;
	}
	return c;
}

struct sqlite_conn *sqlite_conn_get(struct sqlite_store *ss, struct err *e)
{
	struct sqlite_conn *c;

	pthread_mutex_lock(&ss->pool_lock);
	c = ss->idle;
	if (c != NULL) {
		ss->idle = c->next;
		ss->idle_count--;
	}
	pthread_mutex_unlock(&ss->pool_lock);
	return c ? c : sqlite_conn_open(ss, e);
}

void sqlite_conn_put(struct sqlite_store *ss, struct sqlite_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&ss->pool_lock);
	if (ss->idle_count < SQLITE_POOL_IDLE_MAX) {
		c->next = ss->idle;
		ss->idle = c;
		ss->idle_count++;
		c = NULL;
	}
	pthread_mutex_unlock(&ss->pool_lock);
	if (c != NULL)
		sqlite_conn_close(c);
}

/* ---- open / close ---- */

static void sqlite_close(struct store *s)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	struct sqlite_conn *c, *next;

	for (c = ss->idle; c != NULL; c = next) {
		next = c->next;
		sqlite_conn_close(c);
	}
	pthread_mutex_destroy(&ss->pool_lock);
	pthread_mutex_destroy(&ss->write_lock);
	pthread_mutex_destroy(&ss->wait_lock);
	pthread_cond_destroy(&ss->wait_cond);
	free(ss->path);
	free(ss);
}

static int sqlite_schema_create(struct sqlite_conn *c, struct err *e)
{
	int64_t version;

	if (sqlite3_exec(c->db, sqlite_schema, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_fail(c, "creating the schema", e);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite_meta_get(c, "schema", &version, e) < 0)
		return -1;
	if (version != SQLITE_SCHEMA_VERSION) {
		err_setf(e, "STORE_SCHEMA_MISMATCH", "schema %lld, expected %d", (long long)version,
			 SQLITE_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

static int sqlite_init_locks(struct sqlite_store *ss)
{
	pthread_condattr_t attr;
	int rc;

	if (pthread_condattr_init(&attr) != 0)
		return -1;
	rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) || pthread_cond_init(&ss->wait_cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0)
		return -1;
	pthread_mutex_init(&ss->pool_lock, NULL);
	pthread_mutex_init(&ss->write_lock, NULL);
	pthread_mutex_init(&ss->wait_lock, NULL);
	return 0;
}

static struct store *sqlite_open(const char *path, struct err *e)
{
	struct sqlite_store *ss;
	struct sqlite_conn *c;
	int64_t rev;

	if (*path == '\0') {
		err_set(e, "STORE_BAD_URL", "sqlite:", NULL);
		return NULL;
	}
	ss = calloc(1, sizeof(*ss));
	if (ss == NULL || (ss->path = strdup(path)) == NULL || sqlite_init_locks(ss) < 0) {
		err_internal(e, "store: out of memory");
		if (ss != NULL)
			free(ss->path);
		free(ss);
		return NULL;
	}
	ss->base.backend = &store_backend_sqlite;
	atomic_init(&ss->next_expiry_ms, INT64_MAX);
	c = sqlite_conn_open(ss, e);
	if (c == NULL || sqlite_schema_create(c, e) < 0 || sqlite_meta_get(c, SQLITE_META_REVISION, &rev, e) < 0) {
		if (c != NULL)
			sqlite_conn_close(c);
		sqlite_close(&ss->base);
		return NULL;
	}
	atomic_init(&ss->seen_rev, (uint64_t)rev);
	sqlite_refresh_expiry(ss, c);
	sqlite_conn_put(ss, c);
	return &ss->base;
}

/* ---- reads ---- */

static int sqlite_get(struct store *s, const char *key, char **value, uint64_t *mod_rev, struct err *e)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	struct sqlite_conn *c;
	sqlite3_stmt *st;
	int rc, ret = -1;

	sqlite_expire_if_due(ss);
	c = sqlite_conn_get(ss, e);
	if (c == NULL || (st = sqlite_stmt(c, SQL_KV_GET, e)) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		*value = malloc(len + 1);
		if (text == NULL || *value == NULL) {
			free(*value);
			*value = NULL;
			err_internal(e, "store: out of memory");
		} else {
			memcpy(*value, text, len + 1);
			if (mod_rev != NULL)
				*mod_rev = (uint64_t)sqlite3_column_int64(st, 1);
			ret = 1;
		}
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		sqlite_fail(c, "get", e);
	}
	sqlite3_reset(st);
out:
	sqlite_conn_put(ss, c);
	return ret;
}

/* The prefix range [prefix, upper): upper is the prefix with its last non-0xff byte increased. */
struct sqlite_range {
	char *upper; /* NULL: no upper bound */
	size_t upper_len;
};

static int sqlite_range_init(struct sqlite_range *r, const char *prefix, struct err *e)
{
	size_t len = strlen(prefix);

	r->upper = NULL;
	while (len > 0 && (unsigned char)prefix[len - 1] == 0xff)
		len--;
	if (len == 0)
		return 0;
	r->upper = malloc(len);
	if (r->upper == NULL) {
		err_internal(e, "store: out of memory");
		return -1;
	}
	memcpy(r->upper, prefix, len);
	r->upper[len - 1] = (char)((unsigned char)r->upper[len - 1] + 1);
	r->upper_len = len;
	return 0;
}

static void sqlite_range_bind(sqlite3_stmt *st, int first, const char *prefix, const struct sqlite_range *r)
{
	sqlite3_bind_text(st, first, prefix, -1, SQLITE_STATIC);
	if (r->upper != NULL)
		sqlite3_bind_text(st, first + 1, r->upper, (int)r->upper_len, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(st, first + 1, 0);
}

/* Open a read transaction: everything read until sqlite_read_end() is one snapshot. */
static int sqlite_read_begin(struct sqlite_conn *c, uint64_t *rev, struct err *e)
{
	int64_t value;

	if (sqlite_exec_stmt(c, SQL_BEGIN, e) < 0)
		return -1;
	if (sqlite_meta_get(c, SQLITE_META_REVISION, &value, e) < 0) {
		sqlite_exec_stmt(c, SQL_ROLLBACK, NULL);
		return -1;
	}
	*rev = (uint64_t)value;
	return 0;
}

static int sqlite_read_end(struct sqlite_conn *c, int ret, struct err *e)
{
	if (sqlite_exec_stmt(c, SQL_COMMIT, ret < 0 ? NULL : e) < 0)
		return -1;
	return ret;
}

static int sqlite_list_rows(struct sqlite_conn *c, const char *prefix, const struct sqlite_range *r, store_kv_cb cb,
			    void *arg, struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_KV_LIST, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite_range_bind(st, 1, prefix, r);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_kv kv = {
		    .key = (const char *)sqlite3_column_text(st, 0),
		    .value = (const char *)sqlite3_column_text(st, 1),
		    .create_rev = (uint64_t)sqlite3_column_int64(st, 2),
		    .mod_rev = (uint64_t)sqlite3_column_int64(st, 3),
		};

		if (kv.key == NULL || kv.value == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (cb(&kv, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(c, "list", e);
}

static int sqlite_list(struct store *s, const char *prefix, store_kv_cb cb, void *arg, uint64_t *rev, struct err *e)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	struct sqlite_range r;
	struct sqlite_conn *c;
	uint64_t at;
	int ret = -1;

	sqlite_expire_if_due(ss);
	if (sqlite_range_init(&r, prefix, e) < 0)
		return -1;
	c = sqlite_conn_get(ss, e);
	if (c != NULL && sqlite_read_begin(c, &at, e) == 0) {
		ret = sqlite_read_end(c, sqlite_list_rows(c, prefix, &r, cb, arg, e), e);
		if (ret == 0 && rev != NULL)
			*rev = at;
	}
	sqlite_conn_put(ss, c);
	free(r.upper);
	return ret;
}

static int64_t sqlite_count(struct store *s, const char *prefix, struct err *e)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	struct sqlite_range r;
	struct sqlite_conn *c;
	sqlite3_stmt *st;
	int64_t ret = -1;

	sqlite_expire_if_due(ss);
	if (sqlite_range_init(&r, prefix, e) < 0)
		return -1;
	c = sqlite_conn_get(ss, e);
	if (c != NULL && (st = sqlite_stmt(c, SQL_KV_COUNT, e)) != NULL) {
		sqlite_range_bind(st, 1, prefix, &r);
		if (sqlite3_step(st) == SQLITE_ROW)
			ret = sqlite3_column_int64(st, 0);
		else
			sqlite_fail(c, "count", e);
		sqlite3_reset(st);
	}
	sqlite_conn_put(ss, c);
	free(r.upper);
	return ret;
}

static uint64_t sqlite_meta_read(struct sqlite_store *ss, const char *name)
{
	struct err e = {0};
	struct sqlite_conn *c = sqlite_conn_get(ss, &e);
	int64_t value = 0;

	if (c == NULL || sqlite_meta_get(c, name, &value, &e) < 0)
		value = 0; /* logged where it failed */
	sqlite_conn_put(ss, c);
	err_clear(&e);
	return (uint64_t)value;
}

static uint64_t sqlite_revision(struct store *s)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	uint64_t rev;

	sqlite_expire_if_due(ss);
	rev = sqlite_meta_read(ss, SQLITE_META_REVISION);
	sqlite_publish(ss, rev);
	return rev;
}

static uint64_t sqlite_first_revision(struct store *s)
{
	return sqlite_meta_read(sqlite_store_of(s), SQLITE_META_COMPACTED) + 1;
}

/* ---- changes ---- */

struct sqlite_changes_query {
	uint64_t after, last; /* the window (after, last] */
	const char *prefix;
	const struct sqlite_range *range;
};

/* The revision of the n-th (0-based) change in the window; 0 if there are fewer. */
static int sqlite_changes_nth(struct sqlite_conn *c, const struct sqlite_changes_query *q, size_t n, uint64_t *rev,
			      struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_CHANGES_NTH, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)q->after);
	sqlite3_bind_int64(st, 2, (int64_t)q->last);
	sqlite_range_bind(st, 3, q->prefix, q->range);
	sqlite3_bind_int64(st, 5, (int64_t)n);
	rc = sqlite3_step(st);
	*rev = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlite_fail(c, "changes", e);
}

/*
 * Narrow the window to whole revisions holding at most max changes. A
 * revision is never split between two calls (the caller resumes from *upto),
 * so one revision holding more than max changes is delivered whole.
 */
static int sqlite_changes_limit(struct sqlite_conn *c, struct sqlite_changes_query *q, size_t max, struct err *e)
{
	uint64_t cut, first;

	if (max == 0)
		return 0;
	if (sqlite_changes_nth(c, q, max, &cut, e) < 0)
		return -1;
	if (cut == 0)
		return 0; /* at most max changes in the window */
	if (sqlite_changes_nth(c, q, 0, &first, e) < 0)
		return -1;
	q->last = first == cut ? cut : cut - 1;
	return 0;
}

static int sqlite_changes_rows(struct sqlite_conn *c, struct sqlite_changes_query *q, store_event_cb cb, void *arg,
			       struct err *e)
{
	sqlite3_stmt *st = sqlite_stmt(c, SQL_CHANGES, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)q->after);
	sqlite3_bind_int64(st, 2, (int64_t)q->last);
	sqlite_range_bind(st, 3, q->prefix, q->range);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event ev = {
		    .rev = (uint64_t)sqlite3_column_int64(st, 0),
		    .kind = sqlite3_column_int(st, 1) ? STORE_EVENT_DELETE : STORE_EVENT_PUT,
		    .created = sqlite3_column_int(st, 2) != 0,
		    .key = (const char *)sqlite3_column_text(st, 3),
		    .value = (const char *)sqlite3_column_text(st, 4),
		};

		if (ev.key == NULL || ev.value == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (cb(&ev, arg) != 0) {
			/* Stopped: read up to the end of the last revision delivered whole. */
			rc = sqlite3_step(st);
			q->last =
			    rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) == ev.rev ? ev.rev - 1 : ev.rev;
			rc = rc == SQLITE_ROW ? SQLITE_DONE : rc;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(c, "changes", e);
}

static int sqlite_changes(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
			  uint64_t *upto, struct err *e)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	struct sqlite_changes_query q = {.after = after, .prefix = prefix};
	struct sqlite_range r;
	struct sqlite_conn *c;
	int64_t compacted;
	int ret = -1;

	sqlite_expire_if_due(ss);
	if (sqlite_range_init(&r, prefix, e) < 0)
		return -1;
	q.range = &r;
	c = sqlite_conn_get(ss, e);
	if (c == NULL || sqlite_read_begin(c, &q.last, e) < 0)
		goto out;
	if (sqlite_meta_get(c, SQLITE_META_COMPACTED, &compacted, e) < 0)
		ret = -1;
	else if (after < (uint64_t)compacted)
		ret = 1;
	else if (after >= q.last)
		ret = 0;
	else
		ret = sqlite_changes_limit(c, &q, max, e) < 0 ? -1 : sqlite_changes_rows(c, &q, cb, arg, e);
	ret = sqlite_read_end(c, ret, e);
	if (ret == 0 && upto != NULL)
		*upto = q.last > after ? q.last : after;
out:
	sqlite_conn_put(ss, c);
	free(r.upper);
	return ret;
}

/* ---- waiting ---- */

static int64_t sqlite_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Another process may have committed or granted a lease: look at the file. */
static void sqlite_wait_poll(struct sqlite_store *ss)
{
	struct err e = {0};
	struct sqlite_conn *c = sqlite_conn_get(ss, &e);
	int64_t rev;

	if (c != NULL) {
		sqlite_refresh_expiry(ss, c);
		if (sqlite_meta_get(c, SQLITE_META_REVISION, &rev, &e) == 0)
			sqlite_publish(ss, (uint64_t)rev);
	}
	sqlite_conn_put(ss, c);
	err_clear(&e);
	sqlite_expire_if_due(ss);
}

static int sqlite_wait(struct store *s, uint64_t after, int timeout_ms)
{
	struct sqlite_store *ss = sqlite_store_of(s);
	int64_t now = sqlite_mono_ms();
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : now + timeout_ms;

	for (;;) {
		int64_t until;
		struct timespec ts;

		sqlite_wait_poll(ss);
		if (atomic_load(&ss->seen_rev) > after)
			return 1;
		now = sqlite_mono_ms();
		if (now >= deadline)
			return 0;
		until = deadline - now < SQLITE_POLL_MS ? deadline : now + SQLITE_POLL_MS;
		ts.tv_sec = until / 1000;
		ts.tv_nsec = (until % 1000) * 1000000;
		pthread_mutex_lock(&ss->wait_lock);
		while (atomic_load(&ss->seen_rev) <= after) {
			int rc = pthread_cond_timedwait(&ss->wait_cond, &ss->wait_lock, &ts);

			if (rc == ETIMEDOUT)
				break;
		}
		pthread_mutex_unlock(&ss->wait_lock);
		if (atomic_load(&ss->seen_rev) > after)
			return 1;
	}
}

const struct store_backend store_backend_sqlite = {
    .scheme = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .get = sqlite_get,
    .list = sqlite_list,
    .count = sqlite_count,
    .txn = sqlite_txn,
    .revision = sqlite_revision,
    .changes = sqlite_changes,
    .wait = sqlite_wait,
    .compact = sqlite_compact,
    .first_revision = sqlite_first_revision,
    .lease_grant = sqlite_lease_grant,
    .lease_keepalive = sqlite_lease_keepalive,
    .lease_revoke = sqlite_lease_revoke,
};
