/*
 * ovcpd's HTTP server, on libmicrohttpd.
 *
 * One MHD daemon per listener (TLS or not, TCP or the local unix socket),
 * each with a thread per connection: a call may block (event.from waits up
 * to its timeout) without holding up anyone else, and keep-alive
 * connections keep their thread. Routes are a table; a request body is
 * collected into a buffer (bounded by RPC_MAX_BODY) and handed to the
 * XenAPI dispatcher with the wire its path selects.
 */
#include "daemon/http.h"
#include "daemon/http_route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "console/console.h"
#include "metrics/metrics.h"
#include "storage/xapi/vdi_http.h"
#include "xapi/wire/rpc.h"

#define MAX_LISTENERS 16
#define CONNECTION_TIMEOUT_S 600

struct http_server {
	struct xapi_server *xs;
	struct MHD_Daemon *daemons[MAX_LISTENERS];
	bool is_unix[MAX_LISTENERS];
	char unix_paths[MAX_LISTENERS][108];
	size_t n;
	char *web_root;
};

struct request_state {
	struct buf body;
	bool too_big;
	struct http_call *stream; /* a stream route's request */
};

struct route {
	const char *method;
	const char *path;
	enum MHD_Result (*fn)(struct http_server *h, struct MHD_Connection *conn, struct request_state *rs,
			      const char *path, bool local_root);
	http_stream_fn stream; /* instead of fn: sees every callback (http_route.h) */
};

static bool is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

int listen_spec_parse(const char *url, struct listen_spec *spec, struct err *e)
{
	const char *rest, *colon;

	memset(spec, 0, sizeof(*spec));
	if (strncmp(url, "https://", 8) == 0) {
		spec->tls = true;
		spec->port = 443;
		rest = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		spec->port = 80;
		rest = url + 7;
	} else {
		err_setf(e, "VALUE_NOT_SUPPORTED", "%s: a listen address is https://ADDR:PORT or http://127.0.0.1:PORT",
			 url);
		return -1;
	}
	if (*rest == '[') { /* [v6]:port */
		const char *close = strchr(rest, ']');
		if (close == NULL || (size_t)(close - rest - 1) >= sizeof(spec->host))
			goto bad;
		memcpy(spec->host, rest + 1, (size_t)(close - rest - 1));
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strrchr(rest, ':');
		size_t n = colon ? (size_t)(colon - rest) : strlen(rest);
		if (n == 0 || n >= sizeof(spec->host))
			goto bad;
		memcpy(spec->host, rest, n);
	}
	if (colon) {
		char *end;
		long port = strtol(colon + 1, &end, 10);
		if (*end != '\0' && strcmp(end, "/") != 0)
			goto bad;
		if (port < 1 || port > 65535)
			goto bad;
		spec->port = (unsigned)port;
	}
	if (!spec->tls && !is_loopback(spec->host)) {
		err_setf(e, "VALUE_NOT_SUPPORTED", "%s: plain http is only allowed on a loopback address", url);
		return -1;
	}
	return 0;
bad:
	err_setf(e, "VALUE_NOT_SUPPORTED", "%s: not a valid listen address", url);
	return -1;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *ctype, char *body,
				  size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned status, const char *msg)
{
	char *body = strdup(msg);

	return reply_text(conn, status, "text/plain", body, strlen(body));
}

enum MHD_Result http_reply_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return reply_error(conn, status, text);
}

int http_call_session(struct http_call *call, struct session_info *info, struct err *e)
{
	const char *sid = MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, "session_id");

	if (sid == NULL) {
		err_set(e, "SESSION_INVALID", "", NULL);
		return -1;
	}
	return session_check(call->xs, sid, info, e);
}

static enum MHD_Result serve_rpc(struct http_server *h, struct MHD_Connection *conn, struct request_state *rs,
				 enum rpc_wire wire, bool local_root)
{
	struct rpc_request req = { 0 };
	struct err e = { 0 };
	struct buf out = BUF_INIT;
	struct call_origin origin = { local_root };
	int rc;

	if (wire == RPC_WIRE_JSON)
		rc = rpc_decode_json(buf_cstr(&rs->body), rs->body.len, &req, &e);
	else
		rc = rpc_decode_xml(buf_cstr(&rs->body), rs->body.len, &req, &e);
	if (rc < 0)
		rpc_encode_failure(&out, &req, e.desc);
	else
		xapi_dispatch(h->xs, &req, &origin, &out);
	rpc_request_clear(&req);
	err_clear(&e);
	size_t len = out.len;
	return reply_text(conn, MHD_HTTP_OK, wire == RPC_WIRE_JSON ? "application/json" : "text/xml",
			  buf_steal(&out), len);
}

