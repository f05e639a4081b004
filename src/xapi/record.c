/*
 * Records: defaults from the table's literals and coercion of wire values.
 * See record.h for the canonical form.
 */
#include "xapi/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

#define DATETIME_ZERO "19700101T00:00:00Z"

void ref_new(char out[REF_LEN])
{
	char uuid[UUID_STR_LEN];

	uuid_generate_str(uuid);
	ref_from_uuid(uuid, out);
}

void ref_from_uuid(const char *uuid, char out[REF_LEN])
{
	memcpy(out, REF_PREFIX, 10);
	memcpy(out + 10, uuid, 36);
	out[46] = '\0';
}

bool ref_is_null(const char *ref)
{
	return ref == NULL || strcmp(ref, REF_NULL) == 0 || ref[0] == '\0';
}

bool ref_is_wellformed(const char *ref)
{
	if (strcmp(ref, REF_NULL) == 0)
		return true;
	return strncmp(ref, REF_PREFIX, 10) == 0 && uuid_is_valid(ref + 10);
}

static json_t *zero_value(const struct xtype *t)
{
	switch (t->kind) {
	case XT_INT:
		return json_integer(0);
	case XT_FLOAT:
		return json_real(0.0);
	case XT_BOOL:
		return json_false();
	case XT_DATETIME:
		return json_string(DATETIME_ZERO);
	case XT_REF:
		return json_string(REF_NULL);
	case XT_SET:
		return json_array();
	case XT_MAP:
	case XT_RECORD:
		return json_object();
	case XT_ENUM:
		if (t->enumeration && t->enumeration->values[0])
			return json_string(t->enumeration->values[0]);
		return json_string("");
	case XT_VOID:
	case XT_ANY:
	case XT_EVENT_BATCH:
		return json_null();
	case XT_STRING:
		break;
	}
	return json_string("");
}

/* Split the inside of "{a, b}" or "{"k" -> "v", ...}" at top-level commas. */
static json_t *literal_parse(const struct xtype *t, const char *text);

static char *unquote(const char *s)
{
	size_t n = strlen(s);

	while (*s == ' ')
		s++, n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		return strndup(s + 1, n - 2);
	return strndup(s, n);
}

static json_t *literal_parse_collection(const struct xtype *t, const char *text)
{
	size_t n = strlen(text);
	json_t *out = t->kind == XT_SET ? json_array() : json_object();
	char *inner, *save = NULL;

	if (n < 2 || text[0] != '{' || text[n - 1] != '}')
		return out;
	inner = strndup(text + 1, n - 2);
	for (char *item = strtok_r(inner, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (t->kind == XT_SET) {
			char *v = unquote(item);
			if (*v)
				json_array_append_new(out, literal_parse(t->elem, v));
			free(v);
			continue;
		}
		char *arrow = strstr(item, "->");
		if (arrow == NULL)
			continue;
		*arrow = '\0';
		char *k = unquote(item), *v = unquote(arrow + 2);
		json_object_set_new(out, k, literal_parse(t->elem, v));
		free(k);
		free(v);
	}
	free(inner);
	return out;
}

static json_t *literal_parse(const struct xtype *t, const char *text)
{
	switch (t->kind) {
	case XT_INT:
		return json_integer(strtoll(text, NULL, 10));
	case XT_FLOAT:
		return json_real(strtod(text, NULL));
	case XT_BOOL:
		return json_boolean(strcmp(text, "true") == 0);
	case XT_REF:
		if (strcmp(text, "Null") == 0)
			return json_string(REF_NULL);
		return json_string(text);
	case XT_SET:
	case XT_MAP:
		return literal_parse_collection(t, text);
	default: {
		char *s = unquote(text);
		json_t *v = json_string(s);
		free(s);
		return v;
	}
	}
}

json_t *record_field_default(const struct model_field *f)
{
	if (f->default_text == NULL)
		return zero_value(f->type);
	return literal_parse(f->type, f->default_text);
}

json_t *record_new_default(const struct model_class *cls)
{
	json_t *rec = json_object();

	for (size_t i = 0; i < cls->field_count; i++)
		json_object_set_new(rec, cls->fields[i].name, record_field_default(&cls->fields[i]));
	return rec;
}

int record_complete(const struct model_class *cls, json_t *rec)
{
	int added = 0;

	for (size_t i = 0; i < cls->field_count; i++)
		if (json_object_get(rec, cls->fields[i].name) == NULL) {
			json_object_set_new(rec, cls->fields[i].name, record_field_default(&cls->fields[i]));
			added++;
		}
	return added;
}

static int type_error(struct err *e, const char *name)
{
	err_set(e, "FIELD_TYPE_ERROR", name, NULL);
	return -1;
}

static int coerce_int(json_t *in, json_t **out)
{
	if (json_is_integer(in)) {
		*out = json_incref(in);
		return 0;
	}
	if (json_is_string(in)) {
		const char *s = json_string_value(in);
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0)
			return -1;
		*out = json_integer(v);
		return 0;
	}
	return -1;
}

