/*
 * The /console route (console.h): authenticate, find the console and the
 * VM's socket, then either upgrade to a WebSocket (a pump thread of ours
 * owns the upgraded socket) or, for CONNECT, answer 200 and pump in the
 * connection's own thread.
 *
 * Why CONNECT is taken over by hand: libmicrohttpd 0.9.75 lets an
 * application keep a connection's socket only through an upgrade response,
 * and refuses one whose status is not 101 ("Application used invalid status
 * code for 'upgrade' response"), while CONNECT clients wait for a 2xx. With
 * a thread per connection, the access handler runs in the connection's
 * thread and libmicrohttpd does not touch the socket while it runs; so the
 * handler writes "200 Connection established" itself (through the TLS
 * session on an HTTPS listener), pumps until the console ends, and returns
 * MHD_NO, upon which libmicrohttpd closes the connection.
 *
 * State: a count of open consoles and a stop flag, process-wide (one proxy
 * per ovcpd), under one mutex.
 */
#include "console/console.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "console/pump.h"
#include "console/ws.h"
#include "xapi/db.h"
#include "xapi/server.h"

#define STOP_WAIT_MS 5000

static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t active_cond = PTHREAD_COND_INITIALIZER;
static unsigned active;
static volatile bool stopping;

static bool active_enter(void)
{
	bool ok;

	pthread_mutex_lock(&active_lock);
	ok = !stopping;
	if (ok)
		active++;
	pthread_mutex_unlock(&active_lock);
	return ok;
}

static void active_leave(void)
{
	pthread_mutex_lock(&active_lock);
	active--;
	pthread_cond_broadcast(&active_cond);
	pthread_mutex_unlock(&active_lock);
}

unsigned console_active_count(void)
{
	pthread_mutex_lock(&active_lock);
	unsigned n = active;
	pthread_mutex_unlock(&active_lock);
	return n;
}

void console_stop(void)
{
	int64_t deadline = time_monotonic_ms() + STOP_WAIT_MS;

	pthread_mutex_lock(&active_lock);
	stopping = true;
	while (active > 0 && time_monotonic_ms() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&active_cond, &active_lock, &ts);
	}
	if (active > 0)
		log_warn("console: %u consoles still open at stop", active);
	pthread_mutex_unlock(&active_lock);
}

/* ---- the request ---- */

struct console_target {
	char console_ref[REF_LEN];
	char vm_ref[REF_LEN];
	char protocol[16];
	char socket_path[256];
};

static const char *query(struct http_call *call, const char *key)
{
	return MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, key);
}

static const char *header(struct http_call *call, const char *key)
{
	return MHD_lookup_connection_value(call->conn, MHD_HEADER_KIND, key);
}

/* ref= or uuid= to the console's record, its VM and the VM's socket. An HTTP status on failure. */
static unsigned target_find(struct http_call *call, struct console_target *t, const char **why)
{
	const struct model_class *cls = model_class_find("console");
	const char *ref = query(call, "ref"), *uuid = query(call, "uuid");
	struct err e = { 0 };
	json_t *rec = NULL;
	unsigned status = 0;

	if (ref && ref_is_wellformed(ref) && !ref_is_null(ref))
		snprintf(t->console_ref, sizeof(t->console_ref), "%s", ref);
	else if (uuid && uuid_is_valid(uuid))
		ref_from_uuid(uuid, t->console_ref);
	else {
		*why = "name the console with ref=OpaqueRef:... or uuid=...\n";
		return MHD_HTTP_BAD_REQUEST;
	}
	rec = db_get(call->xs->store, cls, t->console_ref, &e);
	if (rec == NULL) {
		*why = "no such console\n";
		status = MHD_HTTP_NOT_FOUND;
		goto out;
	}
	snprintf(t->vm_ref, sizeof(t->vm_ref), "%s", json_string_value(json_object_get(rec, "VM")) ?: "");
	snprintf(t->protocol, sizeof(t->protocol), "%s", json_string_value(json_object_get(rec, "protocol")) ?: "");
	const char *which = strcmp(t->protocol, "rfb") == 0 ? "vnc" : strcmp(t->protocol, "vt100") == 0 ? "serial" : NULL;
	if (which == NULL) {
		*why = "this console's protocol is not served\n";
		status = MHD_HTTP_NOT_FOUND;
		goto out;
	}
	if (console_vm_socket(call->xs, t->vm_ref, which, t->socket_path, sizeof(t->socket_path), &e) < 0) {
		char *text = json_dumps(e.desc, JSON_COMPACT);
		log_info("console %s: %s", t->console_ref, text ? text : "?");
		free(text);
		*why = "the VM's console is not available (is the VM running?)\n";
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
	}
out:
	json_decref(rec);
	err_clear(&e);
	return status;
}

