/*
 * The store's backends: how store.c dispatches to sqlite.c and etcd.c.
 *
 * A backend is one row in store.c's table: a URL scheme and a table of
 * functions with the meaning documented in store.h. A backend's handle
 * starts with `struct store` (its first member), so store.c can find the
 * ops from any handle and the backend can cast back to its own type.
 * store.c checks NULL handles and arguments common to every backend; the
 * backend checks the rest.
 */
#ifndef OVCP_STORE_BACKEND_H
#define OVCP_STORE_BACKEND_H

#include "store/store.h"

struct store_backend {
	const char *scheme; /* "sqlite" for "sqlite:PATH" */
	/* rest: the URL after "scheme:" */
	struct store *(*open)(const char *rest, struct err *e);
	void (*close)(struct store *s);
	int (*get)(struct store *s, const char *key, char **value, uint64_t *mod_rev, struct err *e);
	int (*list)(struct store *s, const char *prefix, store_kv_cb cb, void *arg, uint64_t *rev, struct err *e);
	int64_t (*count)(struct store *s, const char *prefix, struct err *e);
	int (*txn)(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op,
		   struct err *e);
	uint64_t (*revision)(struct store *s);
	int (*changes)(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
		       uint64_t *upto, struct err *e);
	int (*wait)(struct store *s, uint64_t after, int timeout_ms);
	int (*compact)(struct store *s, uint64_t rev, struct err *e);
	uint64_t (*first_revision)(struct store *s);
	int (*lease_grant)(struct store *s, int ttl_seconds, int64_t *lease, struct err *e);
	int (*lease_keepalive)(struct store *s, int64_t lease, struct err *e);
	int (*lease_revoke)(struct store *s, int64_t lease, struct err *e);
};

/* Every backend handle begins with this. */
struct store {
	const struct store_backend *backend;
};

/* sqlite.c */
extern const struct store_backend store_backend_sqlite;
/* etcd.c */
extern const struct store_backend store_backend_etcd;

#endif
