/*
 * The xe view of the object model: class and field names with dashes
 * (VM_guest_metrics -> vm-guest-metrics, name_label -> name-label), the
 * ( RO)/( RW)/(MRW)/(SRO) markers, values printed as xe prints them (refs as
 * the uuid of the object they name, enums in lower case, maps as "k: v; k2: v2",
 * sets as "a; b") and the user's text parsed back into typed values.
 * Everything derives from model_table.c; nothing here names a class.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "common/buf.h"

#define NOT_IN_DATABASE "<not in database>"

static void dashed(const char *in, char *out, size_t len, bool lower)
{
	size_t i = 0;

	for (; in[i] && i + 1 < len; i++) {
		char ch = in[i] == '_' ? '-' : in[i];
		out[i] = lower ? (char)tolower((unsigned char)ch) : ch;
	}
	out[i] = '\0';
}

void fields_class_cli_name(const struct model_class *cls, char *out, size_t len)
{
	dashed(cls->name, out, len, true);
}

const struct model_class *fields_class_from_cli(const char *name, size_t len)
{
	char buf[64];

	for (size_t i = 0; i < model_class_count; i++) {
		fields_class_cli_name(&model_classes[i], buf, sizeof(buf));
		if (strlen(buf) == len && strncmp(buf, name, len) == 0)
			return &model_classes[i];
	}
	return NULL;
}

void fields_cli_name(const char *field, char *out, size_t len)
{
	dashed(field, out, len, false);
}

const struct model_field *fields_find(const struct model_class *cls, const char *cli_name)
{
	char buf[128];

	for (size_t i = 0; i < cls->field_count; i++) {
		fields_cli_name(cls->fields[i].name, buf, sizeof(buf));
		if (strcmp(buf, cli_name) == 0 || strcmp(cls->fields[i].name, cli_name) == 0)
			return &cls->fields[i];
	}
	return NULL;
}

bool fields_is_writable(const struct model_field *f)
{
	return f->write_roles != 0 || f->modify_roles != 0;
}

const char *fields_marker(const struct model_field *f)
{
	bool rw = fields_is_writable(f);

	switch (f->type ? f->type->kind : XT_STRING) {
	case XT_MAP:
		return rw ? "MRW" : "MRO";
	case XT_SET:
		return rw ? "SRW" : "SRO";
	default:
		return rw ? " RW" : " RO";
	}
}

/* ---- refs to uuids ---- */
struct ref_cache {
	struct conn *conn;
	json_t *uuids; /* ref -> uuid (or NOT_IN_DATABASE) */
};

struct ref_cache *ref_cache_new(struct conn *c)
{
	struct ref_cache *rc = calloc(1, sizeof(*rc));

	if (rc == NULL)
		abort();
	rc->conn = c;
	rc->uuids = json_object();
	return rc;
}

void ref_cache_free(struct ref_cache *rc)
{
	if (rc == NULL)
		return;
	json_decref(rc->uuids);
	free(rc);
}

const char *ref_cache_uuid(struct ref_cache *rc, const char *class_name, const char *ref)
{
	const struct model_class *cls = class_name ? model_class_find(class_name) : NULL;
	json_t *known = json_object_get(rc->uuids, ref), *result = NULL, *error = NULL;
	char method[128];

	if (known != NULL)
		return json_string_value(known);
	if (ref[0] == '\0' || strcmp(ref, "OpaqueRef:NULL") == 0 || cls == NULL || !(cls->flags & CF_RECORD) ||
	    rc->conn == NULL)
		return NOT_IN_DATABASE;
	snprintf(method, sizeof(method), "%s.get_uuid", cls->name);
	if (conn_call_raw(rc->conn, method, json_pack("[s]", ref), &result, &error) == CLI_OK && json_is_string(result))
		json_object_set(rc->uuids, ref, result);
	else
		json_object_set_new(rc->uuids, ref, json_string(NOT_IN_DATABASE));
	json_decref(result);
	json_decref(error);
	return json_string_value(json_object_get(rc->uuids, ref));
}

/* ---- printing ---- */
static void format_into(struct buf *b, struct ref_cache *rc, const struct xtype *type, const json_t *v);

static void format_scalar_json(struct buf *b, const json_t *v)
{
	if (json_is_string(v)) {
		buf_puts(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		buf_printf(b, "%.3f", json_real_value(v));
	} else if (json_is_boolean(v)) {
		buf_puts(b, json_is_true(v) ? "true" : "false");
	} else if (json_is_null(v) || v == NULL) {
		return;
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		buf_puts(b, s ? s : "");
		free(s);
	}
}

static void format_set(struct buf *b, struct ref_cache *rc, const struct xtype *elem, const json_t *v)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v)) {
		/* a scalar where a set was declared: show it as the server sent it */
		if (!(json_is_string(v) && strcmp(json_string_value(v), "{}") == 0))
			format_scalar_json(b, v);
		return;
	}
	json_array_foreach(v, i, x)
	{
		if (i > 0)
			buf_puts(b, "; ");
		format_into(b, rc, elem, x);
	}
}

static void format_map(struct buf *b, struct ref_cache *rc, const struct xtype *type, const json_t *v)
{
	const char *k;
	json_t *x;
	bool first = true;

	if (!json_is_object(v)) {
		format_scalar_json(b, v);
		return;
	}
	json_object_foreach((json_t *)v, k, x)
	{
		json_t *key = json_string(k);
		if (!first)
			buf_puts(b, "; ");
		first = false;
		format_into(b, rc, type->key, key);
		buf_puts(b, ": ");
		format_into(b, rc, type->elem, x);
		json_decref(key);
	}
}

