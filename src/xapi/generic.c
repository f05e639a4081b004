/*
 * The generic calls every class gets from the object model: get_all,
 * get_all_records, get_record, get_by_uuid, get_by_name_label, create,
 * destroy, get_FIELD, set_FIELD, add_to_/remove_from_FIELD (maps) and
 * add_/remove_FIELD (sets). Nothing here names a class: it all derives from
 * model_table.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xapi/db.h"
#include "xapi/dispatch.h"

/* [class index][GT_*] */
static const struct xtype *class_types[64][4];

static size_t class_index(const struct model_class *cls)
{
	return (size_t)(cls - model_classes);
}

int generic_init(void)
{
	char text[256];

	if (model_class_count > 64)
		return -1;
	for (size_t c = 0; c < model_class_count; c++) {
		const char *n = model_classes[c].name;
		snprintf(text, sizeof(text), "%s ref", n);
		class_types[c][GT_REF] = xtype_parse(text);
		snprintf(text, sizeof(text), "%s ref set", n);
		class_types[c][GT_REF_SET] = xtype_parse(text);
		snprintf(text, sizeof(text), "%s record", n);
		class_types[c][GT_RECORD] = xtype_parse(text);
		snprintf(text, sizeof(text), "(%s ref -> %s record) map", n, n);
		class_types[c][GT_RECORD_MAP] = xtype_parse(text);
		for (int i = 0; i < 4; i++)
			if (class_types[c][i] == NULL)
				return -1;
	}
	return 0;
}

const struct xtype *generic_type(const struct model_class *cls, int which)
{
	return class_types[class_index(cls)][which];
}

/* Sessions are secrets: a caller sees its own session only (the superuser sees all). */
static int check_visible(struct xapi_call *call, const struct model_class *cls, const char *ref, struct err *e)
{
	if (strcmp(cls->name, "session") == 0 && !call->session.superuser && strcmp(ref, call->session.ref) != 0) {
		err_set(e, "HANDLE_INVALID", cls->name, ref, NULL);
		return -1;
	}
	return 0;
}

struct stream_arg {
	struct buf *out;
	enum rpc_wire wire;
	const struct xtype *record_type;
	bool first;
	int failed;
};

static int stream_record(const char *ref, const char *text, void *arg)
{
	struct stream_arg *a = arg;

	rpc_map_key(a->out, a->wire, ref, a->first);
	a->first = false;
	if (a->wire == RPC_WIRE_JSON) {
		rpc_encode_raw_json(a->out, text, strlen(text));
	} else {
		json_t *rec = json_loads(text, 0, NULL);
		if (rec == NULL) {
			a->failed = 1;
			return 1;
		}
		rpc_encode_value(a->out, a->wire, rec, a->record_type);
		json_decref(rec);
	}
	rpc_map_value_end(a->out, a->wire);
	return 0;
}

/* get_all_records straight from the store into the reply: no tree of the whole answer. */
static int get_all_records_stream(struct xapi_call *call, const struct model_class *cls, struct err *e)
{
	struct stream_arg a = { call->out, call->req->wire, generic_type(cls, GT_RECORD), true, 0 };
	size_t mark = call->out->len;

	rpc_reply_begin(call->out, call->req);
	rpc_map_begin(call->out, a.wire);
	if (db_list(call->srv->store, cls, stream_record, &a, e) < 0 || a.failed) {
		call->out->len = mark;
		call->out->data[mark] = '\0';
		if (!err_isset(e))
			err_internal(e, "a stored %s record does not parse", cls->name);
		return -1;
	}
	rpc_map_end(call->out, a.wire);
	rpc_reply_end(call->out, call->req);
	return 1;
}

static int collect_record(const char *ref, const char *text, void *arg)
{
	json_t *rec = json_loads(text, 0, NULL);

	if (rec == NULL)
		return 1;
	json_object_set_new(arg, ref, rec);
	return 0;
}

