/*
 * The expression evaluator: one handler per AST kind, found through a table
 * indexed by the kind. Operators live in ops.c, resources in resource.c,
 * definitions in klass.c. Every expression yields a value; statements that
 * only have effects (resources, definitions) yield their references or undef.
 */
#include <string.h>

#include "cm/eval/eval.h"

typedef value_t *(*eval_fn)(struct cm_ctx *c, struct cm_scope *s, node_t *n);

static value_t *eval_kids(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	size_t count;
	node_t **body = cm_ast_list(n, &count);
	value_t *last = &cm_undef;

	for (size_t i = 0; i < count; i++)
		last = cm_eval(c, s, body[i]);
	return last;
}

value_t *cm_eval_block(struct cm_ctx *c, struct cm_scope *s, node_t *block)
{
	return block == NULL ? &cm_undef : eval_kids(c, s, block);
}

static value_t *eval_string(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_strn(c, n->text, n->text_len);
}

const char *cm_interpolate_segment(struct cm_ctx *c, value_t *v)
{
	return cm_to_s(c, v);
}

static value_t *eval_concat(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	struct cm_sb b = {.c = c};
	size_t count;
	node_t **parts = cm_ast_list(n, &count);

	cm_sb_puts(&b, "");
	for (size_t i = 0; i < count; i++) {
		if (parts[i]->kind == CM_AST_STRING) {
			cm_sb_add(&b, parts[i]->text, parts[i]->text_len);
			continue;
		}
		value_t *v = cm_eval(c, s, parts[i]);

		if (v->k == CM_V_STR)
			cm_sb_add(&b, v->s, v->len);
		else
			cm_sb_puts(&b, cm_interpolate_segment(c, v));
	}
	return cm_strn(c, b.p, b.len);
}

static value_t *eval_heredoc(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_eval(c, s, cm_ast_slot(n, 0));
}

static value_t *eval_integer(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_int(c, n->value.integer);
}

static value_t *eval_float(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_float(c, n->value.number);
}

static value_t *eval_boolean(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_bool(n->value.boolean);
}

static value_t *eval_undef(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return &cm_undef;
}

static value_t *eval_default(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return &cm_default;
}

static value_t *eval_regex(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_regex_value(c, n->text);
}

static value_t *eval_name(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_str(c, n->text);
}

static value_t *eval_type_ref(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_resolve_type_name(c, n->text, n);
}

static value_t *eval_variable(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_scope_lookup(c, s, n->text);

	return v ? v : &cm_undef;
}

static void push_splatted(struct cm_ctx *c, value_t *a, value_t *v, bool splat)
{
	if (splat && v->k == CM_V_ARRAY) {
		for (size_t i = 0; i < v->len; i++)
			cm_array_push(c, a, v->items[i]);
	} else {
		cm_array_push(c, a, v);
	}
}

static value_t *eval_array(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	size_t count;
	node_t **items = cm_ast_list(n, &count);
	value_t *a = cm_array(c, 0);

	for (size_t i = 0; i < count; i++) {
		bool splat = items[i]->kind == CM_AST_SPLAT;

		push_splatted(c, a, cm_eval(c, s, splat ? cm_ast_slot(items[i], 0) : items[i]), splat);
	}
	return a;
}

static value_t *eval_hash(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	size_t count;
	node_t **entries = cm_ast_list(n, &count);
	value_t *h = cm_hash(c, count);

	for (size_t i = 0; i < count; i++) {
		value_t *k = cm_eval(c, s, cm_ast_slot(entries[i], 0));

		cm_hash_put(c, h, k, cm_eval(c, s, cm_ast_slot(entries[i], 1)));
	}
	return h;
}

static value_t *eval_access(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	node_t *target = cm_ast_slot(n, 0);
	size_t count;
	node_t **keys = cm_ast_list(n, &count);

	if (target->kind == CM_AST_TYPE_REF)
		return cm_eval_type(c, s, n);
	value_t *t = cm_eval(c, s, target);
	value_t **kv = cm_arena_alloc(c->arena, (count + 1) * sizeof(value_t *));

	for (size_t i = 0; i < count; i++)
		kv[i] = cm_eval(c, s, keys[i]);
	return cm_access(c, n, t, kv, count);
}

static value_t *eval_not(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return cm_bool(!cm_truthy(cm_eval(c, s, cm_ast_slot(n, 0))));
}

