/*
 * The store's front door: picks a backend by the URL's scheme and forwards
 * every call to it (see backend.h). Adding a backend is adding a row to
 * store_backends[].
 *
 * Checks shared by every backend live here, so each backend may assume:
 * a non-NULL handle, non-NULL keys, values for puts, and a callback where
 * one is needed.
 */
#include "store/backend.h"

#include <string.h>

static const struct store_backend *const store_backends[] = {
    &store_backend_sqlite,
    &store_backend_etcd,
};

struct store *store_open(const char *url, struct err *e)
{
	const char *colon;
	size_t len;

	if (url == NULL || (colon = strchr(url, ':')) == NULL) {
		err_set(e, "STORE_BAD_URL", url ? url : "", NULL);
		return NULL;
	}
	len = (size_t)(colon - url);
	for (size_t i = 0; i < sizeof(store_backends) / sizeof(store_backends[0]); i++) {
		const struct store_backend *b = store_backends[i];

		if (strlen(b->scheme) == len && memcmp(b->scheme, url, len) == 0)
			return b->open(colon + 1, e);
	}
	err_set(e, "STORE_BAD_URL", url, NULL);
	return NULL;
}

void store_close(struct store *s)
{
	if (s != NULL)
		s->backend->close(s);
}

static int store_check(struct store *s, const void *arg, struct err *e)
{
	if (s == NULL || arg == NULL) {
		err_internal(e, "store: NULL %s", s == NULL ? "store" : "argument");
		return -1;
	}
	return 0;
}

int store_get(struct store *s, const char *key, char **value, uint64_t *mod_rev, struct err *e)
{
	if (store_check(s, key, e) < 0 || store_check(s, value, e) < 0)
		return -1;
	return s->backend->get(s, key, value, mod_rev, e);
}

int store_list(struct store *s, const char *prefix, store_kv_cb cb, void *arg, uint64_t *rev, struct err *e)
{
	if (store_check(s, (const void *)cb, e) < 0)
		return -1;
	return s->backend->list(s, prefix ? prefix : "", cb, arg, rev, e);
}

int64_t store_count(struct store *s, const char *prefix, struct err *e)
{
	if (store_check(s, s, e) < 0)
		return -1;
	return s->backend->count(s, prefix ? prefix : "", e);
}

int store_txn(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op, struct err *e)
{
	if (store_check(s, n ? (const void *)ops : s, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].key == NULL || (ops[i].kind == STORE_OP_PUT && ops[i].value == NULL) ||
		    (ops[i].kind != STORE_OP_PUT && ops[i].kind != STORE_OP_DELETE) ||
		    ops[i].expect_rev < STORE_EXPECT_ANY) {
			err_internal(e, "store_txn: op %zu is malformed", i);
			return -1;
		}
		/* etcd refuses a key twice in one transaction; so do we, for both backends to agree. */
		for (size_t j = 0; j < i; j++) {
			if (strcmp(ops[i].key, ops[j].key) == 0) {
				err_set(e, "STORE_DUPLICATE_KEY", ops[i].key, NULL);
				return -1;
			}
		}
	}
	return s->backend->txn(s, ops, n, rev, failed_op, e);
}

int store_put(struct store *s, const char *key, const char *value, int64_t expect_rev, uint64_t *rev, struct err *e)
{
	struct store_op op = {STORE_OP_PUT, key, value, expect_rev, 0};

	return store_txn(s, &op, 1, rev, NULL, e);
}

int store_delete(struct store *s, const char *key, int64_t expect_rev, uint64_t *rev, struct err *e)
{
	struct store_op op = {STORE_OP_DELETE, key, NULL, expect_rev, 0};

	return store_txn(s, &op, 1, rev, NULL, e);
}

uint64_t store_revision(struct store *s)
{
	return s ? s->backend->revision(s) : 0;
}

int store_changes(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
		  uint64_t *upto, struct err *e)
{
	if (store_check(s, (const void *)cb, e) < 0)
		return -1;
	return s->backend->changes(s, after, prefix ? prefix : "", max, cb, arg, upto, e);
}

int store_wait(struct store *s, uint64_t after, int timeout_ms)
{
	return s ? s->backend->wait(s, after, timeout_ms) : -1;
}

int store_compact(struct store *s, uint64_t rev, struct err *e)
{
	if (store_check(s, s, e) < 0)
		return -1;
	return s->backend->compact(s, rev, e);
}

uint64_t store_first_revision(struct store *s)
{
	return s ? s->backend->first_revision(s) : 0;
}

int store_lease_grant(struct store *s, int ttl_seconds, int64_t *lease, struct err *e)
{
	if (store_check(s, lease, e) < 0)
		return -1;
	if (ttl_seconds <= 0) {
		err_setf(e, "STORE_BAD_LEASE_TTL", "%d", ttl_seconds);
		return -1;
	}
	return s->backend->lease_grant(s, ttl_seconds, lease, e);
}

int store_lease_keepalive(struct store *s, int64_t lease, struct err *e)
{
	if (store_check(s, s, e) < 0)
		return -1;
	return s->backend->lease_keepalive(s, lease, e);
}

int store_lease_revoke(struct store *s, int64_t lease, struct err *e)
{
	if (store_check(s, s, e) < 0)
		return -1;
	return s->backend->lease_revoke(s, lease, e);
}
