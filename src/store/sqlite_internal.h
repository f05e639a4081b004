/*
 * What sqlite.c (connections, reads, waiting) and sqlite_write.c
 * (transactions, leases, compaction) share. Private to src/store/.
 * The design and its invariants are described at the top of sqlite.c.
 */
#ifndef OVCP_STORE_SQLITE_INTERNAL_H
#define OVCP_STORE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "store/backend.h"

/* Every statement the backend runs; the SQL is in sqlite.c's sqlite_sql[]. */
enum sqlite_sql_id {
	SQL_BEGIN,
	SQL_BEGIN_WRITE,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_META_GET,
	SQL_META_SET,
	SQL_KV_GET,
	SQL_KV_MOD_REV,
	SQL_KV_LIST,
	SQL_KV_COUNT,
	SQL_KV_PUT,
	SQL_KV_DELETE,
	SQL_KV_DELETE_LEASE,
	SQL_LOG_PUT,
	SQL_LOG_DELETE,
	SQL_LOG_DELETE_LEASE,
	SQL_CHANGES,
	SQL_CHANGES_NTH,
	SQL_CHANGES_COMPACT,
	SQL_LEASE_INSERT,
	SQL_LEASE_RENEW,
	SQL_LEASE_EXISTS,
	SQL_LEASE_EXPIRED,
	SQL_LEASE_DELETE,
	SQL_LEASE_NEXT,
	SQL_COUNT
};

/* One SQLite connection; used by one thread at a time (taken from the pool). */
struct sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *stmt[SQL_COUNT]; /* prepared on first use, kept until the connection closes */
	struct sqlite_conn *next;      /* in the idle list */
};

struct sqlite_store {
	struct store base;
	char *path;
	pthread_mutex_t pool_lock; /* guards idle, idle_count */
	struct sqlite_conn *idle;
	size_t idle_count;
	pthread_mutex_t write_lock;	/* serializes this process's write transactions */
	pthread_mutex_t wait_lock;	/* with wait_cond: store_wait's sleep */
	pthread_cond_t wait_cond;	/* broadcast after every commit by this process */
	_Atomic uint64_t seen_rev;	/* highest revision this process committed or read */
	_Atomic int64_t next_expiry_ms; /* earliest lease expiry known (INT64_MAX: none) */
};

#define SQLITE_META_REVISION  "revision"
#define SQLITE_META_COMPACTED "compacted"

/* sqlite.c */
struct sqlite_conn *sqlite_conn_get(struct sqlite_store *ss, struct err *e);
void sqlite_conn_put(struct sqlite_store *ss, struct sqlite_conn *c);
/* The statement, prepared and reset; NULL (e filled) on failure. */
sqlite3_stmt *sqlite_stmt(struct sqlite_conn *c, enum sqlite_sql_id id, struct err *e);
/* Fill e with SQLite's message for c; returns -1. */
int sqlite_fail(struct sqlite_conn *c, const char *what, struct err *e);
/* Run a statement without bound parameters or rows (BEGIN, COMMIT...). 0 / -1. */
int sqlite_exec_stmt(struct sqlite_conn *c, enum sqlite_sql_id id, struct err *e);
int sqlite_meta_get(struct sqlite_conn *c, const char *name, int64_t *value, struct err *e);
int64_t sqlite_now_ms(void); /* wall clock: lease expiries are shared with other processes */
/* Record that revision rev exists and wake store_wait callers. */
void sqlite_publish(struct sqlite_store *ss, uint64_t rev);

/* sqlite_write.c */
int sqlite_txn(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op, struct err *e);
int sqlite_compact(struct store *s, uint64_t rev, struct err *e);
int sqlite_lease_grant(struct store *s, int ttl_seconds, int64_t *lease, struct err *e);
int sqlite_lease_keepalive(struct store *s, int64_t lease, struct err *e);
int sqlite_lease_revoke(struct store *s, int64_t lease, struct err *e);
/* If a lease may have expired, delete its keys now (a write transaction). */
void sqlite_expire_if_due(struct sqlite_store *ss);
/* Re-read the earliest lease expiry (another process may have granted one). */
void sqlite_refresh_expiry(struct sqlite_store *ss, struct sqlite_conn *c);

#endif
