/*
 * Records and values by the object model's types.
 *
 * A record is a JSON object holding every field of its class, in table
 * order, with canonical values: ints as JSON integers, floats as reals,
 * datetimes as "YYYYMMDDTHH:MM:SSZ" strings, refs as "OpaqueRef:<uuid>",
 * sets as arrays, maps as objects with string keys. Values arriving from the
 * wire are coerced to that form by their declared type (an XML-RPC client
 * sends ints as strings), or refused with FIELD_TYPE_ERROR.
 */
#ifndef OVCP_XAPI_RECORD_H
#define OVCP_XAPI_RECORD_H

#include <jansson.h>
#include <stdbool.h>

#include "common/err.h"
#include "xapi/model.h"

#define REF_NULL "OpaqueRef:NULL"
#define REF_PREFIX "OpaqueRef:"
#define REF_LEN (10 + 36 + 1) /* "OpaqueRef:" + uuid + NUL */

/* A new ref "OpaqueRef:<random uuid>" into out. */
void ref_new(char out[REF_LEN]);
/* The ref of an object whose uuid is known: OVCP refs are "OpaqueRef:<uuid>" (sessions excepted). */
void ref_from_uuid(const char *uuid, char out[REF_LEN]);
/* Has the shape "OpaqueRef:<uuid>" or is OpaqueRef:NULL. */
bool ref_is_wellformed(const char *ref);
bool ref_is_null(const char *ref);

/* The default value of a field (new reference). */
json_t *record_field_default(const struct model_field *f);
/* A record of the class with every field at its default. */
json_t *record_new_default(const struct model_class *cls);
/* Add any field the record lacks (after a model change); returns the number added. */
int record_complete(const struct model_class *cls, json_t *rec);

/*
 * Coerce a value from the wire to the canonical form of type t. On success
 * *out is a new reference. On failure: ["FIELD_TYPE_ERROR", name].
 */
int value_coerce(const struct xtype *t, json_t *in, json_t **out, const char *name, struct err *e);

/*
 * Build a new record for create() from the caller's args: fields given are
 * coerced, the rest take their defaults; a writable or constructor field
 * with no default that is missing is ["FIELD_TYPE_ERROR", field].
 * Runtime-only fields given by the caller are ignored.
 */
json_t *record_from_args(const struct model_class *cls, json_t *args, struct err *e);

#endif
