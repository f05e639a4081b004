/*
 * Collection and number functions: size/length, empty, keys, values,
 * has_key, flatten, unique, sort, reverse, min, max, abs, merge, concat,
 * range-free helpers that are cheap and common in manifests.
 */
#include <stdlib.h>
#include <string.h>

#include "cm/eval/eval.h"

static value_t *fn_size(struct cm_call *k)
{
	value_t *v = k->args[0];

	if (v->k == CM_V_STR || v->k == CM_V_ARRAY || v->k == CM_V_HASH)
		return cm_int(k->c, (long long)v->len);
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' parameter 'arg' expects a value of type "
	              "Collection or String, got %s", k->name, cm_type_name_of(k->c, v));
}

static value_t *fn_empty(struct cm_call *k)
{
	value_t *v = k->args[0];

	if (v->k == CM_V_STR || v->k == CM_V_ARRAY || v->k == CM_V_HASH)
		return cm_bool(v->len == 0);
	return cm_bool(v->k == CM_V_UNDEF);
}

static value_t *need_hash(struct cm_call *k, value_t *v)
{
	if (v->k != CM_V_HASH)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' parameter 'hsh' expects a Hash value, "
		              "got %s", k->name, cm_type_name_of(k->c, v));
	return v;
}

static value_t *fn_keys(struct cm_call *k)
{
	value_t *h = need_hash(k, k->args[0]), *a = cm_array(k->c, h->len);

	for (size_t i = 0; i < h->len; i++)
		a->items[i] = h->items[i];
	return a;
}

static value_t *fn_values(struct cm_call *k)
{
	value_t *h = need_hash(k, k->args[0]), *a = cm_array(k->c, h->len);

	for (size_t i = 0; i < h->len; i++)
		a->items[i] = h->vals[i];
	return a;
}

static void flatten_into(struct cm_ctx *c, value_t *v, value_t *out)
{
	if (v->k != CM_V_ARRAY) {
		cm_array_push(c, out, v);
		return;
	}
	for (size_t i = 0; i < v->len; i++)
		flatten_into(c, v->items[i], out);
}

static value_t *fn_flatten(struct cm_call *k)
{
	value_t *out = cm_array(k->c, 0);

	for (size_t i = 0; i < k->nargs; i++)
		flatten_into(k->c, k->args[i], out);
	return out;
}

static value_t *fn_unique(struct cm_call *k)
{
	value_t *a = k->args[0], *out = cm_array(k->c, 0);

	if (a->k == CM_V_STR) {
		struct cm_sb b = {.c = k->c};

		cm_sb_puts(&b, "");
		for (size_t i = 0; i < a->len; i++)
			if (memchr(a->s, a->s[i], i) == NULL)
				cm_sb_add(&b, a->s + i, 1);
		return cm_strn(k->c, b.p, b.len);
	}
	for (size_t i = 0; a->k == CM_V_ARRAY && i < a->len; i++) {
		bool seen = false;

		for (size_t j = 0; j < out->len && !seen; j++)
			seen = cm_equal_strict(out->items[j], a->items[i]);
		if (!seen)
			cm_array_push(k->c, out, a->items[i]);
	}
	return out;
}

/* Insertion sort: stable, no callbacks through qsort (the lambda may fail). */
static value_t *fn_sort(struct cm_call *k)
{
	value_t *a = k->args[0];

	if (a->k != CM_V_ARRAY)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, 'sort' expects an Array value, got %s",
		              cm_type_name_of(k->c, a));
	value_t *out = cm_array(k->c, a->len);
	for (size_t i = 0; i < a->len; i++) {
		size_t j = i;

		while (j > 0) {
			int d;

			if (k->lambda != NULL) {
				value_t *args[2] = {out->items[j - 1], a->items[i]};
				value_t *r = cm_call_lambda(k->c, k->s, k->lambda, args, 2);
				d = r->k == CM_V_INT ? (int)r->i : 0;
			} else {
				d = cm_compare(k->c, k->at, out->items[j - 1], a->items[i], NULL);
				if (out->items[j - 1]->k == CM_V_STR && a->items[i]->k == CM_V_STR)
					d = strcmp(out->items[j - 1]->s, a->items[i]->s);
			}
			if (d <= 0)
				break;
			out->items[j] = out->items[j - 1];
			j--;
		}
		out->items[j] = a->items[i];
	}
	return out;
}

