/*
 * libFuzzer target: the WebSocket frame decoder (src/console/ws.c).
 *
 * Input: byte 0 picks the side (bit 0: server, expecting masked frames) and
 * seeds the chunking; bytes 1-3 seed it further; the rest is the byte stream
 * from the peer. The stream is decoded twice, once whole and once cut into
 * pieces of pseudo-random sizes, and the two transcripts (data of each
 * message, control frames, the error) must be identical: the decoder is a
 * state machine that a split anywhere must not change. Each call must make
 * progress, stay inside the piece it was given, and report control payloads
 * of at most 125 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/ws.h"
#include "../fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct transcript {
	uint8_t *p;
	size_t len, cap;
	uint8_t *pending; /* data of the frames delivered since the last record */
	size_t pending_len, pending_cap;
};

static void grow(uint8_t **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	uint8_t *n = realloc(*p, c);
	if (n == NULL)
		abort();
	*p = n;
	*cap = c;
}

static void put(struct transcript *t, const void *bytes, size_t n)
{
	grow(&t->p, &t->cap, t->len + n);
	if (n)
		memcpy(t->p + t->len, bytes, n);
	t->len += n;
}

static void put_record(struct transcript *t, uint8_t tag, const uint8_t *bytes, size_t n)
{
	uint64_t len = n;

	put(t, &tag, 1);
	put(t, &len, sizeof(len));
	put(t, bytes, n);
}

static void flush(struct transcript *t)
{
	if (t->pending_len)
		put_record(t, 'd', t->pending, t->pending_len);
	t->pending_len = 0;
}

static void record(struct transcript *t, const struct ws_event *ev)
{
	uint8_t extra[3];

	switch (ev->kind) {
	case WS_EV_DATA:
		if (ev->message_op != WS_OP_TEXT && ev->message_op != WS_OP_BINARY)
			abort();
		grow(&t->pending, &t->pending_cap, t->pending_len + ev->len);
		if (ev->len)
			memcpy(t->pending + t->pending_len, ev->data, ev->len);
		t->pending_len += ev->len;
		if (ev->fin) {
			flush(t);
			extra[0] = (uint8_t)ev->message_op;
			put_record(t, 'F', extra, 1);
		}
		break;
	case WS_EV_PING:
	case WS_EV_PONG:
	case WS_EV_CLOSE:
		if (ev->len > WS_MAX_CONTROL)
			abort();
		flush(t);
		extra[0] = (uint8_t)ev->kind;
		extra[1] = (uint8_t)(ev->close_code >> 8);
		extra[2] = (uint8_t)ev->close_code;
		put_record(t, 'c', extra, 3);
		put_record(t, 'p', ev->data, ev->len);
		break;
	case WS_EV_NONE:
		break;
	}
}

/* Decode stream (modified in place) in pieces; seed 0 means one piece. */
static void decode(bool server, uint8_t *stream, size_t len, uint32_t seed, bool whole, struct transcript *t)
{
	struct ws_decoder d;
	size_t at = 0;

	ws_decoder_init(&d, server);
	while (at < len) {
		size_t piece = whole ? len - at : 1 + next_rand(&seed) % (next_rand(&seed) % 4 ? 16 : 512);
		if (piece > len - at)
			piece = len - at;
		size_t used = 0;
		while (used < piece) {
			struct ws_event ev;
			long n = ws_decoder_feed(&d, stream + at + used, piece - used, &ev);
			if (n < 0) {
				uint8_t code[2] = { (uint8_t)(d.error_code >> 8), (uint8_t)d.error_code };
				if (d.state != WSD_FAILED || d.error_code != WS_CLOSE_PROTOCOL_ERROR)
					abort();
				if (ws_decoder_feed(&d, stream + at + used, piece - used, &ev) != -1)
					abort(); /* a failed decoder stays failed */
				flush(t);
				put_record(t, 'E', code, 2);
				return;
			}
			if ((size_t)n > piece - used)
				abort();
			if (ev.kind == WS_EV_DATA &&
			    (ev.data < stream + at + used || ev.data + ev.len > stream + at + used + (size_t)n))
				abort(); /* data points into what this call consumed */
			if (n == 0 && ev.kind == WS_EV_NONE)
				abort(); /* no progress on a non-empty piece */
			record(t, &ev);
			used += (size_t)n;
		}
		at += piece;
	}
	flush(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript a = { 0 }, b = { 0 };
	uint32_t seed = 0;
	bool server;

	if (size < 4)
		return 0;
	server = data[0] & 1;
	memcpy(&seed, data, 4);
	size -= 4;
	data += 4;
	uint8_t *s1 = malloc(size ? size : 1), *s2 = malloc(size ? size : 1);
	if (s1 == NULL || s2 == NULL)
		abort();
	if (size) {
		memcpy(s1, data, size);
		memcpy(s2, data, size);
	}
	decode(server, s1, size, 0, true, &a);
	decode(server, s2, size, seed, false, &b);
	if (a.len != b.len || (a.len && memcmp(a.p, b.p, a.len) != 0))
		abort(); /* the split changed what was decoded */
	free(s1);
	free(s2);
	free(a.p);
	free(a.pending);
	free(b.p);
	free(b.pending);
	return 0;
}