static enum MHD_Result route_jsonrpc(struct http_server *h, struct MHD_Connection *conn, struct request_state *rs,
				     const char *path, bool local_root)
{
	return serve_rpc(h, conn, rs, RPC_WIRE_JSON, local_root);
}

static enum MHD_Result route_xmlrpc(struct http_server *h, struct MHD_Connection *conn, struct request_state *rs,
				    const char *path, bool local_root)
{
	return serve_rpc(h, conn, rs, RPC_WIRE_XML, local_root);
}

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript" }, { ".mjs", "text/javascript" },
	{ ".css", "text/css" }, { ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".ico", "image/x-icon" },
	{ ".json", "application/json" }, { ".woff2", "font/woff2" }, { ".map", "application/json" },
	{ ".wasm", "application/wasm" },
};

static const char *mime_type_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < MODEL_COUNT(mime_types); i++)
		if (strcmp(dot, mime_types[i].ext) == 0)
			return mime_types[i].type;
	return "application/octet-stream";
}

/*
 * The web UI's built files. The path is resolved and must stay inside the
 * web root; a path that names no file gets index.html (the UI routes in
 * the browser).
 */
static enum MHD_Result serve_static(struct http_server *h, struct MHD_Connection *conn, const char *url)
{
	char path[4096], real[PATH_MAX];
	struct stat st;
	int fd;