static value_t *fn_reverse_each(struct cm_call *k)
{
	value_t *a = k->args[0], *out = cm_array(k->c, a->k == CM_V_ARRAY ? a->len : 0);

	for (size_t i = 0; a->k == CM_V_ARRAY && i < a->len; i++)
		out->items[i] = a->items[a->len - 1 - i];
	if (k->lambda != NULL)
		for (size_t i = 0; i < out->len; i++)
			cm_call_lambda(k->c, k->s, k->lambda, &out->items[i], 1);
	return out;
}

static value_t *min_max(struct cm_call *k, int sign)
{
	value_t *best = NULL;
	value_t **items = k->args;
	size_t n = k->nargs;

	if (n == 1 && k->args[0]->k == CM_V_ARRAY) {
		items = k->args[0]->items;
		n = k->args[0]->len;
	}
	for (size_t i = 0; i < n; i++)
		if (best == NULL || cm_compare(k->c, k->at, items[i], best, NULL) * sign > 0)
			best = items[i];
	return best ? best : &cm_undef;
}

static value_t *fn_min(struct cm_call *k) { return min_max(k, -1); }
static value_t *fn_max(struct cm_call *k) { return min_max(k, 1); }

static value_t *fn_abs(struct cm_call *k)
{
	value_t *v = k->args[0];

	if (v->k == CM_V_INT)
		return cm_int(k->c, v->i < 0 ? -v->i : v->i);
	if (v->k == CM_V_FLOAT)
		return cm_float(k->c, v->f < 0 ? -v->f : v->f);
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, 'abs' expects a Numeric value, got %s",
	              cm_type_name_of(k->c, v));
}

static value_t *fn_merge(struct cm_call *k)
{
	value_t *out = cm_hash(k->c, 8);

	for (size_t i = 0; i < k->nargs; i++) {
		value_t *h = k->args[i];

		if (h->k == CM_V_UNDEF || (h->k == CM_V_STR && h->len == 0))
			continue;
		need_hash(k, h);
		for (size_t j = 0; j < h->len; j++)
			cm_hash_put(k->c, out, h->items[j], h->vals[j]);
	}
	return out;
}

static value_t *fn_concat(struct cm_call *k)
{
	value_t *out = cm_array(k->c, 0);

	for (size_t i = 0; i < k->nargs; i++) {
		value_t *a = k->args[i];

		if (a->k == CM_V_ARRAY)
			for (size_t j = 0; j < a->len; j++)
				cm_array_push(k->c, out, a->items[j]);
		else
			cm_array_push(k->c, out, a);
	}
	return out;
}

static value_t *fn_dig(struct cm_call *k)
{
	value_t *v = k->args[0];

	for (size_t i = 1; i < k->nargs && v->k != CM_V_UNDEF; i++)
		v = v->k == CM_V_ARRAY || v->k == CM_V_HASH ? cm_access(k->c, k->at, v, &k->args[i], 1) : &cm_undef;
	return v;
}

static value_t *fn_type(struct cm_call *k)
{
	value_t *v = k->args[0];

	if (v->k == CM_V_TYPE)
		return cm_type(k->c, "Type", 0);
	return cm_resolve_type_name(k->c, cm_type_name_of(k->c, v), k->at);
}

static const struct cm_function coll_functions[] = {
	{"size", fn_size, 1, 1},       {"length", fn_size, 1, 1},     {"empty", fn_empty, 1, 1},
	{"keys", fn_keys, 1, 1},       {"values", fn_values, 1, 1},
	{"flatten", fn_flatten, 0, -1}, {"unique", fn_unique, 1, 1},  {"sort", fn_sort, 1, 1},
	{"reverse_each", fn_reverse_each, 1, 1}, {"min", fn_min, 1, -1}, {"max", fn_max, 1, -1},
	{"abs", fn_abs, 1, 1},         {"merge", fn_merge, 1, -1},    {"concat", fn_concat, 1, -1},
	{"dig", fn_dig, 1, -1},        {"type", fn_type, 1, 2},
};

const struct cm_function *cm_functions_coll_table(size_t *n)
{
	*n = sizeof(coll_functions) / sizeof(coll_functions[0]);
	return coll_functions;
}
