/*
 * Lookups over the object-model table (model_table.c) and the parser of
 * XenAPI type strings.
 *
 * Types are interned: the same text always yields the same `struct xtype *`,
 * and they live until the process ends. model_init() parses every field's
 * type once at start-up; later xtype_parse() calls (for message parameters)
 * take a mutex.
 */
#include "xapi/model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct interned_type {
	char *text;
	struct xtype type;
	struct interned_type *next;
};

static pthread_mutex_t type_lock = PTHREAD_MUTEX_INITIALIZER;
static struct interned_type *type_list;

static const char *const role_names[] = {
	"pool-admin", "pool-operator", "vm-power-admin", "vm-admin", "vm-operator", "read-only", "client-cert",
};

static char *strip_suffix(const char *text, const char *suffix)
{
	size_t n = strlen(text), m = strlen(suffix);

	if (n <= m || strcmp(text + n - m, suffix) != 0)
		return NULL;
	return strndup(text, n - m);
}

static const struct xtype *xtype_parse_locked(const char *text);

static const struct xtype *intern(const char *text, struct xtype t)
{
	struct interned_type *it = calloc(1, sizeof(*it));

	if (it == NULL)
		abort();
	it->text = strdup(text);
	it->type = t;
	it->next = type_list;
	type_list = it;
	return &it->type;
}

/* "(K -> V) map": find the top-level arrow inside the parentheses. */
static int parse_map(const char *inner, struct xtype *t)
{
	size_t n = strlen(inner);
	int depth = 0;

	if (n < 2 || inner[0] != '(' || inner[n - 1] != ')')
		return -1;
	for (size_t i = 1; i + 1 < n; i++) {
		if (inner[i] == '(')
			depth++;
		else if (inner[i] == ')')
			depth--;
		else if (depth == 0 && strncmp(inner + i, " -> ", 4) == 0) {
			char *k = strndup(inner + 1, i - 1);
			char *v = strndup(inner + i + 4, n - 1 - (i + 4));
			t->key = xtype_parse_locked(k);
			t->elem = xtype_parse_locked(v);
			free(k);
			free(v);
			return t->key && t->elem ? 0 : -1;
		}
	}
	return -1;
}

static const struct xtype *xtype_parse_locked(const char *text)
{
	static const struct {
		const char *text;
		enum xtype_kind kind;
	} simple[] = {
		{ "void", XT_VOID }, { "string", XT_STRING },	{ "int", XT_INT },
		{ "float", XT_FLOAT }, { "bool", XT_BOOL },	{ "datetime", XT_DATETIME },
		{ "an event batch", XT_EVENT_BATCH }, { "any", XT_ANY },
	};
	struct xtype t = { 0 };
	char *inner;
	int rc = 0;

	for (struct interned_type *it = type_list; it; it = it->next)
		if (strcmp(it->text, text) == 0)
			return &it->type;
	for (size_t i = 0; i < MODEL_COUNT(simple); i++)
		if (strcmp(simple[i].text, text) == 0) {
			t.kind = simple[i].kind;
			return intern(text, t);
		}
	if ((inner = strip_suffix(text, " set")) != NULL) {
		t.kind = XT_SET;
		t.elem = xtype_parse_locked(inner);
		rc = t.elem ? 0 : -1;
	} else if ((inner = strip_suffix(text, " map")) != NULL) {
		t.kind = XT_MAP;
		rc = parse_map(inner, &t);
	} else if ((inner = strip_suffix(text, " ref")) != NULL) {
		t.kind = XT_REF;
	} else if ((inner = strip_suffix(text, " record")) != NULL) {
		t.kind = XT_RECORD;
	} else if (strncmp(text, "enum ", 5) == 0 && strchr(text + 5, ' ') == NULL) {
		/* After the suffixes: "enum vm_operations set" is a set of enums. */
		t.kind = XT_ENUM;
		t.name = strdup(text + 5);
		t.enumeration = model_enum_find(text + 5);
		return intern(text, t);
	} else {
		return NULL;
	}
	if (rc < 0 || ((t.kind == XT_REF || t.kind == XT_RECORD) && strchr(inner, ' ') != NULL)) {
		free(inner);
		return NULL;
	}
	if (t.kind == XT_REF || t.kind == XT_RECORD)
		t.name = inner; /* owned by the interned type from here on */
	else
		free(inner);
	return intern(text, t);
}

const struct xtype *xtype_parse(const char *text)
{
	const struct xtype *t;

	pthread_mutex_lock(&type_lock);
	t = xtype_parse_locked(text);
	pthread_mutex_unlock(&type_lock);
	return t;
}

int model_init(void)
{
	for (size_t c = 0; c < model_class_count; c++) {
		struct model_class *cls = &model_classes[c];
		for (size_t f = 0; f < cls->field_count; f++) {
			struct model_field *fd = &cls->fields[f];
			fd->type = xtype_parse(fd->type_text);
			if (fd->type == NULL) {
				fprintf(stderr, "model: %s.%s: cannot parse type '%s'\n", cls->name, fd->name,
					fd->type_text);
				return -1;
			}
		}
		for (size_t m = 0; m < cls->message_count; m++) {
			const struct model_message *msg = &cls->messages[m];
			for (size_t p = 0; p < msg->param_count; p++)
				if (xtype_parse(msg->params[p].type_text) == NULL) {
					fprintf(stderr, "model: %s.%s(%s): cannot parse type '%s'\n", cls->name,
						msg->name, msg->params[p].name, msg->params[p].type_text);
					return -1;
				}
		}
	}
	return 0;
}

const struct model_class *model_class_find(const char *name)
{
	for (size_t c = 0; c < model_class_count; c++)
		if (strcmp(model_classes[c].name, name) == 0)
			return &model_classes[c];
	return NULL;
}

const struct model_class *model_class_find_nocase(const char *name)
{
	for (size_t c = 0; c < model_class_count; c++)
		if (strcasecmp(model_classes[c].name, name) == 0)
			return &model_classes[c];
	return NULL;
}

const struct model_field *model_field_find(const struct model_class *cls, const char *name)
{
	for (size_t f = 0; f < cls->field_count; f++)
		if (strcmp(cls->fields[f].name, name) == 0)
			return &cls->fields[f];
	return NULL;
}

const struct model_message *model_message_find(const struct model_class *cls, const char *name)
{
	for (size_t m = 0; m < cls->message_count; m++)
		if (strcmp(cls->messages[m].name, name) == 0)
			return &cls->messages[m];
	return NULL;
}

const struct model_enum *model_enum_find(const char *name)
{
	for (const struct model_enum *e = model_enums; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

bool model_enum_has(const struct model_enum *e, const char *value)
{
	if (e == NULL)
		return true; /* an enum we do not know the values of accepts any */
	for (const char *const *v = e->values; *v; v++)
		if (strcmp(*v, value) == 0)
			return true;
	return false;
}

bool model_class_is_stored(const struct model_class *cls)
{
	return strcmp(cls->name, "event") != 0;
}

const char *model_roles_text(unsigned roles)
{
	static __thread char text[128];
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < MODEL_COUNT(role_names); i++)
		if (roles & (1u << i))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? ", " : "",
						role_names[i]);
	return text;
}

unsigned model_role_parse(const char *name)
{
	for (size_t i = 0; i < MODEL_COUNT(role_names); i++)
		if (strcasecmp(role_names[i], name) == 0)
			return 1u << i;
	return 0;
}
