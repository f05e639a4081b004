/*
 * The etcd backend ("etcd://HOST:PORT", or "etcd://H1:P1,H2:P2,..." tried in
 * order): the store kept in an etcd v3 cluster, spoken to through etcd's
 * JSON gateway over HTTP (etcd_http.c), so no gRPC library is needed.
 * etcd_watch.c holds store_changes and store_wait.
 *
 * How store.h maps onto etcd:
 *   - Revisions: store revision = etcd revision - 1. etcd counts an empty
 *     store as revision 1 and its first write as 2; store.h counts 0 and 1.
 *     So etcdctl shows every revision one higher than OVCP does.
 *   - get/list/count: Range. A list of more than one page reads every page
 *     at the first page's header revision, so it is one consistent snapshot.
 *     Reads are linearizable (etcd's default).
 *   - txn: one etcd Txn. A STORE_EXPECT_ABSENT op compares create_revision
 *     with 0, a mod revision n compares mod_revision with n + 1; the success
 *     branch holds the puts and deletes. etcd only says that some compare
 *     failed, so the failure branch reads every compared key, and failed_op
 *     is the first op whose compare those reads (taken at the same revision)
 *     contradict. A delete of an absent key changes nothing in etcd either,
 *     and a txn that changes nothing does not move the revision.
 *   - compaction: store_compact(rev) is etcd compaction at rev + 1 (physical),
 *     which keeps every change after rev readable, with the previous values
 *     that deletes need. etcd does not tell its compaction point, but a
 *     Range at a revision below it fails, so store_first_revision searches
 *     for the oldest readable revision (one request when it has not moved).
 *   - leases: LeaseGrant, LeaseKeepAlive (one message per POST), LeaseRevoke.
 *     etcd deletes a lease's keys in one revision, as store.h promises.
 *
 * Not exact (etcd's limits, not this file's choice):
 *   - etcd raises a lease's TTL to its minimum, 1.5 x the election timeout
 *     rounded up to whole seconds (2 s with etcd's defaults; run etcd with
 *     --election-timeout <= 666 ms for 1 s leases), and expires leases from a
 *     500 ms timer: a lease lives ttl to ttl + 0.5 s. A grant that comes back
 *     longer than asked is logged.
 *   - etcd refuses requests over --max-request-bytes (1.5 MiB by default:
 *     values up to about 1.4 MiB fit) and transactions over --max-txn-ops
 *     (128) operations; store_txn then fails with STORE_ETCD_ERROR.
 *   - a list whose later pages fall behind a concurrent compaction fails
 *     (STORE_COMPACTED) instead of returning a snapshot; the caller retries.
 *   - store_revision and store_first_revision cannot report an error: when
 *     etcd cannot be reached they log it and return 0.
 */
#include "store/etcd_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define ETCD_LIST_PAGE 128

/* ---- open / close ---- */

static void etcd_close(struct store *s);

/* One "HOST:PORT" (a trailing "/" allowed) appended to es->endpoints as "http://HOST:PORT". 0 / -1. */
static int etcd_endpoint_add(struct etcd_store *es, char *one)
{
	size_t len = strlen(one);
	char **grown;

	while (len > 0 && one[len - 1] == '/')
		one[--len] = '\0';
	if (len == 0 || strchr(one, ':') == NULL || strpbrk(one, "/?#@ ") != NULL)
		return -1;
	grown = realloc(es->endpoints, (es->n_endpoints + 1) * sizeof(*grown));
	if (grown == NULL)
		return -1;
	es->endpoints = grown;
	if (asprintf(&es->endpoints[es->n_endpoints], "http://%s", one) < 0)
		return -1;
	es->n_endpoints++;
	return 0;
}

/* "//HOST:PORT[,HOST:PORT...]" into es->endpoints. 0 / -1. */
static int etcd_endpoints_parse(struct etcd_store *es, const char *rest, struct err *e)
{
	char *list = strncmp(rest, "//", 2) == 0 ? strdup(rest + 2) : NULL, *next = list, *one;
	int rc = list != NULL ? 0 : -1;

	while (rc == 0 && (one = strsep(&next, ",")) != NULL)
		rc = etcd_endpoint_add(es, one);
	free(list);
	if (rc < 0)
		err_set(e, "STORE_BAD_URL", "etcd:", rest, NULL);
	return rc;
}

