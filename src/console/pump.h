/*
 * The console proxy's data path: bytes both ways between a client
 * connection (a WebSocket, or a raw stream after HTTP CONNECT) and the VM's
 * unix socket (QEMU's VNC server or serial chardev).
 *
 * One call runs one connection to its end in the calling thread. Buffers are
 * fixed (CONSOLE_PUMP_BUFFER each way): a side that does not read stops the
 * other side's reads, never growing memory. The pump ends when either side
 * closes, on a WebSocket close (answered with a close frame), on a protocol
 * error (close 1002), or when *stop turns true (close 1001); it then flushes
 * what is queued for the client for at most CONSOLE_PUMP_DRAIN_MS. It never
 * closes the descriptors: their owners do.
 */
#ifndef OVCP_CONSOLE_PUMP_H
#define OVCP_CONSOLE_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONSOLE_PUMP_BUFFER (64 * 1024)
#define CONSOLE_PUMP_DRAIN_MS 2000

/* The client side: a plain socket, or a TLS session over one. */
struct console_stream {
	int fd;    /* what poll() watches */
	void *ctx; /* for the functions */
	/* -1 with errno EAGAIN when nothing is ready; 0 at end of stream. */
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	ssize_t (*send)(void *ctx, const void *buf, size_t len);
	/* Bytes already decrypted above the descriptor (TLS); NULL: never. */
	bool (*pending)(void *ctx);
};

/* A stream on a plain descriptor (recv/send with MSG_NOSIGNAL, or read/write for a non-socket). */
void console_stream_fd(struct console_stream *s, int fd);

enum console_framing { CONSOLE_RAW, CONSOLE_WEBSOCKET };

struct console_pump_options {
	enum console_framing framing;
	const uint8_t *extra; /* client bytes already read with the request (MHD's extra_in) */
	size_t extra_len;
	volatile bool *stop; /* polled every CONSOLE_PUMP_TICK_MS; may be NULL */
};

#define CONSOLE_PUMP_TICK_MS 250

/* Why a pump ended, for the log and the tests. */
enum console_pump_end {
	PUMP_END_CLIENT_CLOSED, /* the client closed its side or sent a close frame */
	PUMP_END_VM_CLOSED,     /* the VM's socket closed */
	PUMP_END_PROTOCOL,      /* the client broke the WebSocket protocol */
	PUMP_END_STOPPED,       /* *stop */
	PUMP_END_IO_ERROR,
};

/* Run until the connection ends (see the top). Sets the VM descriptor non-blocking. */
enum console_pump_end console_pump_run(struct console_stream *client, int vm_fd,
				       const struct console_pump_options *o);
const char *console_pump_end_text(enum console_pump_end end);

/* Connect to a unix stream socket; the descriptor, or -1 with errno. */
int console_unix_connect(const char *path);

#endif