static value_t *eval_negate(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 0));

	if (v->k == CM_V_INT)
		return cm_int(c, -v->i);
	if (v->k == CM_V_FLOAT)
		return cm_float(c, -v->f);
	cm_eval_error(c, n, "Operator '-' is not applicable to %s.", v->k == CM_V_UNDEF ? "an Undef Value" : cm_arena_printf(c, "a %s", cm_type_name_of(c, v)));
}

static value_t *eval_splat(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 0));

	if (v->k == CM_V_ARRAY)
		return v;
	value_t *a = cm_array(c, 0);
	cm_array_push(c, a, v);
	return a;
}

static value_t *eval_and(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	if (!cm_truthy(cm_eval(c, s, cm_ast_slot(n, 0))))
		return &cm_false;
	return cm_bool(cm_truthy(cm_eval(c, s, cm_ast_slot(n, 1))));
}

static value_t *eval_or(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	if (cm_truthy(cm_eval(c, s, cm_ast_slot(n, 0))))
		return &cm_true;
	return cm_bool(cm_truthy(cm_eval(c, s, cm_ast_slot(n, 1))));
}

static value_t *eval_match(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *l = cm_eval(c, s, cm_ast_slot(n, 0));
	value_t *r = cm_eval(c, s, cm_ast_slot(n, 1));
	bool m;

	if (r->k == CM_V_TYPE) {
		m = cm_type_check(c, r, l);
	} else {
		if (l->k != CM_V_STR)
			cm_eval_error(c, n, "Left match operand must result in a String value. Got %s.", cm_type_name_of(c, l) );
		if (r->k == CM_V_STR)
			r = cm_regex_value(c, r->s);
		else if (r->k != CM_V_REGEX)
			cm_eval_error(c, n, "Right match operand must result in a String or Regexp value. Got %s.", cm_type_name_of(c, r));
		m = cm_match(c, s, l, r, n, n->kind == CM_AST_MATCH);
	}
	return cm_bool(n->kind == CM_AST_MATCH ? m : !m);
}

static value_t *eval_binary(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *l = cm_eval(c, s, cm_ast_slot(n, 0));
	value_t *r = cm_eval(c, s, cm_ast_slot(n, 1));

	return cm_eval_binary(c, s, n, l, r);
}

/* Does option value o match test value v (case / selector rules)? */
static bool case_match(struct cm_ctx *c, struct cm_scope *s, node_t *at, value_t *v, value_t *o)
{
	if (o->k == CM_V_DEFAULT)
		return true;
	if (o->k == CM_V_REGEX)
		return v->k == CM_V_STR && cm_match(c, s, v, o, at, true);
	if (o->k == CM_V_TYPE && !cm_is_resource_ref(o))
		return v->k == CM_V_TYPE ? cm_equal(v, o) : cm_type_check(c, o, v);
	if (o->k == CM_V_ARRAY && v->k == CM_V_ARRAY && o->len == v->len) {
		for (size_t i = 0; i < o->len; i++)
			if (!case_match(c, s, at, v->items[i], o->items[i]))
				return false;
		return true;
	}
	return cm_equal(v, o);
}

static value_t *eval_selector(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 0));
	size_t count;
	node_t **entries = cm_ast_list(n, &count);
	node_t *dflt = NULL;

	for (size_t i = 0; i < count; i++) {
		node_t *m = cm_ast_slot(entries[i], 0);

		if (m->kind == CM_AST_DEFAULT) {
			dflt = entries[i];
			continue;
		}
		value_t *o = cm_eval(c, s, m);
		if (m->kind == CM_AST_SPLAT && o->k == CM_V_ARRAY) {
			for (size_t k = 0; k < o->len; k++)
				if (case_match(c, s, m, v, o->items[k]))
					return cm_eval(c, s, cm_ast_slot(entries[i], 1));
			continue;
		}
		if (case_match(c, s, m, v, o))
			return cm_eval(c, s, cm_ast_slot(entries[i], 1));
	}
	if (dflt != NULL)
		return cm_eval(c, s, cm_ast_slot(dflt, 1));
	cm_eval_error(c, n, "No matching entry for selector parameter with value '%s'", cm_to_s(c, v));
}

static void assign_to(struct cm_ctx *c, struct cm_scope *s, node_t *target, value_t *v, node_t *at)
{
	if (target->kind == CM_AST_VARIABLE) {
		cm_scope_set(c, s, target->text, v, at);
		return;
	}
	size_t count;
	node_t **vars = cm_ast_list(target, &count);

	if (v->k == CM_V_HASH) {
		for (size_t i = 0; i < count; i++) {
			value_t *x = cm_hash_gets(v, vars[i]->text);

			if (x == NULL)
				cm_eval_error(c, at, "No value for required variable '$%s' in hash", vars[i]->text);
			cm_scope_set(c, s, vars[i]->text, x, at);
		}
		return;
	}
	if (v->k != CM_V_ARRAY || v->len != count)
		cm_eval_error(c, at, "Mismatched number of assignable entries and values, expected %zu, got %zu", count,
		              v->k == CM_V_ARRAY ? v->len : (size_t)1);
	for (size_t i = 0; i < count; i++)
		assign_to(c, s, vars[i], v->items[i], at);
}

