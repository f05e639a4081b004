/*
 * The store: where every record of OVCP lives.
 *
 * A revisioned key-value store with etcd's semantics, so that the embedded
 * SQLite backend (one host) and an etcd backend (a pool) are interchangeable:
 *
 *  - One revision counter for the whole store. Every committed transaction
 *    that changes something increases it by exactly one; each key keeps the
 *    revision it was created at and the revision of its last change.
 *  - Transactions apply several puts and deletes atomically, each guarded by
 *    an optional compare on the key's mod revision (compare-and-swap).
 *  - A change log keeps, for each revision, what changed (key, new value or,
 *    for a delete, the value it had), so that watchers can read every change
 *    after a revision. The log is compacted: reading from before the
 *    compaction point is reported, and the reader re-lists.
 *  - Leases: a key put with a lease is deleted (as an ordinary, logged delete)
 *    when the lease expires or is revoked.
 *
 * All functions are safe to call from any thread at the same time.
 * Values are NUL-terminated text (OVCP stores JSON).
 */
#ifndef OVCP_STORE_STORE_H
#define OVCP_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct store;

/* Compare for a transaction op: any value, or the key must not exist, or mod_rev must equal n. */
#define STORE_EXPECT_ANY (-1)
#define STORE_EXPECT_ABSENT 0

enum store_op_kind { STORE_OP_PUT, STORE_OP_DELETE };

struct store_op {
	enum store_op_kind kind;
	const char *key;
	const char *value;  /* STORE_OP_PUT */
	int64_t expect_rev; /* STORE_EXPECT_ANY, STORE_EXPECT_ABSENT or a mod revision */
	int64_t lease;      /* STORE_OP_PUT: 0 or a lease id */
};

enum store_event_kind { STORE_EVENT_PUT, STORE_EVENT_DELETE };

struct store_event {
	uint64_t rev;
	enum store_event_kind kind;
	bool created;       /* PUT: the key did not exist before */
	const char *key;
	const char *value;  /* PUT: the new value; DELETE: the value it had */
};

struct store_kv {
	const char *key;
	const char *value;
	uint64_t create_rev;
	uint64_t mod_rev;
};

/* Callbacks return 0 to go on, non-zero to stop early. Pointers are valid during the call only. */
typedef int (*store_kv_cb)(const struct store_kv *kv, void *arg);
typedef int (*store_event_cb)(const struct store_event *ev, void *arg);

/*
 * Open a store from a URL: "sqlite:PATH" (the file is created if missing)
 * or "etcd://HOST:PORT[,HOST:PORT...]" (etcd.c). Returns NULL and fills e on failure.
 */
struct store *store_open(const char *url, struct err *e);
void store_close(struct store *s); /* NULL is a no-op */

/* 1 found (*value malloc'd, caller frees; revs filled if non-NULL), 0 absent, -1 error. */
int store_get(struct store *s, const char *key, char **value, uint64_t *mod_rev, struct err *e);

/*
 * Call cb for every key starting with prefix, in key order, as of one
 * consistent revision, which is returned in *rev (if non-NULL). 0 / -1.
 */
int store_list(struct store *s, const char *prefix, store_kv_cb cb, void *arg, uint64_t *rev, struct err *e);

/* Number of keys starting with prefix. -1 on error. */
int64_t store_count(struct store *s, const char *prefix, struct err *e);

/*
 * Apply ops atomically. Returns 0 committed (*rev = the new revision, or the
 * current one if nothing changed), 1 a compare failed (nothing applied;
 * *failed_op = its index if non-NULL), -1 error. Deleting an absent key with
 * STORE_EXPECT_ANY is not a failure and changes nothing. A put always counts
 * as a change. A key may appear in only one op of a transaction (as in etcd;
 * else -1, STORE_DUPLICATE_KEY).
 */
int store_txn(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op,
	      struct err *e);

/* Convenience single-op transactions, same returns as store_txn. */
int store_put(struct store *s, const char *key, const char *value, int64_t expect_rev, uint64_t *rev,
	      struct err *e);
int store_delete(struct store *s, const char *key, int64_t expect_rev, uint64_t *rev, struct err *e);

/* The current revision (0 for an empty, never-written store). */
uint64_t store_revision(struct store *s);

/*
 * Call cb for each change with revision > after, for keys under prefix, in
 * revision order, at most max events (0: no limit). *upto (if non-NULL) is
 * the revision read up to: pass it as `after` next time. A revision's events
 * are never split between two calls: if the first revision alone has more
 * than max events, it is delivered whole. If cb stops early, *upto is the
 * last revision whose events were all delivered.
 * Returns 0, 1 if `after` is older than the compaction point (events were
 * lost: re-list, then read changes from the list's revision), -1 error.
 */
int store_changes(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
		  uint64_t *upto, struct err *e);

/* Block until the revision is > after, or timeout_ms passes. 1 changed, 0 timed out, -1 error. */
int store_wait(struct store *s, uint64_t after, int timeout_ms);

/* Forget change-log entries with revision <= rev. 0 / -1. */
int store_compact(struct store *s, uint64_t rev, struct err *e);
/* The oldest revision still readable with store_changes (compaction point + 1). */
uint64_t store_first_revision(struct store *s);

/*
 * Leases. A lease lives ttl_seconds after its grant or last keepalive. 0 / -1.
 * Granting and renewing do not change the revision; deleting a lease's keys
 * (expiry or revoke) is one revision. A put with an unknown lease fails (-1).
 */
int store_lease_grant(struct store *s, int ttl_seconds, int64_t *lease, struct err *e);
/* 0 renewed, 1 the lease no longer exists, -1 error. */
int store_lease_keepalive(struct store *s, int64_t lease, struct err *e);
/* Revoke: its keys are deleted now. 0 / -1 (revoking an unknown lease is not an error). */
int store_lease_revoke(struct store *s, int64_t lease, struct err *e);

#endif
