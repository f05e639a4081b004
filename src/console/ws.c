/*
 * RFC 6455 handshake and framing (see ws.h for the invariants).
 */
#include "console/ws.h"

#include <ctype.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int ws_accept_key(const char *client_key, char out[WS_ACCEPT_LEN])
{
	char joined[128];
	unsigned char digest[20];
	gnutls_datum_t in = { digest, sizeof(digest) }, enc = { NULL, 0 };
	int n = snprintf(joined, sizeof(joined), "%s%s", client_key, ws_guid);

	if (n < 0 || (size_t)n >= sizeof(joined))
		return -1;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, joined, (size_t)n, digest) < 0)
		return -1;
	if (gnutls_base64_encode2(&in, &enc) < 0)
		return -1;
	int rc = -1;
	if (enc.size == WS_ACCEPT_LEN - 1) {
		memcpy(out, enc.data, WS_ACCEPT_LEN - 1);
		out[WS_ACCEPT_LEN - 1] = '\0';
		rc = 0;
	}
	gnutls_free(enc.data);
	return rc;
}

bool ws_header_has_token(const char *value, const char *token)
{
	size_t tlen = strlen(token);

	while (value && *value) {
		while (*value == ' ' || *value == '\t' || *value == ',')
			value++;
		size_t n = strcspn(value, ",");
		size_t end = n;
		while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t'))
			end--;
		if (end == tlen && strncasecmp(value, token, tlen) == 0)
			return true;
		value += n;
	}
	return false;
}

/* A key is the base64 of 16 bytes: 22 characters of the alphabet and "==". */
static bool key_is_valid(const char *key)
{
	if (key == NULL || strlen(key) != 24 || strcmp(key + 22, "==") != 0)
		return false;
	for (size_t i = 0; i < 22; i++)
		if (!isalnum((unsigned char)key[i]) && key[i] != '+' && key[i] != '/')
			return false;
	return true;
}

int ws_handshake_check(const char *upgrade, const char *connection, const char *version, const char *key,
		       const char *protocols, const char **protocol, struct err *e)
{
	const char *why = NULL;

	*protocol = NULL;
	if (!ws_header_has_token(upgrade, "websocket"))
		why = "the Upgrade header does not name websocket";
	else if (!ws_header_has_token(connection, "upgrade"))
		why = "the Connection header does not hold upgrade";
	else if (version == NULL || strcmp(version, "13") != 0)
		why = "Sec-WebSocket-Version is not 13";
	else if (!key_is_valid(key))
		why = "Sec-WebSocket-Key is not the base64 of 16 bytes";
	if (why) {
		err_set(e, "WEBSOCKET_HANDSHAKE_INVALID", why, NULL);
		return -1;
	}
	if (ws_header_has_token(protocols, "binary"))
		*protocol = "binary";
	return 0;
}

size_t ws_frame_header(uint8_t out[WS_MAX_HEADER], enum ws_opcode op, bool fin, uint64_t len, const uint8_t *mask)
{
	size_t n = 2;

	out[0] = (uint8_t)((fin ? 0x80 : 0) | (op & 0x0f));
	out[1] = mask ? 0x80 : 0;
	if (len < 126) {
		out[1] |= (uint8_t)len;
	} else if (len <= 0xffff) {
		out[1] |= 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		n = 4;
	} else {
		out[1] |= 127;
		for (int i = 0; i < 8; i++)
			out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
		n = 10;
	}
	if (mask) {
		memcpy(out + n, mask, 4);
		n += 4;
	}
	return n;
}

void ws_mask_apply(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset)
{
	for (size_t i = 0; i < len; i++)
		data[i] ^= mask[(offset + i) & 3];
}

size_t ws_close_frame(uint8_t out[4], uint16_t code)
{
	out[0] = 0x80 | WS_OP_CLOSE;
	out[1] = 2;
	out[2] = (uint8_t)(code >> 8);
	out[3] = (uint8_t)code;
	return 4;
}

void ws_decoder_init(struct ws_decoder *d, bool server)
{
	memset(d, 0, sizeof(*d));
	d->server = server;
	d->state = WSD_HEADER;
}

static long fail(struct ws_decoder *d, uint16_t code)
{
	d->state = WSD_FAILED;
	d->error_code = code;
	return -1;
}

static bool op_is_control(enum ws_opcode op)
{
	return (op & 0x08) != 0;
}