static struct store *etcd_open(const char *rest, struct err *e)
{
	struct etcd_store *es;
	json_t *req, *reply;

	if (etcd_http_init(e) < 0)
		return NULL;
	es = calloc(1, sizeof(*es));
	if (es == NULL) {
		err_internal(e, "store: out of memory");
		return NULL;
	}
	es->base.backend = &store_backend_etcd;
	pthread_mutex_init(&es->pool_lock, NULL);
	atomic_init(&es->compacted_hint, 1);
	if (etcd_endpoints_parse(es, rest, e) < 0) {
		etcd_close(&es->base);
		return NULL;
	}
	/* Reach the cluster now, so a wrong URL fails here and not at the first use. */
	req = json_pack("{s:o}", "key", etcd_json_bytes("", 1));
	reply = req ? etcd_call(es, "/v3/kv/range", req, e) : NULL;
	json_decref(req);
	if (reply == NULL) {
		if (!err_isset(e))
			err_internal(e, "store: out of memory");
		etcd_close(&es->base);
		return NULL;
	}
	json_decref(reply);
	return &es->base;
}

static void etcd_close(struct store *s)
{
	struct etcd_store *es = etcd_store_of(s);

	etcd_http_pool_free(es);
	for (size_t i = 0; i < es->n_endpoints; i++)
		free(es->endpoints[i]);
	free(es->endpoints);
	pthread_mutex_destroy(&es->pool_lock);
	free(es);
}

/* ---- reads ---- */

/* The decoded key and value of an etcd KeyValue, as a store_kv (strings malloc'd). 0 / -1. */
static int etcd_kv_decode(const json_t *kv, struct store_kv *out, struct err *e)
{
	size_t klen, vlen;
	char *key = etcd_bytes_get(kv, "key", &klen), *value = etcd_bytes_get(kv, "value", &vlen);

	if (key == NULL || value == NULL) {
		free(key);
		free(value);
		err_internal(e, "store: etcd sent a key or value that is not base64");
		return -1;
	}
	*out = (struct store_kv){key, value, etcd_rev_to_store(etcd_int_get(kv, "create_revision")),
				 etcd_rev_to_store(etcd_int_get(kv, "mod_revision"))};
	return 0;
}

static int etcd_get(struct store *s, const char *key, char **value, uint64_t *mod_rev, struct err *e)
{
	json_t *req = json_pack("{s:o}", "key", etcd_json_str(key));
	json_t *reply = req ? etcd_call(etcd_store_of(s), "/v3/kv/range", req, e) : NULL;
	const json_t *kv;
	struct store_kv out;
	int ret = -1;

	json_decref(req);
	if (reply == NULL)
		return -1;
	kv = json_array_get(json_object_get(reply, "kvs"), 0);
	if (kv == NULL) {
		ret = 0;
	} else if (etcd_kv_decode(kv, &out, e) == 0) {
		free((char *)out.key);
		*value = (char *)out.value;
		if (mod_rev != NULL)
			*mod_rev = out.mod_rev;
		ret = 1;
	}
	json_decref(reply);
	return ret;
}

/* Call cb for the kvs of one page; 1 if cb stopped, 0, -1. *last gets the last key (malloc'd). */
static int etcd_list_page(const json_t *kvs, store_kv_cb cb, void *arg, char **last, struct err *e)
{
	size_t i;
	const json_t *kv;

	json_array_foreach(kvs, i, kv) {
		struct store_kv out;
		int stop;

		if (etcd_kv_decode(kv, &out, e) < 0)
			return -1;
		stop = cb(&out, arg);
		free(*last);
		*last = (char *)out.key;
		free((char *)out.value);
		if (stop)
			return 1;
	}
	return 0;
}

