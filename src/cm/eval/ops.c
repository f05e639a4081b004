/*
 * Operators with Puppet 7 semantics: arithmetic (Integer stays Integer,
 * Ruby's flooring division and modulo), + - << on arrays and hashes,
 * case-insensitive string comparison, `in`, access ([]) on strings, arrays,
 * hashes and types, and regular expressions.
 *
 * Regexes are Ruby's in Puppet; here they are POSIX extended expressions
 * after translating the common Ruby escapes (\d \D \h \A \z, (?i) and (?:).
 * Compiled expressions are cached per compilation in ctx->regexes (freed by
 * cm_compile), so a regex is compiled once however often it is matched.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cm/eval/eval.h"

static const char *op_text(enum cm_ast_kind k)
{
	switch (k) {
	case CM_AST_ADD: return "+";
	case CM_AST_SUBTRACT: return "-";
	case CM_AST_MULTIPLY: return "*";
	case CM_AST_DIVIDE: return "/";
	case CM_AST_MODULO: return "%";
	case CM_AST_LSHIFT: return "<<";
	case CM_AST_RSHIFT: return ">>";
	case CM_AST_LT: return "<";
	case CM_AST_GT: return ">";
	case CM_AST_LE: return "<=";
	case CM_AST_GE: return ">=";
	default: return "?";
	}
}

static const char *a_type(struct cm_ctx *c, value_t *v)
{
	if (v->k == CM_V_UNDEF)
		return "an Undef Value";
	const char *t = cm_type_name_of(c, v);
	return cm_arena_printf(c, "%s %s", strchr("AEIOU", t[0]) ? "an" : "a", t);
}

/* A numeric string as a number (Puppet coerces them in arithmetic). */
static value_t *to_number(struct cm_ctx *c, value_t *v)
{
	if (v->k == CM_V_INT || v->k == CM_V_FLOAT)
		return v;
	if (v->k != CM_V_STR || v->len == 0)
		return NULL;
	char *end;
	long long i = strtoll(v->s, &end, 0);
	if (*end == '\0')
		return cm_int(c, i);
	double f = strtod(v->s, &end);
	if (*end == '\0')
		return cm_float(c, f);
	return NULL;
}

static long long floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static long long floor_mod(long long a, long long b)
{
	long long m = a % b;

	if (m != 0 && ((m < 0) != (b < 0)))
		m += b;
	return m;
}

static value_t *arith(struct cm_ctx *c, node_t *n, value_t *l, value_t *r)
{
	value_t *a = to_number(c, l), *b = to_number(c, r);

	if (a == NULL)
		cm_eval_error(c, n, "Operator '%s' is not applicable to %s.", op_text(n->kind), a_type(c, l));
	if (b == NULL)
		cm_eval_error(c, n, "Operator '%s' is not applicable to %s.", op_text(n->kind), a_type(c, r));
	if (a->k == CM_V_INT && b->k == CM_V_INT) {
		switch (n->kind) {
		case CM_AST_ADD: return cm_int(c, a->i + b->i);
		case CM_AST_SUBTRACT: return cm_int(c, a->i - b->i);
		case CM_AST_MULTIPLY: return cm_int(c, a->i * b->i);
		case CM_AST_DIVIDE:
			if (b->i == 0)
				cm_eval_error(c, n, "Division by 0");
			return cm_int(c, floor_div(a->i, b->i));
		case CM_AST_MODULO:
			if (b->i == 0)
				cm_eval_error(c, n, "Division by 0");
			return cm_int(c, floor_mod(a->i, b->i));
		case CM_AST_LSHIFT: return cm_int(c, b->i >= 0 ? a->i << b->i : a->i >> -b->i);
		case CM_AST_RSHIFT: return cm_int(c, b->i >= 0 ? a->i >> b->i : a->i << -b->i);
		default: break;
		}
	}
	double x = a->k == CM_V_INT ? (double)a->i : a->f, y = b->k == CM_V_INT ? (double)b->i : b->f;
	switch (n->kind) {
	case CM_AST_ADD: return cm_float(c, x + y);
	case CM_AST_SUBTRACT: return cm_float(c, x - y);
	case CM_AST_MULTIPLY: return cm_float(c, x * y);
	case CM_AST_DIVIDE:
		if (y == 0)
			cm_eval_error(c, n, "Division by 0");
		return cm_float(c, x / y);
	default:
		cm_eval_error(c, n, "Operator '%s' is not applicable to a Float.", op_text(n->kind));
	}
}