/* The two first bytes are in: check them and decide what comes next. */
static int header_parsed(struct ws_decoder *d)
{
	uint8_t b0 = d->head[0], b1 = d->head[1];

	d->fin = (b0 & 0x80) != 0;
	d->op = (enum ws_opcode)(b0 & 0x0f);
	d->masked = (b1 & 0x80) != 0;
	if (b0 & 0x70)
		return -1; /* reserved bits: no extension was negotiated */
	if (d->masked != d->server)
		return -1;
	switch (d->op) {
	case WS_OP_CONTINUATION:
		if (!d->in_message)
			return -1;
		break;
	case WS_OP_TEXT:
	case WS_OP_BINARY:
		if (d->in_message)
			return -1;
		d->message_op = d->op; /* here: a first frame may be empty and deliver nothing */
		break;
	case WS_OP_CLOSE:
	case WS_OP_PING:
	case WS_OP_PONG:
		if (!d->fin || (b1 & 0x7f) > WS_MAX_CONTROL)
			return -1;
		break;
	default:
		return -1;
	}
	uint8_t l = b1 & 0x7f;
	d->ext_have = 0;
	d->ext_need = l == 126 ? 2 : l == 127 ? 8 : 0;
	d->remaining = l < 126 ? l : 0;
	d->offset = 0;
	d->mask_have = 0;
	d->control_len = 0;
	d->state = d->ext_need ? WSD_LENGTH : d->masked ? WSD_MASK : WSD_PAYLOAD;
	return 0;
}

static int length_parsed(struct ws_decoder *d)
{
	uint64_t v = 0;

	for (size_t i = 0; i < d->ext_need; i++)
		v = (v << 8) | d->ext[i];
	if (d->ext_need == 8 && (v >> 63))
		return -1;
	/* The shortest form is required (RFC 6455 5.2). */
	if ((d->ext_need == 2 && v < 126) || (d->ext_need == 8 && v <= 0xffff))
		return -1;
	d->remaining = v;
	d->state = d->masked ? WSD_MASK : WSD_PAYLOAD;
	return 0;
}

/* A frame's payload is all in: report a control frame, or the end of a data frame. */
static void frame_done(struct ws_decoder *d, struct ws_event *ev)
{
	d->state = WSD_HEADER;
	d->head_have = 0;
	if (!op_is_control(d->op)) {
		d->in_message = !d->fin;
		return;
	}
	ev->data = d->control;
	ev->len = d->control_len;
	if (d->op == WS_OP_PING) {
		ev->kind = WS_EV_PING;
	} else if (d->op == WS_OP_PONG) {
		ev->kind = WS_EV_PONG;
	} else {
		ev->kind = WS_EV_CLOSE;
		ev->close_code = d->control_len >= 2 ? (uint16_t)((d->control[0] << 8) | d->control[1])
						     : WS_CLOSE_NO_STATUS;
	}
}

long ws_decoder_feed(struct ws_decoder *d, uint8_t *in, size_t len, struct ws_event *ev)
{
	size_t used = 0;

	memset(ev, 0, sizeof(*ev));
	if (d->state == WSD_FAILED)
		return -1;
	while (used < len || (d->state == WSD_PAYLOAD && d->remaining == 0)) {
		switch (d->state) {
		case WSD_HEADER:
			d->head[d->head_have++] = in[used++];
			if (d->head_have == 2 && header_parsed(d) < 0)
				return fail(d, WS_CLOSE_PROTOCOL_ERROR);
			break;
		case WSD_LENGTH:
			d->ext[d->ext_have++] = in[used++];
			if (d->ext_have == d->ext_need && length_parsed(d) < 0)
				return fail(d, WS_CLOSE_PROTOCOL_ERROR);
			break;
		case WSD_MASK:
			d->mask[d->mask_have++] = in[used++];
			if (d->mask_have == 4)
				d->state = WSD_PAYLOAD;
			break;
		case WSD_PAYLOAD: {
			size_t n = len - used;
			if ((uint64_t)n > d->remaining)
				n = (size_t)d->remaining;
			if (d->masked)
				ws_mask_apply(in + used, n, d->mask, d->offset);
			if (op_is_control(d->op)) {
				memcpy(d->control + d->control_len, in + used, n);
				d->control_len += n;
			} else if (n > 0 || (d->remaining == 0 && d->fin)) {
				ev->kind = WS_EV_DATA;
				ev->data = in + used;
				ev->len = n;
				ev->message_op = d->message_op;
			}
			used += n;
			d->offset += n;
			d->remaining -= n;
			if (d->remaining == 0) {
				ev->fin = d->fin;
				frame_done(d, ev);
			}
			if (ev->kind != WS_EV_NONE)
				return (long)used;
			break;
		}
		case WSD_FAILED:
			return -1;
		}
	}
	return (long)used;
}
