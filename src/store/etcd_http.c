/*
 * The etcd backend's transport: JSON over HTTP/1.1 POSTs to etcd v3's
 * gateway (the grpc-gateway that etcd serves on its client port under
 * /v3/), with libcurl, plus the JSON and base64 helpers every request needs.
 *
 * Handles: a curl easy handle keeps its connection open between requests,
 * so handles are pooled (es->idle, under pool_lock). A call takes one (or
 * makes one), uses it alone and gives it back; any number of threads can
 * call at the same time.
 *
 * Endpoints are tried in order starting from the one that answered last;
 * the next one is tried only when the connection could not be made, so a
 * request is never sent twice.
 *
 * Replies: a unary call's reply is one JSON object; etcd reports an error as
 * {"error": message, "code": grpc code, "message": message} with an HTTP
 * error status. A streaming call's reply is a sequence of JSON objects, one
 * per line, each {"result": message} or {"error": {...}}.
 */
#include "store/etcd_internal.h"

#include <inttypes.h>
#include <nettle/base64.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"

#define ETCD_CONNECT_TIMEOUT_MS 3000
#define ETCD_CALL_TIMEOUT_MS	30000

/* ---- errors ---- */

/* etcd's messages (etcdserver/api/v3rpc/rpctypes) that store.h gives a code. */
static const struct {
	const char *message;
	const char *code;
} etcd_errors[] = {
    {"required revision has been compacted", "STORE_COMPACTED"},
    {"required revision is a future revision", "STORE_FUTURE_REVISION"},
    {"requested lease not found", "STORE_LEASE_NOT_FOUND"},
    {"duplicate key given in txn request", "STORE_DUPLICATE_KEY"},
};

void etcd_error_set(struct err *e, const char *message)
{
	for (size_t i = 0; i < sizeof(etcd_errors) / sizeof(etcd_errors[0]); i++) {
		if (strstr(message, etcd_errors[i].message) != NULL) {
			err_set(e, etcd_errors[i].code, message, NULL);
			return;
		}
	}
	err_set(e, "STORE_ETCD_ERROR", message, NULL);
}

/* The message of an error reply (unary: a string; in a stream: an object), or NULL. */
static const char *etcd_reply_error(const json_t *reply)
{
	const json_t *error = json_object_get(reply, "error");

	if (error == NULL)
		return NULL;
	if (json_is_string(error))
		return json_string_value(error);
	if (json_is_string(json_object_get(error, "message")))
		return json_string_value(json_object_get(error, "message"));
	return "etcd reported an error without a message";
}

/* ---- JSON and base64 ---- */

json_t *etcd_json_bytes(const void *data, size_t len)
{
	size_t n = BASE64_ENCODE_RAW_LENGTH(len);
	char *text = malloc(n + 1);
	json_t *j;

	if (text == NULL)
		return NULL;
	base64_encode_raw(text, len, data);
	j = json_stringn_nocheck(text, n);
	free(text);
	return j;
}

json_t *etcd_json_str(const char *s)
{
	return etcd_json_bytes(s, strlen(s));
}

json_t *etcd_json_int(int64_t v)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRId64, v);
	return json_string(text);
}

int64_t etcd_int_get(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	return 0;
}

char *etcd_bytes_get(const json_t *obj, const char *name, size_t *len)
{
	const json_t *v = json_object_get(obj, name);
	struct base64_decode_ctx ctx;
	const char *text;
	size_t n, out_len;
	char *out;

	if (v == NULL) { /* etcd leaves empty values out */
		*len = 0;
		return calloc(1, 1);
	}
	if (!json_is_string(v))
		return NULL;
	text = json_string_value(v);
	n = json_string_length(v);
	out = malloc(BASE64_DECODE_LENGTH(n) + 1);
	if (out == NULL)
		return NULL;
	base64_decode_init(&ctx);
	out_len = BASE64_DECODE_LENGTH(n);
	if (!base64_decode_update(&ctx, &out_len, (uint8_t *)out, n, text) || !base64_decode_final(&ctx)) {
		free(out);
		return NULL;
	}
	out[out_len] = '\0';
	*len = out_len;
	return out;
}

