/*
 * QMP / guest agent client: see qmp.h.
 *
 * States: closed (fd -1) -> connected (fd open, greeting read and
 * capabilities negotiated, or agent synchronised) -> closed (qmp_close, EOF,
 * protocol error). Only one command is outstanding at a time: its id is in
 * pending_id and its reply lands in `reply`. A reply whose id is another
 * (the late answer of a command that timed out) is dropped. qemu-ga (7.2)
 * echoes ids too; an id-less reply (QEMU's answer to unparseable input, an
 * older agent) answers the pending command, and after any agent timeout the
 * next command resynchronises first (guest-sync-delimited), so a late reply
 * cannot be taken for a newer command's.
 */
#include "hv/qmp.h"

#include "common/log.h"
#include "common/util.h"
#include "hv/json_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EVENT_QUEUE_MAX	  1024
#define AGENT_SYNC_TRY_MS 1000 /* one guest-sync-delimited attempt */

struct qmp {
	enum qmp_kind kind;
	int fd;
	char *path;
	struct json_stream in;
	json_t *greeting;
	unsigned long long next_id;
	char pending_id[32]; /* "" when no command waits */
	json_t *reply;	     /* the pending command's reply, once read */
	bool agent_needs_sync;
	json_t *events; /* queue (array), used while no handler is set */
	qmp_event_fn *on_event;
	void *event_arg;
	const char *waiting_event; /* qmp_event_wait's name, caught before the handler */
	json_t *caught_event;
};

struct qmp *qmp_new(enum qmp_kind kind)
{
	struct qmp *q = calloc(1, sizeof(*q));

	if (q == NULL)
		abort();
	q->kind = kind;
	q->fd = -1;
	q->events = json_array();
	json_stream_init(&q->in);
	return q;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	json_stream_reset(&q->in);
	json_decref(q->reply);
	q->reply = NULL;
	q->pending_id[0] = '\0';
}

void qmp_free(struct qmp *q)
{
	if (q == NULL)
		return;
	qmp_close(q);
	json_stream_free(&q->in);
	json_decref(q->greeting);
	json_decref(q->events);
	json_decref(q->caught_event);
	free(q->path);
	free(q);
}

bool qmp_is_connected(const struct qmp *q)
{
	return q->fd >= 0;
}

int qmp_fd(const struct qmp *q)
{
	return q->fd;
}

const json_t *qmp_greeting(const struct qmp *q)
{
	return q->greeting;
}

void qmp_set_event_handler(struct qmp *q, qmp_event_fn *fn, void *arg)
{
	q->on_event = fn;
	q->event_arg = arg;
}

/* ---- incoming messages ------------------------------------------------ */

static void deliver_event(struct qmp *q, json_t *msg)
{
	const char *name = json_string_value(json_object_get(msg, "event"));

	if (q->waiting_event != NULL && q->caught_event == NULL && name != NULL &&
	    strcmp(name, q->waiting_event) == 0) {
		q->caught_event = msg;
		return;
	}
	if (q->on_event != NULL) {
		q->on_event(q->event_arg, msg);
		json_decref(msg);
		return;
	}
	if (json_array_size(q->events) >= EVENT_QUEUE_MAX) {
		log_warn("%s: %s: event queue full, dropping the oldest", __func__, q->path ? q->path : "(no socket)");
		json_array_remove(q->events, 0);
	}
	json_array_append_new(q->events, msg);
}

static void deliver_reply(struct qmp *q, json_t *msg)
{
	json_t *id = json_object_get(msg, "id");
	bool mine = q->pending_id[0] != '\0' && q->reply == NULL &&
		    (id == NULL || (json_is_string(id) && strcmp(json_string_value(id), q->pending_id) == 0));

	if (!mine) {
		log_debug("%s: %s: dropping a reply nobody waits for", __func__, q->path ? q->path : "(no socket)");
		json_decref(msg);
		return;
	}
	q->reply = msg;
}

static int dispatch(struct qmp *q, json_t *msg, struct err *e)
{
	if (!json_is_object(msg)) {
		json_decref(msg);
		err_set(e, "QMP_PROTOCOL_ERROR", "a message that is not an object", NULL);
		return -1;
	}
	if (json_object_get(msg, "event") != NULL)
		deliver_event(q, msg);
	else if (json_object_get(msg, "QMP") != NULL) {
		json_decref(q->greeting);
		q->greeting = msg;
	} else if (json_object_get(msg, "return") != NULL || json_object_get(msg, "error") != NULL)
		deliver_reply(q, msg);
	else {
		json_decref(msg);
		err_set(e, "QMP_PROTOCOL_ERROR", "a message that is neither reply nor event", NULL);
		return -1;
	}
	return 0;
}

