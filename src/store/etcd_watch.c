/*
 * store_changes and store_wait for the etcd backend, over etcd's streaming
 * /v3/watch: each call opens one watch, reads what it needs, and closes it.
 *
 * store_changes(after, prefix): a watch over the whole key space from etcd
 * revision after + 1 (store revision `after`, see etcd_internal.h), with
 * prev_kv so that a delete carries the value the key had. It reads until it
 * has handled etcd revision `head`, the current revision when the watch was
 * created (the "created" message's header), or until max or the callback
 * stops it.
 *   - Why the whole key space and not just the prefix: every etcd revision
 *     after the first holds at least one event, so seeing revision head
 *     proves the read is complete. A watch on the prefix alone could never
 *     tell "no more events under the prefix" from "not sent yet" (etcd 3.4's
 *     progress requests may answer before a catching-up watch has sent its
 *     events). The cost: events outside the prefix travel and are dropped.
 *   - Why from after + 1, one revision early: etcd cancels a watch (and
 *     reports compact_revision) when its start is below the compaction
 *     point C; store_compact(p) compacts etcd at C = p + 1, and store.h wants
 *     `after` < p reported, i.e. after + 1 < C. Events of revision after + 1
 *     (store revision `after`) are read and dropped.
 *   - A revision's events are handled together: they are collected until an
 *     event of another revision arrives, or the message ends at head or later
 *     (etcd puts a revision's events in one message unless the watch asks
 *     for fragments, which this one does not).
 *     A revision holding no event under the prefix still moves *upto.
 *   - Latency: a watch that starts in the past is served by etcd's catch-up
 *     loop, which runs every 100 ms, so a call that has something to read
 *     takes up to 100 ms. A call with nothing new returns at "created".
 *
 * store_wait(after): a watch from etcd revision after + 2 (the first store
 * revision > after): the "created" header already past it, or any event,
 * wakes the caller; the request's timeout is the wait's timeout.
 */
#include "store/etcd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define ETCD_CHANGES_TIMEOUT_MS 60000

struct etcd_changes_run {
	uint64_t after; /* store revision */
	const char *prefix;
	size_t prefix_len, max, delivered;
	store_event_cb cb;
	void *arg;
	int64_t head;	 /* etcd revision when the watch was created; 0 before */
	json_t *pending; /* the events of etcd revision pending_rev, not yet handled */
	int64_t pending_rev;
	uint64_t upto; /* store revision read up to */
	int result;    /* 0, 1 compacted, -1 error */
	struct err *e;
};

/* One decoded event of the revision being handled. */
struct etcd_event {
	struct store_event ev;
	char *key, *value;
};

static void etcd_events_free(struct etcd_event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(evs[i].key);
		free(evs[i].value);
	}
	free(evs);
}

/* Decode ev if its key is under the prefix: 1 taken, 0 not under the prefix, -1 error. */
static int etcd_event_decode(const struct etcd_changes_run *run, const json_t *ev, struct etcd_event *out)
{
	const json_t *kv = json_object_get(ev, "kv");
	bool deleted = json_is_string(json_object_get(ev, "type")) &&
		       strcmp(json_string_value(json_object_get(ev, "type")), "DELETE") == 0;
	size_t klen, vlen;

	out->key = etcd_bytes_get(kv, "key", &klen);
	if (out->key == NULL)
		return -1;
	if (klen < run->prefix_len || memcmp(out->key, run->prefix, run->prefix_len) != 0) {
		free(out->key);
		return 0;
	}
	/* A delete's value is the one the key had (prev_kv); a put's is the new one. */
	out->value = etcd_bytes_get(deleted ? json_object_get(ev, "prev_kv") : kv, "value", &vlen);
	if (out->value == NULL) {
		free(out->key);
		return -1;
	}
	out->ev = (struct store_event){
	    .rev = etcd_rev_to_store(etcd_int_get(kv, "mod_revision")),
	    .kind = deleted ? STORE_EVENT_DELETE : STORE_EVENT_PUT,
	    .created = !deleted && etcd_int_get(kv, "create_revision") == etcd_int_get(kv, "mod_revision"),
	    .key = out->key,
	    .value = out->value,
	};
	return 1;
}

/* The pending revision's events under the prefix (*n of them), or NULL with *n == 0. -1 on error. */
static int etcd_pending_decode(struct etcd_changes_run *run, struct etcd_event **out, size_t *n)
{
	size_t count = json_array_size(run->pending), i;
	struct etcd_event *evs = calloc(count ? count : 1, sizeof(*evs));
	const json_t *ev;

	*n = 0;
	if (evs == NULL)
		return -1;
	json_array_foreach(run->pending, i, ev) {
		int rc = etcd_event_decode(run, ev, &evs[*n]);

		if (rc < 0) {
			etcd_events_free(evs, *n);
			*n = 0;
			return -1;
		}
		*n += (size_t)rc;
	}
	*out = evs;
	return 0;
}

