/*
 * JSON-RPC: decoding one request object (v1 or v2) and writing replies in
 * the caller's version, byte for byte as xapi (rpclib + Yojson) writes them:
 * compact, keys in xapi's order, floats as Yojson prints them ("%.16g",
 * "%.17g" when that does not round-trip, ".0" appended to integral values),
 * strings with ", \ and control characters escaped and UTF-8 kept raw.
 *
 * Values are written by the value's own JSON type; the declared type only
 * matters where xapi's would differ: void is "", an int that arrives as a
 * numeric string is a number, an integral float is a float, and record
 * fields / event snapshots are looked up so those rules apply inside them.
 */
#include "xapi/wire/rpc_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- writing ---- */

void json_wire_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *p;

	if (b->len + len * 6 + 3 > b->cap) /* the worst case, \u00XX for every byte: then no more checks */
		buf_reserve(b, len * 6 + 2);
	p = b->data + b->len;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c;
		while (i + 8 <= len) {
			uint64_t w = wire_word(s + i);
			if (wire_word_has_control(w) | wire_word_has(w, '"') | wire_word_has(w, '\\') | wire_word_has(w, 0x7f))
				break;
			memcpy(p, s + i, 8);
			p += 8;
			i += 8;
		}
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

static void json_put_real(struct buf *b, double d)
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

static void json_untyped(struct buf *b, json_t *v)
{
	const char *key;
	size_t key_len;
	json_t *item;
	size_t i;
	bool first = true;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		wire_putc(b, '{');
		json_object_keylen_foreach(v, key, key_len, item) {
			if (!first)
				wire_putc(b, ',');
			first = false;
			json_wire_string(b, key, key_len);
			wire_putc(b, ':');
			json_untyped(b, item);
		}
		wire_putc(b, '}');
		break;
	case JSON_ARRAY:
		wire_putc(b, '[');
		json_array_foreach(v, i, item) {
			if (i)
				wire_putc(b, ',');
			json_untyped(b, item);
		}
		wire_putc(b, ']');
		break;
	case JSON_STRING: json_wire_string(b, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: wire_put_int(b, json_integer_value(v)); break;
	case JSON_REAL: json_put_real(b, json_real_value(v)); break;
	case JSON_TRUE: WIRE_LIT(b, "true"); break;
	case JSON_FALSE: WIRE_LIT(b, "false"); break;
	case JSON_NULL: WIRE_LIT(b, "null"); break;
	}
}

static void json_typed(struct buf *b, json_t *v, const struct xtype *t);

/* A record of cls (NULL: unknown class, all fields by value), or an event batch when batch. */
static void json_record(struct buf *b, json_t *obj, const struct model_class *cls, bool batch)
{
	const char *key;
	size_t key_len, index = 0;
	json_t *item;

	wire_putc(b, '{');
	json_object_keylen_foreach(obj, key, key_len, item) {
		const struct xtype *ft = wire_member_type(cls, batch, index, key, key_len);
		if (index++)
			wire_putc(b, ',');
		json_wire_string(b, key, key_len);
		wire_putc(b, ':');
		if (ft && ft->kind == XT_RECORD && ft->name && ft->name[0] == '<' && json_is_object(item))
			json_record(b, item, wire_snapshot_class(obj), false);
		else
			json_typed(b, item, ft);
	}
	wire_putc(b, '}');
}

static void json_typed(struct buf *b, json_t *v, const struct xtype *t)
{
	json_int_t n;
	const char *key;
	size_t key_len;
	json_t *item;
	size_t i;
	bool first = true;

	switch (t ? t->kind : XT_ANY) {
	case XT_VOID:
		WIRE_LIT(b, "\"\"");
		return;
	case XT_INT:
		if (json_is_string(v) && wire_int_parse(json_string_value(v), json_string_length(v), &n)) {
			wire_put_int(b, n);
			return;
		}
		break;
	case XT_FLOAT:
		if (json_is_integer(v)) {
			json_put_real(b, (double)json_integer_value(v));
			return;
		}
		break;
	case XT_SET:
		if (!json_is_array(v))
			break;
		wire_putc(b, '[');
		json_array_foreach(v, i, item) {
			if (i)
				wire_putc(b, ',');
			json_typed(b, item, t->elem);
		}
		wire_putc(b, ']');
		return;
	case XT_MAP:
		if (!json_is_object(v))
			break;
		wire_putc(b, '{');
		json_object_keylen_foreach(v, key, key_len, item) {
			if (!first)
				wire_putc(b, ',');
			first = false;
			json_wire_string(b, key, key_len);
			wire_putc(b, ':');
			json_typed(b, item, t->elem);
		}
		wire_putc(b, '}');
		return;
	case XT_RECORD:
		if (!json_is_object(v))
			break;
		json_record(b, v, wire_record_class(t), false);
		return;
	case XT_EVENT_BATCH:
		if (!json_is_object(v))
			break;
		json_record(b, v, NULL, true);
		return;
	default:
		break;
	}
	json_untyped(b, v);
}

void json_wire_value(struct buf *out, json_t *value, const struct xtype *type)
{
	if (value == NULL && !(type && type->kind == XT_VOID)) {
		WIRE_LIT(out, "null");
		return;
	}
	json_typed(out, value, type);
}

static void json_put_id(struct buf *b, const struct rpc_request *req)
{
	WIRE_LIT(b, "\"id\":");
	if (req->id)
		json_untyped(b, req->id);
	else
		WIRE_LIT(b, "null");
	wire_putc(b, '}');
}

void json_wire_reply_begin(struct buf *out, const struct rpc_request *req)
{
	if (req->json_version == 2)
		WIRE_LIT(out, "{\"jsonrpc\":\"2.0\",\"result\":");
	else
		WIRE_LIT(out, "{\"result\":");
}

void json_wire_reply_end(struct buf *out, const struct rpc_request *req)
{
	if (req->json_version == 2)
		wire_putc(out, ',');
	else
		WIRE_LIT(out, ",\"error\":null,");
	json_put_id(out, req);
}

void json_wire_failure(struct buf *out, const struct rpc_request *req, json_t *desc)
{
	json_t *code = json_array_get(desc, 0);
	size_t i;
	json_t *item;

	if (req->json_version != 2) {
		WIRE_LIT(out, "{\"result\":null,\"error\":");
		if (desc)
			json_untyped(out, desc);
		else
			WIRE_LIT(out, "[]");
		wire_putc(out, ',');
		json_put_id(out, req);
		return;
	}
	/* xapi: message is the code and data the rest; a desc not headed by a string keeps it all */
	WIRE_LIT(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":");
	if (json_is_string(code)) {
		json_wire_string(out, json_string_value(code), json_string_length(code));
		WIRE_LIT(out, ",\"data\":[");
		json_array_foreach(desc, i, item) {
			if (i == 0)
				continue;
			if (i > 1)
				wire_putc(out, ',');
			json_untyped(out, item);
		}
		wire_putc(out, ']');
	} else {
		WIRE_LIT(out, "\"\",\"data\":");
		if (desc)
			json_untyped(out, desc);
		else
			WIRE_LIT(out, "[]");
	}
	WIRE_LIT(out, "},");
	json_put_id(out, req);
}

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