int qmp_feed(struct qmp *q, const void *data, size_t len, struct err *e)
{
	json_t *msg;
	bool broken = false;

	json_stream_feed(&q->in, data, len);
	/* stop at the first bad message: json_stream_next() would reset broken */
	while (!broken && (msg = json_stream_next(&q->in, &broken, e)) != NULL)
		if (dispatch(q, msg, e) < 0)
			broken = true;
	if (broken) {
		log_warn("%s: %s: protocol error; closing", __func__, q->path ? q->path : "(no socket)");
		qmp_close(q);
		return -1;
	}
	return 0;
}

/* ---- socket I/O with deadlines ------------------------------------------ */

static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - time_monotonic_ms();

	return left < 0 ? 0 : (int)left;
}

static int fail_disconnected(struct qmp *q, struct err *e)
{
	err_set(e, "QMP_DISCONNECTED", q->path ? q->path : "", NULL);
	qmp_close(q);
	return -1;
}

static int fail_timeout(struct err *e, const char *what, int timeout_ms)
{
	char ms[24];

	snprintf(ms, sizeof(ms), "%d", timeout_ms);
	err_set(e, "QMP_TIMEOUT", what, ms, NULL);
	return -1;
}

/* Read once (waiting until deadline) and dispatch. 1 read, 0 deadline passed, -1 error. */
static int read_some(struct qmp *q, int64_t deadline, struct err *e)
{
	char buf[65536];
	struct pollfd p = {.fd = q->fd, .events = POLLIN};
	ssize_t n;
	int r;

	if (q->fd < 0)
		return fail_disconnected(q, e);
	r = poll(&p, 1, remaining_ms(deadline));
	if (r < 0 && errno == EINTR)
		return 1;
	if (r < 0) {
		err_internal(e, "poll: %s", strerror(errno));
		return -1;
	}
	if (r == 0)
		return 0;
	n = read(q->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return fail_disconnected(q, e);
	return qmp_feed(q, buf, (size_t)n, e) < 0 ? -1 : 1;
}

static int send_all(struct qmp *q, const char *data, size_t len, int64_t deadline, const char *what, int timeout_ms,
		    struct err *e)
{
	while (len > 0) {
		struct pollfd p = {.fd = q->fd, .events = POLLOUT};
		ssize_t n = send(q->fd, data, len, MSG_NOSIGNAL);

		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return fail_disconnected(q, e);
		if (poll(&p, 1, remaining_ms(deadline)) == 0)
			return fail_timeout(e, what, timeout_ms);
	}
	return 0;
}

/* ---- commands --------------------------------------------------------- */

static int send_command(struct qmp *q, const char *command, json_t *args, json_t *id, int64_t deadline, int timeout_ms,
			struct err *e)
{
	json_t *msg = json_pack("{s:s}", "execute", command);
	char *text;
	int rc;

	if (args != NULL)
		json_object_set_new(msg, "arguments", args);
	if (id != NULL)
		json_object_set_new(msg, "id", id);
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (text == NULL)
		abort();
	rc = send_all(q, text, strlen(text), deadline, command, timeout_ms, e);
	if (rc == 0)
		rc = send_all(q, "\n", 1, deadline, command, timeout_ms, e);
	free(text);
	return rc;
}

/* Wait for the pending command's reply; takes it. */
static int wait_reply(struct qmp *q, const char *command, json_t **ret, int64_t deadline, int timeout_ms, struct err *e)
{
	json_t *reply, *error;

	while (q->reply == NULL) {
		int r = read_some(q, deadline, e);

		if (r < 0)
			return -1;
		if (r == 0 && q->reply == NULL) {
			q->pending_id[0] = '\0';
			if (q->kind == QMP_AGENT)
				q->agent_needs_sync = true;
			return fail_timeout(e, command, timeout_ms);
		}
	}
	reply = q->reply;
	q->reply = NULL;
	q->pending_id[0] = '\0';
	error = json_object_get(reply, "error");
	if (error != NULL) {
		const char *cls = json_string_value(json_object_get(error, "class"));
		const char *desc = json_string_value(json_object_get(error, "desc"));

		err_set(e, "QMP_ERROR", cls ? cls : "", desc ? desc : "", command, NULL);
		json_decref(reply);
		return -1;
	}
	if (ret != NULL)
		*ret = json_incref(json_object_get(reply, "return"));
	json_decref(reply);
	return 0;
}

static int run_command(struct qmp *q, const char *command, json_t *args, json_t **ret, int64_t deadline, int timeout_ms,
		       struct err *e)
{
	if (ret != NULL)
		*ret = NULL;
	if (q->fd < 0) {
		json_decref(args);
		return fail_disconnected(q, e);
	}
	snprintf(q->pending_id, sizeof(q->pending_id), "ovcp-%llu", ++q->next_id);
	json_decref(q->reply);
	q->reply = NULL;
	if (send_command(q, command, args, json_string(q->pending_id), deadline, timeout_ms, e) < 0) {
		q->pending_id[0] = '\0';
		return -1;
	}
	return wait_reply(q, command, ret, deadline, timeout_ms, e);
}

/*
 * guest-sync-delimited with a fresh random id until the agent echoes it:
 * what was buffered before the agent's 0xFF is stale and dropped.
 */
static int agent_sync(struct qmp *q, int64_t deadline, int timeout_ms, struct err *e)
{
	while (remaining_ms(deadline) > 0) {
		int64_t try_deadline = time_monotonic_ms() + AGENT_SYNC_TRY_MS;
		uint32_t id;
		json_t *ret = NULL;
		int rc;

		if (try_deadline > deadline)
			try_deadline = deadline;
		if (random_fill(&id, sizeof(id)) < 0)
			id = (uint32_t)time_monotonic_ms();
		id &= 0x7fffffff;
		json_stream_discard_until_ff(&q->in);
		rc = run_command(q, "guest-sync-delimited", json_pack("{s:I}", "id", (json_int_t)id), &ret,
				 try_deadline, AGENT_SYNC_TRY_MS, e);
		if (rc == 0 && json_is_integer(ret) && json_integer_value(ret) == (json_int_t)id) {
			json_decref(ret);
			q->agent_needs_sync = false;
			err_clear(e);
			return 0;
		}
		json_decref(ret);
		if (rc < 0 && strcmp(err_code(e), "QMP_TIMEOUT") != 0)
			return -1;
		/* an older sync's echo, or no answer yet (agent not up): try again */
	}
	return fail_timeout(e, "guest-sync-delimited", timeout_ms);
}

int qmp_command(struct qmp *q, const char *command, json_t *args, json_t **ret, int timeout_ms, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;

	if (q->kind == QMP_AGENT && q->agent_needs_sync && q->fd >= 0 && agent_sync(q, deadline, timeout_ms, e) < 0) {
		json_decref(args);
		return -1;
	}
	return run_command(q, command, args, ret, deadline, timeout_ms, e);
}

int qmp_command_no_reply(struct qmp *q, const char *command, json_t *args, int timeout_ms, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;

	if (q->fd < 0) {
		json_decref(args);
		return fail_disconnected(q, e);
	}
	if (q->kind == QMP_AGENT && q->agent_needs_sync && agent_sync(q, deadline, timeout_ms, e) < 0) {
		json_decref(args);
		return -1;
	}
	return send_command(q, command, args, NULL, deadline, timeout_ms, e);
}

/* The first bytes of a message, with fd attached; the rest goes with send_all. */
static int send_first_with_fd(struct qmp *q, const char *data, size_t len, int fd, size_t *sent, struct err *e)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
	struct cmsghdr *c;
	ssize_t n;

	memset(control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		struct pollfd p = {.fd = q->fd, .events = POLLOUT};

		poll(&p, 1, 1000);
		n = sendmsg(q->fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && (errno == EINTR || errno == EAGAIN));
	if (n <= 0)
		return fail_disconnected(q, e);
	*sent = (size_t)n;
	return 0;
}

int qmp_command_fd(struct qmp *q, const char *command, json_t *args, int fd, json_t **ret, int timeout_ms,
		   struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	json_t *msg;
	char *text;
	size_t sent = 0;
	int rc;

	if (ret != NULL)
		*ret = NULL;
	if (q->fd < 0) {
		json_decref(args);
		return fail_disconnected(q, e);
	}
	snprintf(q->pending_id, sizeof(q->pending_id), "ovcp-%llu", ++q->next_id);
	json_decref(q->reply);
	q->reply = NULL;
	msg = json_pack("{s:s, s:s}", "execute", command, "id", q->pending_id);
	if (args != NULL)
		json_object_set_new(msg, "arguments", args);
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (text == NULL)
		abort();
	rc = send_first_with_fd(q, text, strlen(text), fd, &sent, e);
	if (rc == 0)
		rc = send_all(q, text + sent, strlen(text) - sent, deadline, command, timeout_ms, e);
	if (rc == 0)
		rc = send_all(q, "\n", 1, deadline, command, timeout_ms, e);
	free(text);
	if (rc < 0) {
		q->pending_id[0] = '\0';
		return -1;
	}
	return wait_reply(q, command, ret, deadline, timeout_ms, e);
}

/* ---- connecting ------------------------------------------------------- */

static int connect_socket(struct qmp *q, const char *path, int64_t deadline, struct err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path)) {
		err_set(e, "QMP_CONNECT_FAILED", path, "path too long", NULL);
		return -1;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			err_set(e, "QMP_CONNECT_FAILED", path, strerror(errno), NULL);
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			q->fd = fd;
			return 0;
		}
		int err = errno;

		close(fd);
		if ((err != ENOENT && err != ECONNREFUSED && err != EAGAIN) || remaining_ms(deadline) == 0) {
			err_set(e, "QMP_CONNECT_FAILED", path, strerror(err), NULL);
			return -1;
		}
		usleep(20 * 1000);
	}
}

