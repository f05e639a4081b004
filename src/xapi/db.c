/*
 * The object database over the store; see db.h for the layout and the
 * relation invariant.
 */
#include "xapi/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

/* One-to-many relations: one_class.one_field (a ref) <-> many_class.many_field (a ref set). */
static const struct relation {
	const char *one_class, *one_field, *many_class, *many_field;
} relations[] = {
	{ "VBD", "VM", "VM", "VBDs" },		{ "VBD", "VDI", "VDI", "VBDs" },
	{ "VIF", "VM", "VM", "VIFs" },		{ "VIF", "network", "network", "VIFs" },
	{ "PBD", "host", "host", "PBDs" },	{ "PBD", "SR", "SR", "PBDs" },
	{ "VDI", "SR", "SR", "VDIs" },		{ "PIF", "host", "host", "PIFs" },
	{ "PIF", "network", "network", "PIFs" }, { "console", "VM", "VM", "consoles" },
	{ "VM", "resident_on", "host", "resident_VMs" }, { "task", "subtask_of", "task", "subtasks" },
	{ "VM", "snapshot_of", "VM", "snapshots" }, { "VDI", "snapshot_of", "VDI", "snapshots" },
	{ "VM", "parent", "VM", "children" },	{ "VLAN", "tagged_PIF", "PIF", "VLAN_slave_of" },
};

#define MAX_TXN_OPS 32
#define MAX_RETRIES 200

void db_key(const struct model_class *cls, const char *ref, char *out, size_t size)
{
	snprintf(out, size, DB_PREFIX "%s/%s", cls->name, ref);
}

int db_key_parse(const char *key, const struct model_class **cls, const char **ref)
{
	char name[64];
	const char *slash;

	if (strncmp(key, DB_PREFIX, strlen(DB_PREFIX)) != 0)
		return -1;
	key += strlen(DB_PREFIX);
	slash = strchr(key, '/');
	if (slash == NULL || (size_t)(slash - key) >= sizeof(name))
		return -1;
	memcpy(name, key, (size_t)(slash - key));
	name[slash - key] = '\0';
	*cls = model_class_find(name);
	*ref = slash + 1;
	return *cls ? 0 : -1;
}

static char *record_dump(json_t *rec)
{
	return json_dumps(rec, JSON_COMPACT);
}

static int handle_invalid(struct err *e, const struct model_class *cls, const char *ref)
{
	err_set(e, "HANDLE_INVALID", cls->name, ref, NULL);
	return -1;
}

char *db_get_raw(struct store *s, const struct model_class *cls, const char *ref, struct err *e)
{
	char key[256], *value = NULL;
	int rc;

	db_key(cls, ref, key, sizeof(key));
	rc = store_get(s, key, &value, NULL, e);
	if (rc == 0)
		handle_invalid(e, cls, ref);
	return rc == 1 ? value : NULL;
}

static json_t *parse_record(const struct model_class *cls, const char *text, struct err *e)
{
	json_error_t jerr;
	json_t *rec = json_loads(text, 0, &jerr);

	if (!json_is_object(rec)) {
		json_decref(rec);
		err_internal(e, "stored %s record does not parse: %s", cls->name, jerr.text);
		return NULL;
	}
	return rec;
}

json_t *db_get(struct store *s, const struct model_class *cls, const char *ref, struct err *e)
{
	char *text = db_get_raw(s, cls, ref, e);
	json_t *rec;

	if (text == NULL)
		return NULL;
	rec = parse_record(cls, text, e);
	free(text);
	return rec;
}

bool db_exists(struct store *s, const struct model_class *cls, const char *ref)
{
	char key[256], *value = NULL;
	int rc;

	db_key(cls, ref, key, sizeof(key));
	rc = store_get(s, key, &value, NULL, NULL);
	free(value);
	return rc == 1;
}

/* A transaction being assembled: owned keys and values, freed together. */
struct txn {
	struct store_op ops[MAX_TXN_OPS];
	char *owned[2 * MAX_TXN_OPS];
	size_t n, nowned;
};

static const char *txn_own(struct txn *t, char *s)
{
	t->owned[t->nowned++] = s;
	return s;
}

static void txn_free(struct txn *t)
{
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	t->n = t->nowned = 0;
}

