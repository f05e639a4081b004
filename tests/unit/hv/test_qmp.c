/*
 * QMP and guest agent client tests.
 *
 * - json_stream: partial reads, several messages per read, strings with
 *   braces and escapes, the agent's 0xFF delimiter.
 * - a scripted fake server (a thread on a unix socket) for what a real QEMU
 *   will not do on demand: never greeting, stale replies with other ids,
 *   replies split into single bytes, closing mid-command.
 * - a REAL QEMU (qemu-system-x86_64 -accel tcg -S): capabilities, status,
 *   cont/stop/system_reset/quit with their events, errors, reconnection.
 * - the test guest from guest/build-test-guest (OVCP_TEST_GUEST_DIR), started
 *   from qemu_argv_build()'s argv: serial console, guest agent, ACPI power-off.
 *
 * Every QEMU is started in a temporary directory and stopped on every path
 * (SIGTERM, then SIGKILL after a deadline); every wait has a timeout.
 */
#include "hv/json_stream.h"
#include "common/proc.h"
#include "hv/qemu_argv.h"
#include "hv/qmp.h"
#include "tap.h"

#include "common/util.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define T_CMD	5000  /* ms for a command against a local QEMU */
#define T_GUEST 20000 /* ms for a command that a busy TCG guest must answer */

/* ---- helpers ------------------------------------------------------------ */

/* QEMUs running now: killed if the test dies (meson's timeout sends SIGTERM, a crash SIGSEGV/SIGABRT). */
static volatile pid_t live_qemus[4];

static void track_qemu(pid_t pid, bool alive)
{
	for (size_t i = 0; i < 4; i++)
		if (alive ? live_qemus[i] == 0 : live_qemus[i] == pid) {
			live_qemus[i] = alive ? pid : 0;
			return;
		}
}

static void kill_qemus_and_die(int sig)
{
	for (size_t i = 0; i < 4; i++)
		if (live_qemus[i] > 0)
			kill(live_qemus[i], SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_cleanup_handlers(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGABRT, SIGSEGV, SIGBUS};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], kill_qemus_and_die);
}

static bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path != NULL && *path) {
		size_t n = strcspn(path, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

struct tmpdir {
	char path[128];
};

static void tmpdir_make(struct tmpdir *t, const char *tag)
{
	snprintf(t->path, sizeof(t->path), "/tmp/ovcp-%s-XXXXXX", tag);
	if (mkdtemp(t->path) == NULL)
		abort();
}

static void tmpdir_join(const struct tmpdir *t, const char *name, char out[PATH_MAX])
{
	if (snprintf(out, PATH_MAX, "%s/%s", t->path, name) >= PATH_MAX)
		abort();
}

/* Remove the directory's files (one level; the tests make no subdirectories). */
static void tmpdir_remove(struct tmpdir *t)
{
	static const char *const names[] = {"qmp.sock", "qmp2.sock", "serial.sock", "serial.log", "vnc.sock",
					    "qga.sock", "qemu.pid",  "qemu.log",    "fake.sock"};
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tmpdir_join(t, names[i], p);
		unlink(p);
	}
	if (rmdir(t->path) < 0)
		printf("# could not remove %s\n", t->path);
}

/* A paused QEMU with QMP on dir/qmp.sock. */
static pid_t start_bare_qemu(struct tmpdir *t)
{
	char qmp_opt[PATH_MAX + 32], log[PATH_MAX];
	/* clang-format off */
	char *argv[] = {"qemu-system-x86_64", "-S", "-nodefaults", "-no-user-config", "-display", "none",
			"-machine", "pc,accel=tcg", "-m", "32", "-qmp", qmp_opt, NULL};
	/* clang-format on */
	struct err e = {0};
	pid_t pid = -1;
	int fd;

	snprintf(qmp_opt, sizeof(qmp_opt), "unix:%s/qmp.sock,server=on,wait=off", t->path);
	tmpdir_join(t, "qemu.log", log);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || proc_spawn(argv, fd, &pid, &e) < 0)
		pid = -1;
	if (fd >= 0)
		close(fd);
	err_clear(&e);
	if (pid > 0)
		track_qemu(pid, true);
	return pid;
}

