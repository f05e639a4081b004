/*
 * Puppet values: construction, equality, truthiness and their string and
 * JSON forms. Values live in the compile arena and are never changed once
 * handed out (builders push into arrays and hashes they have just made).
 * Hashes keep insertion order and find keys by linear search: the hashes
 * of manifests are small; big ones (facts) are read a key at a time.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cm/eval/eval.h"

value_t cm_undef = {.k = CM_V_UNDEF};
value_t cm_default = {.k = CM_V_DEFAULT};
value_t cm_true = {.k = CM_V_BOOL, .b = true};
value_t cm_false = {.k = CM_V_BOOL, .b = false};

static value_t *value_new(struct cm_ctx *c, enum cm_vk k)
{
	value_t *v = cm_arena_alloc(c->arena, sizeof(*v));

	v->k = k;
	return v;
}

value_t *cm_strn(struct cm_ctx *c, const char *s, size_t len)
{
	value_t *v = value_new(c, CM_V_STR);

	v->s = cm_arena_strndup(c->arena, s, len);
	v->len = len;
	return v;
}

value_t *cm_str(struct cm_ctx *c, const char *s)
{
	return cm_strn(c, s, strlen(s));
}

value_t *cm_strf(struct cm_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	if (fmt == NULL)
		fmt = "";
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small))
		return cm_strn(c, small, (size_t)n);
	{
		char *big = cm_arena_alloc(c->arena, (size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		value_t *v = value_new(c, CM_V_STR);
		v->s = big;
		v->len = (size_t)n;
		return v;
	}
}

value_t *cm_int(struct cm_ctx *c, long long i)
{
	value_t *v = value_new(c, CM_V_INT);

	v->i = i;
	return v;
}

value_t *cm_float(struct cm_ctx *c, double f)
{
	value_t *v = value_new(c, CM_V_FLOAT);

	v->f = f;
	return v;
}

value_t *cm_bool(bool b)
{
	return b ? &cm_true : &cm_false;
}

value_t *cm_array(struct cm_ctx *c, size_t n)
{
	value_t *v = value_new(c, CM_V_ARRAY);

	v->len = n;
	v->i = (long long)(n ? n : 4); /* capacity */
	v->items = cm_arena_alloc(c->arena, (size_t)v->i * sizeof(value_t *));
	for (size_t k = 0; k < n; k++)
		v->items[k] = &cm_undef;
	return v;
}

value_t *cm_hash(struct cm_ctx *c, size_t cap)
{
	value_t *v = value_new(c, CM_V_HASH);

	v->i = (long long)(cap ? cap : 4);
	v->items = cm_arena_alloc(c->arena, (size_t)v->i * sizeof(value_t *));
	v->vals = cm_arena_alloc(c->arena, (size_t)v->i * sizeof(value_t *));
	return v;
}

value_t *cm_type(struct cm_ctx *c, const char *name, size_t nparams)
{
	value_t *v = value_new(c, CM_V_TYPE);

	v->s = name;
	v->len = nparams;
	v->items = cm_arena_alloc(c->arena, (nparams ? nparams : 1) * sizeof(value_t *));
	for (size_t k = 0; k < nparams; k++)
		v->items[k] = &cm_undef;
	return v;
}

value_t *cm_regex_value(struct cm_ctx *c, const char *src)
{
	value_t *v = value_new(c, CM_V_REGEX);

	v->s = cm_arena_strndup(c->arena, src, strlen(src));
	return v;
}

static void grow(struct cm_ctx *c, value_t *v, bool with_vals)
{
	size_t cap = (size_t)v->i * 2;
	value_t **items = cm_arena_alloc(c->arena, cap * sizeof(value_t *));

	memcpy(items, v->items, v->len * sizeof(value_t *));
	v->items = items;
	if (with_vals) {
		value_t **vals = cm_arena_alloc(c->arena, cap * sizeof(value_t *));

		memcpy(vals, v->vals, v->len * sizeof(value_t *));
		v->vals = vals;
	}
	v->i = (long long)cap;
}

void cm_array_push(struct cm_ctx *c, value_t *a, value_t *v)
{
	if (a->len == (size_t)a->i)
		grow(c, a, false);
	a->items[a->len++] = v;
}

