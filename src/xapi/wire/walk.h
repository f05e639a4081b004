/*
 * The one type-directed walk both encoders share. It follows the declared
 * XenAPI type (xtype) and the JSON value side by side and hands each piece to
 * a wire's syntax table (struct wire_syntax: jsonrpc.c, xmlrpc.c), which holds
 * only that wire's text and escaping. Every rule about what a type means on
 * the wire lives here:
 *
 *   void                   the empty string, whatever the value holds
 *   int                    a numeric string becomes an integer, unless the wire
 *                          carries ints as strings (then it stands as it is)
 *   float                  an integer is written as a float
 *   datetime               a string that is a datetime, canonical, on wires with a
 *                          datetime form; anything else by its own JSON type
 *   set / map              an array / object, elements typed by the element type
 *   record                 an object whose members are typed by the class's fields;
 *                          an event's "<class>" snapshot by the event's "class"
 *   event batch            "events", "valid_ref_counts" and "token" typed
 *   anything else, or a value that does not have the declared shape:
 *                          by the value's own JSON type, untyped all the way down
 *
 * Why a header of static functions: each wire file includes it once and calls
 * wire_walk() with its own table, a constant, so the compiler specialises the
 * walk per wire: table calls become direct (often inlined) calls and the fixed
 * texts constant copies. The same walk in one .c file taking the table at run
 * time cost 6% more instructions per encoded VM record (callgrind) than the
 * two hand-written encoders it replaced; specialised, 0.1%. Include it from
 * jsonrpc.c and xmlrpc.c only.
 *
 * Invariants: the walk writes nothing itself; it recurses only as deep as the
 * value (decoded values are depth-limited, stored ones are records).
 */
#ifndef OVCP_XAPI_WIRE_WALK_H
#define OVCP_XAPI_WIRE_WALK_H

#include "xapi/wire/rpc_internal.h"

static inline void walk_string(struct buf *b, const struct wire_syntax *w, const char *s, size_t len)
{
	wire_put_text(b, w->scalar_begin);
	w->text(b, s, len);
	wire_put_text(b, w->scalar_end);
}

static inline void walk_integer(struct buf *b, const struct wire_syntax *w, json_int_t v)
{
	wire_put_text(b, w->scalar_begin);
	wire_put_int(b, v);
	wire_put_text(b, w->scalar_end);
}

static void walk_typed(struct buf *b, const struct wire_syntax *w, json_t *v, const struct xtype *t);
static void walk_container(struct buf *b, const struct wire_syntax *w, json_t *v, const struct xtype *elem);

/* v by its own JSON type, all the way down. */
static void walk_untyped(struct buf *b, const struct wire_syntax *w, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY: walk_container(b, w, v, NULL); break;
	case JSON_STRING: walk_string(b, w, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: walk_integer(b, w, json_integer_value(v)); break;
	case JSON_REAL: w->real(b, json_real_value(v)); break;
	case JSON_TRUE: wire_put_text(b, w->true_value); break;
	case JSON_FALSE: wire_put_text(b, w->false_value); break;
	case JSON_NULL: wire_put_text(b, w->null); break;
	}
}

/* A record of cls (NULL: unknown class, all members by value), or an event batch when batch. */
static void walk_record(struct buf *b, const struct wire_syntax *w, json_t *obj, const struct model_class *cls,
			bool batch)
{
	const char *key;
	size_t key_len, index = 0;
	json_t *item;

	wire_put_text(b, w->struct_begin);
	json_object_keylen_foreach(obj, key, key_len, item) {
		const struct xtype *ft = wire_member_type(cls, batch, index, key, key_len);
		wire_member_begin(b, w, key, key_len, index++ == 0);
		if (ft && ft->kind == XT_RECORD && ft->name && ft->name[0] == '<' && json_is_object(item))
			walk_record(b, w, item, wire_snapshot_class(obj), false);
		else
			walk_typed(b, w, item, ft);
		wire_put_text(b, w->member_end);
	}
	wire_put_text(b, w->struct_end);
}

/* An array (a set) or an object (a map) whose elements are all of type elem (NULL: untyped). */
static void walk_container(struct buf *b, const struct wire_syntax *w, json_t *v, const struct xtype *elem)
{
	const char *key;
	size_t key_len, i;
	json_t *item;
	bool first = true;

	if (json_is_array(v)) {
		wire_put_text(b, w->array_begin);
		json_array_foreach(v, i, item) {
			if (i)
				wire_put_text(b, w->item_separator);
			walk_typed(b, w, item, elem);
		}
		wire_put_text(b, w->array_end);
		return;
	}
	wire_put_text(b, w->struct_begin);
	json_object_keylen_foreach(v, key, key_len, item) {
		wire_member_begin(b, w, key, key_len, first);
		first = false;
		walk_typed(b, w, item, elem);
		wire_put_text(b, w->member_end);
	}
	wire_put_text(b, w->struct_end);
}

static void walk_typed(struct buf *b, const struct wire_syntax *w, json_t *v, const struct xtype *t)
{
	json_int_t n;
	char canonical[RPC_DATETIME_LEN + 1];

	switch (t ? t->kind : XT_ANY) {
	case XT_VOID:
		walk_string(b, w, "", 0);
		return;
	case XT_INT:
		if (!w->ints_as_strings && json_is_string(v) &&
		    wire_int_parse(json_string_value(v), json_string_length(v), &n)) {
			walk_integer(b, w, n);
			return;
		}
		break;
	case XT_FLOAT:
		if (json_is_integer(v)) {
			w->real(b, (double)json_integer_value(v));
			return;
		}
		break;
	case XT_DATETIME: /* only a real datetime, canonical: strict clients choke on others */
		if (w->has_datetime && json_is_string(v) &&
		    rpc_datetime_normalise(json_string_value(v), json_string_length(v), canonical) == 0) {
			wire_put_text(b, w->datetime_begin);
			wire_put(b, canonical, RPC_DATETIME_LEN);
			wire_put_text(b, w->datetime_end);
			return;
		}
		break;
	case XT_SET:
		if (json_is_array(v)) {
			walk_container(b, w, v, t->elem);
			return;
		}
		break;
	case XT_MAP:
		if (json_is_object(v)) {
			walk_container(b, w, v, t->elem);
			return;
		}
		break;
	case XT_RECORD:
	case XT_EVENT_BATCH:
		if (json_is_object(v)) {
			bool batch = t->kind == XT_EVENT_BATCH;
			walk_record(b, w, v, batch ? NULL : wire_record_class(t), batch);
			return;
		}
		break;
	default:
		break; /* string, bool, enum, ref, any: the value's own form is the wire's */
	}
	walk_untyped(b, w, v);
}

/* Write value (borrowed; NULL writes the wire's null, or the empty string when type is void)
   as type declares it (NULL: by the value's own JSON type), in w's syntax. */
static inline void wire_walk(struct buf *b, const struct wire_syntax *w, json_t *value, const struct xtype *type)
{
	if (value == NULL && !(type && type->kind == XT_VOID)) {
		wire_put_text(b, w->null);
		return;
	}
	walk_typed(b, w, value, type);
}

#endif
