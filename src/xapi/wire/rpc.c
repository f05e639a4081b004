/*
 * The wire-neutral half of the codecs: the public encode entry points pick
 * the wire's syntax table (one row per enum rpc_wire); the lookups the walk
 * (walk.h) needs per value (record class, field type, event-batch member
 * type) are answered from one hash table built on first use from the
 * read-only model table.
 *
 * Invariants: the lookup table is built once (pthread_once) after
 * model_init() and never changes; lookups take no lock.
 */
#include "xapi/wire/rpc_internal.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

/* ---- lookups ---- */

struct wire_slot {
	const struct model_class *cls;   /* the class (for a field slot: its owner) */
	const struct model_field *field; /* NULL: a class-name slot */
};

static struct wire_slot *wire_slots;
static size_t wire_mask;
static const struct xtype *type_event_set, *type_refcounts, *type_string;
static pthread_once_t wire_once = PTHREAD_ONCE_INIT;

static uint32_t hash_nocase(const char *s, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (; *s; s++) {
		h ^= (uint32_t)((unsigned char)*s | 0x20); /* ASCII case folding, enough for a hash */
		h *= 16777619u;
	}
	return h;
}

static uint32_t class_seed(const struct model_class *cls)
{
	return (uint32_t)(cls - model_classes + 1) * 0x9E3779B1u;
}

static void wire_slot_add(const struct model_class *cls, const struct model_field *field)
{
	uint32_t h = field ? hash_nocase(field->name, class_seed(cls)) : hash_nocase(cls->name, 0);

	while (wire_slots[h & wire_mask].cls != NULL)
		h++;
	wire_slots[h & wire_mask] = (struct wire_slot){ cls, field };
}

static void wire_tables_build(void)
{
	size_t n = model_class_count, size = 64;

	for (size_t c = 0; c < model_class_count; c++)
		n += model_classes[c].field_count;
	while (size < 4 * n)
		size *= 2;
	wire_slots = calloc(size, sizeof(*wire_slots));
	if (wire_slots == NULL)
		abort();
	wire_mask = size - 1;
	for (size_t c = 0; c < model_class_count; c++) {
		wire_slot_add(&model_classes[c], NULL);
		for (size_t f = 0; f < model_classes[c].field_count; f++)
			wire_slot_add(&model_classes[c], &model_classes[c].fields[f]);
	}
	type_event_set = xtype_parse("event record set");
	type_refcounts = xtype_parse("(string -> int) map");
	type_string = xtype_parse("string");
}

static void wire_tables(void)
{
	pthread_once(&wire_once, wire_tables_build);
}

static const struct model_class *class_lookup(const char *name, bool exact)
{
	wire_tables();
	for (uint32_t h = hash_nocase(name, 0);; h++) {
		const struct wire_slot *s = &wire_slots[h & wire_mask];
		if (s->cls == NULL)
			return NULL;
		if (s->field == NULL && (exact ? strcmp(s->cls->name, name) : strcasecmp(s->cls->name, name)) == 0)
			return s->cls;
	}
}

const struct model_class *wire_record_class(const struct xtype *t)
{
	if (t->name == NULL || t->name[0] == '<')
		return NULL;
	return class_lookup(t->name, true);
}

const struct model_class *wire_snapshot_class(json_t *event)
{
	const char *name = json_string_value(json_object_get(event, "class"));

	return name ? class_lookup(name, false) : NULL;
}

const struct xtype *wire_field_type(const struct model_class *cls, const char *name)
{
	wire_tables();
	for (uint32_t h = hash_nocase(name, class_seed(cls));; h++) {
		const struct wire_slot *s = &wire_slots[h & wire_mask];
		if (s->cls == NULL)
			return NULL;
		if (s->cls == cls && s->field != NULL && strcmp(s->field->name, name) == 0)
			return s->field->type;
	}
}

const struct xtype *wire_event_batch_type(const char *name)
{
	wire_tables();
	if (strcmp(name, "events") == 0)
		return type_event_set;
	if (strcmp(name, "valid_ref_counts") == 0)
		return type_refcounts;
	if (strcmp(name, "token") == 0)
		return type_string;
	return NULL;
}

/* ---- small shared helpers ---- */

