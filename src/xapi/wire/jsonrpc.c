/*
 * JSON-RPC: decoding one request object (v1 or v2) and writing replies in
 * the caller's version, byte for byte as xapi (rpclib + Yojson) writes them:
 * compact, keys in xapi's order, floats as Yojson prints them ("%.16g",
 * "%.17g" when that does not round-trip, ".0" appended to integral values),
 * strings with ", \ and control characters escaped and UTF-8 kept raw.
 *
 * Writing is only JSON's syntax (json_wire_syntax): what each type means on
 * the wire (void is "", an int that arrives as a numeric string is a number,
 * an integral float is a float, records typed by their class) is decided by
 * the walk in walk.h, which both wires share.
 */
#include "xapi/wire/walk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- writing: JSON's syntax for the walk in walk.h ---- */

/* Might the word hold a byte JSON escapes (a control, DEL, '"' or '\\')? */
static inline uint64_t json_word_dirty(uint64_t w)
{
	return wire_word_has_control(w) | wire_word_has(w, '"') | wire_word_has(w, '\\') | wire_word_has(w, 0x7f);
}

static void json_write_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *p;

	if (b->len + len * 6 + 3 > b->cap) /* the worst case, \u00XX for every byte: then no more checks */
		buf_reserve(b, len * 6 + 2);
	p = b->data + b->len;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c;
		i = wire_copy_clean_words(&p, s, i, len, json_word_dirty);
		if (i >= len)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	*p++ = '"';
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

static void json_write_real(struct buf *b, double d)
{
	char tmp[40];
	int n;
	bool integral = true;

	if (!isfinite(d)) { /* jansson cannot hold these; a converted integer never is one */
		WIRE_LIT(b, "null");
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%.16g", d);
	if (strtod(tmp, NULL) != d)
		n = snprintf(tmp, sizeof(tmp), "%.17g", d);
	for (int i = 0; i < n; i++)
		if (tmp[i] != '-' && (tmp[i] < '0' || tmp[i] > '9'))
			integral = false;
	wire_put(b, tmp, (size_t)n);
	if (integral)
		WIRE_LIT(b, ".0");
}

/* The shared walk, specialised for this wire (walk.h says why). */
static void json_write_value(struct buf *b, json_t *value, const struct xtype *type)
{
	wire_walk(b, &json_wire_syntax, value, type);
}

static void json_put_id(struct buf *b, const struct rpc_request *req)
{
	WIRE_LIT(b, "\"id\":");
	json_write_value(b, req->id, NULL);
	wire_putc(b, '}');
}

static void json_reply_begin(struct buf *out, const struct rpc_request *req)
{
	if (req->json_version == 2)
		WIRE_LIT(out, "{\"jsonrpc\":\"2.0\",\"result\":");
	else
		WIRE_LIT(out, "{\"result\":");
}

static void json_reply_end(struct buf *out, const struct rpc_request *req)
{
	if (req->json_version == 2)
		wire_putc(out, ',');
	else
		WIRE_LIT(out, ",\"error\":null,");
	json_put_id(out, req);
}

/* A whole error description, or [] when there is none. */
static void json_put_desc(struct buf *out, json_t *desc)
{
	if (desc)
		json_write_value(out, desc, NULL);
	else
		WIRE_LIT(out, "[]");
}

static void json_failure(struct buf *out, const struct rpc_request *req, json_t *desc)
{
	json_t *code = json_array_get(desc, 0);
	size_t i;
	json_t *item;

	if (req->json_version != 2) {
		WIRE_LIT(out, "{\"result\":null,\"error\":");
		json_put_desc(out, desc);
		wire_putc(out, ',');
		json_put_id(out, req);
		return;
	}
	/* xapi: message is the code and data the rest; a desc not headed by a string keeps it all */
	WIRE_LIT(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":");
	if (json_is_string(code)) {
		json_write_string(out, json_string_value(code), json_string_length(code));
		WIRE_LIT(out, ",\"data\":[");
		json_array_foreach(desc, i, item) {
			if (i == 0)
				continue;
			if (i > 1)
				wire_putc(out, ',');
			json_write_value(out, item, NULL);
		}
		wire_putc(out, ']');
	} else {
		WIRE_LIT(out, "\"\",\"data\":");
		json_put_desc(out, desc);
	}
	WIRE_LIT(out, "},");
	json_put_id(out, req);
}

const struct wire_syntax json_wire_syntax = {
	.struct_begin = WIRE_TEXT("{"),
	.struct_end = WIRE_TEXT("}"),
	.member_separator = WIRE_TEXT(","),
	.name_end = WIRE_TEXT(":"),
	.array_begin = WIRE_TEXT("["),
	.array_end = WIRE_TEXT("]"),
	.item_separator = WIRE_TEXT(","),
	.null = WIRE_TEXT("null"),
	.true_value = WIRE_TEXT("true"),
	.false_value = WIRE_TEXT("false"),
	.has_datetime = false, /* datetimes are strings in JSON-RPC */
	.ints_as_strings = false,
	.text = json_write_string,
	.real = json_write_real,
	.value = json_write_value,
	.reply_begin = json_reply_begin,
	.reply_end = json_reply_end,
	.failure = json_failure,
};

/* ---- decoding ---- */

static void malformed(struct err *e, const char *what, const char *detail)
{
	char msg[640];

	snprintf(msg, sizeof(msg), "Malformed_method_request: %s%s%s", what, detail ? ": " : "", detail ? detail : "");
	wire_err_set(e, "INTERNAL_ERROR", msg, NULL);
}

/* Refuse nesting deeper than the limit before jansson recurses into it. The envelope
   object and the params array take two levels above the parameters themselves. */
static bool json_nesting_ok(const char *s, size_t len)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > RPC_MAX_DEPTH + 2)
				return false;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return true;
}