/* Deliver the pending revision whole. 1 to stop reading, 0 to go on. */
static int etcd_pending_flush(struct etcd_changes_run *run)
{
	uint64_t rev = etcd_rev_to_store(run->pending_rev);
	bool last = run->pending_rev >= run->head;
	struct etcd_event *evs = NULL;
	size_t n = 0, i;
	int stop = 0;

	if (run->pending_rev <= etcd_rev_of_store(run->after))
		goto out; /* the revision read early for the compaction check */
	if (etcd_pending_decode(run, &evs, &n) < 0) {
		err_internal(run->e, "store: etcd sent an event that cannot be decoded");
		run->result = -1;
		stop = 1;
		goto out;
	}
	if (n > 0 && run->max > 0 && run->delivered > 0 && run->delivered + n > run->max) {
		run->upto = rev - 1; /* the revisions before this one are all read */
		stop = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (run->cb(&evs[i].ev, run->arg) != 0) {
			run->upto = i + 1 == n ? rev : rev - 1;
			stop = 1;
			goto out;
		}
	}
	run->delivered += n;
	run->upto = rev;
	stop = last;
out:
	etcd_events_free(evs, n);
	json_array_clear(run->pending);
	return stop;
}

static int etcd_changes_message(json_t *result, void *arg)
{
	struct etcd_changes_run *run = arg;
	const json_t *events = json_object_get(result, "events"), *ev;
	size_t i;

	if (json_is_true(json_object_get(result, "created"))) {
		run->head = etcd_header_revision(result);
		return run->head <= etcd_rev_of_store(run->after); /* nothing after `after` */
	}
	if (json_is_true(json_object_get(result, "canceled"))) {
		if (etcd_int_get(result, "compact_revision") > 0) {
			run->result = 1;
		} else {
			const json_t *why = json_object_get(result, "cancel_reason");

			err_set(run->e, "STORE_ETCD_ERROR",
				json_is_string(why) ? json_string_value(why) : "watch canceled", NULL);
			run->result = -1;
		}
		return 1;
	}
	json_array_foreach(events, i, ev) {
		int64_t rev = etcd_int_get(json_object_get(ev, "kv"), "mod_revision");

		if (json_array_size(run->pending) > 0 && rev != run->pending_rev && etcd_pending_flush(run))
			return 1;
		json_array_append(run->pending, (json_t *)ev);
		run->pending_rev = rev;
	}
	/* A message ends with a whole revision; the one at head is the last to read. */
	if (json_array_size(run->pending) > 0 && run->pending_rev >= run->head) {
		etcd_pending_flush(run);
		return 1;
	}
	return 0;
}

int etcd_changes(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
		 uint64_t *upto, struct err *e)
{
	struct etcd_changes_run run = {
	    .after = after,
	    .prefix = prefix,
	    .prefix_len = strlen(prefix),
	    .max = max,
	    .cb = cb,
	    .arg = arg,
	    .upto = after,
	    .e = e,
	    .pending = json_array(),
	};
	json_t *create = json_object(), *req = NULL;
	int rc = -1;

	if (run.pending == NULL || create == NULL || etcd_prefix_range_set(create, "") < 0 ||
	    json_object_set_new(create, "start_revision", etcd_json_int(etcd_rev_of_store(after))) < 0 ||
	    json_object_set_new(create, "prev_kv", json_true()) < 0 ||
	    (req = json_pack("{s:O}", "create_request", create)) == NULL) {
		err_internal(e, "store: out of memory");
		goto out;
	}
	rc = etcd_stream(etcd_store_of(s), "/v3/watch", req, ETCD_CHANGES_TIMEOUT_MS, etcd_changes_message, &run, e);
	if (rc == 1) {
		err_set(e, "STORE_UNREACHABLE", "etcd watch timed out", NULL);
		rc = -1;
	} else if (rc == 0) {
		rc = run.result;
	}
	if (rc == 0 && upto != NULL)
		*upto = run.upto;
out:
	json_decref(run.pending);
	json_decref(create);
	json_decref(req);
	return rc;
}

/* ---- waiting ---- */

struct etcd_wait_run {
	int64_t start; /* the first etcd revision that wakes the waiter */
	int woke;      /* 1 woke, -1 error */
};

static int etcd_wait_message(json_t *result, void *arg)
{
	struct etcd_wait_run *run = arg;

	if (json_is_true(json_object_get(result, "created")))
		run->woke = etcd_header_revision(result) >= run->start;
	else if (json_is_true(json_object_get(result, "canceled")))
		run->woke = etcd_int_get(result, "compact_revision") > 0 ? 1 : -1; /* compacted: it moved on */
	else
		run->woke = json_array_size(json_object_get(result, "events")) > 0;
	return run->woke != 0;
}

int etcd_wait(struct store *s, uint64_t after, int timeout_ms)
{
	struct etcd_store *es = etcd_store_of(s);
	struct etcd_wait_run run = {.start = etcd_rev_of_store(after) + 1};
	struct err e = {0};
	json_t *create, *req = NULL;
	int rc = -1;

	if (timeout_ms == 0) {
		int64_t now = etcd_current(es);

		return now == 0 ? -1 : now >= run.start;
	}
	create = json_object();
	if (create == NULL || etcd_prefix_range_set(create, "") < 0 ||
	    json_object_set_new(create, "start_revision", etcd_json_int(run.start)) < 0 ||
	    (req = json_pack("{s:O}", "create_request", create)) == NULL)
		goto out;
	rc = etcd_stream(es, "/v3/watch", req, timeout_ms, etcd_wait_message, &run, &e);
	if (rc == 0)
		rc = run.woke > 0 ? 1 : -1;
	else if (rc == 1)
		rc = 0; /* timed out */
	if (rc < 0)
		log_warn("store: etcd: wait: %s", err_isset(&e) ? err_code(&e) : "watch canceled");
out:
	err_clear(&e);
	json_decref(create);
	json_decref(req);
	return rc;
}
