/*
 * ovcp console vm=NAME: the terminal attached to a VM's serial console,
 * through ovcpd's /console route (HTTP CONNECT over the same transport as
 * the calls: the unix socket as root, or pinned HTTPS).
 *
 * Invariants: when stdin is a terminal it is in raw mode only while the
 * console is attached, and its settings are restored on every way out
 * (normal return, the server closing, an error, SIGTERM/SIGHUP/SIGINT/
 * SIGQUIT: handlers restore and exit). Ctrl-] (0x1d) typed locally detaches
 * and is never sent to the guest.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

#define DETACH_KEY 0x1d /* Ctrl-] */

static struct termios saved;
static volatile sig_atomic_t raw_on;

static void terminal_restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw_on = 0;
	}
}

static void on_signal(int sig)
{
	terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int terminal_raw(void)
{
	struct termios raw;
	static const int sigs[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};

	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
	atexit(terminal_restore);
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
		return -1;
	raw_on = 1;
	return 0;
}

/* The VM's vt100 console ref; NULL after printing why. */
static char *serial_console(struct cli_ctx *ctx, const char *vm, int *status)
{
	json_t *consoles = NULL, *c;
	char *out = NULL;
	size_t i;

	if ((*status = conn_call(ctx->conn, "VM.get_consoles", json_pack("[s]", vm), &consoles)) != CLI_OK)
		return NULL;
	json_array_foreach(consoles, i, c)
	{
		json_t *proto = NULL;

		if (out == NULL &&
		    conn_call(ctx->conn, "console.get_protocol", json_pack("[O]", c), &proto) == CLI_OK &&
		    strcmp(json_string_value(proto) ?: "", "vt100") == 0)
			out = strdup(json_string_value(c));
		json_decref(proto);
	}
	json_decref(consoles);
	if (out == NULL) {
		fprintf(stderr, "Error: the VM has no serial console (is it running?)\n");
		*status = CLI_API;
	}
	return out;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Pump bytes both ways until Ctrl-], end of input, or the server closing. */
static int pump(struct conn_stream *s)
{
	char buf[16384];

	for (;;) {
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
				      {.fd = conn_stream_fd(s), .events = POLLIN}};
		long n;

		/* bytes that came with the CONNECT answer are read without waiting */
		while ((n = conn_stream_read(s, buf, sizeof(buf))) > 0)
			if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return CLI_CONNECT;
		if (n == 0)
			return CLI_OK; /* the console closed (the VM stopped) */
		if (n == -1)
			return CLI_CONNECT;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return CLI_CONNECT;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));
			char *key;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return CLI_OK;
			key = memchr(buf, DETACH_KEY, (size_t)r);
			if (conn_stream_write(s, buf, key ? (size_t)(key - buf) : (size_t)r) < 0)
				return CLI_CONNECT;
			if (key != NULL)
				return CLI_OK;
		}
	}
}

int cmd_console(struct cli_ctx *ctx)
{
	struct conn_stream *s;
	char *vm, *console, path[512];
	int status;

	if ((vm = vm_select(ctx, "vm", false, &status)) == NULL)
		return status;
	console = serial_console(ctx, vm, &status);
	free(vm);
	if (console == NULL)
		return status;
	snprintf(path, sizeof(path), "/console?ref=%s&session_id=%s", console, conn_session_ref(ctx->conn));
	free(console);
	if ((s = conn_stream_open(ctx->conn, path, &status)) == NULL)
		return status;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "Connected to the serial console; Ctrl-] detaches.\r\n");
	if (terminal_raw() < 0) {
		fprintf(stderr, "Error: cannot put the terminal in raw mode\n");
		conn_stream_close(s);
		return CLI_USAGE;
	}
	status = pump(s);
	terminal_restore();
	conn_stream_close(s);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\nDetached.\n");
	return status;
}
