/*
 * XML-RPC: decoding a <methodCall> with libxml2 and writing xapi's
 * <methodResponse> struct (Status/Value or Status/ErrorDescription).
 *
 * Writing is only XML-RPC's syntax (xml_wire_syntax), as xapi's rpclib writes it:
 * ints and strings are bare <value>text</value>, floats <double> with "%.16g",
 * bools <boolean>0|1</boolean>, datetimes <dateTime.iso8601>, sets <array><data>,
 * maps and records <struct>. Which form a value takes (its declared type, or its
 * own JSON type) is decided by the walk in walk.h, which both wires share.
 *
 * Reading: libxml2 builds a tree with no network, no DTD (a DOCTYPE stops
 * the parse: there is nothing to expand), no entity substitution, CDATA
 * merged into text; the tree is walked with a depth limit. A <value> without
 * a type element is a string kept exactly (whitespace included); between
 * elements, whitespace and comments are skipped. Errors are xapi's
 * ["XMLRPC_UNMARSHAL_FAILURE", expected, received].
 */
#include "xapi/wire/walk.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- writing: XML-RPC's syntax for the walk in walk.h ---- */

/* Might the word hold a byte XML text escapes or drops (a control, < > & ", or 0xEF that may
   start U+FFFE/U+FFFF)? */
static inline uint64_t xml_word_dirty(uint64_t w)
{
	return wire_word_has_control(w) | wire_word_has(w, '<') | wire_word_has(w, '>') | wire_word_has(w, '&') |
	       wire_word_has(w, '"') | wire_word_has(w, 0xEF);
}

static void xml_write_text(struct buf *b, const char *s, size_t len)
{
	static const char *const entity[256] = {
		['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\r'] = "&#13;",
	};
	char *p;

	if (b->len + len * 6 + 1 > b->cap) /* the worst case, "&quot;" for every byte: then no more checks */
		buf_reserve(b, len * 6);
	p = b->data + b->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c;
		i = wire_copy_clean_words(&p, s, i, len, xml_word_dirty);
		if (i >= len)
			break;
		c = (unsigned char)s[i];
		if (entity[c]) {
			size_t n = strlen(entity[c]);
			memcpy(p, entity[c], n);
			p += n;
		} else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBF &&
			   ((unsigned char)s[i + 2] & 0xFE) == 0xBE) {
			i += 2; /* U+FFFE and U+FFFF are not XML characters: dropped */
		} else if (c >= 0x20 || c == '\t' || c == '\n') {
			*p++ = (char)c;
		} /* else: a C0 control XML 1.0 cannot carry: dropped, as xapi does */
	}
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

static void xml_write_real(struct buf *b, double d)
{
	char tmp[40];

	WIRE_LIT(b, "<value><double>");
	wire_put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%.16g", d));
	WIRE_LIT(b, "</double></value>");
}

/* The shared walk, specialised for this wire (walk.h says why). */
static void xml_write_value(struct buf *b, json_t *value, const struct xtype *type)
{
	wire_walk(b, &xml_wire_syntax, value, type);
}

#define XML_HEAD "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct><member><name>Status</name>"
#define XML_TAIL "</member></struct></value></param></params></methodResponse>"

static void xml_reply_begin(struct buf *out, const struct rpc_request *req)
{
	WIRE_LIT(out, XML_HEAD "<value>Success</value></member><member><name>Value</name>");
}

static void xml_reply_end(struct buf *out, const struct rpc_request *req)
{
	WIRE_LIT(out, XML_TAIL);
}

static void xml_failure(struct buf *out, const struct rpc_request *req, json_t *desc)
{
	size_t i;
	json_t *item;

	WIRE_LIT(out, XML_HEAD "<value>Failure</value></member><member><name>ErrorDescription</name>"
			       "<value><array><data>");
	json_array_foreach(desc, i, item)
		xml_write_value(out, item, NULL);
	WIRE_LIT(out, "</data></array></value>" XML_TAIL);
}