static void stop_qemu(pid_t pid)
{
	if (pid > 0) {
		CHECK_INT(proc_stop(pid, 3000), 0);
		track_qemu(pid, false);
	}
}

static const char *status_of(json_t *ret)
{
	return json_string_value(json_object_get(ret, "status"));
}

/* ---- json_stream -------------------------------------------------------- */

static void test_json_stream_pieces(void)
{
	const char *text = "{\"a\": \"}{\\\"\", \"b\": [1, {\"c\": 2}]}\r\n{\"event\": \"X\"}  [3]\n";
	struct json_stream s;
	struct err e = {0};
	json_t *v, *got[4];
	size_t n = 0;
	bool broken;

	/* one byte at a time */
	json_stream_init(&s);
	for (const char *p = text; *p; p++) {
		json_stream_feed(&s, p, 1);
		while ((v = json_stream_next(&s, &broken, &e)) != NULL && n < 4)
			got[n++] = v;
		CHECK(!broken);
	}
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(json_string_value(json_object_get(got[0], "a")), "}{\"");
		CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(got[0], "b"), 1), "c")), 2);
		CHECK_STR(json_string_value(json_object_get(got[1], "event")), "X");
		CHECK_INT(json_integer_value(json_array_get(got[2], 0)), 3);
	}
	for (size_t i = 0; i < n; i++)
		json_decref(got[i]);
	/* all in one feed */
	n = 0;
	json_stream_feed(&s, text, strlen(text));
	while ((v = json_stream_next(&s, &broken, &e)) != NULL) {
		n++;
		json_decref(v);
	}
	CHECK_INT(n, 3);
	CHECK(!broken);
	json_stream_free(&s);
}

static void test_json_stream_agent_delimiter(void)
{
	struct json_stream s;
	struct err e = {0};
	bool broken;
	json_t *v;

	json_stream_init(&s);
	/* stale half message, then the 0xFF and the real reply */
	json_stream_discard_until_ff(&s);
	json_stream_feed(&s, "{\"return\": 1", 12);
	CHECK(json_stream_next(&s, &broken, &e) == NULL && !broken);
	json_stream_feed(&s, "}\n\xff{\"return\": 42}", 17);
	v = json_stream_next(&s, &broken, &e);
	CHECK(v != NULL && json_integer_value(json_object_get(v, "return")) == 42);
	json_decref(v);
	/* 0xFF between values is skipped */
	json_stream_feed(&s, "\xff{\"return\": 7}", 15);
	v = json_stream_next(&s, &broken, &e);
	CHECK(v != NULL && json_integer_value(json_object_get(v, "return")) == 7);
	json_decref(v);
	/* garbage between messages is an error */
	json_stream_feed(&s, "hello", 5);
	CHECK(json_stream_next(&s, &broken, &e) == NULL);
	CHECK(broken);
	CHECK_STR(err_code(&e), "QMP_PROTOCOL_ERROR");
	err_clear(&e);
	json_stream_free(&s);
}

/* ---- fake server ------------------------------------------------------- */

enum fake_mode {
	FAKE_SILENT,	      /* accept, never greet */
	FAKE_STALE_THEN_OK,   /* greet; reply to each command: wrong id, event, right id, byte by byte */
	FAKE_CLOSE_ON_COMMAND /* greet, negotiate, then close when the next command arrives */
};

struct fake {
	struct tmpdir dir;
	char path[PATH_MAX];
	int listen_fd;
	enum fake_mode mode;
	pthread_t thread;
};

static void fake_write(int fd, const char *s, bool bytewise)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i += bytewise ? 1 : len) {
		if (write(fd, s + i, bytewise ? 1 : len) < 0)
			return;
		if (bytewise)
			usleep(200);
	}
}