static long hash_index(const value_t *h, const value_t *k)
{
	for (size_t i = 0; i < h->len; i++)
		if (cm_equal_strict(h->items[i], k))
			return (long)i;
	return -1;
}

void cm_hash_put(struct cm_ctx *c, value_t *h, value_t *k, value_t *v)
{
	long i = hash_index(h, k);

	if (i >= 0) {
		h->vals[i] = v;
		return;
	}
	if (h->len == (size_t)h->i)
		grow(c, h, true);
	h->items[h->len] = k;
	h->vals[h->len++] = v;
}

value_t *cm_hash_get(const value_t *h, const value_t *k)
{
	long i = h && h->k == CM_V_HASH ? hash_index(h, k) : -1;

	return i >= 0 ? h->vals[i] : NULL;
}

value_t *cm_hash_gets(const value_t *h, const char *k)
{
	if (h == NULL || h->k != CM_V_HASH)
		return NULL;
	for (size_t i = 0; i < h->len; i++)
		if (h->items[i]->k == CM_V_STR && strcmp(h->items[i]->s, k) == 0)
			return h->vals[i];
	return NULL;
}

bool cm_truthy(const value_t *v)
{
	return !(v->k == CM_V_UNDEF || (v->k == CM_V_BOOL && !v->b));
}

static bool equal(const value_t *a, const value_t *b, bool fold)
{
	if ((a->k == CM_V_INT || a->k == CM_V_FLOAT) && (b->k == CM_V_INT || b->k == CM_V_FLOAT)) {
		if (a->k == CM_V_INT && b->k == CM_V_INT)
			return a->i == b->i;
		return (a->k == CM_V_INT ? (double)a->i : a->f) == (b->k == CM_V_INT ? (double)b->i : b->f);
	}
	if (a->k != b->k)
		return false;
	switch (a->k) {
	case CM_V_UNDEF:
	case CM_V_DEFAULT: return true;
	case CM_V_BOOL: return a->b == b->b;
	case CM_V_STR:
		return a->len == b->len && (fold ? strncasecmp(a->s, b->s, a->len) == 0 : memcmp(a->s, b->s, a->len) == 0);
	case CM_V_REGEX: return strcmp(a->s, b->s) == 0;
	case CM_V_TYPE:
		if (strcasecmp(a->s, b->s) != 0 || a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++)
			if (!equal(a->items[i], b->items[i], fold))
				return false;
		return true;
	case CM_V_ARRAY:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++)
			if (!equal(a->items[i], b->items[i], fold))
				return false;
		return true;
	case CM_V_HASH:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++) {
			value_t *o = NULL;

			for (size_t j = 0; j < b->len && o == NULL; j++)
				if (equal(a->items[i], b->items[j], fold))
					o = b->vals[j];
			if (o == NULL || !equal(a->vals[i], o, fold))
				return false;
		}
		return true;
	default: return false;
	}
}

bool cm_equal(const value_t *a, const value_t *b)
{
	return equal(a, b, true);
}

bool cm_equal_strict(const value_t *a, const value_t *b)
{
	return equal(a, b, false);
}

/* ---- string forms ---- */