static value_t *array_of(struct cm_ctx *c, value_t *v)
{
	if (v->k == CM_V_ARRAY)
		return v;
	value_t *a = cm_array(c, 0);
	if (v->k == CM_V_HASH) {
		for (size_t i = 0; i < v->len; i++) {
			value_t *pair = cm_array(c, 2);

			pair->items[0] = v->items[i];
			pair->items[1] = v->vals[i];
			cm_array_push(c, a, pair);
		}
	} else {
		cm_array_push(c, a, v);
	}
	return a;
}

static value_t *hash_of(struct cm_ctx *c, node_t *n, value_t *v)
{
	if (v->k == CM_V_HASH)
		return v;
	if (v->k == CM_V_ARRAY && v->len % 2 == 0) {
		value_t *h = cm_hash(c, v->len / 2);

		for (size_t i = 0; i + 1 < v->len; i += 2)
			cm_hash_put(c, h, v->items[i], v->items[i + 1]);
		return h;
	}
	cm_eval_error(c, n, "Operator '+' is not applicable to a Hash and %s.", a_type(c, v));
}

static value_t *plus(struct cm_ctx *c, node_t *n, value_t *l, value_t *r)
{
	if (l->k == CM_V_ARRAY) {
		value_t *a = cm_array(c, 0), *b = array_of(c, r);

		for (size_t i = 0; i < l->len; i++)
			cm_array_push(c, a, l->items[i]);
		for (size_t i = 0; i < b->len; i++)
			cm_array_push(c, a, b->items[i]);
		return a;
	}
	if (l->k == CM_V_HASH) {
		value_t *h = cm_hash(c, l->len + 4), *b = hash_of(c, n, r);

		for (size_t i = 0; i < l->len; i++)
			cm_hash_put(c, h, l->items[i], l->vals[i]);
		for (size_t i = 0; i < b->len; i++)
			cm_hash_put(c, h, b->items[i], b->vals[i]);
		return h;
	}
	return arith(c, n, l, r);
}

static bool contains_equal(value_t *a, value_t *v)
{
	for (size_t i = 0; i < a->len; i++)
		if (cm_equal(a->items[i], v))
			return true;
	return false;
}

static value_t *minus(struct cm_ctx *c, node_t *n, value_t *l, value_t *r)
{
	if (l->k == CM_V_ARRAY) {
		value_t *a = cm_array(c, 0), *b = array_of(c, r);

		for (size_t i = 0; i < l->len; i++)
			if (!contains_equal(b, l->items[i]))
				cm_array_push(c, a, l->items[i]);
		return a;
	}
	if (l->k == CM_V_HASH) {
		value_t *h = cm_hash(c, l->len), *keys = r->k == CM_V_HASH ? cm_array(c, 0) : array_of(c, r);

		if (r->k == CM_V_HASH)
			for (size_t i = 0; i < r->len; i++)
				cm_array_push(c, keys, r->items[i]);
		for (size_t i = 0; i < l->len; i++)
			if (!contains_equal(keys, l->items[i]))
				cm_hash_put(c, h, l->items[i], l->vals[i]);
		return h;
	}
	return arith(c, n, l, r);
}

static value_t *lshift(struct cm_ctx *c, node_t *n, value_t *l, value_t *r)
{
	if (l->k == CM_V_ARRAY) {
		value_t *a = cm_array(c, 0);

		for (size_t i = 0; i < l->len; i++)
			cm_array_push(c, a, l->items[i]);
		cm_array_push(c, a, r);
		return a;
	}
	return arith(c, n, l, r);
}

int cm_compare(struct cm_ctx *c, node_t *at, value_t *l, value_t *r, const char *op)
{
	if ((l->k == CM_V_INT || l->k == CM_V_FLOAT) && (r->k == CM_V_INT || r->k == CM_V_FLOAT)) {
		if (l->k == CM_V_INT && r->k == CM_V_INT)
			return l->i < r->i ? -1 : l->i > r->i;
		double x = l->k == CM_V_INT ? (double)l->i : l->f, y = r->k == CM_V_INT ? (double)r->i : r->f;
		return x < y ? -1 : x > y;
	}
	if (l->k == CM_V_STR && r->k == CM_V_STR) {
		int d = strcasecmp(l->s, r->s);
		return d < 0 ? -1 : d > 0;
	}
	if (op == NULL)
		return strcmp(cm_to_s(c, l), cm_to_s(c, r));
	cm_eval_error(c, at, "Comparison of: %s %s %s, is not possible", cm_type_name_of(c, l), op,
	              cm_type_name_of(c, r));
}