/* Add or remove `ref` in target's set field, as one more op of the transaction. */
static int txn_relation_edit(struct txn *t, struct store *s, const char *many_class, const char *many_field,
			     const char *target, const char *ref, bool add, struct err *e)
{
	const struct model_class *tc = model_class_find(many_class);
	char key[256], *text = NULL;
	uint64_t rev;
	json_t *rec, *set, *v;
	size_t i;
	int rc;

	if (tc == NULL || ref_is_null(target) || t->n >= MAX_TXN_OPS)
		return 0;
	/* The same target may already be in this transaction (e.g. two relations to one VM). */
	db_key(tc, target, key, sizeof(key));
	for (i = 0; i < t->n; i++)
		if (strcmp(t->ops[i].key, key) == 0 && t->ops[i].kind == STORE_OP_PUT)
			break;
	if (i < t->n) {
		text = strdup(t->ops[i].value);
		rev = 0;
	} else {
		rc = store_get(s, key, &text, &rev, e);
		if (rc < 0)
			return -1;
		if (rc == 0 && add) {
			err_set(e, "HANDLE_INVALID", many_class, target, NULL);
			return -1;
		}
		if (rc == 0)
			return 0; /* the old target is gone: nothing to keep in line */
	}
	rec = parse_record(tc, text, e);
	free(text);
	if (rec == NULL)
		return -1;
	set = json_object_get(rec, many_field);
	if (!json_is_array(set)) {
		json_decref(rec);
		return 0;
	}
	json_array_foreach(set, i, v) {
		if (strcmp(json_string_value(v), ref) == 0)
			break;
	}
	if (add && i == json_array_size(set))
		json_array_append_new(set, json_string(ref));
	else if (!add && i < json_array_size(set))
		json_array_remove(set, i);
	char *dumped = record_dump(rec);
	json_decref(rec);
	for (size_t j = 0; j < t->n; j++)
		if (strcmp(t->ops[j].key, key) == 0) {
			t->ops[j].value = txn_own(t, dumped);
			return 0;
		}
	t->ops[t->n++] = (struct store_op){ STORE_OP_PUT, txn_own(t, strdup(key)), txn_own(t, dumped),
					    (int64_t)rev, 0 };
	return 0;
}

/* For each relation of cls, move `ref` between the old and new targets' sets. */
static int txn_relations(struct txn *t, struct store *s, const struct model_class *cls, const char *ref,
			 json_t *old_rec, json_t *new_rec, struct err *e)
{
	for (size_t i = 0; i < MODEL_COUNT(relations); i++) {
		const struct relation *r = &relations[i];
		if (strcmp(r->one_class, cls->name) != 0)
			continue;
		const char *was = old_rec ? json_string_value(json_object_get(old_rec, r->one_field)) : NULL;
		const char *now = new_rec ? json_string_value(json_object_get(new_rec, r->one_field)) : NULL;
		if (was && now && strcmp(was, now) == 0)
			continue;
		if (was && txn_relation_edit(t, s, r->many_class, r->many_field, was, ref, false, e) < 0)
			return -1;
		if (now && txn_relation_edit(t, s, r->many_class, r->many_field, now, ref, true, e) < 0)
			return -1;
	}
	return 0;
}

/* Apply a transaction whose first op is the object's own; 0 done, 1 conflict (retry), -1 error. */
static int txn_commit(struct txn *t, struct store *s, struct err *e)
{
	int rc = store_txn(s, t->ops, t->n, NULL, NULL, e);

	txn_free(t);
	return rc;
}

int db_create(struct store *s, const struct model_class *cls, json_t *rec, const char *ref_in,
	      char ref_out[REF_LEN], struct err *e)
{
	char uuid[UUID_STR_LEN], ref[REF_LEN], key[256];
	const char *u = json_string_value(json_object_get(rec, "uuid"));
	struct txn t = { 0 };

	if (u == NULL || *u == '\0') {
		uuid_generate_str(uuid);
		json_object_set_new(rec, "uuid", json_string(uuid));
		u = uuid;
	}
	if (ref_in)
		snprintf(ref, sizeof(ref), "%s", ref_in);
	else
		ref_from_uuid(u, ref);
	db_key(cls, ref, key, sizeof(key));
	for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
		t.ops[t.n++] = (struct store_op){ STORE_OP_PUT, txn_own(&t, strdup(key)),
						  txn_own(&t, record_dump(rec)), STORE_EXPECT_ABSENT, 0 };
		if (txn_relations(&t, s, cls, ref, NULL, rec, e) < 0) {
			txn_free(&t);
			return -1;
		}
		int rc = txn_commit(&t, s, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (ref_out)
				memcpy(ref_out, ref, REF_LEN);
			return 0;
		}
		if (db_exists(s, cls, ref)) {
			err_set(e, "UUID_INVALID", cls->name, u, NULL); /* uuid already in use */
			return -1;
		}
	}
	err_internal(e, "create %s: too many conflicting writers", cls->name);
	return -1;
}

