/*
 * Private to src/xapi/wire: what jsonrpc.c, xmlrpc.c and rpc.c share.
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
   event batch when batch; NULL when undeclared. Both encoders ask this for each struct member. */
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

/* jsonrpc.c */
void json_wire_value(struct buf *out, json_t *value, const struct xtype *type);
void json_wire_reply_begin(struct buf *out, const struct rpc_request *req);
void json_wire_reply_end(struct buf *out, const struct rpc_request *req);
void json_wire_failure(struct buf *out, const struct rpc_request *req, json_t *error_desc);
void json_wire_string(struct buf *out, const char *s, size_t len);

/* xmlrpc.c */
void xml_wire_value(struct buf *out, json_t *value, const struct xtype *type);
void xml_wire_reply_begin(struct buf *out);
void xml_wire_reply_end(struct buf *out);
void xml_wire_failure(struct buf *out, json_t *error_desc);
void xml_wire_text(struct buf *out, const char *s, size_t len);

#endif