	static const char *const not_ui[] = { "/console", "/import", "/export", "/rrd_updates", "/metrics",
					       "/jsonrpc", "/RPC2", "/xmlrpc" };
	for (size_t i = 0; i < MODEL_COUNT(not_ui); i++)
		if (strncmp(url, not_ui[i], strlen(not_ui[i])) == 0)
			return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	if (h->web_root == NULL)
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "no web UI is installed\n");
	if (strstr(url, "..") != NULL || url[0] != '/')
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	snprintf(path, sizeof(path), "%s%s", h->web_root, url);
	if (realpath(path, real) == NULL || stat(real, &st) < 0 || S_ISDIR(st.st_mode)) {
		snprintf(path, sizeof(path), "%s/index.html", h->web_root);
		if (realpath(path, real) == NULL || stat(real, &st) < 0)
			return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	size_t rootlen = strlen(h->web_root);
	if (strncmp(real, h->web_root, rootlen) != 0 || (real[rootlen] != '/' && real[rootlen] != '\0'))
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (r == NULL) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime_type_of(real));
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				strstr(real, "/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* Modules add their stream routes here: one row each. */
static const struct route routes[] = {
	{ "POST", "/jsonrpc", route_jsonrpc, NULL },
	{ "POST", "/", route_xmlrpc, NULL },
	{ "POST", "/RPC2", route_xmlrpc, NULL },
	{ "POST", "/xmlrpc", route_xmlrpc, NULL },
	{ "GET", "/console", NULL, console_http },
	{ "CONNECT", "/console", NULL, console_http },
	{ "GET", "/metrics", NULL, metrics_http_prometheus },
	{ "GET", "/rrd_updates", NULL, metrics_http_rrd_updates },
	{ "PUT", "/import_raw_vdi", NULL, storage_http_import },
	{ "GET", "/export_raw_vdi", NULL, storage_http_export },
};

static const struct route *stream_route_find(const char *method, const char *url)
{
	for (size_t i = 0; i < MODEL_COUNT(routes); i++)
		if (routes[i].stream && strcmp(routes[i].path, url) == 0 && strcmp(routes[i].method, method) == 0)
			return &routes[i];
	return NULL;
}

static bool peer_is_local_root(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (ci == NULL || getsockname(ci->connect_fd, (struct sockaddr *)&ss, &sl) < 0 || ss.ss_family != AF_UNIX)
		return false;
	if (getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *h = cls;
	struct request_state *rs = *con_cls;

	if (rs == NULL) {
		rs = calloc(1, sizeof(*rs));
		if (rs == NULL)
			return MHD_NO;
		*con_cls = rs;
		const struct route *r = stream_route_find(method, url);
		if (r == NULL)
			return MHD_YES;
		rs->stream = calloc(1, sizeof(*rs->stream));
		if (rs->stream == NULL)
			return MHD_NO;
		*rs->stream = (struct http_call){ conn, h->xs, url, method, peer_is_local_root(conn), true, NULL, NULL };
		rs->stream->url = url;
		size_t zero = 0;
		enum MHD_Result rc = r->stream(rs->stream, NULL, &zero);
		rs->stream->first = false;
		return rc;
	}
	if (rs->stream) {
		const struct route *r = stream_route_find(method, url);
		return r ? r->stream(rs->stream, upload_data, upload_data_size) : MHD_NO;
	}
	if (*upload_data_size > 0) {
		if (rs->body.len + *upload_data_size > RPC_MAX_BODY)
			rs->too_big = true;
		else
			buf_add(&rs->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rs->too_big)
		return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
	bool path_known = false;
	for (size_t i = 0; i < MODEL_COUNT(routes); i++) {
		if (strcmp(routes[i].path, url) != 0)
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0 && routes[i].fn)
			return routes[i].fn(h, conn, rs, url, peer_is_local_root(conn));
	}
	if (path_known && strcmp(method, "GET") != 0)
		return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return serve_static(h, conn, url);
	return reply_error(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request_state *rs = *con_cls;

	if (rs == NULL)
		return;
	if (rs->stream) {
		if (rs->stream->state_free)
			rs->stream->state_free(rs->stream->state);
		free(rs->stream);
	}
	buf_free(&rs->body);
	free(rs);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("http: %s", line);
}

static int unix_listen(const char *path, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		err_setf(e, "VALUE_NOT_SUPPORTED", "%s: socket path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_internal(e, "socket: %s", strerror(errno));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		err_internal(e, "unlink %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, 64) < 0) {
		err_internal(e, "listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int tcp_listen(const struct listen_spec *spec, struct err *e)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1, fd;
	const char *host = strcmp(spec->host, "localhost") == 0 ? "127.0.0.1" : spec->host;

	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)spec->port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)spec->port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
		sl = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 128) < 0) {
		err_internal(e, "listen on %s:%u: %s", spec->host, spec->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
bad:
	err_setf(e, "VALUE_NOT_SUPPORTED", "%s: not an IP address", spec->host);
	return -1;
}

struct http_server *http_server_start(struct xapi_server *xs, const struct listen_spec *specs, size_t n,
				      const char *cert_pem, const char *key_pem, const char *web_root,
				      struct err *e)
{
	struct http_server *h = calloc(1, sizeof(*h));

	if (h == NULL || n > MAX_LISTENERS) {
		free(h);
		err_internal(e, "too many listeners");
		return NULL;
	}
	h->xs = xs;
	if (web_root != NULL) {
		char real[PATH_MAX];
		if (realpath(web_root, real) != NULL)
			h->web_root = strdup(real);
		else
			log_warn("web UI directory %s: %s; the UI is not served", web_root, strerror(errno));
	}
	for (size_t i = 0; i < n; i++) {
		const struct listen_spec *sp = &specs[i];
		int fd = sp->unix_socket ? unix_listen(sp->host, e) : tcp_listen(sp, e);
		unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
				 MHD_ALLOW_UPGRADE | MHD_ALLOW_SUSPEND_RESUME;
		if (fd < 0)
			goto fail;
		if (sp->tls)
			flags |= MHD_USE_TLS;
		if (sp->tls)
			h->daemons[i] = MHD_start_daemon(
				flags, 0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_HTTPS_MEM_KEY, key_pem,
				MHD_OPTION_HTTPS_MEM_CERT, cert_pem, MHD_OPTION_END);
		else
			h->daemons[i] = MHD_start_daemon(
				flags, 0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_END);
		if (h->daemons[i] == NULL) {
			close(fd);
			err_internal(e, "cannot start the HTTP server on %s", sp->host);
			goto fail;
		}
		h->n = i + 1;
		if (sp->unix_socket) {
			h->is_unix[i] = true;
			snprintf(h->unix_paths[i], sizeof(h->unix_paths[i]), "%s", sp->host);
		}
		if (sp->unix_socket)
			log_info("listening on unix:%s", sp->host);
		else
			log_info("listening on %s://%s:%u", sp->tls ? "https" : "http", sp->host, sp->port);
	}
	return h;
fail:
	http_server_stop(h);
	return NULL;
}

void http_server_stop(struct http_server *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		if (h->daemons[i] == NULL)
			continue;
		MHD_stop_daemon(h->daemons[i]); /* closes the listening socket too */
		if (h->is_unix[i])
			unlink(h->unix_paths[i]);
	}
	free(h->web_root);
	free(h);
}