/* Read one line (a command) with a timeout; its "id" goes to id. */
static bool fake_read_command(int fd, char *id, size_t id_len)
{
	char buf[4096];
	size_t n = 0;
	json_t *cmd;

	while (n < sizeof(buf) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 5000) <= 0 || read(fd, buf + n, 1) != 1)
			return false;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	cmd = json_loads(buf, 0, NULL);
	snprintf(id, id_len, "%s", json_string_value(json_object_get(cmd, "id")) ?: "");
	json_decref(cmd);
	return true;
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	char id[64], line[256];
	int fd = accept(f->listen_fd, NULL, NULL);

	if (fd < 0)
		return NULL;
	if (f->mode == FAKE_SILENT) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		poll(&p, 1, 5000); /* until the client gives up and closes */
		close(fd);
		return NULL;
	}
	fake_write(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n", false);
	if (!fake_read_command(fd, id, sizeof(id)))
		goto out;
	snprintf(line, sizeof(line), "{\"return\": {}, \"id\": \"%s\"}\r\n", id);
	fake_write(fd, line, false);
	while (fake_read_command(fd, id, sizeof(id))) {
		if (f->mode == FAKE_CLOSE_ON_COMMAND)
			break;
		fake_write(fd, "{\"return\": {\"stale\": true}, \"id\": \"ovcp-999\"}\r\n", true);
		fake_write(fd, "{\"event\": \"STOP\", \"data\": {}, \"timestamp\": {\"seconds\": 1}}\r\n", true);
		snprintf(line, sizeof(line), "{\"return\": {\"status\": \"paused\"}, \"id\": \"%s\"}\r\n", id);
		fake_write(fd, line, true);
	}
out:
	close(fd);
	return NULL;
}

static int fake_start(struct fake *f, enum fake_mode mode)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	tmpdir_make(&f->dir, "fake");
	tmpdir_join(&f->dir, "fake.sock", f->path);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path) >= (int)sizeof(sa.sun_path))
		return -1;
	f->mode = mode;
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(f->listen_fd, 4) < 0)
		return -1;
	return pthread_create(&f->thread, NULL, fake_main, f) == 0 ? 0 : -1;
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	tmpdir_remove(&f->dir);
}

static void test_fake_greeting_timeout(void)
{
	struct fake f;
	struct qmp *q = qmp_new(QMP_MONITOR);
	struct err e = {0};
	int64_t t0;

	if (fake_start(&f, FAKE_SILENT) < 0)
		abort();
	t0 = time_monotonic_ms();
	CHECK_INT(qmp_connect(q, f.path, 400, &e), -1);
	CHECK_STR(err_code(&e), "QMP_TIMEOUT");
	CHECK(time_monotonic_ms() - t0 >= 380 && time_monotonic_ms() - t0 < 1500);
	CHECK(!qmp_is_connected(q));
	qmp_free(q); /* closes: the fake's poll returns */
	fake_stop(&f);
	err_clear(&e);
}

static void test_fake_stale_reply_and_event(void)
{
	struct fake f;
	struct qmp *q = qmp_new(QMP_MONITOR);
	struct err e = {0};
	json_t *ret = NULL, *ev;

	if (fake_start(&f, FAKE_STALE_THEN_OK) < 0)
		abort();
	CHECK_INT(qmp_connect(q, f.path, T_CMD, &e), 0);
	CHECK_INT(qmp_command(q, "query-status", NULL, &ret, T_CMD, &e), 0);
	/* the reply with the other id was dropped, not taken for ours */
	CHECK_STR(status_of(ret), "paused");
	json_decref(ret);
	ev = qmp_event_next(q);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "event")), "STOP");
	json_decref(ev);
	CHECK(qmp_event_next(q) == NULL);
	qmp_free(q);
	fake_stop(&f);
	err_clear(&e);
}

static void test_fake_close_mid_command(void)
{
	struct fake f;
	struct qmp *q = qmp_new(QMP_MONITOR);
	struct err e = {0};

	if (fake_start(&f, FAKE_CLOSE_ON_COMMAND) < 0)
		abort();
	CHECK_INT(qmp_connect(q, f.path, T_CMD, &e), 0);
	CHECK_INT(qmp_command(q, "query-status", NULL, NULL, T_CMD, &e), -1);
	CHECK_STR(err_code(&e), "QMP_DISCONNECTED");
	CHECK(!qmp_is_connected(q));
	CHECK_INT(qmp_command(q, "query-status", NULL, NULL, T_CMD, &e), -1);
	CHECK_STR(err_code(&e), "QMP_DISCONNECTED");
	qmp_free(q);
	fake_stop(&f);
	err_clear(&e);
}

