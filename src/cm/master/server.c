/*
 * The master's HTTP(S) server: libevent evhttp over bufferevent_openssl.
 * Each of opt.threads workers runs its own event base and evhttp accepting
 * on a dup of one listening socket (the kernel hands each connection to one
 * of them); a connection stays on the worker that accepted it, so a slow
 * compile blocks only that worker's connections. Worker 0 also serves the
 * optional plain-HTTP dashboard listener. The main thread waits for
 * SIGTERM/SIGINT with sigwait() and breaks every loop.
 *
 * Per request: decode the path, find the route, verify the client
 * certificate (CA + current CRL), check the route's rule, read the body,
 * call the handler. Every refusal is answered here, before any handler runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <openssl/err.h>

#include "cm/master/routes.h"
#include "common/log.h"

#define CM_MAX_BODY (64L * 1024 * 1024)
#define CM_MAX_THREADS 64

struct listener {
	struct cm_master *m;
	bool tls;
};

struct worker {
	pthread_t thread;
	struct event_base *base;
	struct evhttp *http, *plain;
	struct listener tls_l, plain_l;
};

static struct worker *workers;
static int nworkers;

static void route_status(struct cm_req *q)
{
	req_reply(q, 200, "text/plain", "running", 7);
}

static const struct cm_route routes_misc[] = {
	{CM_GET | CM_HEAD, "/status/v1/simple", CM_AUTH_ANY, route_status},
	{CM_GET | CM_HEAD, "/dashboard/node/", CM_AUTH_DASHBOARD, cm_route_dashboard_node},
	{CM_GET | CM_HEAD, "/dashboard", CM_AUTH_DASHBOARD, cm_route_dashboard},
};

static const struct {
	const struct cm_route *routes;
	const size_t *count;
} route_tables[] = {
	{cm_routes_ca, &cm_routes_ca_count},
	{cm_routes_v3, &cm_routes_v3_count},
};

static const struct cm_route *route_find(const char *path, unsigned method, bool *wrong_method)
{
	const struct cm_route *found = NULL;

	*wrong_method = false;
	for (size_t t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]) + 1; t++) {
		const struct cm_route *rs = t < 2 ? route_tables[t].routes : routes_misc;
		size_t n = t < 2 ? *route_tables[t].count : sizeof(routes_misc) / sizeof(routes_misc[0]);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(path, rs[i].prefix, strlen(rs[i].prefix)) != 0)
				continue;
			if (rs[i].methods & method)
				return &rs[i];
			found = &rs[i];
		}
	}
	*wrong_method = found != NULL;
	return NULL;
}

/* ---- replies ---- */

static const char *reason_of(int code)
{
	static const struct { int code; const char *text; } reasons[] = {
		{200, "OK"}, {204, "No Content"}, {400, "Bad Request"}, {403, "Forbidden"},
		{404, "Not Found"}, {405, "Method Not Allowed"}, {409, "Conflict"},
		{413, "Payload Too Large"}, {500, "Internal Server Error"}, {503, "Service Unavailable"},
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "Unknown";
}

void req_reply(struct cm_req *q, int code, const char *type, const void *body, size_t len)
{
	struct evbuffer *out = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(q->r);

	if (type)
		evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Puppet-Version", "7.23.0");
	if (out && body && len && q->method != CM_HEAD)
		evbuffer_add(out, body, len);
	evhttp_send_reply(q->r, code, reason_of(code), out);
	if (out)
		evbuffer_free(out);
	q->r = NULL;
}

void req_reply_text(struct cm_req *q, int code, const char *text)
{
	req_reply(q, code, "text/plain", text, strlen(text));
}

void req_reply_json(struct cm_req *q, int code, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(v);
	if (text == NULL) {
		req_reply_text(q, 500, "cannot encode the reply");
		return;
	}
	req_reply(q, code, "application/json", text, strlen(text));
	free(text);
}

/* Puppet's error body: {"message": ..., "issue_kind": ...} as JSON. */
void req_reply_error(struct cm_req *q, int code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_info("%s %s -> %d %s", q->certname[0] ? q->certname : "-", q->path, code, msg);
	const char *kind = code == 403 ? "FORBIDDEN" : code == 404 ? "RESOURCE_NOT_FOUND" : "RUNTIME_ERROR";
	req_reply_json(q, code, json_pack("{s:s, s:s}", "message", msg, "issue_kind", kind));
}

/* ---- query strings ---- */

char **req_query_all(struct cm_req *q, const char *name)
{
	char **v = calloc(1, sizeof(char *));
	size_t n = 0, nlen = strlen(name);
	const char *p = q->query;

	while (v && p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			char *raw = strndup(p + nlen + 1, len - nlen - 1);
			char *dec = raw ? evhttp_uridecode(raw, 1, NULL) : NULL;
			char **nv = realloc(v, (n + 2) * sizeof(char *));
			free(raw);
			if (nv == NULL || dec == NULL) {
				free(dec);
				free(nv ? nv : v);
				return NULL;
			}
			v = nv;
			v[n++] = dec;
			v[n] = NULL;
		}
		p = amp ? amp + 1 : NULL;
	}
	return v;
}