static void format_into(struct buf *b, struct ref_cache *rc, const struct xtype *type, const json_t *v)
{
	switch (type ? type->kind : XT_ANY) {
	case XT_ENUM:
		if (json_is_string(v)) {
			for (const char *p = json_string_value(v); *p; p++)
				buf_putc(b, (char)tolower((unsigned char)*p));
			return;
		}
		break;
	case XT_REF:
		if (json_is_string(v)) {
			buf_puts(b, rc ? ref_cache_uuid(rc, type->name, json_string_value(v)) : json_string_value(v));
			return;
		}
		break;
	case XT_SET:
		format_set(b, rc, type->elem, v);
		return;
	case XT_MAP:
		format_map(b, rc, type, v);
		return;
	default:
		break;
	}
	format_scalar_json(b, v);
}

char *fields_format(struct ref_cache *rc, const struct xtype *type, const json_t *value)
{
	struct buf b = BUF_INIT;

	format_into(&b, rc, type, value);
	buf_puts(&b, "");
	return buf_steal(&b);
}

/* ---- parsing ---- */
static json_t *parse_fail(int *status, const char *what, const char *expect)
{
	fprintf(stderr, "Failed to parse parameter '%s': expecting %s\n", what, expect);
	*status = CLI_USAGE;
	return NULL;
}

static json_t *parse_enum(const struct xtype *type, const char *text, const char *what, int *status)
{
	const struct model_enum *e = type->enumeration ? type->enumeration : model_enum_find(type->name);
	struct buf b = BUF_INIT;

	if (e == NULL)
		return json_string(text);
	for (size_t i = 0; e->values[i]; i++)
		if (strcasecmp(e->values[i], text) == 0)
			return json_string(e->values[i]);
	for (size_t i = 0; e->values[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "one of ", e->values[i]);
	parse_fail(status, what, buf_cstr(&b));
	buf_free(&b);
	return NULL;
}

char *fields_ref_by_uuid(struct conn *c, const struct model_class *cls, const char *uuid, int *status)
{
	char method[128];
	json_t *result = NULL;
	char *ref = NULL;

	snprintf(method, sizeof(method), "%s.get_by_uuid", cls->name);
	*status = conn_call(c, method, json_pack("[s]", uuid), &result);
	if (*status == CLI_OK && json_is_string(result))
		ref = strdup(json_string_value(result));
	else if (*status == CLI_OK)
		*status = CLI_API;
	json_decref(result);
	return ref;
}

static json_t *parse_ref(struct conn *c, const struct xtype *type, const char *text, int *status)
{
	const struct model_class *cls = model_class_find(type->name);

	if (text[0] == '\0' || strcmp(text, NOT_IN_DATABASE) == 0)
		return json_string("OpaqueRef:NULL");
	if (strncmp(text, "OpaqueRef:", 10) == 0 || cls == NULL || c == NULL)
		return json_string(text);
	char *ref = fields_ref_by_uuid(c, cls, text, status);
	json_t *v = ref ? json_string(ref) : NULL;
	free(ref);
	return v;
}

static json_t *parse_list(struct conn *c, const struct xtype *type, const char *text, const char *what, int *status)
{
	json_t *out = type->kind == XT_SET ? json_array() : json_object();
	char *copy = strdup(text), *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (type->kind == XT_SET) {
			json_t *v = fields_parse(c, type->elem, tok, what, status);
			if (v == NULL)
				goto fail;
			json_array_append_new(out, v);
			continue;
		}
		char *colon = strchr(tok, ':');
		if (colon == NULL) {
			parse_fail(status, what, "key:value pairs separated by commas");
			goto fail;
		}
		*colon = '\0';
		json_t *v = fields_parse(c, type->elem, colon + 1, what, status);
		if (v == NULL)
			goto fail;
		json_object_set_new(out, tok, v);
	}
	free(copy);
	return out;
fail:
	free(copy);
	json_decref(out);
	return NULL;
}

json_t *fields_parse(struct conn *c, const struct xtype *type, const char *text, const char *what, int *status)
{
	char *end = NULL;

	*status = CLI_OK;
	switch (type ? type->kind : XT_STRING) {
	case XT_INT: {
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || *end)
			return parse_fail(status, what, "an integer");
		return json_integer(v);
	}
	case XT_FLOAT: {
		errno = 0;
		double v = strtod(text, &end);
		if (errno || end == text || *end)
			return parse_fail(status, what, "a number");
		return json_real(v);
	}
	case XT_BOOL:
		if (!strcasecmp(text, "true") || !strcasecmp(text, "t") || !strcmp(text, "1") ||
		    !strcasecmp(text, "yes"))
			return json_true();
		if (!strcasecmp(text, "false") || !strcasecmp(text, "f") || !strcmp(text, "0") ||
		    !strcasecmp(text, "no"))
			return json_false();
		return parse_fail(status, what, "'true' or 'false'");
	case XT_ENUM:
		return parse_enum(type, text, what, status);
	case XT_REF:
		return parse_ref(c, type, text, status);
	case XT_SET:
	case XT_MAP:
		return parse_list(c, type, text, what, status);
	default:
		return json_string(text);
	}
}