const struct wire_syntax xml_wire_syntax = {
	.struct_begin = WIRE_TEXT("<value><struct>"),
	.struct_end = WIRE_TEXT("</struct></value>"),
	.name_begin = WIRE_TEXT("<member><name>"),
	.name_end = WIRE_TEXT("</name>"),
	.member_end = WIRE_TEXT("</member>"),
	.array_begin = WIRE_TEXT("<value><array><data>"),
	.array_end = WIRE_TEXT("</data></array></value>"),
	.scalar_begin = WIRE_TEXT("<value>"),
	.scalar_end = WIRE_TEXT("</value>"),
	.null = WIRE_TEXT("<value><nil/></value>"),
	.true_value = WIRE_TEXT("<value><boolean>1</boolean></value>"),
	.false_value = WIRE_TEXT("<value><boolean>0</boolean></value>"),
	.datetime_begin = WIRE_TEXT("<value><dateTime.iso8601>"),
	.datetime_end = WIRE_TEXT("</dateTime.iso8601></value>"),
	.has_datetime = true,
	.ints_as_strings = true,
	.text = xml_write_text,
	.real = xml_write_real,
	.value = xml_write_value,
	.reply_begin = xml_reply_begin,
	.reply_end = xml_reply_end,
	.failure = xml_failure,
};

/* ---- reading ---- */

struct xml_reader {
	struct err *e;
	bool dtd_seen;
};

typedef json_t *xml_type_reader(struct xml_reader *r, xmlNode *el, int depth);

static json_t *unmarshal_failure(struct xml_reader *r, const char *expected, const char *received)
{
	wire_err_set(r->e, "XMLRPC_UNMARSHAL_FAILURE", expected, received ? received : "");
	return NULL;
}

static bool is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The next element from n on, skipping blank text, comments and PIs. Sets *bad when
   something else (non-blank text, an entity reference) is in the way. */
static xmlNode *element_from(xmlNode *n, bool *bad)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			return n;
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			continue;
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && is_blank(n->content))
			continue;
		*bad = true;
		return NULL;
	}
	return NULL;
}

/* The text of an element with no element children, into out (always allocated). -1 if it has any. */
static int element_text(xmlNode *el, struct buf *out)
{
	buf_reset(out);
	buf_reserve(out, 0);
	out->data[0] = '\0';
	for (xmlNode *n = el->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			buf_puts(out, (const char *)n->content);
		else if (n->type != XML_COMMENT_NODE && n->type != XML_PI_NODE)
			return -1;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The text of a scalar element with surrounding whitespace trimmed and NUL-terminated
   in place; NULL (e set) when the element has element children. */
static const char *scalar_text(struct xml_reader *r, xmlNode *el, struct buf *out, size_t *len)
{
	char *s;
	size_t n;

	if (element_text(el, out) < 0) {
		unmarshal_failure(r, (const char *)el->name, "element content");
		return NULL;
	}
	s = out->data;
	n = out->len;
	while (n && is_space(s[0]))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	s[n] = '\0';
	*len = n;
	return s;
}

static json_t *read_value(struct xml_reader *r, xmlNode *value, int depth);

/* Scalar types: the trimmed text to a value, or NULL when it is not one (the reader reports it). */
typedef json_t *xml_scalar_parser(const char *s, size_t len);

static json_t *parse_int(const char *s, size_t len)
{
	json_int_t v;

	return wire_int_parse(s, len, &v) ? json_integer(v) : NULL;
}

static json_t *parse_boolean(const char *s, size_t len)
{
	if ((len == 1 && s[0] == '1') || (len == 4 && memcmp(s, "true", 4) == 0))
		return json_true();
	if ((len == 1 && s[0] == '0') || (len == 5 && memcmp(s, "false", 5) == 0))
		return json_false();
	return NULL;
}

static json_t *parse_double(const char *s, size_t len)
{
	char *end;
	double d = len ? strtod(s, &end) : 0;

	return len == 0 || *end != '\0' ? NULL : json_real(d); /* json_real refuses nan/inf */
}

static json_t *parse_datetime(const char *s, size_t len)
{
	char canon[RPC_DATETIME_LEN + 1];

	return rpc_datetime_normalise(s, len, canon) < 0 ? NULL : json_string(canon);
}

/* what: the type named in the failure ("int" for i4, int and i8 alike) */
static json_t *read_scalar(struct xml_reader *r, xmlNode *el, const char *what, xml_scalar_parser *parse)
{
	struct buf text = BUF_INIT;
	const char *s;
	size_t len;
	json_t *out = NULL;

	if ((s = scalar_text(r, el, &text, &len)) != NULL && (out = parse(s, len)) == NULL)
		unmarshal_failure(r, what, s);
	buf_free(&text);
	return out;
}

static json_t *read_string(struct xml_reader *r, xmlNode *el, int depth)
{
	struct buf text = BUF_INIT;
	json_t *out = NULL;

	if (element_text(el, &text) < 0)
		unmarshal_failure(r, "string", "element content");
	else if ((out = json_stringn(text.data, text.len)) == NULL)
		unmarshal_failure(r, "string", "invalid UTF-8");
	buf_free(&text);
	return out;
}

static int base64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 in place (the output is never longer); whitespace is skipped. -1 if malformed. */
static long base64_decode(char *s, size_t len)
{
	size_t out = 0, pad = 0;
	unsigned acc = 0, bits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int d;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (d = base64_digit(c)) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			s[out++] = (char)((acc >> bits) & 0xFF);
		}
	}
	if (pad > 2 || bits >= 6)
		return -1;
	return (long)out;
}