static void float_to_s(struct cm_sb *b, double f)
{
	char tmp[64];

	if (isinf(f)) {
		cm_sb_puts(b, f > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	/* Ruby writes 1.0e+20 where C writes 1e+20, and 1.0 where C writes 1. */
	char *e = strchr(tmp, 'e');
	if (e != NULL) {
		if (memchr(tmp, '.', (size_t)(e - tmp)) == NULL) {
			char rest[32];

			snprintf(rest, sizeof(rest), "%s", e);
			snprintf(e, sizeof(tmp) - (size_t)(e - tmp), ".0%s", rest);
		}
	} else if (strchr(tmp, '.') == NULL && strchr(tmp, 'n') == NULL) {
		strcat(tmp, ".0");
	}
	cm_sb_puts(b, tmp);
}

static void value_to_sb(struct cm_sb *b, const value_t *v, bool nested, bool quote);

static void type_to_sb(struct cm_sb *b, const value_t *v)
{
	cm_sb_puts(b, v->s);
	if (v->len == 0)
		return;
	cm_sb_puts(b, "[");
	for (size_t i = 0; i < v->len; i++) {
		if (i)
			cm_sb_puts(b, ", ");
		value_to_sb(b, v->items[i], true, true);
	}
	cm_sb_puts(b, "]");
}

static void value_to_sb(struct cm_sb *b, const value_t *v, bool nested, bool quote)
{
	switch (v->k) {
	case CM_V_UNDEF: cm_sb_puts(b, nested ? "undef" : ""); break;
	case CM_V_DEFAULT: cm_sb_puts(b, "default"); break;
	case CM_V_BOOL: cm_sb_puts(b, v->b ? "true" : "false"); break;
	case CM_V_INT: cm_sb_printf(b, "%lld", v->i); break;
	case CM_V_FLOAT: float_to_s(b, v->f); break;
	case CM_V_STR:
		if (!nested || !quote) {
			cm_sb_add(b, v->s, v->len);
		} else {
			cm_sb_puts(b, "'");
			for (size_t i = 0; i < v->len; i++) {
				if (v->s[i] == '\'' || v->s[i] == '\\')
					cm_sb_puts(b, "\\");
				cm_sb_add(b, v->s + i, 1);
			}
			cm_sb_puts(b, "'");
		}
		break;
	case CM_V_REGEX: cm_sb_printf(b, "/%s/", v->s); break;
	case CM_V_ARRAY:
		cm_sb_puts(b, "[");
		for (size_t i = 0; i < v->len; i++) {
			if (i)
				cm_sb_puts(b, ", ");
			value_to_sb(b, v->items[i], true, quote);
		}
		cm_sb_puts(b, "]");
		break;
	case CM_V_HASH:
		cm_sb_puts(b, "{");
		for (size_t i = 0; i < v->len; i++) {
			if (i)
				cm_sb_puts(b, ", ");
			value_to_sb(b, v->items[i], true, quote);
			cm_sb_puts(b, " => ");
			value_to_sb(b, v->vals[i], true, quote);
		}
		cm_sb_puts(b, "}");
		break;
	case CM_V_TYPE:
		if (cm_is_resource_ref(v) && !nested)
			cm_sb_puts(b, cm_ref_string(b->c, v));
		else
			type_to_sb(b, v);
		break;
	}
}

const char *cm_to_s(struct cm_ctx *c, const value_t *v)
{
	struct cm_sb b = {.c = c};

	if (v->k == CM_V_STR)
		return v->s;
	value_to_sb(&b, v, false, false);
	return cm_sb_str(&b);
}

const char *cm_inspect(struct cm_ctx *c, const value_t *v)
{
	struct cm_sb b = {.c = c};

	value_to_sb(&b, v, true, true);
	return cm_sb_str(&b);
}

const char *cm_type_name_of(struct cm_ctx *c, const value_t *v)
{
	static const char *const names[] = {
		[CM_V_UNDEF] = "Undef", [CM_V_DEFAULT] = "Default", [CM_V_BOOL] = "Boolean",
		[CM_V_INT] = "Integer", [CM_V_FLOAT] = "Float", [CM_V_STR] = "String",
		[CM_V_ARRAY] = "Array", [CM_V_HASH] = "Hash", [CM_V_REGEX] = "Regexp",
	};

	if (v->k == CM_V_TYPE)
		return cm_arena_printf(c, "Type[%s]", cm_type_to_s(c, (value_t *)v));
	return names[v->k];
}

const char *cm_type_describe_value(struct cm_ctx *c, const value_t *v)
{
	if (v->k == CM_V_ARRAY && v->len == 0)
		return "Array[0, 0]";
	if (v->k == CM_V_HASH && v->len == 0)
		return "Hash[0, 0]";
	if (v->k == CM_V_STR)
		return "String";
	return cm_type_name_of(c, v);
}

bool cm_is_resource_ref(const value_t *v)
{
	static const char *const not_resources[] = {
		"Integer", "Float", "Numeric", "String", "Boolean", "Array", "Hash", "Optional", "Enum",
		"Pattern", "Variant", "Undef", "Any", "Scalar", "Data", "Tuple", "Struct", "Type",
		"Regexp", "Default", "NotUndef", "Collection", "Callable", "Runtime", "Sensitive",
		"Iterable", "Iterator", "Timespan", "Timestamp", "SemVer", "SemVerRange", "Resource",
		"Object", "Init", "RichData", "ScalarData", "CatalogEntry", "Error", "URI", "Binary",
		"Deferred", "TypeReference", "Unit", "Iterable",
	};

	if (v->k != CM_V_TYPE || v->len != 1 || v->items[0]->k != CM_V_STR)
		return false;
	for (size_t i = 0; i < sizeof(not_resources) / sizeof(not_resources[0]); i++)
		if (strcmp(v->s, not_resources[i]) == 0)
			return false;
	return true;
}

const char *cm_ref_string(struct cm_ctx *c, const value_t *v)
{
	const char *title = v->items[0]->s;

	if (strcmp(v->s, "Class") == 0)
		title = cm_capitalize_type(c, title[0] == ':' && title[1] == ':' ? title + 2 : title);
	return cm_arena_printf(c, "%s[%s]", v->s, title);
}

char *cm_capitalize_type(struct cm_ctx *c, const char *name)
{
	char *out = cm_arena_strndup(c->arena, name, strlen(name));
	bool start = true;

	for (char *p = out; *p; p++) {
		if (*p == ':') {
			start = true;
			continue;
		}
		*p = start ? (char)toupper((unsigned char)*p) : (char)tolower((unsigned char)*p);
		start = false;
	}
	return out;
}

char *cm_downcase(struct cm_ctx *c, const char *s)
{
	char *out = cm_arena_strndup(c->arena, s, strlen(s));

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* ---- JSON ---- */

json_t *cm_value_to_json(struct cm_ctx *c, const value_t *v)
{
	switch (v->k) {
	case CM_V_UNDEF: return NULL;
	case CM_V_DEFAULT: return json_string("default");
	case CM_V_BOOL: return json_boolean(v->b);
	case CM_V_INT: return json_integer(v->i);
	case CM_V_FLOAT: return json_real(v->f);
	case CM_V_STR: return json_stringn(v->s, v->len);
	case CM_V_REGEX: return json_string(cm_arena_printf(c, "/%s/", v->s));
	case CM_V_TYPE:
		return json_string(cm_is_resource_ref(v) ? cm_ref_string(c, v) : cm_type_to_s(c, (value_t *)v));
	case CM_V_ARRAY: {
		json_t *a = json_array();

		for (size_t i = 0; i < v->len; i++) {
			json_t *j = cm_value_to_json(c, v->items[i]);

			json_array_append_new(a, j ? j : json_null());
		}
		return a;
	}
	case CM_V_HASH: {
		json_t *o = json_object();

		for (size_t i = 0; i < v->len; i++) {
			json_t *j = cm_value_to_json(c, v->vals[i]);

			json_object_set_new(o, cm_to_s(c, v->items[i]), j ? j : json_null());
		}
		return o;
	}
	}
	return NULL;
}

value_t *cm_value_from_json(struct cm_ctx *c, json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_STRING: return cm_strn(c, json_string_value(j), json_string_length(j));
	case JSON_INTEGER: return cm_int(c, json_integer_value(j));
	case JSON_REAL: return cm_float(c, json_real_value(j));
	case JSON_TRUE: return &cm_true;
	case JSON_FALSE: return &cm_false;
	case JSON_NULL: return &cm_undef;
	case JSON_ARRAY: {
		value_t *a = cm_array(c, json_array_size(j));

		for (size_t i = 0; i < json_array_size(j); i++)
			a->items[i] = cm_value_from_json(c, json_array_get(j, i));
		return a;
	}
	case JSON_OBJECT: {
		value_t *h = cm_hash(c, json_object_size(j));
		const char *k;
		json_t *x;

		json_object_foreach(j, k, x) {
			h->items[h->len] = cm_str(c, k);
			h->vals[h->len++] = cm_value_from_json(c, x);
		}
		return h;
	}
	}
	return &cm_undef;
}
