/*
 * The console pump (src/console/pump.c) between real sockets: a socketpair
 * plays the client connection (this test speaks WebSocket on its end, as a
 * browser would: masked frames out, unmasked frames in) and a real unix
 * socket server in a thread plays QEMU's console.
 */
#include <signal.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "console/pump.h"
#include "console/ws.h"
#include "tap.h"

/* ---- the "VM": a unix socket server ---- */

enum vm_mode { VM_ECHO_UPPER, VM_CLOSE_AFTER_BANNER, VM_FLOOD };

struct vm {
	char path[108];
	int listen_fd;
	enum vm_mode mode;
	size_t flood;
	pthread_t th;
};

static void *vm_main(void *arg)
{
	struct vm *v = arg;
	int fd = accept(v->listen_fd, NULL, NULL);
	char buf[4096];

	if (fd < 0)
		return NULL;
	if (v->mode == VM_FLOOD) {
		size_t sent = 0;
		while (sent < v->flood) {
			size_t n = v->flood - sent < sizeof(buf) ? v->flood - sent : sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)((sent + i) % 251);
			ssize_t w = write(fd, buf, n);
			if (w <= 0)
				break;
			sent += (size_t)w;
		}
		close(fd);
		return NULL;
	}
	(void)!write(fd, "RFB 003.008\n", 12);
	if (v->mode == VM_CLOSE_AFTER_BANNER) {
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 32);
		if (write(fd, buf, (size_t)n) != n)
			break;
	}
	close(fd);
	return NULL;
}

static int vm_start(struct vm *v, enum vm_mode mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static int seq;

	v->mode = mode;
	snprintf(v->path, sizeof(v->path), "/tmp/ovcp-pump-test-%d-%d.sock", (int)getpid(), seq++);
	unlink(v->path);
	strcpy(sa.sun_path, v->path);
	v->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (v->listen_fd < 0 || bind(v->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(v->listen_fd, 4) < 0)
		return -1;
	return pthread_create(&v->th, NULL, vm_main, v);
}

static void vm_finish(struct vm *v)
{
	pthread_join(v->th, NULL);
	close(v->listen_fd);
	unlink(v->path);
}

/* ---- the pump in a thread ---- */

struct run {
	int server_end;
	int vm_fd;
	struct console_pump_options o;
	enum console_pump_end end;
	pthread_t th;
};

static void *pump_main(void *arg)
{
	struct run *r = arg;
	struct console_stream s;

	console_stream_fd(&s, r->server_end);
	r->end = console_pump_run(&s, r->vm_fd, &r->o);
	close(r->server_end);
	close(r->vm_fd);
	return NULL;
}

/* Connect the pump to the VM and return the client's end of the pair. */
static int run_start(struct run *r, struct vm *v, enum console_framing framing, volatile bool *stop)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	r->server_end = sv[0];
	r->vm_fd = console_unix_connect(v->path);
	r->o = (struct console_pump_options){ framing, NULL, 0, stop };
	if (r->vm_fd < 0 || pthread_create(&r->th, NULL, pump_main, r) != 0)
		return -1;
	return sv[1];
}

/* ---- a WebSocket client on the test's end ---- */

static void send_frame(int fd, enum ws_opcode op, const void *data, size_t len, bool masked)
{
	uint8_t mask[4] = { 0x11, 0x22, 0x33, 0x44 };
	uint8_t *f = malloc(len + WS_MAX_HEADER);
	size_t h = ws_frame_header(f, op, true, len, masked ? mask : NULL);

	memcpy(f + h, data, len);
	if (masked)
		ws_mask_apply(f + h, len, mask, 0);
	(void)!write(fd, f, h + len);
	free(f);
}

/* Read frames until one event of kind arrives (data accumulates into out). Returns 0 / -1 on timeout. */
struct got {
	uint8_t data[1 << 21];
	size_t len;
	uint16_t close_code;
	uint8_t control[WS_MAX_CONTROL];
	size_t control_len;
	enum ws_event_kind last;
};

static struct ws_decoder client_dec;
static uint8_t pending[1 << 16];
static size_t pending_len;

static int wait_event(int fd, struct got *g, enum ws_event_kind want, size_t want_data)
{
	for (;;) {
		while (pending_len > 0) {
			struct ws_event ev;
			long used = ws_decoder_feed(&client_dec, pending, pending_len, &ev);
			if (used < 0)
				return -1;
			if (ev.kind == WS_EV_DATA) {
				memcpy(g->data + g->len, ev.data, ev.len);
				g->len += ev.len;
			} else if (ev.kind != WS_EV_NONE) {
				g->last = ev.kind;
				g->close_code = ev.close_code;
				memcpy(g->control, ev.data, ev.len);
				g->control_len = ev.len;
			}
			memmove(pending, pending + used, pending_len - (size_t)used);
			pending_len -= (size_t)used;
			if ((want == WS_EV_DATA && g->len >= want_data) || (want != WS_EV_DATA && g->last == want))
				return 0;
			if (used == 0)
				break;
		}
		if ((want == WS_EV_DATA && g->len >= want_data) || (want != WS_EV_DATA && g->last == want))
			return 0;
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		ssize_t n = read(fd, pending + pending_len, sizeof(pending) - pending_len);
		if (n <= 0)
			return -1;
		pending_len += (size_t)n;
	}
}

static void client_reset(void)
{
	ws_decoder_init(&client_dec, false);
	pending_len = 0;
}

