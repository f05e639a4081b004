/* Splitting a byte stream into JSON values: see json_stream.h. */
#include "hv/json_stream.h"

#include <stdlib.h>
#include <string.h>

void json_stream_init(struct json_stream *s)
{
	memset(s, 0, sizeof(*s));
}

void json_stream_free(struct json_stream *s)
{
	free(s->data);
	memset(s, 0, sizeof(*s));
}

void json_stream_reset(struct json_stream *s)
{
	s->len = s->scan = s->start = 0;
	s->depth = 0;
	s->in_string = s->escaped = s->discard_until_ff = false;
}

void json_stream_feed(struct json_stream *s, const void *data, size_t len)
{
	if (s->len + len + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *d;

		while (cap < s->len + len + 1)
			cap *= 2;
		d = realloc(s->data, cap);
		if (d == NULL)
			abort();
		s->data = d;
		s->cap = cap;
	}
	memcpy(s->data + s->len, data, len);
	s->len += len;
}

void json_stream_discard_until_ff(struct json_stream *s)
{
	/* everything buffered so far is older than the request that asked for this */
	s->scan = s->start = s->len = 0;
	s->depth = 0;
	s->in_string = s->escaped = false;
	s->discard_until_ff = true;
}

/* Remove the first n bytes. */
static void consume(struct json_stream *s, size_t n)
{
	memmove(s->data, s->data + n, s->len - n);
	s->len -= n;
	s->scan = s->scan >= n ? s->scan - n : 0;
	s->start = s->start >= n ? s->start - n : 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Scan one byte inside a value; returns true when the value ends with it. */
static bool scan_in_value(struct json_stream *s, char c)
{
	if (s->in_string) {
		if (s->escaped)
			s->escaped = false;
		else if (c == '\\')
			s->escaped = true;
		else if (c == '"')
			s->in_string = false;
		return false;
	}
	if (c == '"')
		s->in_string = true;
	else if (c == '{' || c == '[')
		s->depth++;
	else if (c == '}' || c == ']')
		return --s->depth == 0;
	return false;
}

static json_t *parse_value(struct json_stream *s, size_t end, bool *error, struct err *e)
{
	json_error_t jerr;
	json_t *v = json_loadb(s->data + s->start, end - s->start, 0, &jerr);

	consume(s, end);
	if (v == NULL) {
		*error = true;
		err_setf(e, "QMP_PROTOCOL_ERROR", "bad JSON from peer: %s", jerr.text);
	}
	return v;
}

json_t *json_stream_next(struct json_stream *s, bool *error, struct err *e)
{
	*error = false;
	if (s->discard_until_ff) {
		char *ff = memchr(s->data, 0xff, s->len);

		if (ff == NULL) {
			s->len = s->scan = 0;
			return NULL;
		}
		s->discard_until_ff = false;
		consume(s, (size_t)(ff - s->data) + 1);
	}
	while (s->scan < s->len) {
		char c = s->data[s->scan++];

		if (s->depth > 0) {
			if (scan_in_value(s, c))
				return parse_value(s, s->scan, error, e);
			continue;
		}
		if (is_space(c) || (unsigned char)c == 0xff) {
			consume(s, s->scan);
			continue;
		}
		if (c != '{' && c != '[') {
			*error = true;
			err_setf(e, "QMP_PROTOCOL_ERROR", "unexpected byte 0x%02x between messages", (unsigned char)c);
			json_stream_reset(s);
			return NULL;
		}
		s->start = s->scan - 1;
		s->depth = 1;
	}
	if (s->depth > 0 && s->len - s->start > JSON_STREAM_MAX_MESSAGE) {
		*error = true;
		err_setf(e, "QMP_PROTOCOL_ERROR", "message longer than %d bytes", JSON_STREAM_MAX_MESSAGE);
		json_stream_reset(s);
	}
	return NULL;
}
