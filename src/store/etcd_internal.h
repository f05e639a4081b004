/*
 * Shared by the etcd backend's files (etcd.c, etcd_http.c, etcd_watch.c);
 * nothing outside src/store/etcd*.c includes this. etcd.c's top comment
 * describes the backend: how store.h maps onto etcd v3 and what is not exact.
 */
#ifndef OVCP_STORE_ETCD_INTERNAL_H
#define OVCP_STORE_ETCD_INTERNAL_H

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/backend.h"

#define ETCD_POOL_IDLE_MAX 16

struct etcd_store {
	struct store base; /* first: store.c finds the backend through it */
	char **endpoints;  /* "http://HOST:PORT", tried in order */
	size_t n_endpoints;
	atomic_size_t preferred; /* the endpoint that answered last */
	pthread_mutex_t pool_lock;
	CURL *idle[ETCD_POOL_IDLE_MAX]; /* curl handles kept for their open connections */
	size_t n_idle;
	/* An etcd revision known to be <= etcd's compaction point (or 1): first_revision starts there. */
	_Atomic int64_t compacted_hint;
};

static inline struct etcd_store *etcd_store_of(struct store *s)
{
	return (struct etcd_store *)s;
}

/*
 * Revisions: a store revision is etcd's revision minus one (etcd counts an
 * empty store as revision 1; store.h counts it as 0).
 */
static inline int64_t etcd_rev_of_store(uint64_t rev)
{
	return (int64_t)rev + 1;
}

static inline uint64_t etcd_rev_to_store(int64_t rev)
{
	return rev > 1 ? (uint64_t)(rev - 1) : 0;
}

/* ---- etcd.c ---- */

/* etcd's current revision, or 0 on error (logged). */
int64_t etcd_current(struct etcd_store *es);

/* ---- etcd_watch.c: store_changes and store_wait over /v3/watch ---- */

int etcd_changes(struct store *s, uint64_t after, const char *prefix, size_t max, store_event_cb cb, void *arg,
		 uint64_t *upto, struct err *e);
int etcd_wait(struct store *s, uint64_t after, int timeout_ms);

/* ---- etcd_http.c: transport, JSON and base64 helpers ---- */

/* Once per process (curl_global_init). 0 / -1. */
int etcd_http_init(struct err *e);
void etcd_http_pool_free(struct etcd_store *es);

/*
 * POST the JSON body to path (e.g. "/v3/kv/range") and return the parsed
 * reply, which the caller frees. NULL with e set when the transport fails or
 * etcd answers an error (mapped by etcd_error_set).
 */
json_t *etcd_call(struct etcd_store *es, const char *path, json_t *body, struct err *e);

/*
 * A streaming call (/v3/watch): on_message gets each message's "result"
 * object as it arrives and returns non-zero to end the call. timeout_ms < 0
 * waits forever. Returns 0 ended by on_message, 1 timed out, -1 error
 * (including the stream closing before on_message ended it).
 */
typedef int (*etcd_message_cb)(json_t *result, void *arg);
int etcd_stream(struct etcd_store *es, const char *path, json_t *body, int timeout_ms, etcd_message_cb on_message,
		void *arg, struct err *e);

/* Fill e from an etcd error message, with a STORE_* code where store.h has one. */
void etcd_error_set(struct err *e, const char *message);

/* base64 of len bytes, as a JSON string (NULL only if out of memory). */
json_t *etcd_json_bytes(const void *data, size_t len);
json_t *etcd_json_str(const char *s);
/* A revision, lease id or count as etcd's JSON has it: a decimal string (or a number). 0 if absent. */
json_t *etcd_json_int(int64_t v);
int64_t etcd_int_get(const json_t *obj, const char *name);
/* The base64 field name of obj decoded, NUL-terminated, malloc'd; *len its length. NULL if absent or invalid. */
char *etcd_bytes_get(const json_t *obj, const char *name, size_t *len);
/* header.revision of a reply. */
int64_t etcd_header_revision(const json_t *reply);

/* [key, range_end) of every key starting with prefix, as JSON strings set on obj. */
int etcd_prefix_range_set(json_t *obj, const char *prefix);

#endif