char *req_query(struct cm_req *q, const char *name)
{
	char **all = req_query_all(q, name), *first = NULL;

	if (all && all[0]) {
		first = all[0];
		all[0] = NULL;
		for (size_t i = 1; all[i]; i++)
			free(all[i]);
	}
	free(all);
	return first;
}

const char *req_header(struct cm_req *q, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(q->r), name);
}

/* ---- the request pipeline ---- */

static enum cm_method method_of(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return CM_GET;
	case EVHTTP_REQ_PUT: return CM_PUT;
	case EVHTTP_REQ_POST: return CM_POST;
	case EVHTTP_REQ_DELETE: return CM_DELETE;
	case EVHTTP_REQ_HEAD: return CM_HEAD;
	default: return 0;
	}
}

static void peer_identify(struct cm_req *q)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(q->r);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	X509 *peer = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
	const char *why = NULL;

	if (peer == NULL)
		return;
	if (cm_master_verify_peer(q->m, peer, q->certname, sizeof(q->certname), &why) == 0)
		q->authenticated = true;
	else {
		q->certname[0] = '\0';
		log_info("client certificate refused: %s", why);
	}
}

static bool env_valid(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Does the caller pass the route's rule? Answers the refusal itself when not. */
static bool auth_check(struct cm_req *q, const struct cm_route *rt)
{
	switch (rt->auth) {
	case CM_AUTH_ANY:
		return true;
	case CM_AUTH_DASHBOARD:
		if (!q->tls || q->authenticated)
			return true;
		break;
	case CM_AUTH_CERT:
		if (q->tls && q->authenticated)
			return true;
		break;
	case CM_AUTH_SELF:
		if (q->tls && q->authenticated && strcmp(q->certname, q->rest) == 0)
			return true;
		break;
	case CM_AUTH_MASTER:
		if (q->tls && q->authenticated && strcmp(q->certname, q->m->opt.certname) == 0)
			return true;
		break;
	}
	req_reply_error(q, 403, "Forbidden request: %s(%s) access to %s (method %s)",
	                q->certname[0] ? q->certname : "unauthenticated", q->tls ? "tls" : "plain", q->path,
	                q->method == CM_GET ? "GET" : q->method == CM_PUT ? "PUT" : q->method == CM_POST ? "POST" : "other");
	return false;
}

static int body_read(struct cm_req *q)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	size_t len = evbuffer_get_length(in);
	char *body = malloc(len + 1);

	if (body == NULL)
		return -1;
	if (len && evbuffer_remove(in, body, len) != (int)len) {
		free(body);
		return -1;
	}
	body[len] = '\0';
	q->body = body;
	q->body_len = len;
	return 0;
}

static void request_cb(struct evhttp_request *r, void *arg)
{
	struct listener *l = arg;
	struct cm_req q = {.r = r, .m = l->m, .tls = l->tls};
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	const struct cm_route *rt;
	bool wrong_method;
	size_t plen = 0;

	q.method = method_of(evhttp_request_get_command(r));
	q.path = raw ? evhttp_uridecode(raw, 0, &plen) : NULL;
	if (q.path == NULL || strlen(q.path) != plen) { /* an encoded NUL */
		q.path = q.path ? q.path : strdup("?");
		req_reply_error(&q, 400, "bad request path");
		goto out;
	}
	if (uri && evhttp_uri_get_query(uri))
		q.query = strdup(evhttp_uri_get_query(uri));
	if (q.tls)
		peer_identify(&q);
	rt = route_find(q.path, q.method, &wrong_method);
	if (rt == NULL) {
		req_reply_error(&q, wrong_method ? 405 : 404, "No route for %s", q.path);
		goto out;
	}
	if (!q.tls && rt->auth != CM_AUTH_DASHBOARD && rt->auth != CM_AUTH_ANY) {
		req_reply_error(&q, 403, "%s is served over TLS only", q.path);
		goto out;
	}
	q.rest = q.path + strlen(rt->prefix);
	if (!auth_check(&q, rt))
		goto out;
	q.environment = req_query(&q, "environment");
	if (q.environment == NULL)
		q.environment = strdup("production");
	if (!env_valid(q.environment)) {
		req_reply_error(&q, 400, "The environment must be purely alphanumeric, not '%s'", q.environment);
		goto out;
	}
	if (body_read(&q) < 0) {
		req_reply_error(&q, 500, "cannot read the request body");
		goto out;
	}
	rt->handler(&q);
	if (q.r != NULL) /* a handler that forgot to answer */
		req_reply_error(&q, 500, "no reply");
out:
	free(q.path);
	free(q.query);
	free(q.environment);
	free((char *)q.body);
}

/* ---- TLS connections ---- */

