/*
 * The console pump (see pump.h).
 *
 * Two fixed FIFOs: to_vm (client payload bytes, unframed) and to_client
 * (VM bytes, framed as whole WebSocket frames in WebSocket mode, so a pong
 * or a close can be queued between two frames at any time). In WebSocket
 * mode the client's raw bytes go through rx and the decoder first. States:
 * RUNNING (both ways), then DRAINING (nothing more is read; what is queued
 * for the client is flushed until empty or the drain deadline).
 */
#include "console/pump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "console/ws.h"

struct fifo {
	uint8_t data[CONSOLE_PUMP_BUFFER];
	size_t len;
};

static size_t fifo_room(const struct fifo *f)
{
	return sizeof(f->data) - f->len;
}

static void fifo_drop(struct fifo *f, size_t n)
{
	memmove(f->data, f->data + n, f->len - n);
	f->len -= n;
}

static bool fifo_add(struct fifo *f, const void *p, size_t n)
{
	if (fifo_room(f) < n)
		return false;
	memcpy(f->data + f->len, p, n);
	f->len += n;
	return true;
}

struct pump {
	struct console_stream *client;
	int vm;
	enum console_framing framing;
	struct ws_decoder dec;
	struct fifo rx, to_vm, to_client;
	bool draining;
	enum console_pump_end end;
};

static ssize_t fd_recv(void *ctx, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	ssize_t n = recv(fd, buf, len, 0);
	if (n < 0 && errno == ENOTSOCK)
		n = read(fd, buf, len);
	return n;
}

static ssize_t fd_send(void *ctx, const void *buf, size_t len)
{
	int fd = *(int *)ctx;
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
	if (n < 0 && errno == ENOTSOCK)
		n = write(fd, buf, len);
	return n;
}

void console_stream_fd(struct console_stream *s, int fd)
{
	s->fd = fd;
	s->ctx = &s->fd;
	s->recv = fd_recv;
	s->send = fd_send;
	s->pending = NULL;
}

int console_unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

const char *console_pump_end_text(enum console_pump_end end)
{
	static const char *const text[] = {
		[PUMP_END_CLIENT_CLOSED] = "the client closed",
		[PUMP_END_VM_CLOSED] = "the VM's console closed",
		[PUMP_END_PROTOCOL] = "WebSocket protocol error",
		[PUMP_END_STOPPED] = "the daemon is stopping",
		[PUMP_END_IO_ERROR] = "I/O error",
	};
	return end < sizeof(text) / sizeof(text[0]) && text[end] ? text[end] : "?";
}

static void drain_start(struct pump *p, enum console_pump_end end, uint16_t close_code)
{
	if (p->draining)
		return;
	p->draining = true;
	p->end = end;
	if (p->framing == CONSOLE_WEBSOCKET && close_code) {
		uint8_t frame[4];
		size_t n = ws_close_frame(frame, close_code);
		if (!fifo_add(&p->to_client, frame, n)) {
			p->to_client.len = 0; /* no room: the close matters more than stale output */
			fifo_add(&p->to_client, frame, n);
		}
	}
}

/* Decode what rx holds, as far as to_vm has room. */
static void ws_decode(struct pump *p)
{
	while (p->rx.len > 0 && !p->draining) {
		size_t room = fifo_room(&p->to_vm);
		size_t n = p->rx.len < room ? p->rx.len : room;
		struct ws_event ev;
		if (n == 0)
			return;
		long used = ws_decoder_feed(&p->dec, p->rx.data, n, &ev);
		if (used < 0) {
			drain_start(p, PUMP_END_PROTOCOL, p->dec.error_code);
			return;
		}
		if (ev.kind == WS_EV_DATA)
			fifo_add(&p->to_vm, ev.data, ev.len);
		else if (ev.kind == WS_EV_PING) {
			uint8_t head[WS_MAX_HEADER];
			size_t h = ws_frame_header(head, WS_OP_PONG, true, ev.len, NULL);
			if (fifo_room(&p->to_client) >= h + ev.len) {
				fifo_add(&p->to_client, head, h);
				fifo_add(&p->to_client, ev.data, ev.len);
			}
		} else if (ev.kind == WS_EV_CLOSE) {
			uint16_t code = ev.close_code == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : ev.close_code;
			fifo_drop(&p->rx, (size_t)used);
			drain_start(p, PUMP_END_CLIENT_CLOSED, code);
			return;
		}
		fifo_drop(&p->rx, (size_t)used);
		if (used == 0)
			return;
	}
}

static void client_read(struct pump *p)
{
	struct fifo *into = p->framing == CONSOLE_WEBSOCKET ? &p->rx : &p->to_vm;
	size_t room = fifo_room(into);

	if (room == 0)
		return;
	ssize_t n = p->client->recv(p->client->ctx, into->data + into->len, room);
	if (n == 0) {
		drain_start(p, PUMP_END_CLIENT_CLOSED, 0);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			drain_start(p, PUMP_END_IO_ERROR, 0);
		return;
	}
	into->len += (size_t)n;
	if (p->framing == CONSOLE_WEBSOCKET)
		ws_decode(p);
}