static int etcd_list(struct store *s, const char *prefix, store_kv_cb cb, void *arg, uint64_t *rev, struct err *e)
{
	struct etcd_store *es = etcd_store_of(s);
	json_t *req = json_object(), *reply = NULL;
	int64_t at = 0;
	char *last = NULL;
	int ret = -1;

	if (req == NULL || etcd_prefix_range_set(req, prefix) < 0 ||
	    json_object_set_new(req, "limit", etcd_json_int(ETCD_LIST_PAGE)) < 0)
		goto out;
	for (;;) {
		int rc;

		reply = etcd_call(es, "/v3/kv/range", req, e);
		if (reply == NULL)
			goto out;
		if (at == 0) {
			/* Every later page is read as of the first page's revision. */
			at = etcd_header_revision(reply);
			json_object_set_new(req, "revision", etcd_json_int(at));
		}
		rc = etcd_list_page(json_object_get(reply, "kvs"), cb, arg, &last, e);
		if (rc < 0)
			goto out;
		if (rc > 0 || !json_is_true(json_object_get(reply, "more")) || last == NULL)
			break;
		/* The next page starts just after the last key: last + "\0". */
		json_object_set_new(req, "key", etcd_json_bytes(last, strlen(last) + 1));
		json_decref(reply);
		reply = NULL;
	}
	if (rev != NULL)
		*rev = etcd_rev_to_store(at);
	ret = 0;
out:
	if (ret < 0 && !err_isset(e))
		err_internal(e, "store: out of memory");
	free(last);
	json_decref(reply);
	json_decref(req);
	return ret;
}

static int64_t etcd_count(struct store *s, const char *prefix, struct err *e)
{
	json_t *req = json_pack("{s:b}", "count_only", 1), *reply = NULL;
	int64_t n = -1;

	if (req == NULL || etcd_prefix_range_set(req, prefix) < 0) {
		err_internal(e, "store: out of memory");
		goto out;
	}
	reply = etcd_call(etcd_store_of(s), "/v3/kv/range", req, e);
	if (reply != NULL)
		n = etcd_int_get(reply, "count");
out:
	json_decref(reply);
	json_decref(req);
	return n;
}

int64_t etcd_current(struct etcd_store *es)
{
	struct err e = {0};
	json_t *req = json_pack("{s:o}", "key", etcd_json_bytes("", 1));
	json_t *reply = req ? etcd_call(es, "/v3/kv/range", req, &e) : NULL;
	int64_t rev = reply ? etcd_header_revision(reply) : 0;

	if (reply == NULL)
		log_warn("store: etcd: cannot read the revision: %s", err_isset(&e) ? err_code(&e) : "out of memory");
	json_decref(reply);
	json_decref(req);
	err_clear(&e);
	return rev;
}

static uint64_t etcd_revision(struct store *s)
{
	return etcd_rev_to_store(etcd_current(etcd_store_of(s)));
}

/* ---- transactions ---- */

/* The compare guarding op (expect_rev is not STORE_EXPECT_ANY). */
static json_t *etcd_txn_compare(const struct store_op *op)
{
	if (op->expect_rev == STORE_EXPECT_ABSENT)
		return json_pack("{s:o,s:s,s:s,s:o}", "key", etcd_json_str(op->key), "target", "CREATE", "result",
				 "EQUAL", "create_revision", etcd_json_int(0));
	return json_pack("{s:o,s:s,s:s,s:o}", "key", etcd_json_str(op->key), "target", "MOD", "result", "EQUAL",
			 "mod_revision", etcd_json_int(etcd_rev_of_store((uint64_t)op->expect_rev)));
}

static json_t *etcd_txn_request_op(const struct store_op *op)
{
	json_t *put;

	if (op->kind == STORE_OP_DELETE)
		return json_pack("{s:{s:o}}", "request_delete_range", "key", etcd_json_str(op->key));
	put = json_pack("{s:o,s:o}", "key", etcd_json_str(op->key), "value", etcd_json_str(op->value));
	if (put != NULL && op->lease != 0)
		json_object_set_new(put, "lease", etcd_json_int(op->lease));
	return put ? json_pack("{s:o}", "request_put", put) : NULL;
}