static void test_connect_missing_socket(void)
{
	struct qmp *q = qmp_new(QMP_MONITOR);
	struct err e = {0};
	int64_t t0 = time_monotonic_ms();

	CHECK_INT(qmp_connect(q, "/tmp/ovcp-no-such-dir/qmp.sock", 300, &e), -1);
	CHECK_STR(err_code(&e), "QMP_CONNECT_FAILED");
	CHECK(time_monotonic_ms() - t0 >= 280 && time_monotonic_ms() - t0 < 1500);
	qmp_free(q);
	err_clear(&e);
}

/* qmp_feed without a socket: what an event loop would do. */
struct counter {
	int events;
	char last[32];
};

static void count_event(void *arg, const json_t *ev)
{
	struct counter *c = arg;

	c->events++;
	snprintf(c->last, sizeof(c->last), "%s", json_string_value(json_object_get(ev, "event")) ?: "");
}

static void test_feed_events_to_handler(void)
{
	struct qmp *q = qmp_new(QMP_MONITOR);
	struct counter c = {0};
	struct err e = {0};
	const char *msgs = "{\"event\": \"RESUME\", \"data\": {}}\n{\"event\": \"RE";

	qmp_set_event_handler(q, count_event, &c);
	CHECK_INT(qmp_feed(q, msgs, strlen(msgs), &e), 0);
	CHECK_INT(c.events, 1);
	CHECK_INT(qmp_feed(q, "SET\"}\n", 6, &e), 0);
	CHECK_INT(c.events, 2);
	CHECK_STR(c.last, "RESET");
	CHECK(qmp_event_next(q) == NULL);
	CHECK_INT(qmp_feed(q, "nonsense", 8, &e), -1);
	CHECK_STR(err_code(&e), "QMP_PROTOCOL_ERROR");
	qmp_free(q);
	err_clear(&e);
}

/* ---- real QEMU ----------------------------------------------------------- */