static void vm_read(struct pump *p)
{
	uint8_t chunk[16 * 1024];
	size_t room = fifo_room(&p->to_client);
	size_t want = p->framing == CONSOLE_WEBSOCKET ? (room > WS_MAX_HEADER ? room - WS_MAX_HEADER : 0) : room;

	if (want > sizeof(chunk))
		want = sizeof(chunk);
	if (want == 0)
		return;
	ssize_t n = read(p->vm, chunk, want);
	if (n == 0) {
		drain_start(p, PUMP_END_VM_CLOSED, WS_CLOSE_NORMAL);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			drain_start(p, PUMP_END_IO_ERROR, WS_CLOSE_INTERNAL);
		return;
	}
	if (p->framing == CONSOLE_WEBSOCKET) {
		uint8_t head[WS_MAX_HEADER];
		size_t h = ws_frame_header(head, WS_OP_BINARY, true, (uint64_t)n, NULL);
		fifo_add(&p->to_client, head, h);
	}
	fifo_add(&p->to_client, chunk, (size_t)n);
}

static void client_write(struct pump *p)
{
	ssize_t n = p->client->send(p->client->ctx, p->to_client.data, p->to_client.len);

	if (n > 0)
		fifo_drop(&p->to_client, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		p->to_client.len = 0;
		drain_start(p, PUMP_END_IO_ERROR, 0);
	}
}

static void vm_write(struct pump *p)
{
	ssize_t n = send(p->vm, p->to_vm.data, p->to_vm.len, MSG_NOSIGNAL);

	if (n > 0) {
		fifo_drop(&p->to_vm, (size_t)n);
		if (p->framing == CONSOLE_WEBSOCKET)
			ws_decode(p); /* room again for what rx still holds */
	} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		p->to_vm.len = 0;
		drain_start(p, PUMP_END_VM_CLOSED, WS_CLOSE_NORMAL);
	}
}

static void pump_step(struct pump *p, int timeout_ms)
{
	struct pollfd fds[2] = { { p->client->fd, 0, 0 }, { p->vm, 0, 0 } };
	bool client_pending = false;

	if (!p->draining) {
		struct fifo *into = p->framing == CONSOLE_WEBSOCKET ? &p->rx : &p->to_vm;
		if (fifo_room(into) > 0) {
			fds[0].events |= POLLIN;
			client_pending = p->client->pending && p->client->pending(p->client->ctx);
		}
		if (fifo_room(&p->to_client) > WS_MAX_HEADER)
			fds[1].events |= POLLIN;
		if (p->to_vm.len > 0)
			fds[1].events |= POLLOUT;
	}
	if (p->to_client.len > 0)
		fds[0].events |= POLLOUT;
	if (poll(fds, 2, client_pending ? 0 : timeout_ms) < 0) {
		if (errno != EINTR)
			drain_start(p, PUMP_END_IO_ERROR, 0);
		return;
	}
	if (fds[0].revents & POLLOUT)
		client_write(p);
	if (!p->draining && (client_pending || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))))
		client_read(p);
	if (!p->draining && (fds[1].revents & POLLOUT))
		vm_write(p);
	if (!p->draining && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
		vm_read(p);
	if (fds[0].revents & POLLERR)
		drain_start(p, PUMP_END_IO_ERROR, 0);
}

enum console_pump_end console_pump_run(struct console_stream *client, int vm_fd,
				       const struct console_pump_options *o)
{
	struct pump *p = calloc(1, sizeof(*p));
	enum console_pump_end end;

	if (p == NULL)
		return PUMP_END_IO_ERROR;
	p->client = client;
	p->vm = vm_fd;
	p->framing = o->framing;
	ws_decoder_init(&p->dec, true);
	int fl = fcntl(vm_fd, F_GETFL);
	if (fl < 0 || fcntl(vm_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		free(p);
		return PUMP_END_IO_ERROR;
	}
	if (o->extra_len > 0) {
		struct fifo *into = p->framing == CONSOLE_WEBSOCKET ? &p->rx : &p->to_vm;
		if (!fifo_add(into, o->extra, o->extra_len))
			drain_start(p, PUMP_END_PROTOCOL, WS_CLOSE_TOO_BIG);
		else if (p->framing == CONSOLE_WEBSOCKET)
			ws_decode(p);
	}
	while (!p->draining) {
		if (o->stop && *o->stop) {
			drain_start(p, PUMP_END_STOPPED, WS_CLOSE_GOING_AWAY);
			break;
		}
		pump_step(p, CONSOLE_PUMP_TICK_MS);
	}
	int64_t deadline = time_monotonic_ms() + CONSOLE_PUMP_DRAIN_MS;
	while (p->to_client.len > 0 && time_monotonic_ms() < deadline)
		pump_step(p, 50);
	end = p->end;
	free(p);
	return end;
}