static int map_edit(json_t *rec, void *arg, struct err *e)
{
	json_t **a = arg; /* field name, key, value (NULL: remove), class name, ref */
	json_t *map = json_object_get(rec, json_string_value(a[0]));
	const char *key = json_string_value(a[1]);

	if (!json_is_object(map))
		return 0;
	if (a[2] == NULL) {
		json_object_del(map, key); /* removing a missing key is not an error */
		return 0;
	}
	if (json_object_get(map, key) != NULL) {
		err_set(e, "MAP_DUPLICATE_KEY", json_string_value(a[3]), json_string_value(a[0]), json_string_value(a[4]),
			key, NULL);
		return -1;
	}
	json_object_set(map, key, a[2]);
	return 0;
}

static int set_edit(json_t *rec, void *arg, struct err *e)
{
	json_t **a = arg; /* field name, value, add? */
	json_t *set = json_object_get(rec, json_string_value(a[0])), *v;
	size_t i;

	if (!json_is_array(set))
		return 0;
	json_array_foreach(set, i, v) {
		if (json_equal(v, a[1]))
			break;
	}
	if (json_is_true(a[2]) && i == json_array_size(set))
		json_array_append(set, a[1]);
	else if (!json_is_true(a[2]) && i < json_array_size(set))
		json_array_remove(set, i);
	return 0;
}

/*
 * What destroying an object does to the objects that refer to it, as xapi
 * does: a VM takes its VBDs, VIFs, consoles and metrics with it; a network
 * with VIFs or PIFs, or a VDI with VBDs, is refused.
 */
static const struct destroy_rule {
	const char *cls, *field; /* a ref set (or ref) field of the object destroyed */
	const char *refuse_code; /* NULL: destroy the referrers too */
	const char *child_cls;
} destroy_rules[] = {
	{ "VM", "VBDs", NULL, "VBD" },
	{ "VM", "VIFs", NULL, "VIF" },
	{ "VM", "consoles", NULL, "console" },
	{ "VM", "metrics", NULL, "VM_metrics" },
	{ "VM", "guest_metrics", NULL, "VM_guest_metrics" },
	{ "network", "VIFs", "NETWORK_CONTAINS_VIF", "VIF" },
	{ "network", "PIFs", "NETWORK_CONTAINS_PIF", "PIF" },
	{ "VDI", "VBDs", "VDI_IN_USE", "VBD" },
};

static int destroy_dependents(struct store *s, const struct model_class *cls, const char *ref, struct err *e)
{
	json_t *rec = NULL;
	int rc = -1;

	for (size_t i = 0; i < MODEL_COUNT(destroy_rules); i++) {
		const struct destroy_rule *r = &destroy_rules[i];
		if (strcmp(r->cls, cls->name) != 0)
			continue;
		if (rec == NULL && (rec = db_get(s, cls, ref, e)) == NULL)
			return -1;
		json_t *v = json_object_get(rec, r->field), *refs = json_is_array(v) ? json_incref(v) : json_array(), *c;
		size_t j;
		if (json_is_string(v) && !ref_is_null(json_string_value(v)))
			json_array_append(refs, v);
		if (json_array_size(refs) > 0 && r->refuse_code) {
			err_set(e, r->refuse_code, ref, json_string_value(json_array_get(refs, 0)), NULL);
			json_decref(refs);
			goto out;
		}
		const struct model_class *child = model_class_find(r->child_cls);
		json_array_foreach(refs, j, c) {
			struct err ignore = { 0 };
			/* Already gone is fine: someone else destroyed it first. */
			if (destroy_dependents(s, child, json_string_value(c), &ignore) == 0)
				db_destroy(s, child, json_string_value(c), &ignore);
			err_clear(&ignore);
		}
		json_decref(refs);
	}
	rc = 0;
out:
	json_decref(rec);
	return rc;
}

