/*
 * WebSocket handshake and framing (src/console/ws.c) against RFC 6455's
 * examples (1.3 and 5.7) and its error cases.
 */
#include <stdlib.h>
#include <string.h>

#include "console/ws.h"
#include "tap.h"

static void test_accept_key_rfc_sample(void)
{
	char out[WS_ACCEPT_LEN];

	/* RFC 6455 1.3's sample. (A value often quoted for it, "s3pPLMBiTxaQ9kYGzOGZo+xOo0k=", is not the
	   base64 of SHA-1(key + GUID) = b37a4f2c...b2bec4ea; the RFC's own text has this one.) */
	CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out) == 0);
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	CHECK(ws_accept_key("x3JJHMbDL1EzLkh9GBhXDw==", out) == 0); /* RFC 6455 4.2.2 */
	CHECK_STR(out, "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
}

static void test_handshake_checks(void)
{
	struct err e = { 0 };
	const char *proto = "x";
	const char *key = "dGhlIHNhbXBsZSBub25jZQ==";

	CHECK(ws_handshake_check("websocket", "keep-alive, Upgrade", "13", key, "base64, binary", &proto, &e) == 0);
	CHECK_STR(proto, "binary");
	CHECK(ws_handshake_check("WebSocket", "upgrade", "13", key, NULL, &proto, &e) == 0);
	CHECK(proto == NULL);
	CHECK(ws_handshake_check("h2c", "upgrade", "13", key, NULL, &proto, &e) < 0);
	CHECK_STR(err_code(&e), "WEBSOCKET_HANDSHAKE_INVALID");
	err_clear(&e);
	CHECK(ws_handshake_check("websocket", "close", "13", key, NULL, &proto, &e) < 0);
	err_clear(&e);
	CHECK(ws_handshake_check("websocket", "upgrade", "8", key, NULL, &proto, &e) < 0);
	err_clear(&e);
	CHECK(ws_handshake_check("websocket", "upgrade", "13", "short==", NULL, &proto, &e) < 0);
	err_clear(&e);
	CHECK(ws_handshake_check(NULL, NULL, NULL, NULL, NULL, &proto, &e) < 0);
	err_clear(&e);
	CHECK(ws_header_has_token(" a ,  Upgrade ", "upgrade"));
	CHECK(!ws_header_has_token("upgraded", "upgrade"));
}

/* Feed a whole buffer, collecting data events; returns the last non-data event kind. */
struct collected {
	uint8_t data[200000];
	size_t len;
	int pings, pongs, closes, fins;
	uint16_t close_code;
	uint8_t control[WS_MAX_CONTROL];
	size_t control_len;
};

static int feed_all(struct ws_decoder *d, uint8_t *in, size_t len, size_t chunk, struct collected *c)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		size_t done = 0;
		while (done < n) {
			struct ws_event ev;
			long used = ws_decoder_feed(d, in + off + done, n - done, &ev);
			if (used < 0)
				return -1;
			done += (size_t)used;
			if (ev.kind == WS_EV_DATA) {
				memcpy(c->data + c->len, ev.data, ev.len);
				c->len += ev.len;
				c->fins += ev.fin;
			} else if (ev.kind == WS_EV_PING || ev.kind == WS_EV_PONG || ev.kind == WS_EV_CLOSE) {
				c->pings += ev.kind == WS_EV_PING;
				c->pongs += ev.kind == WS_EV_PONG;
				c->closes += ev.kind == WS_EV_CLOSE;
				c->close_code = ev.close_code;
				memcpy(c->control, ev.data, ev.len);
				c->control_len = ev.len;
			}
			if (used == 0 && ev.kind == WS_EV_NONE)
				break;
		}
		off += n;
	}
	return 0;
}