int qmp_listen(const char *path, struct err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		err_set(e, "QMP_CONNECT_FAILED", path, "path too long", NULL);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		err_set(e, "QMP_CONNECT_FAILED", path, strerror(errno), NULL);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int monitor_negotiate(struct qmp *q, int64_t deadline, int timeout_ms, struct err *e)
{
	json_decref(q->greeting);
	q->greeting = NULL;
	while (q->greeting == NULL) {
		int r = read_some(q, deadline, e);

		if (r < 0)
			return -1;
		if (r == 0)
			return fail_timeout(e, "greeting", timeout_ms);
	}
	return run_command(q, "qmp_capabilities", NULL, NULL, deadline, timeout_ms, e);
}

int qmp_connect(struct qmp *q, const char *path, int timeout_ms, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	int rc;

	qmp_close(q);
	free(q->path);
	q->path = strdup(path);
	if (q->path == NULL)
		abort();
	if (connect_socket(q, path, deadline, e) < 0)
		return -1;
	rc = q->kind == QMP_MONITOR ? monitor_negotiate(q, deadline, timeout_ms, e)
				    : agent_sync(q, deadline, timeout_ms, e);
	if (rc < 0)
		qmp_close(q);
	return rc;
}

/* ---- events ----------------------------------------------------------- */

json_t *qmp_event_next(struct qmp *q)
{
	json_t *ev = json_incref(json_array_get(q->events, 0));

	if (ev != NULL)
		json_array_remove(q->events, 0);
	return ev;
}

static json_t *take_queued_event(struct qmp *q, const char *name)
{
	for (size_t i = 0; i < json_array_size(q->events); i++) {
		json_t *ev = json_array_get(q->events, i);
		const char *n = json_string_value(json_object_get(ev, "event"));

		if (n != NULL && strcmp(n, name) == 0) {
			json_incref(ev);
			json_array_remove(q->events, i);
			return ev;
		}
	}
	return NULL;
}

int qmp_event_wait(struct qmp *q, const char *name, json_t **event, int timeout_ms, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	json_t *ev = take_queued_event(q, name);
	int rc = 0;

	q->waiting_event = name;
	while (ev == NULL && q->caught_event == NULL) {
		int r = read_some(q, deadline, e);

		if (r <= 0) {
			rc = r < 0 ? -1 : fail_timeout(e, name, timeout_ms);
			break;
		}
	}
	if (ev == NULL)
		ev = q->caught_event;
	q->caught_event = NULL;
	q->waiting_event = NULL;
	if (ev != NULL) {
		rc = 0;
		err_clear(e);
	}
	if (event != NULL)
		*event = ev;
	else
		json_decref(ev);
	return rc;
}

int qmp_wait_closed(struct qmp *q, int timeout_ms, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	struct err ignored = {0};

	while (q->fd >= 0) {
		int r = read_some(q, deadline, &ignored);

		if (r == 0)
			return fail_timeout(e, "close", timeout_ms);
		if (r < 0 && q->fd >= 0)
			break;
	}
	err_clear(&ignored);
	qmp_close(q);
	return 0;
}