int64_t etcd_header_revision(const json_t *reply)
{
	return etcd_int_get(json_object_get(reply, "header"), "revision");
}

int etcd_prefix_range_set(json_t *obj, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	int rc;

	if (len == 0) /* key "\0" and range_end "\0": every key */
		return json_object_set_new(obj, "key", etcd_json_bytes("", 1)) ||
		       json_object_set_new(obj, "range_end", etcd_json_bytes("", 1));
	end = strdup(prefix);
	if (end == NULL)
		return -1;
	/* The first key after every key starting with prefix: the last byte below 0xff, plus one. */
	while (len > 0 && (unsigned char)end[len - 1] == 0xff)
		len--;
	if (len > 0)
		end[len - 1] = (char)((unsigned char)end[len - 1] + 1);
	rc = json_object_set_new(obj, "key", etcd_json_str(prefix)) ||
	     json_object_set_new(obj, "range_end", len > 0 ? etcd_json_bytes(end, len) : etcd_json_bytes("", 1));
	free(end);
	return rc ? -1 : 0;
}

/* ---- handles ---- */

static pthread_once_t etcd_curl_once = PTHREAD_ONCE_INIT;
static CURLcode etcd_curl_init_rc;

static void etcd_curl_init(void)
{
	etcd_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int etcd_http_init(struct err *e)
{
	pthread_once(&etcd_curl_once, etcd_curl_init);
	if (etcd_curl_init_rc != CURLE_OK) {
		err_internal(e, "store: curl_global_init: %s", curl_easy_strerror(etcd_curl_init_rc));
		return -1;
	}
	return 0;
}

static CURL *etcd_handle_get(struct etcd_store *es)
{
	CURL *h = NULL;

	pthread_mutex_lock(&es->pool_lock);
	if (es->n_idle > 0)
		h = es->idle[--es->n_idle];
	pthread_mutex_unlock(&es->pool_lock);
	return h != NULL ? h : curl_easy_init();
}

static void etcd_handle_put(struct etcd_store *es, CURL *h)
{
	if (h == NULL)
		return;
	curl_easy_reset(h); /* keeps the connection cache */
	pthread_mutex_lock(&es->pool_lock);
	if (es->n_idle < ETCD_POOL_IDLE_MAX) {
		es->idle[es->n_idle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&es->pool_lock);
	if (h != NULL)
		curl_easy_cleanup(h);
}

void etcd_http_pool_free(struct etcd_store *es)
{
	while (es->n_idle > 0)
		curl_easy_cleanup(es->idle[--es->n_idle]);
}

/* ---- requests ---- */

/* What a response body goes into: a buffer, and for streams, a line splitter. */
struct etcd_sink {
	struct buf body;
	size_t scanned;		    /* bytes of body already searched for a newline */
	etcd_message_cb on_message; /* NULL: a unary call, keep the whole body */
	void *arg;
	bool stopped; /* on_message ended the call */
	char *error;  /* a stream's error message (malloc'd) */
};

/* One line of a stream: a message for on_message, or an error that ends the call. */
static int etcd_sink_line(struct etcd_sink *k, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *msg = json_loadb(line, len, 0, &jerr);
	const char *error;
	int rc = 0;

	if (msg == NULL) {
		k->error = strdup(jerr.text);
		return 1;
	}
	if ((error = etcd_reply_error(msg)) != NULL) {
		k->error = strdup(error);
		rc = 1;
	} else if (json_is_object(json_object_get(msg, "result"))) {
		rc = k->on_message(json_object_get(msg, "result"), k->arg);
		k->stopped = rc != 0;
	}
	json_decref(msg);
	return rc;
}

static size_t etcd_sink_write(char *data, size_t size, size_t n, void *arg)
{
	struct etcd_sink *k = arg;
	size_t len = size * n, start = 0;

	buf_add(&k->body, data, len);
	if (k->on_message == NULL)
		return len;
	for (size_t i = k->scanned; i < k->body.len; i++) {
		if (k->body.data[i] != '\n')
			continue;
		if (i > start && etcd_sink_line(k, k->body.data + start, i - start) != 0)
			return 0; /* ends the transfer (CURLE_WRITE_ERROR) */
		start = i + 1;
	}
	memmove(k->body.data, k->body.data + start, k->body.len - start);
	k->body.len -= start;
	k->body.data[k->body.len] = '\0';
	k->scanned = k->body.len;
	return len;
}

static bool etcd_connect_failed(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
}

/* POST text to path on the first endpoint that takes the connection. The curl result. */
static CURLcode etcd_post(struct etcd_store *es, const char *path, const char *text, long timeout_ms,
			  struct etcd_sink *k, struct err *e)
{
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip before large bodies. */
	struct curl_slist *more = headers ? curl_slist_append(headers, "Expect:") : NULL;
	size_t first = atomic_load(&es->preferred);
	CURLcode rc = CURLE_FAILED_INIT;
	struct buf url = BUF_INIT;
	CURL *h = etcd_handle_get(es);

	if (h == NULL || more == NULL) {
		err_internal(e, "store: etcd: out of memory");
		goto out;
	}
	for (size_t i = 0; i < es->n_endpoints; i++) {
		size_t at = (first + i) % es->n_endpoints;

		buf_reset(&url);
		buf_printf(&url, "%s%s", es->endpoints[at], path);
		buf_reset(&k->body);
		k->scanned = 0;
		curl_easy_setopt(h, CURLOPT_URL, url.data);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(text));
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)ETCD_CONNECT_TIMEOUT_MS);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, etcd_sink_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
		rc = curl_easy_perform(h);
		if (!etcd_connect_failed(rc)) {
			atomic_store(&es->preferred, at);
			break;
		}
	}
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && k->stopped) && rc != CURLE_OPERATION_TIMEDOUT &&
	    k->error == NULL)
		err_set(e, "STORE_UNREACHABLE", es->endpoints[first], curl_easy_strerror(rc), NULL);