static json_t *read_base64(struct xml_reader *r, xmlNode *el, int depth)
{
	struct buf text = BUF_INIT;
	long n;
	json_t *out = NULL;

	if (element_text(el, &text) < 0) {
		unmarshal_failure(r, "base64", "element content");
	} else if ((n = base64_decode(text.data, text.len)) < 0) {
		unmarshal_failure(r, "base64", "malformed base64");
	} else if (memchr(text.data, '\0', (size_t)n) != NULL || (out = json_stringn(text.data, (size_t)n)) == NULL) {
		unmarshal_failure(r, "base64 of UTF-8 text", "binary data");
	}
	buf_free(&text);
	return out;
}

static json_t *read_nil(struct xml_reader *r, xmlNode *el, int depth)
{
	bool bad = false;

	if (element_from(el->children, &bad) != NULL || bad)
		return unmarshal_failure(r, "nil", "content");
	return json_null();
}

static json_t *read_member(struct xml_reader *r, xmlNode *member, json_t *obj, int depth)
{
	bool bad = false;
	xmlNode *name = element_from(member->children, &bad);
	xmlNode *value = name ? element_from(name->next, &bad) : NULL;
	struct buf key = BUF_INIT;
	json_t *v;

	if (!named(member, "member") || name == NULL || !named(name, "name") || value == NULL ||
	    !named(value, "value") || element_from(value->next, &bad) != NULL || bad)
		return unmarshal_failure(r, "member(name, value)", (const char *)member->name);
	if (element_text(name, &key) < 0) {
		buf_free(&key);
		return unmarshal_failure(r, "name", "element content");
	}
	v = read_value(r, value, depth);
	if (v != NULL && json_object_set_new(obj, key.data, v) < 0) {
		v = unmarshal_failure(r, "name", "invalid member name");
	}
	buf_free(&key);
	return v;
}

static json_t *read_struct(struct xml_reader *r, xmlNode *el, int depth)
{
	json_t *obj = json_object();
	bool bad = false;

	if (depth >= RPC_MAX_DEPTH) {
		json_decref(obj);
		return unmarshal_failure(r, "value", "nesting too deep");
	}
	for (xmlNode *m = element_from(el->children, &bad); m; m = element_from(m->next, &bad))
		if (read_member(r, m, obj, depth + 1) == NULL) {
			json_decref(obj);
			return NULL;
		}
	if (bad) {
		json_decref(obj);
		return unmarshal_failure(r, "member", "text");
	}
	return obj;
}