static struct bufferevent *bev_tls(struct event_base *base, void *arg)
{
	struct listener *l = arg;
	SSL *ssl = SSL_new(l->m->ssl);
	struct bufferevent *bev;

	if (ssl == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev)
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static int listen_on(const char *addr, int port, struct err *e)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int fd, one = 1;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		sl = sizeof(*in4);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*in6);
	} else {
		err_setf(e, "BAD_ADDRESS", "not an IP address: %s", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* TCP_NODELAY is inherited by accepted sockets: replies leave at once instead of
	 * waiting for the client's delayed ACK (40 ms per request otherwise) */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 512) < 0) {
		err_setf(e, "LISTEN_FAILED", "cannot listen on %s:%d: %s", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* "http://127.0.0.1:8141" -> address and port */
static int parse_listen_url(const char *url, char *addr, size_t addrlen, int *port)
{
	const char *p = strncmp(url, "http://", 7) == 0 ? url + 7 : url;
	const char *colon = strrchr(p, ':');

	if (colon == NULL || (size_t)(colon - p) >= addrlen)
		return -1;
	if (*p == '[' && colon > p + 1 && colon[-1] == ']') {
		snprintf(addr, addrlen, "%.*s", (int)(colon - p - 2), p + 1);
	} else
		snprintf(addr, addrlen, "%.*s", (int)(colon - p), p);
	*port = atoi(colon + 1);
	return *port > 0 && *port < 65536 ? 0 : -1;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static struct evhttp *http_new(struct event_base *base, struct listener *l, int fd)
{
	struct evhttp *h = evhttp_new(base);
	int dfd = dup(fd);

	if (h == NULL || dfd < 0 || evhttp_accept_socket(h, dfd) < 0) {
		if (dfd >= 0)
			close(dfd);
		if (h)
			evhttp_free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_max_body_size(h, CM_MAX_BODY);
	evhttp_set_timeout(h, 600);
	if (l->tls)
		evhttp_set_bevcb(h, bev_tls, l);
	evhttp_set_gencb(h, request_cb, l);
	return h;
}

static int workers_start(struct cm_master *m, int fd, int plain_fd, struct err *e)
{
	nworkers = m->opt.threads < 1 ? 1 : m->opt.threads > CM_MAX_THREADS ? CM_MAX_THREADS : m->opt.threads;
	workers = calloc((size_t)nworkers, sizeof(*workers));
	if (workers == NULL)
		return -1;
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		w->tls_l = (struct listener){m, true};
		w->plain_l = (struct listener){m, false};
		if ((w->base = event_base_new()) == NULL || (w->http = http_new(w->base, &w->tls_l, fd)) == NULL ||
		    (i == 0 && plain_fd >= 0 && (w->plain = http_new(w->base, &w->plain_l, plain_fd)) == NULL)) {
			err_internal(e, "cannot set up worker %d", i);
			return -1;
		}
	}
	for (int i = 0; i < nworkers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_run, &workers[i]) != 0) {
			err_internal(e, "cannot start worker %d", i);
			nworkers = i;
			return -1;
		}
	return 0;
}

static void workers_stop(void)
{
	for (int i = 0; i < nworkers; i++)
		event_base_loopbreak(workers[i].base);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	for (int i = 0; workers && i < nworkers; i++) {
		if (workers[i].plain)
			evhttp_free(workers[i].plain);
		if (workers[i].http)
			evhttp_free(workers[i].http);
		event_base_free(workers[i].base);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
}

void cm_master_stop(void)
{
	kill(getpid(), SIGTERM);
}

int cm_master_serve(struct cm_master *m, struct err *e)
{
	sigset_t set;
	int fd = -1, plain_fd = -1, sig = 0, rc = -1;
	char addr[128];
	int port;

	if (evthread_use_pthreads() < 0) {
		err_internal(e, "libevent without thread support");
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the workers inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	if ((fd = listen_on(m->opt.bind, m->opt.port, e)) < 0)
		goto out;
	if (m->opt.dashboard_listen) {
		if (parse_listen_url(m->opt.dashboard_listen, addr, sizeof(addr), &port) < 0) {
			err_setf(e, "BAD_ADDRESS", "bad --dashboard-listen %s", m->opt.dashboard_listen);
			goto out;
		}
		if ((plain_fd = listen_on(addr, port, e)) < 0)
			goto out;
	}
	if (workers_start(m, fd, plain_fd, e) < 0)
		goto stop;
	log_info("master %s listening on %s:%d with %d workers%s%s", m->opt.certname, m->opt.bind, m->opt.port,
	         nworkers, m->opt.dashboard_listen ? ", dashboard on " : "",
	         m->opt.dashboard_listen ? m->opt.dashboard_listen : "");
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			break;
		if (sig == SIGHUP) {
			log_reopen();
			continue;
		}
		break;
	}
	log_info("master: signal %d, stopping", sig);
	rc = 0;
stop:
	workers_stop();
out:
	if (fd >= 0)
		close(fd);
	if (plain_fd >= 0)
		close(plain_fd);
	return rc;
}