static int json_envelope(json_t *root, struct rpc_request *req, struct err *e)
{
	json_t *version = json_object_get(root, "jsonrpc");
	json_t *method = json_object_get(root, "method");
	json_t *params = json_object_get(root, "params");
	json_t *id = json_object_get(root, "id");

	if (id) {
		json_decref(req->id);
		req->id = json_incref(id);
	}
	if (version != NULL) {
		const char *v = json_string_value(version);
		if (v && strcmp(v, "2.0") == 0)
			req->json_version = 2;
		else if (!(v && strcmp(v, "1.0") == 0)) {
			malformed(e, "Invalid field 'jsonrpc' in request body", NULL);
			return -1;
		}
	}
	if (method == NULL) {
		malformed(e, "Required field method is missing", NULL);
		return -1;
	}
	if (!json_is_string(method) || json_string_length(method) == 0 ||
	    strlen(json_string_value(method)) != json_string_length(method)) {
		malformed(e, "Invalid field 'method' in request body", NULL);
		return -1;
	}
	if (params == NULL && req->json_version == 1) {
		malformed(e, "Required field params is missing", NULL);
		return -1;
	}
	if (params == NULL)
		req->params = json_array();
	else if (json_is_array(params))
		req->params = json_incref(params);
	else if (json_is_object(params) && req->json_version == 2) {
		req->params = json_array();
		json_array_append(req->params, params);
	} else {
		malformed(e, "Invalid field 'params' in request body", NULL);
		return -1;
	}
	req->method = strdup(json_string_value(method));
	if (req->method == NULL)
		abort();
	return 0;
}

int rpc_decode_json(const char *body, size_t len, struct rpc_request *req, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	*req = (struct rpc_request){ .wire = RPC_WIRE_JSON, .json_version = 1, .id = json_null() };
	if (len > RPC_MAX_BODY) {
		malformed(e, "Request body too large", NULL);
		return -1;
	}
	if (!json_nesting_ok(body, len)) {
		malformed(e, "Request nested too deeply", NULL);
		return -1;
	}
	root = json_loadb(body, len, 0, &jerr);
	if (root == NULL) {
		char detail[300];
		snprintf(detail, sizeof(detail), "%s at line %d column %d", jerr.text, jerr.line, jerr.column);
		malformed(e, "Unable to parse request body", detail);
		return -1;
	}
	if (json_is_array(root)) {
		malformed(e, "Batch requests are not supported", NULL);
		json_decref(root);
		return -1;
	}
	if (!json_is_object(root)) {
		malformed(e, "Invalid request body", NULL);
		json_decref(root);
		return -1;
	}
	rc = json_envelope(root, req, e);
	json_decref(root);
	if (rc < 0) {
		json_decref(req->params);
		req->params = NULL;
	}
	return rc;
}