/*
 * Read-modify-write of one object with its relations, retried on conflict:
 * fn changes a copy of the record, or, when fn is NULL, the object is
 * deleted. `what` names the operation in errors.
 */
static int db_change(struct store *s, const struct model_class *cls, const char *ref, db_mutator fn, void *arg,
		     const char *what, struct err *e)
{
	char key[256];

	db_key(cls, ref, key, sizeof(key));
	for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
		char *text = NULL;
		uint64_t rev;
		struct txn t = { 0 };
		json_t *rec = NULL;
		int rc = store_get(s, key, &text, &rev, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return handle_invalid(e, cls, ref);
		json_t *old_rec = parse_record(cls, text, e);
		free(text);
		if (old_rec == NULL)
			return -1;
		if (fn != NULL) {
			rec = json_deep_copy(old_rec);
			if (fn(rec, arg, e) < 0) {
				json_decref(old_rec);
				json_decref(rec);
				return -1;
			}
			t.ops[t.n++] = (struct store_op){ STORE_OP_PUT, txn_own(&t, strdup(key)),
							  txn_own(&t, record_dump(rec)), (int64_t)rev, 0 };
		} else {
			t.ops[t.n++] = (struct store_op){ STORE_OP_DELETE, txn_own(&t, strdup(key)), NULL,
							  (int64_t)rev, 0 };
		}
		rc = txn_relations(&t, s, cls, ref, old_rec, rec, e);
		json_decref(old_rec);
		json_decref(rec);
		if (rc < 0) {
			txn_free(&t);
			return -1;
		}
		rc = txn_commit(&t, s, e);
		if (rc <= 0)
			return rc;
	}
	err_internal(e, "%s %s %s: too many conflicting writers", what, cls->name, ref);
	return -1;
}

int db_update(struct store *s, const struct model_class *cls, const char *ref, db_mutator fn, void *arg,
	      struct err *e)
{
	return db_change(s, cls, ref, fn, arg, "update", e);
}

struct set_field_arg {
	const char *field;
	json_t *value;
};

static int set_field_mutator(json_t *rec, void *arg, struct err *e)
{
	struct set_field_arg *a = arg;

	json_object_set(rec, a->field, a->value);
	return 0;
}

int db_set_field(struct store *s, const struct model_class *cls, const char *ref, const char *field, json_t *value,
		 struct err *e)
{
	struct set_field_arg a = { field, value };

	return db_update(s, cls, ref, set_field_mutator, &a, e);
}

int db_touch(struct store *s, const struct model_class *cls, const char *ref, uint64_t *rev, struct err *e)
{
	char key[256];

	db_key(cls, ref, key, sizeof(key));
	for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
		char *text = NULL;
		uint64_t mod;
		int rc = store_get(s, key, &text, &mod, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return handle_invalid(e, cls, ref);
		rc = store_put(s, key, text, (int64_t)mod, rev, e);
		free(text);
		if (rc <= 0)
			return rc;
	}
	err_internal(e, "touch %s %s: too many conflicting writers", cls->name, ref);
	return -1;
}

int db_destroy(struct store *s, const struct model_class *cls, const char *ref, struct err *e)
{
	return db_change(s, cls, ref, NULL, NULL, "destroy", e);
}

struct list_arg {
	db_list_cb cb;
	void *arg;
	size_t skip;
};

static int list_adapter(const struct store_kv *kv, void *arg)
{
	struct list_arg *a = arg;

	return a->cb(kv->key + a->skip, kv->value, a->arg);
}

int db_list(struct store *s, const struct model_class *cls, db_list_cb cb, void *arg, struct err *e)
{
	char prefix[128];
	struct list_arg a = { cb, arg, 0 };

	snprintf(prefix, sizeof(prefix), DB_PREFIX "%s/", cls->name);
	a.skip = strlen(prefix);
	return store_list(s, prefix, list_adapter, &a, NULL, e);
}