static json_t *read_array(struct xml_reader *r, xmlNode *el, int depth)
{
	bool bad = false;
	xmlNode *data = element_from(el->children, &bad);
	json_t *arr;

	if (depth >= RPC_MAX_DEPTH)
		return unmarshal_failure(r, "value", "nesting too deep");
	if (bad || (data && (!named(data, "data") || element_from(data->next, &bad) != NULL || bad)))
		return unmarshal_failure(r, "data", data ? (const char *)data->name : "text");
	arr = json_array();
	if (data == NULL)
		return arr;
	for (xmlNode *v = element_from(data->children, &bad); v; v = element_from(v->next, &bad)) {
		json_t *item = named(v, "value") ? read_value(r, v, depth + 1)
						 : unmarshal_failure(r, "value", (const char *)v->name);
		if (item == NULL) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, item);
	}
	if (bad) {
		json_decref(arr);
		return unmarshal_failure(r, "value", "text");
	}
	return arr;
}

/* Each type element: a scalar's parser (and the type its failures name), or the reader of the whole element. */
static const struct {
	const char *name;
	const char *what;
	xml_scalar_parser *parse;
	xml_type_reader *read;
} xml_types[] = {
	{ "string", NULL, NULL, read_string },
	{ "i4", "int", parse_int, NULL },
	{ "int", "int", parse_int, NULL },
	{ "i8", "int", parse_int, NULL },
	{ "boolean", "boolean", parse_boolean, NULL },
	{ "double", "double", parse_double, NULL },
	{ "dateTime.iso8601", "dateTime.iso8601", parse_datetime, NULL },
	{ "struct", NULL, NULL, read_struct },
	{ "array", NULL, NULL, read_array },
	{ "base64", NULL, NULL, read_base64 },
	{ "nil", NULL, NULL, read_nil },
};

static json_t *read_value(struct xml_reader *r, xmlNode *value, int depth)
{
	xmlNode *typed = NULL;
	bool text = false;

	for (xmlNode *n = value->children; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			if (typed)
				return unmarshal_failure(r, "one type element in value", (const char *)n->name);
			typed = n;
		} else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			text = text || !is_blank(n->content);
		} else if (n->type != XML_COMMENT_NODE && n->type != XML_PI_NODE) {
			return unmarshal_failure(r, "value", "entity reference");
		}
	}
	if (typed == NULL)
		return read_string(r, value, depth);
	if (text)
		return unmarshal_failure(r, "value", "text beside a type element");
	for (size_t i = 0; i < sizeof(xml_types) / sizeof(xml_types[0]); i++)
		if (strcmp((const char *)typed->name, xml_types[i].name) == 0)
			return xml_types[i].parse ? read_scalar(r, typed, xml_types[i].what, xml_types[i].parse)
						  : xml_types[i].read(r, typed, depth);
	return unmarshal_failure(r, "int/i8/i4/boolean/double/string/dateTime.iso8601/base64/array/struct/nil",
				 (const char *)typed->name);
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_library_init(void)
{
	xmlInitParser();
}

static void reject_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	((struct xml_reader *)ctxt->_private)->dtd_seen = true;
	xmlStopParser(ctxt);
}

static void xml_silence(void *ctx, const char *msg, ...)
{
}

/* Parse body into a tree, hardened. NULL with r->e set on failure. libxml2's generic error
   channel (its encoding converters write there, whatever the parser options say) is
   silenced for this thread during the parse, so hostile bodies cannot flood the log. */