static void test_rfc_examples(void)
{
	/* RFC 6455 5.7 */
	uint8_t unmasked[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	uint8_t masked[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	uint8_t frag[] = { 0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f };
	uint8_t ping[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	uint8_t masked_pong[] = { 0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	struct ws_decoder d;
	struct collected *c = calloc(1, sizeof(*c));

	for (size_t chunk = 1; chunk <= sizeof(masked); chunk++) {
		ws_decoder_init(&d, false);
		memset(c, 0, sizeof(*c));
		uint8_t copy[sizeof(unmasked)];
		memcpy(copy, unmasked, sizeof(copy));
		CHECK(feed_all(&d, copy, sizeof(copy), chunk, c) == 0);
		CHECK(c->len == 5 && memcmp(c->data, "Hello", 5) == 0 && c->fins == 1);

		ws_decoder_init(&d, true);
		memset(c, 0, sizeof(*c));
		uint8_t mcopy[sizeof(masked)];
		memcpy(mcopy, masked, sizeof(mcopy));
		CHECK(feed_all(&d, mcopy, sizeof(mcopy), chunk, c) == 0);
		CHECK(c->len == 5 && memcmp(c->data, "Hello", 5) == 0 && c->fins == 1);
	}
	ws_decoder_init(&d, false);
	memset(c, 0, sizeof(*c));
	CHECK(feed_all(&d, frag, sizeof(frag), sizeof(frag), c) == 0);
	CHECK(c->len == 5 && memcmp(c->data, "Hello", 5) == 0 && c->fins == 1);

	ws_decoder_init(&d, false);
	memset(c, 0, sizeof(*c));
	CHECK(feed_all(&d, ping, sizeof(ping), 2, c) == 0);
	CHECK(c->pings == 1 && c->control_len == 5 && memcmp(c->control, "Hello", 5) == 0);

	ws_decoder_init(&d, true);
	memset(c, 0, sizeof(*c));
	CHECK(feed_all(&d, masked_pong, sizeof(masked_pong), 3, c) == 0);
	CHECK(c->pongs == 1 && memcmp(c->control, "Hello", 5) == 0);
	free(c);
}

/* Encode with ws_frame_header (+mask), decode, compare: 16- and 64-bit lengths. */
static void roundtrip(size_t len, bool masked)
{
	uint8_t *frame = malloc(len + WS_MAX_HEADER);
	uint8_t mask[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct collected *c = calloc(1, sizeof(*c));
	struct ws_decoder d;

	size_t h = ws_frame_header(frame, WS_OP_BINARY, true, len, masked ? mask : NULL);
	CHECK(h == (len < 126 ? 2u : len <= 0xffff ? 4u : 10u) + (masked ? 4u : 0u));
	for (size_t i = 0; i < len; i++)
		frame[h + i] = (uint8_t)(i * 7);
	if (masked)
		ws_mask_apply(frame + h, len, mask, 0);
	ws_decoder_init(&d, masked);
	CHECK(feed_all(&d, frame, h + len, 4093, c) == 0);
	CHECK(c->len == len && c->fins == 1);
	bool same = true;
	for (size_t i = 0; i < len && same; i++)
		same = c->data[i] == (uint8_t)(i * 7);
	CHECK(same);
	free(frame);
	free(c);
}

static void test_lengths_16_and_64_bit(void)
{
	roundtrip(0, true);
	roundtrip(125, true);
	roundtrip(126, true);
	roundtrip(65535, false);
	roundtrip(65536, true);
	roundtrip(150000, false);
	uint8_t head[WS_MAX_HEADER];
	CHECK(ws_frame_header(head, WS_OP_BINARY, true, 0x123456789aULL, NULL) == 10);
	CHECK(head[1] == 127 && head[5] == 0x12 && head[9] == 0x9a);
}

static void test_close_frames(void)
{
	uint8_t frame[4], copy[8];
	struct collected c = { 0 };
	struct ws_decoder d;

	CHECK(ws_close_frame(frame, WS_CLOSE_GOING_AWAY) == 4);
	CHECK(frame[0] == 0x88 && frame[1] == 2 && frame[2] == 0x03 && frame[3] == 0xe9);
	ws_decoder_init(&d, false);
	memcpy(copy, frame, 4);
	CHECK(feed_all(&d, copy, 4, 1, &c) == 0);
	CHECK(c.closes == 1 && c.close_code == 1001);
	/* a close with no status, masked from a client */
	uint8_t empty[] = { 0x88, 0x80, 1, 2, 3, 4 };
	memset(&c, 0, sizeof(c));
	ws_decoder_init(&d, true);
	CHECK(feed_all(&d, empty, sizeof(empty), 6, &c) == 0);
	CHECK(c.closes == 1 && c.close_code == WS_CLOSE_NO_STATUS);
}

static long feed_error(bool server, uint8_t *in, size_t len)
{
	struct ws_decoder d;
	struct ws_event ev;
	size_t off = 0;
	long used = 0;

	ws_decoder_init(&d, server);
	while (off < len && (used = ws_decoder_feed(&d, in + off, len - off, &ev)) > 0)
		off += (size_t)used;
	return used < 0 ? d.error_code : 0;
}

static void test_protocol_errors(void)
{
	uint8_t unmasked_from_client[] = { 0x82, 0x01, 0x00 };
	uint8_t masked_from_server[] = { 0x82, 0x81, 1, 2, 3, 4, 0 };
	uint8_t reserved_bits[] = { 0xc2, 0x80, 1, 2, 3, 4 };
	uint8_t unknown_op[] = { 0x83, 0x80, 1, 2, 3, 4 };
	uint8_t fragmented_ping[] = { 0x09, 0x80, 1, 2, 3, 4 };
	uint8_t long_ping[] = { 0x89, 0xfe, 0x00, 0x7e };
	uint8_t lone_continuation[] = { 0x80, 0x80, 1, 2, 3, 4 };
	uint8_t new_msg_in_fragment[] = { 0x02, 0x80, 1, 2, 3, 4, 0x82, 0x80, 1, 2, 3, 4 };
	uint8_t top_bit_64[] = { 0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t non_minimal_16[] = { 0x82, 0xfe, 0x00, 0x05 };
	uint8_t ok_ping_inside_fragment[] = { 0x02, 0x81, 1, 2, 3, 4, 9, 0x89, 0x80, 1, 2, 3, 4, 0x80, 0x80, 1, 2, 3, 4 };

	CHECK(feed_error(true, unmasked_from_client, sizeof(unmasked_from_client)) == 1002);
	CHECK(feed_error(false, masked_from_server, sizeof(masked_from_server)) == 1002);
	CHECK(feed_error(true, reserved_bits, sizeof(reserved_bits)) == 1002);
	CHECK(feed_error(true, unknown_op, sizeof(unknown_op)) == 1002);
	CHECK(feed_error(true, fragmented_ping, sizeof(fragmented_ping)) == 1002);
	CHECK(feed_error(true, long_ping, sizeof(long_ping)) == 1002);
	CHECK(feed_error(true, lone_continuation, sizeof(lone_continuation)) == 1002);
	CHECK(feed_error(true, new_msg_in_fragment, sizeof(new_msg_in_fragment)) == 1002);
	CHECK(feed_error(true, top_bit_64, sizeof(top_bit_64)) == 1002);
	CHECK(feed_error(true, non_minimal_16, sizeof(non_minimal_16)) == 1002);
	CHECK(feed_error(true, ok_ping_inside_fragment, sizeof(ok_ping_inside_fragment)) == 0);
}

int main(void)
{
	TAP_RUN(test_accept_key_rfc_sample);
	TAP_RUN(test_handshake_checks);
	TAP_RUN(test_rfc_examples);
	TAP_RUN(test_lengths_16_and_64_bit);
	TAP_RUN(test_close_frames);
	TAP_RUN(test_protocol_errors);
	return tap_done();
}
