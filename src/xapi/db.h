/*
 * The object database: XenAPI records kept in the store.
 *
 * Each object is one key, "xapi/<Class>/<ref>", whose value is its complete
 * record as compact JSON in table order (so JSON-RPC answers can splice the
 * stored text). Refs are "OpaqueRef:<uuid>" of the object's own uuid, which
 * makes get_by_uuid one lookup; sessions are the exception (their ref is a
 * secret, unrelated to their uuid).
 *
 * One-to-many relations (VBD.VM <-> VM.VBDs, ...) are kept true here: a
 * change of the "one" side rewrites the sets on the "many" side in the same
 * store transaction, so the store never holds a half-updated relation and
 * the events of both objects carry the same revision.
 *
 * Updates are read-modify-write with compare-and-swap on the key's revision,
 * retried on conflict; no lock is held while a caller's mutator runs beyond
 * the one read it works on.
 */
#ifndef OVCP_XAPI_DB_H
#define OVCP_XAPI_DB_H

#include <jansson.h>
#include <stdint.h>

#include "common/err.h"
#include "store/store.h"
#include "xapi/model.h"
#include "xapi/record.h"

#define DB_PREFIX "xapi/"

/* "xapi/VM/OpaqueRef:..." into out (size >= 256). */
void db_key(const struct model_class *cls, const char *ref, char *out, size_t size);

/*
 * Store a new object. rec must be complete (record_from_args / record_new_default);
 * its uuid is generated if empty; ref_in may give the ref (sessions), else it
 * derives from the uuid. The ref is written to ref_out if non-NULL. 0 / -1.
 */
int db_create(struct store *s, const struct model_class *cls, json_t *rec, const char *ref_in,
	      char ref_out[REF_LEN], struct err *e);

/* The record (new reference), or NULL with ["HANDLE_INVALID", class, ref]. */
json_t *db_get(struct store *s, const struct model_class *cls, const char *ref, struct err *e);
/* The stored JSON text (malloc'd), or NULL with HANDLE_INVALID. */
char *db_get_raw(struct store *s, const struct model_class *cls, const char *ref, struct err *e);
bool db_exists(struct store *s, const struct model_class *cls, const char *ref);

/* A mutator changes rec in place; return -1 with e set to abort the update. */
typedef int (*db_mutator)(json_t *rec, void *arg, struct err *e);
int db_update(struct store *s, const struct model_class *cls, const char *ref, db_mutator fn, void *arg,
	      struct err *e);
/* Set one field to a canonical value (takes no ownership). */
int db_set_field(struct store *s, const struct model_class *cls, const char *ref, const char *field, json_t *value,
		 struct err *e);
/* Rewrite the record unchanged: a new revision and a "mod" event (event.inject). */
int db_touch(struct store *s, const struct model_class *cls, const char *ref, uint64_t *rev, struct err *e);

int db_destroy(struct store *s, const struct model_class *cls, const char *ref, struct err *e);

/* Call cb with each object of the class (ref and stored JSON text). Returns 0 / -1. */
typedef int (*db_list_cb)(const char *ref, const char *json_text, void *arg);
int db_list(struct store *s, const struct model_class *cls, db_list_cb cb, void *arg, struct err *e);
/* All refs of the class as a JSON array. */
json_t *db_all_refs(struct store *s, const struct model_class *cls, struct err *e);
int64_t db_count(struct store *s, const struct model_class *cls, struct err *e);

/* The ref of the object with this uuid, or -1 with ["UUID_INVALID", class, uuid]. */
int db_find_by_uuid(struct store *s, const struct model_class *cls, const char *uuid, char ref_out[REF_LEN],
		    struct err *e);
/* Refs of objects whose name_label equals label (JSON array). */
json_t *db_find_by_name_label(struct store *s, const struct model_class *cls, const char *label, struct err *e);
/* Refs of objects whose field (a string) equals value. */
json_t *db_find_by_field(struct store *s, const struct model_class *cls, const char *field, const char *value,
			 struct err *e);

/* Parse a store key back to class and ref; 0 / -1 when it is not an object key. */
int db_key_parse(const char *key, const struct model_class **cls, const char **ref);

/* Bring stored records up to the table (missing fields get defaults). Run at start. */
int db_upgrade(struct store *s, struct err *e);

#endif