static xmlDoc *xml_parse(struct xml_reader *r, const char *body, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	xmlGenericErrorFunc saved_func;
	void *saved_ctx;

	if (len > RPC_MAX_BODY) {
		unmarshal_failure(r, "a request body of at most 16 MiB", "a larger body");
		return NULL;
	}
	pthread_once(&xml_once, xml_library_init);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		abort();
	ctxt->_private = r;
	ctxt->sax->internalSubset = reject_dtd;
	ctxt->sax->externalSubset = reject_dtd;
	saved_func = xmlGenericError;
	saved_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, xml_silence);
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetGenericErrorFunc(saved_ctx, saved_func);
	if (r->dtd_seen) {
		xmlFreeDoc(doc);
		doc = NULL;
		unmarshal_failure(r, "XML without a DTD", "DOCTYPE");
	} else if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		char detail[200];
		size_t n;
		snprintf(detail, sizeof(detail), "line %d: %s", xe ? xe->line : 0,
			 xe && xe->message ? xe->message : "not XML");
		n = strlen(detail);
		while (n && (detail[n - 1] == '\n' || detail[n - 1] == ' '))
			detail[--n] = '\0';
		xmlFreeDoc(doc);
		doc = NULL;
		unmarshal_failure(r, "well-formed XML", detail);
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int read_params(struct xml_reader *r, xmlNode *params, json_t *out)
{
	bool bad = false;

	for (xmlNode *p = element_from(params->children, &bad); p; p = element_from(p->next, &bad)) {
		xmlNode *value = element_from(p->children, &bad);
		json_t *v;
		if (!named(p, "param") || value == NULL || !named(value, "value") ||
		    element_from(value->next, &bad) != NULL || bad) {
			unmarshal_failure(r, "param(value)", (const char *)p->name);
			return -1;
		}
		if ((v = read_value(r, value, 0)) == NULL)
			return -1;
		json_array_append_new(out, v);
	}
	if (bad) {
		unmarshal_failure(r, "param", "text");
		return -1;
	}
	return 0;
}

static int read_call(struct xml_reader *r, xmlNode *root, struct rpc_request *req)
{
	bool bad = false;
	xmlNode *name = element_from(root->children, &bad);
	xmlNode *params = name ? element_from(name->next, &bad) : NULL;
	struct buf text = BUF_INIT;
	const char *s;
	size_t len;

	if (!named(root, "methodCall")) {
		unmarshal_failure(r, "methodCall", (const char *)root->name);
		return -1;
	}
	if (bad || name == NULL || !named(name, "methodName")) {
		unmarshal_failure(r, "methodName", name ? (const char *)name->name : "nothing");
		return -1;
	}
	if ((params && !named(params, "params")) || (params && element_from(params->next, &bad) != NULL) || bad) {
		unmarshal_failure(r, "params", params ? (const char *)params->name : "text");
		return -1;
	}
	s = scalar_text(r, name, &text, &len);
	if (s == NULL || len == 0) {
		if (s != NULL)
			unmarshal_failure(r, "a method name", "nothing");
		buf_free(&text);
		return -1;
	}
	req->params = json_array();
	if (params && read_params(r, params, req->params) < 0) {
		json_decref(req->params);
		req->params = NULL;
		buf_free(&text);
		return -1;
	}
	req->method = strndup(s, len);
	if (req->method == NULL)
		abort();
	buf_free(&text);
	return 0;
}

int rpc_decode_xml(const char *body, size_t len, struct rpc_request *req, struct err *e)
{
	struct xml_reader r = { .e = e };
	xmlDoc *doc;
	xmlNode *root;
	int rc = -1;

	*req = (struct rpc_request){ .wire = RPC_WIRE_XML, .json_version = 1 };
	doc = xml_parse(&r, body, len);
	if (doc == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL)
		unmarshal_failure(&r, "methodCall", "nothing");
	else
		rc = read_call(&r, root, req);
	xmlFreeDoc(doc);
	return rc;
}

json_t *rpc_decode_xml_value(const char *text, size_t len, struct err *e)
{
	struct xml_reader r = { .e = e };
	xmlDoc *doc = xml_parse(&r, text, len);
	xmlNode *root;
	json_t *v = NULL;

	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !named(root, "value"))
		unmarshal_failure(&r, "value", root ? (const char *)root->name : "nothing");
	else
		v = read_value(&r, root, 0);
	xmlFreeDoc(doc);
	return v;
}