static void test_websocket_both_ways_and_close(void)
{
	struct vm v;
	struct run r;
	struct got *g = calloc(1, sizeof(*g));

	client_reset();
	CHECK(vm_start(&v, VM_ECHO_UPPER) == 0);
	int fd = run_start(&r, &v, CONSOLE_WEBSOCKET, NULL);
	CHECK(fd >= 0);
	CHECK(wait_event(fd, g, WS_EV_DATA, 12) == 0);
	CHECK(g->len == 12 && memcmp(g->data, "RFB 003.008\n", 12) == 0);
	g->len = 0;
	send_frame(fd, WS_OP_BINARY, "hello", 5, true);
	CHECK(wait_event(fd, g, WS_EV_DATA, 5) == 0);
	CHECK(g->len == 5 && memcmp(g->data, "HELLO", 5) == 0);
	/* a ping is answered with a pong with the same bytes */
	send_frame(fd, WS_OP_PING, "p1", 2, true);
	CHECK(wait_event(fd, g, WS_EV_PONG, 0) == 0);
	CHECK(g->control_len == 2 && memcmp(g->control, "p1", 2) == 0);
	uint8_t code[2] = { 0x03, 0xe8 };
	send_frame(fd, WS_OP_CLOSE, code, 2, true);
	CHECK(wait_event(fd, g, WS_EV_CLOSE, 0) == 0);
	CHECK(g->close_code == 1000);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_CLIENT_CLOSED);
	close(fd);
	vm_finish(&v);
	free(g);
}

static void test_vm_close_sends_close_frame(void)
{
	struct vm v;
	struct run r;
	struct got *g = calloc(1, sizeof(*g));

	client_reset();
	CHECK(vm_start(&v, VM_CLOSE_AFTER_BANNER) == 0);
	int fd = run_start(&r, &v, CONSOLE_WEBSOCKET, NULL);
	CHECK(wait_event(fd, g, WS_EV_CLOSE, 0) == 0);
	CHECK(g->len == 12 && g->close_code == 1000);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_VM_CLOSED);
	close(fd);
	vm_finish(&v);
	free(g);
}

static void test_unmasked_client_frame_is_a_protocol_error(void)
{
	struct vm v;
	struct run r;
	struct got *g = calloc(1, sizeof(*g));

	client_reset();
	CHECK(vm_start(&v, VM_ECHO_UPPER) == 0);
	int fd = run_start(&r, &v, CONSOLE_WEBSOCKET, NULL);
	send_frame(fd, WS_OP_BINARY, "x", 1, false);
	CHECK(wait_event(fd, g, WS_EV_CLOSE, 0) == 0);
	CHECK(g->close_code == 1002);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_PROTOCOL);
	close(fd);
	vm_finish(&v);
	free(g);
}

static void test_stop_flag_closes_with_1001(void)
{
	struct vm v;
	struct run r;
	volatile bool stop = false;
	struct got *g = calloc(1, sizeof(*g));

	client_reset();
	CHECK(vm_start(&v, VM_ECHO_UPPER) == 0);
	int fd = run_start(&r, &v, CONSOLE_WEBSOCKET, &stop);
	CHECK(wait_event(fd, g, WS_EV_DATA, 12) == 0);
	stop = true;
	CHECK(wait_event(fd, g, WS_EV_CLOSE, 0) == 0);
	CHECK(g->close_code == 1001);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_STOPPED);
	close(fd);
	vm_finish(&v);
	free(g);
}

/* 3 MiB through 64 KiB buffers, read by a client that starts late: everything arrives, in order. */
static void test_flood_is_bounded_and_complete(void)
{
	struct vm v = { .flood = 3u << 20 };
	struct run r;
	struct got *g = calloc(1, sizeof(*g));
	size_t total = 0;
	bool in_order = true;

	client_reset();
	CHECK(vm_start(&v, VM_FLOOD) == 0);
	int fd = run_start(&r, &v, CONSOLE_WEBSOCKET, NULL);
	usleep(200 * 1000); /* the pump must stall, not buffer everything */
	while (total < v.flood) {
		g->len = 0;
		if (wait_event(fd, g, WS_EV_DATA, 1) < 0)
			break;
		for (size_t i = 0; i < g->len; i++)
			in_order &= g->data[i] == (uint8_t)((total + i) % 251);
		total += g->len;
	}
	CHECK(total == v.flood);
	CHECK(in_order);
	CHECK(wait_event(fd, g, WS_EV_CLOSE, 0) == 0);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_VM_CLOSED);
	close(fd);
	vm_finish(&v);
	free(g);
}

static void test_raw_mode(void)
{
	struct vm v;
	struct run r;
	char buf[64] = { 0 };
	size_t have = 0;

	CHECK(vm_start(&v, VM_ECHO_UPPER) == 0);
	int fd = run_start(&r, &v, CONSOLE_RAW, NULL);
	(void)!write(fd, "echo hi\n", 8);
	while (have < 20) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) <= 0)
			break;
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	CHECK(have == 20);
	CHECK(memcmp(buf, "RFB 003.008\nECHO HI\n", 20) == 0);
	shutdown(fd, SHUT_WR);
	pthread_join(r.th, NULL);
	CHECK(r.end == PUMP_END_CLIENT_CLOSED);
	close(fd);
	vm_finish(&v);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* a peer that closed first is part of the tests; ovcpd blocks SIGPIPE too */
	TAP_RUN(test_websocket_both_ways_and_close);
	TAP_RUN(test_vm_close_sends_close_frame);
	TAP_RUN(test_unmasked_client_frame_is_a_protocol_error);
	TAP_RUN(test_stop_flag_closes_with_1001);
	TAP_RUN(test_flood_is_bounded_and_complete);
	TAP_RUN(test_raw_mode);
	return tap_done();
}