static void test_qemu_monitor_lifecycle(void)
{
	struct tmpdir t;
	char sock[PATH_MAX];
	struct qmp *q;
	struct err e = {0};
	json_t *ret = NULL, *ev = NULL, *ver;
	pid_t pid;
	int status;

	if (!have_program("qemu-system-x86_64")) {
		TAP_SKIP("qemu-system-x86_64 not installed (Debian package qemu-system-x86)");
		return;
	}
	tmpdir_make(&t, "qmp");
	tmpdir_join(&t, "qmp.sock", sock);
	pid = start_bare_qemu(&t);
	CHECK(pid > 0);
	q = qmp_new(QMP_MONITOR);
	CHECK_INT(qmp_connect(q, sock, 10000, &e), 0);
	ver = json_object_get(json_object_get(json_object_get(qmp_greeting(q), "QMP"), "version"), "qemu");
	CHECK(json_integer_value(json_object_get(ver, "major")) >= 7);

	CHECK_INT(qmp_command(q, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "prelaunch");
	json_decref(ret);

	CHECK_INT(qmp_command(q, "cont", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_event_wait(q, "RESUME", &ev, T_CMD, &e), 0);
	CHECK(json_object_get(ev, "timestamp") != NULL);
	json_decref(ev);
	CHECK_INT(qmp_command(q, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "running");
	json_decref(ret);

	CHECK_INT(qmp_command(q, "stop", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_event_wait(q, "STOP", NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_command(q, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "paused");
	json_decref(ret);

	CHECK_INT(qmp_command(q, "system_reset", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_event_wait(q, "RESET", &ev, T_CMD, &e), 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")), "host-qmp-system-reset");
	json_decref(ev);

	/* errors: unknown command, bad arguments */
	CHECK_INT(qmp_command(q, "no-such-command", NULL, NULL, T_CMD, &e), -1);
	CHECK_STR(err_code(&e), "QMP_ERROR");
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "CommandNotFound");
	CHECK_STR(json_string_value(json_array_get(e.desc, 3)), "no-such-command");
	err_clear(&e);
	CHECK_INT(qmp_command(q, "query-status", json_pack("{s:i}", "bogus", 1), NULL, T_CMD, &e), -1);
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "GenericError");
	err_clear(&e);
	/* the connection still works after errors; a reset of a paused VM leaves it in prelaunch (QEMU 7.2) */
	CHECK_INT(qmp_command(q, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "prelaunch");
	json_decref(ret);

	CHECK_INT(qmp_command(q, "quit", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_event_wait(q, "SHUTDOWN", &ev, T_CMD, &e), 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")), "host-qmp-quit");
	json_decref(ev);
	CHECK_INT(qmp_wait_closed(q, T_CMD, &e), 0);
	CHECK(!qmp_is_connected(q));
	CHECK_INT(qmp_command(q, "query-status", NULL, NULL, T_CMD, &e), -1);
	CHECK_STR(err_code(&e), "QMP_DISCONNECTED");
	CHECK_INT(proc_wait(pid, T_CMD, &status), 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	track_qemu(pid, false);
	CHECK_INT(proc_stop(pid, 3000), -1); /* reaped: nothing to signal */
	qmp_free(q);
	tmpdir_remove(&t);
	err_clear(&e);
}

static void test_qemu_reconnect(void)
{
	struct tmpdir t;
	char sock[PATH_MAX];
	struct qmp *a, *b;
	struct err e = {0};
	json_t *ret = NULL;
	struct counter c = {0};
	pid_t pid;

	if (!have_program("qemu-system-x86_64")) {
		TAP_SKIP("qemu-system-x86_64 not installed (Debian package qemu-system-x86)");
		return;
	}
	tmpdir_make(&t, "qmp");
	tmpdir_join(&t, "qmp.sock", sock);
	pid = start_bare_qemu(&t);
	a = qmp_new(QMP_MONITOR);
	b = qmp_new(QMP_MONITOR);
	CHECK_INT(qmp_connect(a, sock, 10000, &e), 0);
	CHECK_INT(qmp_command(a, "cont", NULL, NULL, T_CMD, &e), 0);
	qmp_close(a);
	/* events while nobody listens are lost: the new client re-queries */
	CHECK_INT(qmp_connect(b, sock, T_CMD, &e), 0);
	CHECK_INT(qmp_command(b, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "running");
	json_decref(ret);
	/* events to a handler; the first client object connects again afterwards */
	qmp_set_event_handler(b, count_event, &c);
	CHECK_INT(qmp_command(b, "stop", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_command(b, "cont", NULL, NULL, T_CMD, &e), 0);
	CHECK_INT(qmp_command(b, "query-status", NULL, NULL, T_CMD, &e), 0);
	CHECK(c.events >= 1); /* STOP, and RESUME once it arrived */
	qmp_close(b);
	CHECK_INT(qmp_connect(a, sock, T_CMD, &e), 0);
	CHECK_INT(qmp_command(a, "query-status", NULL, &ret, T_CMD, &e), 0);
	CHECK_STR(status_of(ret), "running");
	json_decref(ret);
	qmp_free(a);
	qmp_free(b);
	stop_qemu(pid);
	tmpdir_remove(&t);
	err_clear(&e);
}

/* ---- the test guest, from qemu_argv_build() ---------------------------- */

struct guest {
	char dir[PATH_MAX];
	char kernel[PATH_MAX], initrd[PATH_MAX], disk[PATH_MAX];
	char append[256], marker[64];
};

/* Read guest.env (KEY=VALUE lines, file names relative to its directory). */
static int guest_load(struct guest *g)
{
	const char *dir = getenv("OVCP_TEST_GUEST_DIR");
	char path[PATH_MAX], *text, *line, *save = NULL;

	if (dir == NULL || snprintf(path, sizeof(path), "%s/guest.env", dir) >= (int)sizeof(path))
		return -1;
	if ((text = file_read_all(path, NULL)) == NULL)
		return -1;
	snprintf(g->dir, sizeof(g->dir), "%s", dir);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *v;

		if (line[0] == '#' || eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (*v == '"' && v[strlen(v) - 1] == '"') {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		if (strcmp(line, "GUEST_KERNEL") == 0)
			snprintf(g->kernel, sizeof(g->kernel), "%s", v);
		else if (strcmp(line, "GUEST_INITRD") == 0)
			snprintf(g->initrd, sizeof(g->initrd), "%s", v);
		else if (strcmp(line, "GUEST_DISK") == 0)
			snprintf(g->disk, sizeof(g->disk), "%s/%s", dir, v);
		else if (strcmp(line, "GUEST_APPEND") == 0)
			snprintf(g->append, sizeof(g->append), "%s", v);
		else if (strcmp(line, "GUEST_READY_MARKER") == 0)
			snprintf(g->marker, sizeof(g->marker), "%s", v);
	}
	free(text);
	return g->kernel[0] && g->initrd[0] && g->disk[0] && g->marker[0] ? 0 : -1;
}

/* Read from fd until `want` appears (or timeout); the text read goes to out. */
static bool read_until(int fd, const char *want, char *out, size_t out_len, int timeout_ms)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	size_t n = 0;

	out[0] = '\0';
	while (time_monotonic_ms() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&p, 1, (int)(deadline - time_monotonic_ms())) <= 0)
			break;
		if (n + 1 >= out_len) { /* keep the tail */
			memmove(out, out + out_len / 2, n - out_len / 2);
			n -= out_len / 2;
		}
		r = read(fd, out + n, out_len - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
		out[n] = '\0';
		if (strstr(out, want) != NULL)
			return true;
	}
	return false;
}

static int connect_unix(const char *path, int timeout_ms)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int64_t deadline = time_monotonic_ms() + timeout_ms;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path) >= (int)sizeof(sa.sun_path))
		return -1;
	while (time_monotonic_ms() < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(20000);
	}
	return -1;
}

/* The guest's argv from records, as the VM layer will build it. */
static int guest_argv(const struct guest *g, const struct tmpdir *t, struct qemu_argv *argv, struct err *e)
{
	json_t *vm = json_pack("{s:s, s:s, s:I, s:i, s:i, s:s, s:s, s:s, s:s, s:{}, s:{s:s}}", "uuid",
			       "0c5d1f7e-2a3b-4c5d-8e9f-a0b1c2d3e4f5", "name_label", "ovcp test guest",
			       "memory_static_max", (json_int_t)256 * 1024 * 1024, "VCPUs_max", 1, "VCPUs_at_startup",
			       1, "PV_kernel", g->kernel, "PV_ramdisk", g->initrd, "PV_args", g->append,
			       "HVM_boot_policy", "", "HVM_boot_params", "platform", "vga", "none");
	json_t *vbd = json_pack("{s:s, s:s, s:s, s:b, s:b}", "userdevice", "0", "type", "Disk", "mode", "RO",
				"bootable", 0, "empty", 0);
	json_t *vdi = json_pack("{s:b, s:b}", "sharable", 0, "read_only", 1);
	struct qemu_disk disk = {vbd, vdi, g->disk, "qcow2"};
	struct qemu_boot boot;
	struct qemu_vm in = {.vm = vm, .disks = &disk, .n_disks = 1};
	int rc;

	in.host.accel = "tcg";
	in.host.run_dir = t->path;
	rc = qemu_boot_resolve(vm, g->dir, &boot, e);
	in.boot = &boot;
	if (rc == 0)
		rc = qemu_argv_build(&in, argv, e);
	qemu_boot_free(&boot);
	json_decref(vm);
	json_decref(vbd);
	json_decref(vdi);
	return rc;
}

static void test_guest_boot_agent_poweroff(void)
{
	struct guest g = {0};
	struct tmpdir t;
	struct qemu_argv argv;
	struct err e = {0};
	char path[PATH_MAX], out[8192];
	struct qmp *mon = NULL, *qga = NULL;
	json_t *ret = NULL;
	pid_t pid = -1;
	int serial = -1, log_fd;
	int64_t t0;

	if (!have_program("qemu-system-x86_64") || guest_load(&g) < 0) {
		TAP_SKIP("no test guest (run guest/build-test-guest, set OVCP_TEST_GUEST_DIR)");
		return;
	}
	tmpdir_make(&t, "guest");
	if (guest_argv(&g, &t, &argv, &e) < 0) {
		printf("# argv: %s\n", err_code(&e));
		CHECK(0);
		goto out;
	}
	tmpdir_join(&t, "qemu.log", path);
	log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	t0 = time_monotonic_ms();
	CHECK_INT(proc_spawn(argv.argv, log_fd, &pid, &e), 0);
	track_qemu(pid, true);
	close(log_fd);
	qemu_argv_free(&argv);

	/* serial console: the ready marker, then a shell */
	tmpdir_join(&t, QEMU_RUN_SERIAL, path);
	serial = connect_unix(path, 10000);
	CHECK(serial >= 0);
	CHECK(read_until(serial, g.marker, out, sizeof(out), 60000));
	printf("# guest ready after %lld ms (TCG)\n", (long long)(time_monotonic_ms() - t0));
	CHECK(write(serial, "\necho SUM=$((40+2)); cat /mnt/ovcp-disk.txt\n", 44) == 44);
	CHECK(read_until(serial, "OVCP-TEST-DISK", out, sizeof(out), 10000));
	CHECK(strstr(out, "SUM=42") != NULL);

	/* guest agent */
	tmpdir_join(&t, QEMU_RUN_QGA, path);
	qga = qmp_new(QMP_AGENT);
	CHECK_INT(qmp_connect(qga, path, 30000, &e), 0);
	CHECK_INT(qmp_command(qga, "guest-ping", NULL, NULL, T_GUEST, &e), 0);
	CHECK_INT(qmp_command(qga, "guest-get-osinfo", NULL, &ret, T_GUEST, &e), 0);
	CHECK_STR(json_string_value(json_object_get(ret, "id")), "ovcp-test-guest");
	CHECK(strstr(json_string_value(json_object_get(ret, "kernel-release")) ?: "", "cloud-amd64") != NULL);
	json_decref(ret);
	CHECK_INT(qmp_command(qga, "guest-no-such-thing", NULL, NULL, T_GUEST, &e), -1);
	CHECK_STR(err_code(&e), "QMP_ERROR");
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "CommandNotFound");
	err_clear(&e);
	/* a second agent client resynchronises on the same socket */
	qmp_close(qga);
	CHECK_INT(qmp_connect(qga, path, 10000, &e), 0);
	CHECK_INT(qmp_command(qga, "guest-ping", NULL, NULL, T_GUEST, &e), 0);

	/* clean shutdown through ACPI: the guest powers off, QEMU ends */
	tmpdir_join(&t, QEMU_RUN_QMP, path);
	mon = qmp_new(QMP_MONITOR);
	CHECK_INT(qmp_connect(mon, path, T_GUEST, &e), 0);
	CHECK_INT(qmp_command(mon, "query-status", NULL, &ret, T_GUEST, &e), 0);
	CHECK_STR(status_of(ret), "running");
	json_decref(ret);
	if (qmp_command(mon, "system_powerdown", NULL, NULL, T_GUEST, &e) < 0) {
		char *d = json_dumps(e.desc, JSON_COMPACT);

		printf("# system_powerdown: %s\n", d);
		free(d);
		CHECK(0);
	}
	CHECK_INT(qmp_event_wait(mon, "SHUTDOWN", &ret, 30000, &e), 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ret, "data"), "reason")), "guest-shutdown");
	json_decref(ret);
	if (proc_wait(pid, 10000, NULL) == 1) {
		track_qemu(pid, false);
		pid = -1;
	} else
		CHECK(0);
out:
	if (serial >= 0)
		close(serial);
	qmp_free(mon);
	qmp_free(qga);
	stop_qemu(pid);
	tmpdir_remove(&t);
	err_clear(&e);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	install_cleanup_handlers();
	TAP_RUN(test_json_stream_pieces);
	TAP_RUN(test_json_stream_agent_delimiter);
	TAP_RUN(test_fake_greeting_timeout);
	TAP_RUN(test_fake_stale_reply_and_event);
	TAP_RUN(test_fake_close_mid_command);
	TAP_RUN(test_connect_missing_socket);
	TAP_RUN(test_feed_events_to_handler);
	TAP_RUN(test_qemu_monitor_lifecycle);
	TAP_RUN(test_qemu_reconnect);
	TAP_RUN(test_guest_boot_agent_poweroff);
	return tap_done();
}