int generic_run(struct xapi_call *call, const struct method *m, json_t **result, struct err *e)
{
	struct store *s = call->srv->store;
	const struct model_class *cls = m->cls;
	const char *self = m->nparams > 0 ? json_string_value(arg(call, 0)) : NULL;
	char ref[REF_LEN];
	json_t *rec;

	switch (m->generic) {
	case G_GET_ALL:
		*result = db_all_refs(s, cls, e);
		return *result ? 0 : -1;
	case G_GET_ALL_RECORDS:
		if (call->out != NULL && call->req != NULL)
			return get_all_records_stream(call, cls, e);
		*result = json_object();
		if (db_list(s, cls, collect_record, *result, e) < 0) {
			json_decref(*result);
			return -1;
		}
		return 0;
	case G_GET_BY_UUID:
		if (db_find_by_uuid(s, cls, self, ref, e) < 0 || check_visible(call, cls, ref, e) < 0) {
			if (strcmp(err_code(e), "HANDLE_INVALID") == 0)
				err_set(e, "UUID_INVALID", cls->name, self, NULL);
			return -1;
		}
		*result = json_string(ref);
		return 0;
	case G_GET_BY_NAME_LABEL:
		*result = db_find_by_name_label(s, cls, self, e);
		return *result ? 0 : -1;
	case G_CREATE:
		rec = record_from_args(cls, arg(call, 0), e);
		if (rec == NULL || db_create(s, cls, rec, NULL, ref, e) < 0) {
			json_decref(rec);
			return -1;
		}
		json_decref(rec);
		*result = json_string(ref);
		return 0;
	case G_DESTROY:
		if (check_visible(call, cls, self, e) < 0 || destroy_dependents(s, cls, self, e) < 0 ||
		    db_destroy(s, cls, self, e) < 0)
			return -1;
		*result = json_null();
		return 0;
	case G_GET_RECORD:
	case G_GET_FIELD:
		if (check_visible(call, cls, self, e) < 0)
			return -1;
		if (m->generic == G_GET_RECORD && call->out && call->req && call->req->wire == RPC_WIRE_JSON) {
			/* The stored text is the JSON-RPC form: no parse and re-encode. */
			char *text = db_get_raw(s, cls, self, e);
			if (text == NULL)
				return -1;
			rpc_reply_begin(call->out, call->req);
			rpc_encode_raw_json(call->out, text, strlen(text));
			rpc_reply_end(call->out, call->req);
			free(text);
			return 1;
		}
		rec = db_get(s, cls, self, e);
		if (rec == NULL)
			return -1;
		if (m->generic == G_GET_RECORD) {
			*result = rec;
		} else {
			*result = json_incref(json_object_get(rec, m->field->name));
			if (*result == NULL)
				*result = record_field_default(m->field);
			json_decref(rec);
		}
		return 0;
	case G_SET_FIELD:
		if (db_set_field(s, cls, self, m->field->name, arg(call, 1), e) < 0)
			return -1;
		*result = json_null();
		return 0;
	case G_MAP_ADD:
	case G_MAP_REMOVE: {
		json_t *a[5] = { json_string(m->field->name), arg(call, 1),
				 m->generic == G_MAP_ADD ? arg(call, 2) : NULL, json_string(cls->name), json_string(self) };
		int rc = db_update(s, cls, self, map_edit, a, e);
		json_decref(a[0]);
		json_decref(a[3]);
		json_decref(a[4]);
		if (rc < 0)
			return -1;
		*result = json_null();
		return 0;
	}
	case G_SET_ADD:
	case G_SET_REMOVE: {
		json_t *a[3] = { json_string(m->field->name), arg(call, 1), json_boolean(m->generic == G_SET_ADD) };
		int rc = db_update(s, cls, self, set_edit, a, e);
		json_decref(a[0]);
		json_decref(a[2]);
		if (rc < 0)
			return -1;
		*result = json_null();
		return 0;
	}
	case G_NONE:
		break;
	}
	err_set(e, "NOT_IMPLEMENTED", m->name, NULL);
	return -1;
}
