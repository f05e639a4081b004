/*
 * Puppet data types: names, parameters (Integer[1, 10], Array[String, 1]),
 * instance checks and Puppet's mismatch messages ("expects a String value,
 * got Integer"). A type is a TYPE value: its name and evaluated parameters.
 * Names that are not data types are resource types (File, Class, Apache::Vhost)
 * or type aliases (`type Port = Integer[1, 65535]`, autoloaded from modules).
 * Checks are a table from type name to checker.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cm/eval/eval.h"

typedef bool (*check_fn)(struct cm_ctx *c, value_t *t, value_t *v);

static long long int_param(value_t *t, size_t i, long long dflt)
{
	return i < t->len && t->items[i]->k == CM_V_INT ? t->items[i]->i : dflt;
}

static bool size_ok(value_t *t, size_t first, size_t len)
{
	return (long long)len >= int_param(t, first, 0) && (long long)len <= int_param(t, first + 1, (long long)1 << 62);
}

static bool ck_any(struct cm_ctx *c, value_t *t, value_t *v) { return true; }
static bool ck_undef(struct cm_ctx *c, value_t *t, value_t *v) { return v->k == CM_V_UNDEF; }
static bool ck_notundef(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k != CM_V_UNDEF && (t->len == 0 || cm_type_check(c, t->items[0], v));
}
static bool ck_default(struct cm_ctx *c, value_t *t, value_t *v) { return v->k == CM_V_DEFAULT; }
static bool ck_boolean(struct cm_ctx *c, value_t *t, value_t *v) { return v->k == CM_V_BOOL; }
static bool ck_regexp(struct cm_ctx *c, value_t *t, value_t *v) { return v->k == CM_V_REGEX; }
static bool ck_type(struct cm_ctx *c, value_t *t, value_t *v) { return v->k == CM_V_TYPE; }

static bool ck_integer(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k == CM_V_INT && v->i >= int_param(t, 0, -((long long)1 << 62)) &&
	       v->i <= int_param(t, 1, (long long)1 << 62);
}

static double num(value_t *v)
{
	return v->k == CM_V_INT ? (double)v->i : v->f;
}

static bool ck_float(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k != CM_V_FLOAT)
		return false;
	if (t->len > 0 && (t->items[0]->k == CM_V_INT || t->items[0]->k == CM_V_FLOAT) && v->f < num(t->items[0]))
		return false;
	return !(t->len > 1 && (t->items[1]->k == CM_V_INT || t->items[1]->k == CM_V_FLOAT) && v->f > num(t->items[1]));
}

static bool ck_numeric(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k == CM_V_INT || v->k == CM_V_FLOAT;
}

static bool ck_string(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k == CM_V_STR && size_ok(t, 0, v->len);
}

static bool ck_scalar(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k == CM_V_INT || v->k == CM_V_FLOAT || v->k == CM_V_STR || v->k == CM_V_BOOL || v->k == CM_V_REGEX;
}

static bool ck_scalar_data(struct cm_ctx *c, value_t *t, value_t *v)
{
	return v->k == CM_V_INT || v->k == CM_V_FLOAT || v->k == CM_V_STR || v->k == CM_V_BOOL;
}

static bool ck_data(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (ck_scalar_data(c, t, v) || v->k == CM_V_UNDEF)
		return true;
	if (v->k == CM_V_ARRAY) {
		for (size_t i = 0; i < v->len; i++)
			if (!ck_data(c, t, v->items[i]))
				return false;
		return true;
	}
	if (v->k == CM_V_HASH) {
		for (size_t i = 0; i < v->len; i++)
			if (v->items[i]->k != CM_V_STR || !ck_data(c, t, v->vals[i]))
				return false;
		return true;
	}
	return false;
}

static bool ck_enum(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k != CM_V_STR)
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (t->items[i]->k == CM_V_STR && strcmp(t->items[i]->s, v->s) == 0)
			return true;
	return t->len == 0;
}

static bool ck_pattern(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k != CM_V_STR)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		value_t *re = t->items[i]->k == CM_V_REGEX ? t->items[i] : cm_regex_value(c, cm_to_s(c, t->items[i]));

		if (cm_match(c, NULL, v, re, NULL, false))
			return true;
	}
	return t->len == 0;
}

static bool ck_array(struct cm_ctx *c, value_t *t, value_t *v)
{
	size_t first = 1;

	if (v->k != CM_V_ARRAY)
		return false;
	if (t->len > 0 && t->items[0]->k == CM_V_INT)
		first = 0;
	if (!size_ok(t, first, v->len))
		return false;
	if (first == 1 && t->len > 0)
		for (size_t i = 0; i < v->len; i++)
			if (!cm_type_check(c, t->items[0], v->items[i]))
				return false;
	return true;
}

static bool ck_tuple(struct cm_ctx *c, value_t *t, value_t *v)
{
	size_t ntypes = 0;

	if (v->k != CM_V_ARRAY)
		return false;
	while (ntypes < t->len && t->items[ntypes]->k == CM_V_TYPE)
		ntypes++;
	if (v->len < (size_t)int_param(t, ntypes, (long long)ntypes) || v->len > (size_t)int_param(t, ntypes + 1, (long long)ntypes))
		return false;
	for (size_t i = 0; i < v->len && ntypes > 0; i++)
		if (!cm_type_check(c, t->items[i < ntypes ? i : ntypes - 1], v->items[i]))
			return false;
	return true;
}

static bool ck_hash(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k != CM_V_HASH)
		return false;
	size_t first = t->len >= 2 && t->items[0]->k == CM_V_TYPE ? 2 : 0;
	if (!size_ok(t, first, v->len))
		return false;
	for (size_t i = 0; first == 2 && i < v->len; i++)
		if (!cm_type_check(c, t->items[0], v->items[i]) || !cm_type_check(c, t->items[1], v->vals[i]))
			return false;
	return true;
}

static bool ck_struct(struct cm_ctx *c, value_t *t, value_t *v)
{
	value_t *spec = t->len ? t->items[0] : NULL;

	if (v->k != CM_V_HASH || spec == NULL || spec->k != CM_V_HASH)
		return v->k == CM_V_HASH;
	for (size_t i = 0; i < v->len; i++) {
		bool known = false;

		for (size_t k = 0; k < spec->len; k++) {
			value_t *key = spec->items[k];
			const char *kname = key->k == CM_V_TYPE && key->len ? key->items[0]->s : key->s;

			if (kname != NULL && v->items[i]->k == CM_V_STR && strcmp(kname, v->items[i]->s) == 0)
				known = true;
		}
		if (!known)
			return false;
	}
	for (size_t k = 0; k < spec->len; k++) {
		value_t *key = spec->items[k];
		bool optional = key->k == CM_V_TYPE;
		const char *kname = optional && key->len ? key->items[0]->s : key->s;
		value_t *x = cm_hash_gets(v, kname ? kname : "");

		if (x == NULL) {
			if (!optional && !cm_type_check(c, spec->vals[k], &cm_undef))
				return false;
			continue;
		}
		if (!cm_type_check(c, spec->vals[k], x))
			return false;
	}
	return true;
}

static bool ck_optional(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k == CM_V_UNDEF || t->len == 0)
		return true;
	if (t->items[0]->k == CM_V_STR)
		return v->k == CM_V_STR && strcmp(v->s, t->items[0]->s) == 0;
	return cm_type_check(c, t->items[0], v);
}

static bool ck_variant(struct cm_ctx *c, value_t *t, value_t *v)
{
	for (size_t i = 0; i < t->len; i++)
		if (cm_type_check(c, t->items[i], v))
			return true;
	return false;
}

static bool ck_collection(struct cm_ctx *c, value_t *t, value_t *v)
{
	return (v->k == CM_V_ARRAY || v->k == CM_V_HASH) && size_ok(t, 0, v->len);
}

static bool ck_resource(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (!cm_is_resource_ref(v))
		return false;
	if (strcmp(t->s, "Resource") == 0)
		return t->len == 0 || strcasecmp(cm_to_s(c, t->items[0]), v->s) == 0;
	return strcasecmp(t->s, v->s) == 0 && (t->len == 0 || strcmp(t->items[0]->s, v->items[0]->s) == 0);
}

static const struct {
	const char *name;
	check_fn check;
} type_table[] = {
	{"Any", ck_any},         {"Undef", ck_undef},       {"NotUndef", ck_notundef},
	{"Default", ck_default}, {"Boolean", ck_boolean},   {"Integer", ck_integer},
	{"Float", ck_float},     {"Numeric", ck_numeric},   {"String", ck_string},
	{"Scalar", ck_scalar},   {"ScalarData", ck_scalar_data}, {"Data", ck_data},
	{"RichData", ck_any},    {"Enum", ck_enum},         {"Pattern", ck_pattern},
	{"Array", ck_array},     {"Tuple", ck_tuple},       {"Hash", ck_hash},
	{"Struct", ck_struct},   {"Optional", ck_optional}, {"Variant", ck_variant},
	{"Collection", ck_collection}, {"Regexp", ck_regexp}, {"Type", ck_type},
	{"Iterable", ck_collection}, {"Resource", ck_resource}, {"CatalogEntry", ck_any},
	{"Sensitive", ck_any},
};
#define NTYPES (sizeof(type_table) / sizeof(type_table[0]))

static check_fn checker(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (strcmp(type_table[i].name, name) == 0)
			return type_table[i].check;
	return NULL;
}

bool cm_type_check(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (t->k != CM_V_TYPE)
		return false;
	check_fn fn = checker(t->s);
	return fn ? fn(c, t, v) : ck_resource(c, t, v);
}

value_t *cm_resolve_type_name(struct cm_ctx *c, const char *name, node_t *at)
{
	if (name[0] == ':' && name[1] == ':')
		name += 2;
	for (size_t i = 0; i < NTYPES; i++)
		if (strcasecmp(type_table[i].name, name) == 0)
			return cm_type(c, type_table[i].name, 0);
	struct cm_definition *d = strstr(name, "::") || !cm_is_builtin_type(name)
	                          ? cm_find_definition(c, CM_DEF_ALIAS, name) : NULL;
	if (d != NULL) {
		const char *saved = c->cur_file;

		c->cur_file = d->file;
		value_t *t = cm_eval(c, c->top, cm_ast_slot(d->node, 0));
		c->cur_file = saved;
		return t;
	}
	return cm_type(c, cm_capitalize_type(c, name), 0);
}

value_t *cm_eval_type(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	node_t *target = cm_ast_slot(n, 0);
	value_t *base = cm_resolve_type_name(c, target->text, target);
	size_t count;
	node_t **keys = cm_ast_list(n, &count);
	value_t **kv = cm_arena_alloc(c->arena, (count + 1) * sizeof(value_t *));

	for (size_t i = 0; i < count; i++)
		kv[i] = cm_eval(c, s, keys[i]);
	if (checker(base->s) == NULL || strcmp(base->s, "Resource") == 0) {
		if (strcmp(base->s, "Resource") == 0 && count >= 1) {
			value_t *rt = cm_type(c, cm_capitalize_type(c, cm_to_s(c, kv[0])), 0);

			if (count == 1)
				return rt;
			return cm_access(c, n, rt, kv + 1, count - 1);
		}
		return cm_access(c, n, base, kv, count);
	}
	value_t *t = cm_type(c, base->s, count);
	for (size_t i = 0; i < count; i++)
		t->items[i] = kv[i];
	return t;
}

const char *cm_type_to_s(struct cm_ctx *c, value_t *t)
{
	struct cm_sb b = {.c = c};

	cm_sb_puts(&b, t->s);
	if (t->len == 0)
		return cm_sb_str(&b);
	cm_sb_puts(&b, "[");
	for (size_t i = 0; i < t->len; i++) {
		if (i)
			cm_sb_puts(&b, ", ");
		value_t *p = t->items[i];
		cm_sb_puts(&b, p->k == CM_V_TYPE ? cm_type_to_s(c, p) : p->k == CM_V_DEFAULT ? "default" : cm_inspect(c, p));
	}
	cm_sb_puts(&b, "]");
	return cm_sb_str(&b);
}

static const char *article(const char *word)
{
	return strchr("AEIOUaeiou", word[0]) ? "an" : "a";
}

/* Collect the alternatives of Variant / Optional for "expects a value of type A or B". */
static void alternatives(struct cm_ctx *c, value_t *t, struct cm_sb *b, int *count)
{
	if (strcmp(t->s, "Variant") == 0 || strcmp(t->s, "Optional") == 0) {
		if (strcmp(t->s, "Optional") == 0) {
			cm_sb_puts(b, *count ? ", Undef" : "Undef");
			(*count)++;
		}
		for (size_t i = 0; i < t->len; i++)
			if (t->items[i]->k == CM_V_TYPE)
				alternatives(c, t->items[i], b, count);
		return;
	}
	cm_sb_printf(b, "%s%s", *count ? ", " : "", cm_type_to_s(c, t));
	(*count)++;
}