static json_t *etcd_txn_request(const struct store_op *ops, size_t n)
{
	json_t *compare = json_array(), *success = json_array(), *failure = json_array();

	for (size_t i = 0; i < n; i++) {
		if (ops[i].expect_rev != STORE_EXPECT_ANY) {
			json_array_append_new(compare, etcd_txn_compare(&ops[i]));
			/* On failure, read the key: that tells which compare failed. */
			json_array_append_new(
			    failure, json_pack("{s:{s:o}}", "request_range", "key", etcd_json_str(ops[i].key)));
		}
		json_array_append_new(success, etcd_txn_request_op(&ops[i]));
	}
	if (compare == NULL || success == NULL || failure == NULL || json_array_size(success) != n) {
		json_decref(compare);
		json_decref(success);
		json_decref(failure);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:o}", "compare", compare, "success", success, "failure", failure);
}

/* The index of the first op whose compare the failure branch's reads contradict. */
static size_t etcd_txn_failed_op(const struct store_op *ops, size_t n, const json_t *responses)
{
	size_t first = n, j = 0;

	for (size_t i = 0; i < n; i++) {
		const json_t *kv;
		bool holds;

		if (ops[i].expect_rev == STORE_EXPECT_ANY)
			continue;
		if (first == n)
			first = i;
		kv = json_array_get(
		    json_object_get(json_object_get(json_array_get(responses, j++), "response_range"), "kvs"), 0);
		if (ops[i].expect_rev == STORE_EXPECT_ABSENT)
			holds = kv == NULL;
		else
			holds = kv != NULL &&
				etcd_int_get(kv, "mod_revision") == etcd_rev_of_store((uint64_t)ops[i].expect_rev);
		if (!holds)
			return i;
	}
	return first < n ? first : 0;
}

static int etcd_txn(struct store *s, const struct store_op *ops, size_t n, uint64_t *rev, size_t *failed_op,
		    struct err *e)
{
	json_t *req = etcd_txn_request(ops, n), *reply;
	int ret;

	if (req == NULL) {
		err_internal(e, "store: out of memory");
		return -1;
	}
	reply = etcd_call(etcd_store_of(s), "/v3/kv/txn", req, e);
	json_decref(req);
	if (reply == NULL)
		return -1;
	if (json_is_true(json_object_get(reply, "succeeded"))) {
		if (rev != NULL)
			*rev = etcd_rev_to_store(etcd_header_revision(reply));
		ret = 0;
	} else {
		if (failed_op != NULL)
			*failed_op = etcd_txn_failed_op(ops, n, json_object_get(reply, "responses"));
		ret = 1;
	}
	json_decref(reply);
	return ret;
}

/* ---- compaction ---- */

static int etcd_compact(struct store *s, uint64_t rev, struct err *e)
{
	struct etcd_store *es = etcd_store_of(s);
	int64_t at = etcd_rev_of_store(rev);
	json_t *req = json_pack("{s:o,s:b}", "revision", etcd_json_int(at), "physical", 1);
	struct err why = {0};
	json_t *reply = req ? etcd_call(es, "/v3/kv/compaction", req, &why) : NULL;
	int ret = reply != NULL ? 0 : -1;

	json_decref(req);
	json_decref(reply);
	if (ret < 0 && strcmp(err_code(&why), "STORE_COMPACTED") == 0)
		ret = 0; /* compacted there or further already: nothing to do */
	else if (ret < 0 && !err_isset(&why))
		err_internal(&why, "store: out of memory");
	if (ret < 0)
		err_move(e, &why);
	err_clear(&why);
	if (ret == 0 && at > atomic_load(&es->compacted_hint))
		atomic_store(&es->compacted_hint, at);
	return ret;
}

/* 1 etcd can read as of revision at, 0 it is compacted, -1 error. */
static int etcd_readable_at(struct etcd_store *es, int64_t at)
{
	struct err e = {0};
	json_t *req = json_pack("{s:o,s:o}", "key", etcd_json_bytes("", 1), "revision", etcd_json_int(at));
	json_t *reply = req ? etcd_call(es, "/v3/kv/range", req, &e) : NULL;
	int ret = reply != NULL ? 1 : strcmp(err_code(&e), "STORE_COMPACTED") == 0 ? 0 : -1;

	if (ret < 0)
		log_warn("store: etcd: range at %" PRId64 ": %s", at, err_code(&e));
	json_decref(reply);
	json_decref(req);
	err_clear(&e);
	return ret;
}