out:
	curl_slist_free_all(headers);
	buf_free(&url);
	etcd_handle_put(es, h);
	return rc;
}

json_t *etcd_call(struct etcd_store *es, const char *path, json_t *body, struct err *e)
{
	struct etcd_sink k = {.body = BUF_INIT};
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *reply = NULL;
	json_error_t jerr;
	const char *error;

	if (text == NULL) {
		err_internal(e, "store: etcd: cannot encode a request");
		return NULL;
	}
	if (etcd_post(es, path, text, ETCD_CALL_TIMEOUT_MS, &k, e) != CURLE_OK) {
		if (!err_isset(e))
			err_set(e, "STORE_UNREACHABLE", es->endpoints[0], "timed out", NULL);
		goto out;
	}
	/* A streaming endpoint (lease keepalive) answers one message and a newline. */
	reply = json_loadb(k.body.data ? k.body.data : "", k.body.len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (reply == NULL) {
		err_internal(e, "store: etcd %s: bad reply: %s", path, jerr.text);
	} else if ((error = etcd_reply_error(reply)) != NULL) {
		etcd_error_set(e, error);
		json_decref(reply);
		reply = NULL;
	}
out:
	free(text);
	buf_free(&k.body);
	return reply;
}

int etcd_stream(struct etcd_store *es, const char *path, json_t *body, int timeout_ms, etcd_message_cb on_message,
		void *arg, struct err *e)
{
	struct etcd_sink k = {.body = BUF_INIT, .on_message = on_message, .arg = arg};
	char *text = json_dumps(body, JSON_COMPACT);
	CURLcode rc;
	int ret = -1;

	if (text == NULL) {
		err_internal(e, "store: etcd: cannot encode a request");
		return -1;
	}
	rc = etcd_post(es, path, text, timeout_ms < 0 ? 0L : (long)timeout_ms, &k, e);
	if (k.error != NULL)
		etcd_error_set(e, k.error);
	else if (rc == CURLE_WRITE_ERROR && k.stopped)
		ret = 0;
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		ret = 1;
	else if (rc == CURLE_OK)
		err_set(e, "STORE_ETCD_ERROR", "the stream ended early", NULL);
	free(k.error);
	free(text);
	buf_free(&k.body);
	return ret;
}