static bool in_op(struct cm_ctx *c, struct cm_scope *s, node_t *n, value_t *l, value_t *r)
{
	switch (r->k) {
	case CM_V_STR:
		if (l->k == CM_V_REGEX)
			return cm_match(c, s, r, l, n, true);
		if (l->k != CM_V_STR)
			return false;
		return strcasestr(r->s, l->s) != NULL;
	case CM_V_ARRAY:
		for (size_t i = 0; i < r->len; i++) {
			value_t *x = r->items[i];

			if (l->k == CM_V_REGEX ? (x->k == CM_V_STR && cm_match(c, s, x, l, n, true))
			    : l->k == CM_V_TYPE && !cm_is_resource_ref(l) ? cm_type_check(c, l, x)
			    : cm_equal(l, x))
				return true;
		}
		return false;
	case CM_V_HASH:
		for (size_t i = 0; i < r->len; i++)
			if (l->k == CM_V_REGEX ? (r->items[i]->k == CM_V_STR && cm_match(c, s, r->items[i], l, n, true))
			    : cm_equal(l, r->items[i]))
				return true;
		return false;
	default: return false;
	}
}

value_t *cm_eval_binary(struct cm_ctx *c, struct cm_scope *s, node_t *n, value_t *l, value_t *r)
{
	switch (n->kind) {
	case CM_AST_ADD: return plus(c, n, l, r);
	case CM_AST_SUBTRACT: return minus(c, n, l, r);
	case CM_AST_LSHIFT: return lshift(c, n, l, r);
	case CM_AST_MULTIPLY:
	case CM_AST_DIVIDE:
	case CM_AST_MODULO:
	case CM_AST_RSHIFT: return arith(c, n, l, r);
	case CM_AST_EQ: return cm_bool(cm_equal(l, r));
	case CM_AST_NE: return cm_bool(!cm_equal(l, r));
	case CM_AST_LT: return cm_bool(cm_compare(c, n, l, r, "<") < 0);
	case CM_AST_GT: return cm_bool(cm_compare(c, n, l, r, ">") > 0);
	case CM_AST_LE: return cm_bool(cm_compare(c, n, l, r, "<=") <= 0);
	case CM_AST_GE: return cm_bool(cm_compare(c, n, l, r, ">=") >= 0);
	case CM_AST_IN: return cm_bool(in_op(c, s, n, l, r));
	default: cm_eval_error(c, n, "Unknown operator");
	}
}

/* ---- access ---- */

static long norm_index(long long i, size_t len)
{
	return i < 0 ? (long)len + (long)i : (long)i;
}

static value_t *slice_bounds(struct cm_ctx *c, node_t *at, value_t **keys, size_t n, size_t len,
                             long *start, long *count)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i]->k != CM_V_INT)
			cm_eval_error(c, at, "The value '%s' cannot be converted to Numeric.", cm_to_s(c, keys[i]));
	*start = norm_index(keys[0]->i, len);
	*count = n > 1 ? (long)keys[1]->i : 1;
	if (*count < 0)
		*count = (long)len + *count - *start + 1;
	if (*start < 0) {
		*count += *start;
		*start = 0;
	}
	if (*start > (long)len)
		*start = (long)len;
	if (*start + *count > (long)len)
		*count = (long)len - *start;
	if (*count < 0)
		*count = 0;
	return NULL;
}

