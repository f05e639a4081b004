/*
 * Splitting a byte stream into JSON values, as QMP and the guest agent send
 * them: objects one after another, whitespace between, arriving in pieces of
 * any size (a read may hold half a message or several).
 *
 * Feed bytes as they arrive, then take complete values out with
 * json_stream_next(). The scanner keeps its state (nesting depth, inside a
 * string, after a backslash) between feeds, so each byte is scanned once.
 * A 0xFF byte between values is skipped: the guest agent sends it before
 * its reply to guest-sync-delimited. json_stream_discard_until_ff() drops
 * everything up to the next 0xFF (the agent's resynchronisation).
 *
 * Invariant: data[0 .. scan) has been scanned; `start` is where the value
 * being scanned begins (valid while depth > 0).
 */
#ifndef OVCP_HV_JSON_STREAM_H
#define OVCP_HV_JSON_STREAM_H

#include "common/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define JSON_STREAM_MAX_MESSAGE (16 * 1024 * 1024)

struct json_stream {
	char *data;
	size_t len, cap;
	size_t scan;  /* bytes scanned */
	size_t start; /* start of the value being scanned */
	int depth;
	bool in_string, escaped;
	bool discard_until_ff;
};

void json_stream_init(struct json_stream *s);
void json_stream_free(struct json_stream *s);
/* Drop all buffered bytes and scanner state. */
void json_stream_reset(struct json_stream *s);
/* Append bytes read from the peer. */
void json_stream_feed(struct json_stream *s, const void *data, size_t len);
/* From now on, drop bytes until (and including) the next 0xFF. */
void json_stream_discard_until_ff(struct json_stream *s);
/*
 * The next complete value (caller owns it), or NULL: then *error says whether
 * the stream is broken (bad JSON, text outside a value, a message over
 * JSON_STREAM_MAX_MESSAGE; e is set) or merely needs more bytes.
 */
json_t *json_stream_next(struct json_stream *s, bool *error, struct err *e);

#endif