static const char *got(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (v->k == CM_V_INT && strcmp(t->s, "Integer") == 0)
		return cm_arena_printf(c, "Integer[%lld, %lld]", v->i, v->i);
	if (v->k == CM_V_STR && strcmp(t->s, "String") == 0)
		return cm_arena_printf(c, "String[%zu, %zu]", v->len, v->len);
	if (v->k == CM_V_ARRAY && (strcmp(t->s, "Array") == 0 || strcmp(t->s, "Tuple") == 0))
		return cm_arena_printf(c, "Array[%zu, %zu]", v->len, v->len);
	if (v->k == CM_V_ARRAY)
		return v->len ? "Tuple" : "Array[0, 0]";
	if (v->k == CM_V_HASH)
		return v->len ? "Struct" : "Hash[0, 0]";
	return cm_type_name_of(c, v);
}

const char *cm_type_mismatch(struct cm_ctx *c, value_t *t, value_t *v)
{
	if (strcmp(t->s, "Variant") == 0 || strcmp(t->s, "Optional") == 0) {
		struct cm_sb b = {.c = c};
		int count = 0;

		alternatives(c, t, &b, &count);
		const char *list = cm_sb_str(&b);
		const char *last = strrchr(list, ',');
		if (last != NULL && count == 2)
			list = cm_arena_printf(c, "%.*s or%s", (int)(last - list), list, last + 1);
		else if (last != NULL)
			list = cm_arena_printf(c, "%.*s, or%s", (int)(last - list), list, last + 1);
		return cm_arena_printf(c, "expects a value of type %s, got %s", list, cm_type_name_of(c, v));
	}
	if (strcmp(t->s, "Enum") == 0 || strcmp(t->s, "Pattern") == 0) {
		if (v->k == CM_V_STR)
			return cm_arena_printf(c, "expects a match for %s, got %s", cm_type_to_s(c, t), cm_inspect(c, v));
		return cm_arena_printf(c, "expects a value of type %s, got %s", cm_type_to_s(c, t), cm_type_name_of(c, v));
	}
	if (strcmp(t->s, "Array") == 0 && v->k == CM_V_ARRAY && t->len > 0 && t->items[0]->k == CM_V_TYPE) {
		for (size_t i = 0; i < v->len; i++)
			if (!cm_type_check(c, t->items[0], v->items[i]))
				return cm_arena_printf(c, "index %zu %s", i, cm_type_mismatch(c, t->items[0], v->items[i]));
	}
	if (strcmp(t->s, "Hash") == 0 && v->k == CM_V_HASH && t->len >= 2 && t->items[1]->k == CM_V_TYPE) {
		for (size_t i = 0; i < v->len; i++)
			if (!cm_type_check(c, t->items[1], v->vals[i]))
				return cm_arena_printf(c, "entry '%s' %s", cm_to_s(c, v->items[i]),
				                       cm_type_mismatch(c, t->items[1], v->vals[i]));
	}
	const char *ts = cm_type_to_s(c, t);
	bool same_kind = (v->k == CM_V_INT && strcmp(t->s, "Integer") == 0) ||
	                 (v->k == CM_V_STR && strcmp(t->s, "String") == 0) ||
	                 (v->k == CM_V_ARRAY && strcmp(t->s, "Array") == 0);
	return cm_arena_printf(c, "expects %s %s value, got %s", article(ts), ts,
	                       same_kind ? got(c, t, v) : cm_type_name_of(c, v));
}