static value_t *eval_assign(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 1));

	assign_to(c, s, cm_ast_slot(n, 0), v, n);
	return v;
}

static value_t **eval_args(struct cm_ctx *c, struct cm_scope *s, node_t *n, size_t extra, size_t *nargs)
{
	size_t count;
	node_t **args = cm_ast_list(n, &count);
	value_t *a = cm_array(c, 0);

	for (size_t i = 0; i < count; i++) {
		bool splat = args[i]->kind == CM_AST_SPLAT;

		push_splatted(c, a, cm_eval(c, s, splat ? cm_ast_slot(args[i], 0) : args[i]), splat);
	}
	value_t **out = cm_arena_alloc(c->arena, (a->len + extra + 1) * sizeof(value_t *));
	memcpy(out + extra, a->items, a->len * sizeof(value_t *));
	*nargs = a->len + extra;
	return out;
}

static value_t *eval_call(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	size_t nargs;
	value_t **args = eval_args(c, s, n, 0, &nargs);

	return cm_call_function(c, s, n, n->text, args, nargs, cm_ast_slot(n, 0));
}

static value_t *eval_method_call(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *recv = cm_eval(c, s, cm_ast_slot(n, 0));
	size_t nargs;
	value_t **args = eval_args(c, s, n, 1, &nargs);

	args[0] = recv;
	return cm_call_function(c, s, n, n->text, args, nargs, cm_ast_slot(n, 1));
}

static value_t *eval_if(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	bool t = cm_truthy(cm_eval(c, s, cm_ast_slot(n, 0)));

	if (n->kind == CM_AST_UNLESS)
		t = !t;
	node_t *branch = cm_ast_slot(n, t ? 1 : 2);
	return branch == NULL ? &cm_undef : cm_eval(c, s, branch);
}

static value_t *eval_case(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 0));
	size_t count;
	node_t **options = cm_ast_list(n, &count);
	node_t *dflt = NULL;

	for (size_t i = 0; i < count; i++) {
		size_t nv;
		node_t **vals = cm_ast_list(options[i], &nv);

		for (size_t k = 0; k < nv; k++) {
			if (vals[k]->kind == CM_AST_DEFAULT) {
				dflt = options[i];
				continue;
			}
			value_t *o = cm_eval(c, s, vals[k]);
			bool hit = false;

			if (vals[k]->kind == CM_AST_SPLAT && o->k == CM_V_ARRAY) {
				for (size_t j = 0; j < o->len && !hit; j++)
					hit = case_match(c, s, vals[k], v, o->items[j]);
			} else {
				hit = case_match(c, s, vals[k], v, o);
			}
			if (hit)
				return cm_eval_block(c, s, cm_ast_slot(options[i], 0));
		}
	}
	return dflt ? cm_eval_block(c, s, cm_ast_slot(dflt, 0)) : &cm_undef;
}

static value_t *eval_definition(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	return &cm_undef; /* registered when the file was loaded */
}

static value_t *eval_epp_text(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	if (c->epp_out != NULL)
		cm_sb_add(c->epp_out, n->text, n->text_len);
	return &cm_undef;
}

static value_t *eval_epp_render(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	value_t *v = cm_eval(c, s, cm_ast_slot(n, 0));

	if (c->epp_out != NULL)
		cm_sb_puts(c->epp_out, cm_to_s(c, v));
	return &cm_undef;
}

static value_t *eval_unexpected(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	cm_eval_error(c, n, "Unexpected %s expression", cm_ast_kind_name(n->kind));
}