static int collect_ref(const char *ref, const char *text, void *arg)
{
	json_array_append_new(arg, json_string(ref));
	return 0;
}

json_t *db_all_refs(struct store *s, const struct model_class *cls, struct err *e)
{
	json_t *refs = json_array();

	if (db_list(s, cls, collect_ref, refs, e) < 0) {
		json_decref(refs);
		return NULL;
	}
	return refs;
}

int64_t db_count(struct store *s, const struct model_class *cls, struct err *e)
{
	char prefix[128];

	snprintf(prefix, sizeof(prefix), DB_PREFIX "%s/", cls->name);
	return store_count(s, prefix, e);
}

struct find_arg {
	const char *field;
	const char *value;
	char *needle; /* the JSON text "field":"value" to prefilter the stored text with */
	json_t *refs;
	bool first_only;
};

static int find_matching(const char *ref, const char *text, void *arg)
{
	struct find_arg *a = arg;
	json_t *rec;

	if (strstr(text, a->needle) == NULL)
		return 0;
	rec = json_loads(text, 0, NULL);
	const char *v = json_string_value(json_object_get(rec, a->field));
	if (v && strcmp(v, a->value) == 0)
		json_array_append_new(a->refs, json_string(ref));
	json_decref(rec);
	return a->first_only && json_array_size(a->refs) > 0;
}

json_t *db_find_by_field(struct store *s, const struct model_class *cls, const char *field, const char *value,
			 struct err *e)
{
	json_t *probe = json_pack("{ss}", field, value);
	char *needle = json_dumps(probe, JSON_COMPACT);
	struct find_arg a = { field, value, NULL, json_array(), false };

	json_decref(probe);
	/* {"field":"value"} -> "field":"value" */
	needle[strlen(needle) - 1] = '\0';
	a.needle = needle + 1;
	if (db_list(s, cls, find_matching, &a, e) < 0) {
		json_decref(a.refs);
		a.refs = NULL;
	}
	free(needle);
	return a.refs;
}

json_t *db_find_by_name_label(struct store *s, const struct model_class *cls, const char *label, struct err *e)
{
	return db_find_by_field(s, cls, "name_label", label, e);
}

int db_find_by_uuid(struct store *s, const struct model_class *cls, const char *uuid, char ref_out[REF_LEN],
		    struct err *e)
{
	if (strcmp(cls->name, "session") != 0) {
		if (uuid_is_valid(uuid)) {
			ref_from_uuid(uuid, ref_out);
			if (db_exists(s, cls, ref_out))
				return 0;
		}
	} else {
		json_t *refs = db_find_by_field(s, cls, "uuid", uuid, e);
		if (refs == NULL)
			return -1;
		if (json_array_size(refs) > 0) {
			snprintf(ref_out, REF_LEN, "%s", json_string_value(json_array_get(refs, 0)));
			json_decref(refs);
			return 0;
		}
		json_decref(refs);
	}
	err_set(e, "UUID_INVALID", cls->name, uuid, NULL);
	return -1;
}

struct upgrade_arg {
	const struct model_class *cls;
	json_t *fixed; /* ref -> completed record, written after the listing */
};

static int upgrade_one(const char *ref, const char *text, void *arg)
{
	struct upgrade_arg *a = arg;
	json_t *rec = json_loads(text, 0, NULL);

	if (rec && record_complete(a->cls, rec) > 0)
		json_object_set(a->fixed, ref, rec);
	json_decref(rec);
	return 0;
}

int db_upgrade(struct store *s, struct err *e)
{
	for (size_t c = 0; c < model_class_count; c++) {
		struct upgrade_arg a = { &model_classes[c], json_object() };
		const char *ref;
		json_t *rec;
		if (db_list(s, a.cls, upgrade_one, &a, e) < 0) {
			json_decref(a.fixed);
			return -1;
		}
		json_object_foreach(a.fixed, ref, rec) {
			char key[256], *dumped = record_dump(rec);
			db_key(a.cls, ref, key, sizeof(key));
			int rc = store_put(s, key, dumped, STORE_EXPECT_ANY, NULL, e);
			free(dumped);
			if (rc < 0) {
				json_decref(a.fixed);
				return -1;
			}
		}
		if (json_object_size(a.fixed))
			log_info("upgraded %zu %s records to the current object model", json_object_size(a.fixed),
				 a.cls->name);
		json_decref(a.fixed);
	}
	return 0;
}