value_t *cm_access(struct cm_ctx *c, node_t *at, value_t *t, value_t **keys, size_t n)
{
	long start, count;

	switch (t->k) {
	case CM_V_STR:
		if (n < 1 || n > 2)
			cm_eval_error(c, at, "String supports [] with one or two arguments. Got %zu", n);
		slice_bounds(c, at, keys, n, t->len, &start, &count);
		return cm_strn(c, t->s + start, (size_t)count);
	case CM_V_ARRAY:
		if (n < 1 || n > 2)
			cm_eval_error(c, at, "Array supports [] with one or two arguments. Got %zu", n);
		if (n == 1) {
			if (keys[0]->k != CM_V_INT)
				cm_eval_error(c, at, "The value '%s' cannot be converted to Numeric.", cm_to_s(c, keys[0]));
			long i = norm_index(keys[0]->i, t->len);
			return i >= 0 && i < (long)t->len ? t->items[i] : &cm_undef;
		}
		slice_bounds(c, at, keys, n, t->len, &start, &count);
		{
			value_t *a = cm_array(c, (size_t)count);

			for (long i = 0; i < count; i++)
				a->items[i] = t->items[start + i];
			return a;
		}
	case CM_V_HASH:
		if (n == 1) {
			value_t *v = cm_hash_get(t, keys[0]);
			return v ? v : &cm_undef;
		} else {
			value_t *a = cm_array(c, 0);

			for (size_t i = 0; i < n; i++) {
				value_t *v = cm_hash_get(t, keys[i]);
				if (v)
					cm_array_push(c, a, v);
			}
			return a;
		}
	case CM_V_TYPE: {
		if (t->len != 0)
			cm_eval_error(c, at, "Operator '[]' is not applicable to a %s.", cm_type_to_s(c, t));
		if (n == 1 && keys[0]->k != CM_V_ARRAY) {
			value_t *r = cm_type(c, t->s, 1);

			r->items[0] = keys[0]->k == CM_V_STR ? keys[0] : cm_str(c, cm_to_s(c, keys[0]));
			return r;
		}
		value_t *a = cm_array(c, 0);
		for (size_t i = 0; i < n; i++) {
			value_t *ks = keys[i]->k == CM_V_ARRAY ? keys[i] : array_of(c, keys[i]);

			for (size_t k = 0; k < ks->len; k++) {
				value_t *r = cm_type(c, t->s, 1);

				r->items[0] = cm_str(c, cm_to_s(c, ks->items[k]));
				cm_array_push(c, a, r);
			}
		}
		return a;
	}
	default:
		cm_eval_error(c, at, "Operator '[]' is not applicable to %s.", a_type(c, t));
	}
}

/* ---- regular expressions ---- */

static const char *translate_regex(struct cm_ctx *c, const char *src, int *flags)
{
	struct cm_sb b = {.c = c};
	bool in_class = false;

	cm_sb_puts(&b, "");
	if (strncmp(src, "(?i)", 4) == 0) {
		*flags |= REG_ICASE;
		src += 4;
	}
	for (const char *p = src; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			const char *rep = NULL;

			switch (p[1]) {
			case 'd': rep = in_class ? "0-9" : "[0-9]"; break;
			case 'D': rep = "[^0-9]"; break;
			case 'h': rep = in_class ? "0-9a-fA-F" : "[0-9a-fA-F]"; break;
			case 'A': rep = "^"; break;
			case 'z':
			case 'Z': rep = "$"; break;
			case 'n': rep = "\n"; break;
			case 't': rep = "\t"; break;
			case '/': rep = "/"; break;
			default: break;
			}
			if (rep != NULL)
				cm_sb_puts(&b, rep);
			else
				cm_sb_add(&b, p, 2);
			p++;
			continue;
		}
		if (!in_class && p[0] == '(' && p[1] == '?' && p[2] == ':') {
			cm_sb_puts(&b, "(");
			p += 2;
			continue;
		}
		if (*p == '[' && !in_class)
			in_class = true;
		else if (*p == ']' && in_class)
			in_class = false;
		cm_sb_add(&b, p, 1);
	}
	return cm_sb_str(&b);
}

static struct cm_regex_entry *regex_entry(struct cm_ctx *c, const char *src, node_t *at)
{
	for (struct cm_regex_entry *e = c->regexes; e; e = e->next)
		if (strcmp(e->src, src) == 0)
			return e;
	int flags = REG_EXTENDED;
	const char *pat = translate_regex(c, src, &flags);
	struct cm_regex_entry *e = cm_arena_alloc(c->arena, sizeof(*e));

	if (regcomp(&e->re, pat, flags) != 0)
		cm_eval_error(c, at, "Invalid regular expression /%s/", src);
	e->src = cm_arena_strndup(c->arena, src, strlen(src));
	e->ngroups = (int)e->re.re_nsub;
	e->next = c->regexes;
	c->regexes = e;
	return e;
}

regex_t *cm_regex_compile(struct cm_ctx *c, const char *src, node_t *at)
{
	return &regex_entry(c, src, at)->re;
}

bool cm_match(struct cm_ctx *c, struct cm_scope *s, value_t *str, value_t *re, node_t *at, bool set_vars)
{
	struct cm_regex_entry *e = regex_entry(c, re->s, at);
	regmatch_t m[10];

	if (regexec(&e->re, str->s, 10, m, 0) != 0)
		return false;
	if (set_vars && s != NULL) {
		size_t n = (size_t)e->ngroups + 1 < 10 ? (size_t)e->ngroups + 1 : 10;
		value_t *caps = cm_array(c, n);

		for (size_t i = 0; i < n; i++)
			caps->items[i] = m[i].rm_so < 0 ? &cm_undef
			                 : cm_strn(c, str->s + m[i].rm_so, (size_t)(m[i].rm_eo - m[i].rm_so));
		s->match = caps;
	}
	return true;
}