static const eval_fn handlers[CM_AST_KIND_COUNT] = {
	[CM_AST_PROGRAM] = eval_kids, [CM_AST_BLOCK] = eval_kids, [CM_AST_STRING] = eval_string,
	[CM_AST_CONCAT] = eval_concat, [CM_AST_HEREDOC] = eval_heredoc, [CM_AST_INTEGER] = eval_integer,
	[CM_AST_FLOAT] = eval_float, [CM_AST_BOOLEAN] = eval_boolean, [CM_AST_UNDEF] = eval_undef,
	[CM_AST_DEFAULT] = eval_default, [CM_AST_REGEX] = eval_regex, [CM_AST_NAME] = eval_name,
	[CM_AST_TYPE_REF] = eval_type_ref, [CM_AST_VARIABLE] = eval_variable, [CM_AST_ARRAY] = eval_array,
	[CM_AST_HASH] = eval_hash, [CM_AST_ACCESS] = eval_access, [CM_AST_NOT] = eval_not,
	[CM_AST_NEGATE] = eval_negate, [CM_AST_SPLAT] = eval_splat, [CM_AST_IN] = eval_binary,
	[CM_AST_MATCH] = eval_match, [CM_AST_NOT_MATCH] = eval_match, [CM_AST_MULTIPLY] = eval_binary,
	[CM_AST_DIVIDE] = eval_binary, [CM_AST_MODULO] = eval_binary, [CM_AST_ADD] = eval_binary,
	[CM_AST_SUBTRACT] = eval_binary, [CM_AST_LSHIFT] = eval_binary, [CM_AST_RSHIFT] = eval_binary,
	[CM_AST_EQ] = eval_binary, [CM_AST_NE] = eval_binary, [CM_AST_LT] = eval_binary,
	[CM_AST_GT] = eval_binary, [CM_AST_LE] = eval_binary, [CM_AST_GE] = eval_binary,
	[CM_AST_AND] = eval_and, [CM_AST_OR] = eval_or, [CM_AST_SELECTOR] = eval_selector,
	[CM_AST_ASSIGN] = eval_assign, [CM_AST_REL_BEFORE] = cm_eval_relationship,
	[CM_AST_REL_NOTIFY] = cm_eval_relationship, [CM_AST_REL_REQUIRE] = cm_eval_relationship,
	[CM_AST_REL_SUBSCRIBE] = cm_eval_relationship, [CM_AST_CALL] = eval_call,
	[CM_AST_METHOD_CALL] = eval_method_call, [CM_AST_IF] = eval_if, [CM_AST_UNLESS] = eval_if,
	[CM_AST_CASE] = eval_case, [CM_AST_RESOURCE] = cm_eval_resource,
	[CM_AST_RESOURCE_DEFAULTS] = cm_eval_resource_defaults,
	[CM_AST_RESOURCE_OVERRIDE] = cm_eval_resource_override, [CM_AST_COLLECT] = cm_eval_collect,
	[CM_AST_CLASS_DEF] = eval_definition, [CM_AST_DEFINE_DEF] = eval_definition,
	[CM_AST_NODE_DEF] = eval_definition, [CM_AST_FUNCTION_DEF] = eval_definition,
	[CM_AST_TYPE_ALIAS] = eval_definition, [CM_AST_EPP_TEXT] = eval_epp_text,
	[CM_AST_EPP_RENDER] = eval_epp_render,
};

value_t *cm_eval(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	eval_fn fn = handlers[n->kind] ? handlers[n->kind] : eval_unexpected;

	if (++c->depth > 2000)
		cm_eval_error(c, n, "Maximum recursion depth reached");
	value_t *v = fn(c, s, n);
	c->depth--;
	return v;
}

value_t *cm_call_lambda(struct cm_ctx *c, struct cm_scope *s, node_t *lambda, value_t **args, size_t n)
{
	node_t *params = cm_ast_slot(lambda, 0);
	size_t np = 0;
	node_t **p = params ? cm_ast_list(params, &np) : NULL;
	struct cm_scope *ls = cm_scope_new(c, s, s->dynamic);

	ls->ephemeral = true;
	for (size_t i = 0; i < np; i++) {
		value_t *v;

		if (p[i]->flags & CM_AST_F_CAPTURES_REST) {
			v = cm_array(c, 0);
			for (size_t k = i; k < n; k++)
				cm_array_push(c, v, args[k]);
		} else if (i < n) {
			v = args[i];
		} else if (cm_ast_slot(p[i], 1) != NULL) {
			v = cm_eval(c, ls, cm_ast_slot(p[i], 1));
		} else {
			cm_eval_error(c, lambda, "block expects %zu arguments, got %zu", np, n);
		}
		node_t *tn = cm_ast_slot(p[i], 0);
		if (tn != NULL) {
			value_t *t = cm_eval(c, s, tn);

			if (!cm_type_check(c, t, v))
				cm_eval_error(c, lambda, "block parameter '%s' %s", p[i]->text, cm_type_mismatch(c, t, v));
		}
		cm_map_put(c, &ls->vars, p[i]->text, v);
	}
	return cm_eval_block(c, ls, cm_ast_slot(lambda, 1));
}
