/*
 * The WebSocket protocol (RFC 6455) as the console proxy needs it: the
 * opening handshake's checks and accept key, and frames both ways.
 *
 * Pure code: no sockets. The decoder is a byte-at-a-time state machine, so
 * a frame may arrive split anywhere (header, mask or payload) and data is
 * handed on as it arrives: nothing buffers a whole message, whatever its
 * declared length. Control frames (ping, pong, close: at most 125 bytes)
 * are collected whole in the decoder before they are reported.
 *
 * Invariants: a server decoder refuses unmasked frames and a client decoder
 * masked ones (RFC 6455 5.1); reserved bits, unknown opcodes, fragmented or
 * oversized control frames, a continuation with no message open, a new
 * message while one is open, and 64-bit lengths with the top bit set are
 * protocol errors (close code 1002). Text payloads are passed through as
 * bytes, not checked as UTF-8: the proxy carries a byte stream.
 */
#ifndef OVCP_CONSOLE_WS_H
#define OVCP_CONSOLE_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum ws_opcode {
	WS_OP_CONTINUATION = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xA,
};

enum ws_close_code {
	WS_CLOSE_NORMAL = 1000,
	WS_CLOSE_GOING_AWAY = 1001,
	WS_CLOSE_PROTOCOL_ERROR = 1002,
	WS_CLOSE_NO_STATUS = 1005,
	WS_CLOSE_TOO_BIG = 1009,
	WS_CLOSE_INTERNAL = 1011,
};

#define WS_ACCEPT_LEN 29     /* 28 base64 characters and the NUL */
#define WS_MAX_HEADER 14     /* 2 + 8 (length) + 4 (mask) */
#define WS_MAX_CONTROL 125

/* ---- handshake ---- */

/* Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (SHA-1 + base64 by GnuTLS). 0 / -1. */
int ws_accept_key(const char *client_key, char out[WS_ACCEPT_LEN]);

/* Does the comma-separated header value hold token (case-insensitive)? NULL holds nothing. */
bool ws_header_has_token(const char *value, const char *token);

/*
 * Check an opening handshake's headers (any may be NULL when absent):
 * Upgrade has "websocket", Connection has "upgrade", Sec-WebSocket-Version
 * is 13 and Sec-WebSocket-Key is the base64 of 16 bytes. *protocol gets
 * "binary" when the client offers it (noVNC does), else NULL: OVCP speaks
 * the raw byte stream only. -1 with ["WEBSOCKET_HANDSHAKE_INVALID", why].
 */
int ws_handshake_check(const char *upgrade, const char *connection, const char *version, const char *key,
		       const char *protocols, const char **protocol, struct err *e);

/* ---- frames out ---- */

/*
 * Write a frame header for a payload of len bytes into out; mask (4 bytes)
 * for a client's frame, NULL for a server's. Returns the header's length.
 */
size_t ws_frame_header(uint8_t out[WS_MAX_HEADER], enum ws_opcode op, bool fin, uint64_t len, const uint8_t *mask);
/* XOR data with the mask key, as if data started offset bytes into the payload. */
void ws_mask_apply(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset);
/* A whole close frame (server side, unmasked) with a code; returns its length (4). */
size_t ws_close_frame(uint8_t out[4], uint16_t code);

/* ---- frames in ---- */

enum ws_event_kind {
	WS_EV_NONE,  /* more bytes are needed */
	WS_EV_DATA,  /* a piece of a text or binary message: data, len; fin on its last piece */
	WS_EV_PING,  /* data, len: answer with a pong carrying the same bytes */
	WS_EV_PONG,
	WS_EV_CLOSE, /* close_code (WS_CLOSE_NO_STATUS when the frame had none) */
};

struct ws_event {
	enum ws_event_kind kind;
	const uint8_t *data; /* points into the caller's input (data) or the decoder (control) */
	size_t len;
	bool fin;
	enum ws_opcode message_op; /* WS_OP_TEXT or WS_OP_BINARY for data */
	uint16_t close_code;
};

enum ws_decoder_state { WSD_HEADER, WSD_LENGTH, WSD_MASK, WSD_PAYLOAD, WSD_FAILED };

struct ws_decoder {
	bool server; /* expects masked frames */
	enum ws_decoder_state state;
	uint8_t head[2];
	size_t head_have;
	uint8_t ext[8];
	size_t ext_need, ext_have;
	uint8_t mask[4];
	size_t mask_have;
	bool masked, fin;
	enum ws_opcode op;
	uint64_t remaining, offset; /* of the current frame's payload */
	bool in_message;            /* a fragmented message is open */
	enum ws_opcode message_op;
	uint8_t control[WS_MAX_CONTROL];
	size_t control_len;
	uint16_t error_code; /* set when state is WSD_FAILED */
};

void ws_decoder_init(struct ws_decoder *d, bool server);
/*
 * Consume bytes from in (data payload is unmasked in place, which is why in
 * is writable) until one event is complete or the input is used up. Returns
 * the number of bytes consumed and fills ev (WS_EV_NONE: feed more). -1 on a
 * protocol error: d->error_code is the close code to send; the decoder stays
 * failed.
 */
long ws_decoder_feed(struct ws_decoder *d, uint8_t *in, size_t len, struct ws_event *ev);

#endif