static bool may_use_consoles(const struct session_info *info)
{
	return info->superuser || (info->roles & ROLES_VM_OPERATOR) != 0;
}

/* ---- WebSocket ---- */

/*
 * A WebSocket console's job is shared by the request (until libmicrohttpd
 * completes it) and the pump thread: two references. libmicrohttpd calls
 * ws_upgraded only once the 101 went out; if it never does, the request's
 * release closes the VM's socket. Both run in the connection's thread, so
 * "handed" needs no lock; the references do, since the pump thread drops
 * its own at any time.
 */
struct ws_job {
	atomic_int refs;
	bool handed;
	int vm_fd;
	int sock;
	struct MHD_UpgradeResponseHandle *urh;
	uint8_t *extra;
	size_t extra_len;
	char console_ref[REF_LEN];
};

static void ws_job_unref(struct ws_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) == 1) {
		free(j->extra);
		free(j);
	}
}

/* The request's reference (http_call state_free). */
static void ws_job_release_request(void *state)
{
	struct ws_job *j = state;

	if (!j->handed) {
		close(j->vm_fd);
		active_leave();
	}
	ws_job_unref(j);
}

static void *ws_thread(void *arg)
{
	struct ws_job *j = arg;
	struct console_stream s;
	struct console_pump_options o = { CONSOLE_WEBSOCKET, j->extra, j->extra_len, &stopping };

	console_stream_fd(&s, j->sock);
	enum console_pump_end end = console_pump_run(&s, j->vm_fd, &o);
	log_info("console %s (WebSocket) closed: %s", j->console_ref, console_pump_end_text(end));
	close(j->vm_fd);
	MHD_upgrade_action(j->urh, MHD_UPGRADE_ACTION_CLOSE);
	ws_job_unref(j);
	active_leave();
	return NULL;
}

/* libmicrohttpd hands over the upgraded socket: a thread of ours pumps it, so the connection's thread
   stays free to carry TLS records for it. */
static void ws_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra_in,
			size_t extra_in_size, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct ws_job *j = cls;
	pthread_t th;
	pthread_attr_t attr;

	j->handed = true;
	j->sock = sock;
	j->urh = urh;
	if (extra_in_size > 0 && (j->extra = malloc(extra_in_size)) != NULL) {
		memcpy(j->extra, extra_in, extra_in_size);
		j->extra_len = extra_in_size;
	}
	int fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (pthread_create(&th, &attr, ws_thread, j) != 0) {
		log_error("console: cannot start a thread");
		close(j->vm_fd);
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		ws_job_unref(j);
		active_leave();
	}
	pthread_attr_destroy(&attr);
}

static enum MHD_Result ws_answer(struct http_call *call, struct console_target *t, int vm_fd)
{
	struct err e = { 0 };
	const char *protocol;
	char accept[WS_ACCEPT_LEN];

