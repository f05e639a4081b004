/*
 * GET /metrics (Prometheus) and GET /rrd_updates (xcp-rrdd's JSON).
 *
 * Who may read: a caller with a valid session (session_id in the query, or
 * "Authorization: Bearer SESSION" as Prometheus sends its credentials), root
 * on the local unix socket, or anyone for /metrics when ovcpd runs with
 * --metrics-public. Any role may read: metrics are what read-only sees.
 */
#include "metrics/metrics_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "xapi/server.h"

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *ctype, struct buf *b)
{
	size_t len = b->len;
	char *body = buf_steal(b);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body ? body : strdup(""), MHD_RESPMEM_MUST_FREE);

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static bool caller_allowed(struct http_call *call, bool public_ok)
{
	struct session_info info;
	struct err e = { 0 };
	const char *auth = MHD_lookup_connection_value(call->conn, MHD_HEADER_KIND, "Authorization");

	if (public_ok || call->local_root)
		return true;
	if (http_call_session(call, &info, &e) == 0)
		return true;
	err_clear(&e);
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0 && session_check(call->xs, auth + 7, &info, &e) == 0)
		return true;
	err_clear(&e);
	return false;
}

/* The common start of both routes: NULL when the request is answered already (rc set). */
static struct metrics *route_begin(struct http_call *call, size_t *upload_size, bool public_ok, enum MHD_Result *rc)
{
	struct metrics *m = call->xs->metrics;

	*rc = MHD_YES;
	if (call->first)
		return NULL;
	if (*upload_size > 0) {
		*upload_size = 0;
		return NULL;
	}
	if (m == NULL) {
		*rc = http_reply_text(call->conn, MHD_HTTP_SERVICE_UNAVAILABLE, "metrics are not running\n");
		return NULL;
	}
	if (!caller_allowed(call, public_ok && m->public_read)) {
		*rc = http_reply_text(call->conn, MHD_HTTP_UNAUTHORIZED, "a valid session_id is required\n");
		return NULL;
	}
	return m;
}

enum MHD_Result metrics_http_prometheus(struct http_call *call, const char *upload, size_t *upload_size)
{
	enum MHD_Result rc;
	struct metrics *m = route_begin(call, upload_size, true, &rc);
	struct buf b = BUF_INIT;

	if (m == NULL)
		return rc;
	pthread_mutex_lock(&m->lock);
	render_prometheus(m->have_host ? &m->host : NULL, m->vms, m->nvms, &b);
	pthread_mutex_unlock(&m->lock);
	return reply(call->conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &b);
}

static const char *arg(struct http_call *call, const char *key)
{
	return MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, key);
}

static bool parse_long(const char *s, long long *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	*v = strtoll(s, &end, 10);
	return *end == '\0';
}

enum MHD_Result metrics_http_rrd_updates(struct http_call *call, const char *upload, size_t *upload_size)
{
	enum MHD_Result rc;
	struct metrics *m = route_begin(call, upload_size, false, &rc);
	long long start, interval = RRD_STEP;
	enum rrd_cf cf = RRD_AVERAGE;
	const char *host = arg(call, "host"), *vm_uuid = arg(call, "vm_uuid"), *cfs = arg(call, "cf");
	struct buf b = BUF_INIT;

	if (m == NULL)
		return rc;
	if (!parse_long(arg(call, "start"), &start) || (arg(call, "interval") && !parse_long(arg(call, "interval"), &interval)) ||
	    interval < 1 || (cfs && rrd_cf_parse(cfs, &cf) < 0))
		return http_reply_text(call->conn, MHD_HTTP_BAD_REQUEST,
				       "rrd_updates takes start=SECONDS, and optionally cf=AVERAGE|MIN|MAX, interval=SECONDS, "
				       "host=true, vm_uuid=UUID\n");
	bool with_host = host && strcasecmp(host, "true") == 0;
	pthread_mutex_lock(&m->lock);
	struct rrd_updates_source *src = calloc(m->nobjects + 1, sizeof(*src));
	size_t n = 0;
	for (size_t i = 0; src && i < m->nobjects; i++) {
		struct metrics_object *o = &m->objects[i];
		bool is_host = strcmp(o->uuid, m->host_uuid) == 0;
		if (is_host ? !with_host : (!o->is_vm || (vm_uuid && strcmp(vm_uuid, o->uuid) != 0)))
			continue;
		src[n++] = (struct rrd_updates_source){ is_host ? "host" : "vm", o->uuid, o->rrd };
	}
	int r = src ? render_rrd_updates(src, n, cf, (time_t)start, (unsigned)interval, time(NULL), &b) : -1;
	pthread_mutex_unlock(&m->lock);
	free(src);
	if (r < 0) {
		buf_free(&b);
		return http_reply_text(call->conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot render the archives\n");
	}
	return reply(call->conn, MHD_HTTP_OK, "application/json", &b);
}