static int coerce_float(json_t *in, json_t **out)
{
	if (json_is_number(in)) {
		*out = json_real(json_number_value(in));
		return 0;
	}
	if (json_is_string(in)) {
		const char *s = json_string_value(in);
		char *end;
		double v = strtod(s, &end);
		if (*s == '\0' || *end != '\0')
			return -1;
		*out = json_real(v);
		return 0;
	}
	return -1;
}

static int coerce_bool(json_t *in, json_t **out)
{
	if (json_is_boolean(in)) {
		*out = json_incref(in);
		return 0;
	}
	if (json_is_string(in)) {
		const char *s = json_string_value(in);
		if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
			*out = json_true();
		else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
			*out = json_false();
		else
			return -1;
		return 0;
	}
	if (json_is_integer(in)) {
		*out = json_boolean(json_integer_value(in) != 0);
		return 0;
	}
	return -1;
}

static int coerce_datetime(json_t *in, json_t **out)
{
	char buf[20];
	time_t t;

	if (!json_is_string(in) || xdatetime_parse(json_string_value(in), &t) < 0)
		return -1;
	xdatetime_format(t, buf);
	*out = json_string(buf);
	return 0;
}

static int coerce_collection(const struct xtype *t, json_t *in, json_t **out, const char *name, struct err *e)
{
	if (t->kind == XT_SET) {
		size_t i;
		json_t *v, *c;
		if (!json_is_array(in))
			return type_error(e, name);
		*out = json_array();
		json_array_foreach(in, i, v) {
			if (value_coerce(t->elem, v, &c, name, e) < 0) {
				json_decref(*out);
				return -1;
			}
			json_array_append_new(*out, c);
		}
		return 0;
	}
	const char *k;
	json_t *v, *c, *kc;
	if (!json_is_object(in))
		return type_error(e, name);
	*out = json_object();
	json_object_foreach(in, k, v) {
		/* Keys are strings on the wire; check they parse as the key type. */
		json_t *key = json_string(k);
		int rc = value_coerce(t->key, key, &kc, name, e);
		json_decref(key);
		if (rc < 0 || value_coerce(t->elem, v, &c, name, e) < 0) {
			if (rc == 0)
				json_decref(kc);
			json_decref(*out);
			return -1;
		}
		json_decref(kc);
		json_object_set_new(*out, k, c);
	}
	return 0;
}

int value_coerce(const struct xtype *t, json_t *in, json_t **out, const char *name, struct err *e)
{
	int rc = 0;

	switch (t->kind) {
	case XT_STRING:
		if (!json_is_string(in))
			return type_error(e, name);
		*out = json_incref(in);
		return 0;
	case XT_INT:
		rc = coerce_int(in, out);
		break;
	case XT_FLOAT:
		rc = coerce_float(in, out);
		break;
	case XT_BOOL:
		rc = coerce_bool(in, out);
		break;
	case XT_DATETIME:
		rc = coerce_datetime(in, out);
		break;
	case XT_ENUM:
		if (!json_is_string(in) || !model_enum_has(t->enumeration, json_string_value(in))) {
			/* XenAPI matches enum values case-insensitively on input. */
			if (json_is_string(in) && t->enumeration) {
				for (const char *const *v = t->enumeration->values; *v; v++)
					if (strcasecmp(*v, json_string_value(in)) == 0) {
						*out = json_string(*v);
						return 0;
					}
			}
			return type_error(e, name);
		}
		*out = json_incref(in);
		return 0;
	case XT_REF:
		if (!json_is_string(in))
			return type_error(e, name);
		*out = json_incref(in);
		return 0;
	case XT_SET:
	case XT_MAP:
		return coerce_collection(t, in, out, name, e);
	case XT_RECORD:
		if (!json_is_object(in))
			return type_error(e, name);
		*out = json_incref(in);
		return 0;
	case XT_VOID:
	case XT_ANY:
	case XT_EVENT_BATCH:
		*out = json_incref(in);
		return 0;
	}
	if (rc < 0)
		return type_error(e, name);
	return 0;
}

json_t *record_from_args(const struct model_class *cls, json_t *args, struct err *e)
{
	json_t *rec = json_object();

	if (!json_is_object(args)) {
		json_decref(rec);
		err_set(e, "FIELD_TYPE_ERROR", "args", NULL);
		return NULL;
	}
	for (size_t i = 0; i < cls->field_count; i++) {
		const struct model_field *f = &cls->fields[i];
		json_t *given = json_object_get(args, f->name), *v;
		if (given != NULL && f->qualifier != FQ_RO_RUNTIME && strcmp(f->name, "uuid") != 0) {
			if (value_coerce(f->type, given, &v, f->name, e) < 0) {
				json_decref(rec);
				return NULL;
			}
		} else if (given == NULL && f->qualifier != FQ_RO_RUNTIME && f->default_text == NULL &&
			   strcmp(f->name, "uuid") != 0) {
			json_decref(rec);
			err_set(e, "FIELD_TYPE_ERROR", f->name, NULL);
			return NULL;
		} else {
			v = record_field_default(f);
		}
		json_object_set_new(rec, f->name, v);
	}
	return rec;
}
