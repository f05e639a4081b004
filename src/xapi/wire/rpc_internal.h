/*
 * Private to src/xapi/wire: what jsonrpc.c, xmlrpc.c, walk.h and rpc.c share.
 * Output helpers write straight into a struct buf (keeping its NUL
 * terminator) without a call per byte; type helpers answer "what is the
 * declared type of this record field / event-batch member" in O(1).
 */
#ifndef OVCP_XAPI_WIRE_RPC_INTERNAL_H
#define OVCP_XAPI_WIRE_RPC_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "xapi/wire/rpc.h"

/* ---- output ---- */
static inline void wire_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

#define WIRE_LIT(b, lit) wire_put((b), (lit), sizeof(lit) - 1)

/* Eight bytes at a time: the escapers skip whole words with nothing to escape.
   These tests may flag a clean word (then it is scanned byte by byte), never miss one. */
#define WIRE_ONES  0x0101010101010101ull
#define WIRE_HIGHS 0x8080808080808080ull

static inline uint64_t wire_word(const char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

static inline uint64_t wire_word_has(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (WIRE_ONES * c);

	return (y - WIRE_ONES) & ~y & WIRE_HIGHS;
}

static inline uint64_t wire_word_has_control(uint64_t x)
{
	return (x - WIRE_ONES * 0x20) & ~x & WIRE_HIGHS;
}

/* Copy whole words of s from i on to *p while dirty(word) is 0 (nothing to escape in it);
   the new i. Inline with a constant dirty: each escaper gets its own loop. */
static inline size_t wire_copy_clean_words(char **p, const char *s, size_t i, size_t len, uint64_t (*dirty)(uint64_t))
{
	while (i + 8 <= len) {
		uint64_t w = wire_word(s + i);
		if (dirty(w))
			break;
		memcpy(*p, s + i, 8);
		*p += 8;
		i += 8;
	}
	return i;
}

static inline void wire_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* rpc.c */
void wire_put_int(struct buf *b, json_int_t v);
/* A record's class for a declared XT_RECORD type; NULL for "<class>" or an unknown class. */
const struct model_class *wire_record_class(const struct xtype *t);
/* The class of an event's snapshot, from the event's "class" member ("vm" -> VM). */
const struct model_class *wire_snapshot_class(json_t *event);
/* The declared type of field `name` of cls, or NULL when the class has no such field. */
const struct xtype *wire_field_type(const struct model_class *cls, const char *name);
/* The same for the index-th member of a record: records are usually built in the model's
   field order, so the index-th field is tried first (one comparison), the hash after. */
static inline const struct xtype *wire_field_type_at(const struct model_class *cls, size_t index, const char *name,
						     size_t len)
{
	if (index < cls->field_count) {
		const char *f = cls->fields[index].name;
		if (strncmp(f, name, len) == 0 && f[len] == '\0')
			return cls->fields[index].type;
	}
	return wire_field_type(cls, name);
}
/* The type of a member of an event batch ("events", "valid_ref_counts", "token"), or NULL. */
const struct xtype *wire_event_batch_type(const char *name);
/* The declared type of the index-th member of a record of cls (NULL: unknown class), or of an
   event batch when batch; NULL when undeclared. The walk asks this for each struct member. */
static inline const struct xtype *wire_member_type(const struct model_class *cls, bool batch, size_t index,
						   const char *name, size_t len)
{
	if (batch)
		return wire_event_batch_type(name);
	return cls ? wire_field_type_at(cls, index, name, len) : NULL;
}
/* Parse a whole decimal int64 (optional sign); false if it is not one. */
bool wire_int_parse(const char *s, size_t len, json_int_t *out);
/* Set e to [code, p1, p2] (p2 may be NULL); parameters are made printable ASCII and cut short,
   since they may quote hostile input. */
void wire_err_set(struct err *e, const char *code, const char *p1, const char *p2);

/* ---- one wire's syntax ----
 * What the walk (walk.h) writes for each piece of a value. A wire file fills one table and keeps
 * only its syntax: fixed pieces are text (a piece it leaves out is empty), variable ones are
 * functions. A "struct" is a record, a map or a JSON object; an "array" a set or a JSON array. */
struct wire_text {
	const char *text;
	size_t len;
};
#define WIRE_TEXT(lit) { (lit), sizeof(lit) - 1 }

struct wire_syntax {
	struct wire_text struct_begin, struct_end;
	struct wire_text member_separator;         /* between two members */
	struct wire_text name_begin, name_end;     /* around a member's name (escaped by text()) */
	struct wire_text member_end;               /* after a member's value */
	struct wire_text array_begin, array_end;
	struct wire_text item_separator;           /* between two items */
	struct wire_text scalar_begin, scalar_end; /* around a string (escaped by text()) or an int */
	struct wire_text null, true_value, false_value;
	/* around a canonical datetime ("YYYYMMDDTHH:MM:SSZ"), when has_datetime; without one
	   a datetime is written as the string it is */
	struct wire_text datetime_begin, datetime_end;
	bool has_datetime;
	/* ints travel as strings: a numeric string in an int field already is the int's wire form */
	bool ints_as_strings;
	void (*text)(struct buf *b, const char *s, size_t len); /* a string or a name, escaped */
	void (*real)(struct buf *b, double d); /* a whole float value */
	/* a whole value: the walk (walk.h) compiled for this wire; rpc_encode_value()'s contract */
	void (*value)(struct buf *b, json_t *value, const struct xtype *type);
	/* whole replies (rpc.h's shapes) */
	void (*reply_begin)(struct buf *out, const struct rpc_request *req);
	void (*reply_end)(struct buf *out, const struct rpc_request *req);
	void (*failure)(struct buf *out, const struct rpc_request *req, json_t *error_desc);
};

static inline void wire_put_text(struct buf *b, struct wire_text t)
{
	if (t.len) /* in the walk t is a constant: the test folds away, the copy has a known size */
		wire_put(b, t.text, t.len);
}

/* What precedes a member's value: the separator unless first, then its name. */
static inline void wire_member_begin(struct buf *b, const struct wire_syntax *w, const char *name, size_t len,
				     bool first)
{
	if (!first)
		wire_put_text(b, w->member_separator);
	wire_put_text(b, w->name_begin);
	w->text(b, name, len);
	wire_put_text(b, w->name_end);
}

/* jsonrpc.c, xmlrpc.c */
extern const struct wire_syntax json_wire_syntax;
extern const struct wire_syntax xml_wire_syntax;

#endif