	if (ws_handshake_check(header(call, "Upgrade"), header(call, "Connection"),
			       header(call, "Sec-WebSocket-Version"), header(call, "Sec-WebSocket-Key"),
			       header(call, "Sec-WebSocket-Protocol"), &protocol, &e) < 0 ||
	    ws_accept_key(header(call, "Sec-WebSocket-Key"), accept) < 0) {
		err_clear(&e);
		close(vm_fd);
		return http_reply_text(call->conn, MHD_HTTP_BAD_REQUEST,
				       "a console is a WebSocket (Upgrade: websocket, version 13) or a CONNECT\n");
	}
	struct ws_job *j = calloc(1, sizeof(*j));
	struct MHD_Response *r = j ? MHD_create_response_for_upgrade(ws_upgraded, j) : NULL;
	if (r == NULL || !active_enter()) {
		if (r)
			MHD_destroy_response(r);
		free(j);
		close(vm_fd);
		return http_reply_text(call->conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the console proxy is stopping\n");
	}
	atomic_init(&j->refs, 2);
	j->vm_fd = vm_fd;
	snprintf(j->console_ref, sizeof(j->console_ref), "%s", t->console_ref);
	call->state = j;
	call->state_free = ws_job_release_request;
	MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket");
	MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
	if (protocol)
		MHD_add_response_header(r, "Sec-WebSocket-Protocol", protocol);
	enum MHD_Result rc = MHD_queue_response(call->conn, MHD_HTTP_SWITCHING_PROTOCOLS, r);
	MHD_destroy_response(r);
	if (rc != MHD_YES) /* the handler will never run: the request's release cleans up */
		ws_job_unref(j);
	else
		log_info("console %s (%s) opened over WebSocket", t->console_ref, t->protocol);
	return rc;
}

/* ---- CONNECT ---- */

static ssize_t tls_recv(void *ctx, void *buf, size_t len)
{
	ssize_t n = gnutls_record_recv(ctx, buf, len);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		errno = EAGAIN;
		return -1;
	}
	if (n < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static ssize_t tls_send(void *ctx, const void *buf, size_t len)
{
	ssize_t n = gnutls_record_send(ctx, buf, len);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		errno = EAGAIN;
		return -1;
	}
	if (n < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static bool tls_pending(void *ctx)
{
	return gnutls_record_check_pending(ctx) > 0;
}

/* Write all of text to the client (the socket is non-blocking). 0 / -1. */
static int stream_write_all(struct console_stream *s, const char *text, size_t len)
{
	int64_t deadline = time_monotonic_ms() + 5000;

	while (len > 0) {
		ssize_t n = s->send(s->ctx, text, len);
		if (n > 0) {
			text += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		struct pollfd p = { s->fd, POLLOUT, 0 };
		if (time_monotonic_ms() > deadline || poll(&p, 1, 200) < 0)
			return -1;
	}
	return 0;
}

static enum MHD_Result connect_answer(struct http_call *call, struct console_target *t, int vm_fd)
{
	const union MHD_ConnectionInfo *fdi = MHD_get_connection_info(call->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *tls = MHD_get_connection_info(call->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	static const char ok[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
	struct console_stream s;

	if (fdi == NULL || !active_enter()) {
		close(vm_fd);
		return http_reply_text(call->conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the console proxy is stopping\n");
	}
	console_stream_fd(&s, fdi->connect_fd);
	if (tls && tls->tls_session) {
		s.ctx = tls->tls_session;
		s.recv = tls_recv;
		s.send = tls_send;
		s.pending = tls_pending;
	}
	log_info("console %s (%s) opened over CONNECT", t->console_ref, t->protocol);
	if (stream_write_all(&s, ok, sizeof(ok) - 1) == 0) {
		struct console_pump_options o = { CONSOLE_RAW, NULL, 0, &stopping };
		enum console_pump_end end = console_pump_run(&s, vm_fd, &o);
		log_info("console %s (CONNECT) closed: %s", t->console_ref, console_pump_end_text(end));
	}
	close(vm_fd);
	active_leave();
	return MHD_NO; /* the connection is spent: libmicrohttpd closes it */
}

enum MHD_Result console_http(struct http_call *call, const char *upload, size_t *upload_size)
{
	struct session_info info;
	struct err e = { 0 };
	struct console_target t = { 0 };
	const char *why = "";

	if (call->first)
		return MHD_YES;
	if (*upload_size > 0) { /* a console request has no body: drop what comes */
		*upload_size = 0;
		return MHD_YES;
	}
	if (http_call_session(call, &info, &e) < 0) {
		err_clear(&e);
		return http_reply_text(call->conn, MHD_HTTP_UNAUTHORIZED, "a valid session_id is required\n");
	}
	if (!may_use_consoles(&info))
		return http_reply_text(call->conn, MHD_HTTP_FORBIDDEN,
				       "RBAC_PERMISSION_DENIED: consoles need the vm-operator role or above\n");
	unsigned status = target_find(call, &t, &why);
	if (status)
		return http_reply_text(call->conn, status, why);
	int vm_fd = console_unix_connect(t.socket_path);
	if (vm_fd < 0) {
		log_warn("console %s: connect %s: %s", t.console_ref, t.socket_path, strerror(errno));
		return http_reply_text(call->conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the VM's console does not answer\n");
	}
	if (strcmp(call->method, "CONNECT") == 0)
		return connect_answer(call, &t, vm_fd);
	return ws_answer(call, &t, vm_fd);
}
