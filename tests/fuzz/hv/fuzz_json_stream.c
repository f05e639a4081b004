/*
 * libFuzzer target: the QMP / guest-agent JSON stream splitter
 * (src/hv/json_stream.c).
 *
 * Input: bytes 0-3 seed the chunking (byte 0 bit 0: start in the agent's
 * "discard until 0xFF" mode); the rest is what the peer sent. The stream is
 * split twice, fed whole and fed in pseudo-random pieces, and both runs must
 * yield the same values and the same error at the same point: where a read
 * ends must not matter. Values are objects or arrays; an error says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/json_stream.h"
#include "../fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split the stream; returns an array of the values, with a string "error" where it broke. */
static json_t *split(const uint8_t *data, size_t len, bool agent, uint32_t seed, bool whole)
{
	struct json_stream s;
	json_t *out = json_array();
	size_t at = 0;

	json_stream_init(&s);
	if (agent)
		json_stream_discard_until_ff(&s);
	while (at < len) {
		size_t piece = whole ? len - at : 1 + next_rand(&seed) % (next_rand(&seed) % 4 ? 8 : 300);
		json_t *v;
		bool broken = false;
		struct err e = { 0 };

		if (piece > len - at)
			piece = len - at;
		json_stream_feed(&s, data + at, piece);
		at += piece;
		while ((v = json_stream_next(&s, &broken, &e)) != NULL) {
			if (broken || err_isset(&e) || !(json_is_object(v) || json_is_array(v)))
				abort();
			json_array_append_new(out, v);
		}
		if (broken) {
			if (!err_isset(&e))
				abort(); /* a broken stream says why */
			json_array_append_new(out, json_string("error"));
			err_clear(&e);
			break; /* the caller closes the connection */
		}
		if (err_isset(&e))
			abort();
		if (s.scan > s.len || s.start > s.len || s.depth < 0)
			abort();
	}
	json_stream_free(&s);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed = 0;

	if (size < 4)
		return 0;
	memcpy(&seed, data, 4);
	json_t *a = split(data + 4, size - 4, data[0] & 1, 0, true);
	json_t *b = split(data + 4, size - 4, data[0] & 1, seed, false);
	if (!json_equal(a, b))
		abort();
	json_decref(a);
	json_decref(b);
	return 0;
}
