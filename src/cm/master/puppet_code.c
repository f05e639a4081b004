/*
 * Puppet code generated from classification data: the classes an ENC or
 * the OVCP classifier assigns are declared by code appended to the main
 * manifest (include NAME, or class { NAME: p => v } when parameters come
 * with them). Pure functions; names are validated so data cannot inject code.
 */
#include <string.h>

#include "cm/master/node.h"

static bool segment_valid(const char *s, size_t n)
{
	if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* Puppet's reserved words: no class may be named after one ("include if" does not parse). */
static const char *const reserved_words[] = {
	"and", "application", "attr", "case", "class", "component", "consumes", "default", "define", "else",
	"elsif", "environment", "false", "function", "if", "import", "in", "inherits", "node", "or", "private",
	"produces", "regexp", "site", "true", "type", "undef", "unit", "unless",
};

bool cm_puppet_class_name_valid(const char *name)
{
	const char *p = name;

	if (strncmp(p, "::", 2) == 0)
		p += 2;
	for (size_t i = 0; i < sizeof(reserved_words) / sizeof(reserved_words[0]); i++)
		if (strcmp(p, reserved_words[i]) == 0)
			return false;
	for (;;) {
		const char *sep = strstr(p, "::");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		if (!segment_valid(p, n))
			return false;
		if (sep == NULL)
			return true;
		p = sep + 2;
	}
}

void cm_puppet_literal(const json_t *v, struct buf *out)
{
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_putc(out, '\'');
		for (const char *s = json_string_value(v); *s; s++) {
			if (*s == '\\' || *s == '\'')
				buf_putc(out, '\\');
			buf_putc(out, *s);
		}
		buf_putc(out, '\'');
		break;
	case JSON_INTEGER:
		buf_printf(out, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		buf_printf(out, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		buf_puts(out, "true");
		break;
	case JSON_FALSE:
		buf_puts(out, "false");
		break;
	case JSON_ARRAY:
		buf_putc(out, '[');
		json_array_foreach(v, i, x) {
			buf_puts(out, i ? ", " : "");
			cm_puppet_literal(x, out);
		}
		buf_putc(out, ']');
		break;
	case JSON_OBJECT:
		buf_putc(out, '{');
		i = 0;
		json_object_foreach((json_t *)v, k, x) {
			json_t *key = json_string(k);
			buf_puts(out, i++ ? ", " : "");
			cm_puppet_literal(key, out);
			json_decref(key);
			buf_puts(out, " => ");
			cm_puppet_literal(x, out);
		}
		buf_putc(out, '}');
		break;
	default:
		buf_puts(out, "undef");
	}
}

int cm_puppet_declare_classes(const json_t *classes, struct buf *out, struct err *e)
{
	const char *name, *p;
	json_t *params, *v;

	json_object_foreach((json_t *)classes, name, params) {
		if (!cm_puppet_class_name_valid(name)) {
			err_setf(e, "BAD_CLASS", "invalid class name '%s'", name);
			return -1;
		}
		if (!json_is_object(params) || json_object_size(params) == 0) {
			buf_printf(out, "include %s\n", name);
			continue;
		}
		buf_printf(out, "class { '%s':\n", name);
		json_object_foreach(params, p, v) {
			if (!segment_valid(p, strlen(p))) {
				err_setf(e, "BAD_CLASS", "invalid parameter name '%s' of class %s", p, name);
				return -1;
			}
			buf_printf(out, "  %s => ", p);
			cm_puppet_literal(v, out);
			buf_puts(out, ",\n");
		}
		buf_puts(out, "}\n");
	}
	return 0;
}