/*
 * The oldest etcd revision that can still be read (etcd's compaction point,
 * or 1): a binary search between the hint and the current revision, which
 * is always readable.
 */
static uint64_t etcd_first_revision(struct store *s)
{
	struct etcd_store *es = etcd_store_of(s);
	int64_t lo = atomic_load(&es->compacted_hint), hi, rc;

	rc = etcd_readable_at(es, lo);
	if (rc != 0)
		return rc > 0 ? (uint64_t)lo : 0;
	/* lo is compacted, hi is readable. */
	if ((hi = etcd_current(es)) == 0)
		return 0;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		rc = etcd_readable_at(es, mid);
		if (rc < 0)
			return 0;
		if (rc > 0)
			hi = mid;
		else
			lo = mid;
	}
	if (hi > atomic_load(&es->compacted_hint))
		atomic_store(&es->compacted_hint, hi);
	/* etcd readable from hi = compacted after store revision hi - 1: first is hi. */
	return (uint64_t)hi;
}

/* ---- leases ---- */

static int etcd_lease_grant(struct store *s, int ttl_seconds, int64_t *lease, struct err *e)
{
	json_t *req = json_pack("{s:o}", "TTL", etcd_json_int(ttl_seconds));
	json_t *reply = req ? etcd_call(etcd_store_of(s), "/v3/lease/grant", req, e) : NULL;
	int64_t granted;

	json_decref(req);
	if (reply == NULL) {
		if (!err_isset(e))
			err_internal(e, "store: out of memory");
		return -1;
	}
	*lease = etcd_int_get(reply, "ID");
	granted = etcd_int_get(reply, "TTL");
	json_decref(reply);
	if (*lease == 0) {
		err_set(e, "STORE_ETCD_ERROR", "lease grant returned no ID", NULL);
		return -1;
	}
	if (granted > ttl_seconds)
		log_warn("store: etcd raised lease %" PRId64 " from %d s to its minimum TTL, %" PRId64 " s", *lease,
			 ttl_seconds, granted);
	return 0;
}

static int etcd_lease_keepalive(struct store *s, int64_t lease, struct err *e)
{
	/* One keepalive per POST: etcd answers it, then ends the stream. */
	json_t *req = json_pack("{s:o}", "ID", etcd_json_int(lease));
	json_t *reply = req ? etcd_call(etcd_store_of(s), "/v3/lease/keepalive", req, e) : NULL;
	int ret;

	json_decref(req);
	if (reply == NULL) {
		if (!err_isset(e))
			err_internal(e, "store: out of memory");
		return -1;
	}
	/* etcd answers TTL 0 (left out of the JSON) for a lease that no longer exists. */
	ret = etcd_int_get(json_object_get(reply, "result"), "TTL") > 0 ? 0 : 1;
	json_decref(reply);
	return ret;
}

static int etcd_lease_revoke(struct store *s, int64_t lease, struct err *e)
{
	json_t *req = json_pack("{s:o}", "ID", etcd_json_int(lease));
	struct err why = {0};
	json_t *reply = req ? etcd_call(etcd_store_of(s), "/v3/kv/lease/revoke", req, &why) : NULL;
	int ret = reply != NULL ? 0 : -1;

	json_decref(req);
	json_decref(reply);
	if (ret < 0 && strcmp(err_code(&why), "STORE_LEASE_NOT_FOUND") == 0)
		ret = 0; /* unknown or already expired: not an error */
	else if (ret < 0 && !err_isset(&why))
		err_internal(&why, "store: out of memory");
	if (ret < 0)
		err_move(e, &why);
	err_clear(&why);
	return ret;
}

const struct store_backend store_backend_etcd = {
    .scheme = "etcd",
    .open = etcd_open,
    .close = etcd_close,
    .get = etcd_get,
    .list = etcd_list,
    .count = etcd_count,
    .txn = etcd_txn,
    .revision = etcd_revision,
    .changes = etcd_changes,
    .wait = etcd_wait,
    .compact = etcd_compact,
    .first_revision = etcd_first_revision,
    .lease_grant = etcd_lease_grant,
    .lease_keepalive = etcd_lease_keepalive,
    .lease_revoke = etcd_lease_revoke,
};