void wire_put_int(struct buf *b, json_int_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	wire_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

bool wire_int_parse(const char *s, size_t len, json_int_t *out)
{
	char tmp[32];
	char *end;
	long long v;

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (!(isdigit((unsigned char)tmp[0]) || ((tmp[0] == '-' || tmp[0] == '+') && isdigit((unsigned char)tmp[1]))))
		return false;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = (json_int_t)v;
	return true;
}

static json_t *printable(const char *s)
{
	char tmp[240];
	size_t n = 0;

	for (; s && *s && n + 4 < sizeof(tmp); s++) {
		unsigned char c = (unsigned char)*s;
		tmp[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (s && *s)
		tmp[n++] = '.', tmp[n++] = '.', tmp[n++] = '.';
	return json_stringn(tmp, n);
}

void wire_err_set(struct err *e, const char *code, const char *p1, const char *p2)
{
	json_t *desc = json_array();

	if (e == NULL) {
		json_decref(desc);
		return;
	}
	json_array_append_new(desc, json_string(code));
	json_array_append_new(desc, printable(p1));
	if (p2 != NULL)
		json_array_append_new(desc, printable(p2));
	json_decref(e->desc);
	e->desc = desc;
}

/* ---- datetimes ---- */

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int rpc_datetime_normalise(const char *text, size_t len, char out[RPC_DATETIME_LEN + 1])
{
	const char *p = text, *end = text + len;
	int y, mo, d, h, mi, s;
	bool dashes = len > 4 && text[4] == '-';
	size_t datelen = dashes ? 10 : 8;

	if (len < datelen + 9)
		return -1;
	if (!digits(p, 4, &y) || !digits(p + (dashes ? 5 : 4), 2, &mo) || !digits(p + (dashes ? 8 : 6), 2, &d))
		return -1;
	if (dashes && p[7] != '-')
		return -1;
	p += datelen;
	if (p[0] != 'T' || !digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) || p[6] != ':' ||
	    !digits(p + 7, 2, &s))
		return -1;
	p += 9;
	if (p < end && *p == '.') {
		const char *f = ++p;
		while (p < end && isdigit((unsigned char)*p))
			p++;
		if (p == f)
			return -1;
	}
	if (p < end && *p == 'Z')
		p++;
	if (p != end || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	memcpy(out, text, 4);
	memcpy(out + 4, text + (dashes ? 5 : 4), 2);
	memcpy(out + 6, text + (dashes ? 8 : 6), 2);
	memcpy(out + 8, text + datelen, 9);
	out[17] = 'Z';
	out[18] = '\0';
	return 0;
}

/* ---- public encode entry points ---- */

void rpc_request_clear(struct rpc_request *req)
{
	if (req == NULL)
		return;
	json_decref(req->id);
	json_decref(req->params);
	free(req->method);
	req->id = NULL;
	req->params = NULL;
	req->method = NULL;
}

static const struct wire_syntax *const wire_syntaxes[] = {
	[RPC_WIRE_JSON] = &json_wire_syntax,
	[RPC_WIRE_XML] = &xml_wire_syntax,
};

void rpc_encode_value(struct buf *out, enum rpc_wire wire, json_t *value, const struct xtype *type)
{
	wire_syntaxes[wire]->value(out, value, type);
}

void rpc_reply_begin(struct buf *out, const struct rpc_request *req)
{
	wire_syntaxes[req->wire]->reply_begin(out, req);
}

void rpc_reply_end(struct buf *out, const struct rpc_request *req)
{
	wire_syntaxes[req->wire]->reply_end(out, req);
}

void rpc_encode_success(struct buf *out, const struct rpc_request *req, json_t *result, const struct xtype *type)
{
	rpc_reply_begin(out, req);
	rpc_encode_value(out, req->wire, result, type);
	rpc_reply_end(out, req);
}

void rpc_encode_failure(struct buf *out, const struct rpc_request *req, json_t *error_desc)
{
	wire_syntaxes[req->wire]->failure(out, req, error_desc);
}

void rpc_map_begin(struct buf *out, enum rpc_wire wire)
{
	wire_put_text(out, wire_syntaxes[wire]->struct_begin);
}

void rpc_map_key(struct buf *out, enum rpc_wire wire, const char *key, bool first)
{
	wire_member_begin(out, wire_syntaxes[wire], key, strlen(key), first);
}

void rpc_map_value_end(struct buf *out, enum rpc_wire wire)
{
	wire_put_text(out, wire_syntaxes[wire]->member_end);
}

void rpc_map_end(struct buf *out, enum rpc_wire wire)
{
	wire_put_text(out, wire_syntaxes[wire]->struct_end);
}

void rpc_encode_raw_json(struct buf *out, const char *json_text, size_t len)
{
	wire_put(out, json_text, len);
}
