/*
 * Function calls: the catalog functions (include, require, contain,
 * realize, tag, tagged, defined), logging (notice, warning...), fail,
 * lookup, templates (epp, inline_epp, file) and iteration (each, map,
 * filter, reduce...). String and collection helpers are in functions_str.c.
 * Each function is one row of a table; Puppet-language functions
 * (`function mod::f(...)`, autoloaded from <module>/functions/) come after
 * the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/util.h"
#include "cm/eval/eval.h"
#include "cm/lang/parser.h"

static value_t *arg_flatten(struct cm_call *k)
{
	value_t *out = cm_array(k->c, 0);

	for (size_t i = 0; i < k->nargs; i++) {
		value_t *a = k->args[i];

		if (a->k == CM_V_ARRAY) {
			for (size_t j = 0; j < a->len; j++)
				cm_array_push(k->c, out, a->items[j]);
		} else {
			cm_array_push(k->c, out, a);
		}
	}
	return out;
}

static const char *class_arg_name(struct cm_call *k, value_t *v)
{
	if (v->k == CM_V_TYPE && strcmp(v->s, "Class") == 0 && v->len == 1)
		return v->items[0]->s;
	if (v->k == CM_V_STR)
		return v->s;
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' expects a class name, got %s", k->name,
	              cm_type_name_of(k->c, v));
}

static value_t *class_refs(struct cm_call *k, value_t *names)
{
	value_t *out = cm_array(k->c, 0);

	for (size_t i = 0; i < names->len; i++) {
		value_t *ref = cm_type(k->c, "Class", 1);

		ref->items[0] = cm_str(k->c, cm_downcase(k->c, class_arg_name(k, names->items[i])));
		cm_array_push(k->c, out, ref);
	}
	return out;
}

static value_t *fn_include(struct cm_call *k)
{
	value_t *names = arg_flatten(k);

	for (size_t i = 0; i < names->len; i++)
		cm_declare_class(k->c, k->s, class_arg_name(k, names->items[i]), NULL, k->at, false);
	return class_refs(k, names);
}

static value_t *fn_contain(struct cm_call *k)
{
	value_t *names = arg_flatten(k);

	for (size_t i = 0; i < names->len; i++) {
		struct cm_resource *r = cm_declare_class(k->c, k->s, class_arg_name(k, names->items[i]), NULL, k->at, false);

		if (k->s->resource != NULL)
			cm_edge_add(k->c, k->s->resource, r);
	}
	return class_refs(k, names);
}

static value_t *fn_require(struct cm_call *k)
{
	value_t *names = arg_flatten(k);
	struct cm_resource *holder = k->s->resource;

	for (size_t i = 0; i < names->len; i++) {
		struct cm_resource *r = cm_declare_class(k->c, k->s, class_arg_name(k, names->items[i]), NULL, k->at, false);

		if (holder == NULL)
			continue;
		value_t *old = cm_resource_param(holder, "require"), *a = cm_array(k->c, 0);
		if (old != NULL && old->k == CM_V_ARRAY)
			for (size_t j = 0; j < old->len; j++)
				cm_array_push(k->c, a, old->items[j]);
		else if (old != NULL)
			cm_array_push(k->c, a, old);
		value_t *ref = cm_type(k->c, "Class", 1);
		ref->items[0] = cm_str(k->c, r->title);
		cm_array_push(k->c, a, ref);
		cm_resource_set_param(k->c, holder, "require", a);
	}
	return class_refs(k, names);
}

static value_t *fn_realize(struct cm_call *k)
{
	value_t *refs = arg_flatten(k);

	for (size_t i = 0; i < refs->len; i++) {
		value_t *ref = refs->items[i];
		struct cm_resource *r = cm_is_resource_ref(ref) ? cm_resource_find(k->c, ref->s, ref->items[0]->s) : NULL;

		if (r == NULL)
			cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, Failed to realize virtual resources %s",
			              cm_is_resource_ref(ref) ? cm_ref_string(k->c, ref) : cm_to_s(k->c, ref));
		r->virtual = false;
	}
	return &cm_undef;
}

static value_t *fn_tag(struct cm_call *k)
{
	value_t *tags = arg_flatten(k);

	if (k->s->resource != NULL)
		cm_resource_tag_value(k->c, k->s->resource, tags, k->at);
	return &cm_undef;
}

static value_t *fn_tagged(struct cm_call *k)
{
	value_t *tags = arg_flatten(k);

	for (size_t i = 0; i < tags->len; i++) {
		const char *t = cm_to_s(k->c, tags->items[i]);
		bool hit = false;

		for (struct cm_resource *r = k->s->resource; r && !hit; r = r->container)
			hit = cm_eval_resource_tagged(r, t);
		for (size_t j = 0; j < k->c->nclasses && !hit; j++)
			hit = strcasecmp(k->c->classes[j], t) == 0;
		if (!hit)
			return &cm_false;
	}
	return &cm_true;
}

static bool defined_one(struct cm_call *k, value_t *v)
{
	struct cm_ctx *c = k->c;

	if (v->k == CM_V_STR) {
		if (v->s[0] == '$')
			return cm_scope_lookup(c, k->s, v->s + 1) != NULL;
		if (cm_is_builtin_type(v->s))
			return true;
		return cm_find_definition(c, CM_DEF_CLASS, v->s) || cm_find_definition(c, CM_DEF_DEFINE, v->s);
	}
	if (v->k == CM_V_TYPE) {
		if (v->len == 0)
			return cm_is_builtin_type(v->s) || cm_find_definition(c, CM_DEF_DEFINE, v->s);
		if (strcmp(v->s, "Class") == 0)
			return cm_resource_find(c, "Class", cm_capitalize_type(c, v->items[0]->s)) != NULL;
		struct cm_resource *r = cm_resource_find(c, v->s, cm_to_s(c, v->items[0]));
		return r != NULL;
	}
	cm_eval_error(c, k->at, "Error while evaluating a Function Call, 'defined' parameter 'args' expects a value of "
	              "type String or Type[CatalogEntry], got %s", cm_type_name_of(c, v));
}

static value_t *fn_defined(struct cm_call *k)
{
	for (size_t i = 0; i < k->nargs; i++)
		if (defined_one(k, k->args[i]))
			return &cm_true;
	return &cm_false;
}

static const char *joined_args(struct cm_call *k)
{
	struct cm_sb b = {.c = k->c};

	cm_sb_puts(&b, "");
	for (size_t i = 0; i < k->nargs; i++) {
		if (i)
			cm_sb_puts(&b, " ");
		cm_sb_puts(&b, cm_to_s(k->c, k->args[i]));
	}
	return cm_sb_str(&b);
}

static value_t *log_at(struct cm_call *k, const char *level)
{
	cm_message(k->c, level, k->s, joined_args(k));
	return &cm_undef;
}

static value_t *fn_notice(struct cm_call *k) { return log_at(k, "Notice"); }
static value_t *fn_warning(struct cm_call *k) { return log_at(k, "Warning"); }
static value_t *fn_err(struct cm_call *k) { return log_at(k, "Error"); }
static value_t *fn_info(struct cm_call *k) { return log_at(k, "Info"); }
static value_t *fn_debug(struct cm_call *k) { return log_at(k, "Debug"); }

static value_t *fn_fail(struct cm_call *k)
{
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, %s", joined_args(k));
}

/* ---- lookup ---- */

static enum cm_merge merge_of(struct cm_call *k, value_t *v)
{
	static const char *const names[] = {"first", "unique", "hash", "deep"};
	const char *s = v->k == CM_V_HASH ? cm_to_s(k->c, cm_hash_gets(v, "strategy") ? cm_hash_gets(v, "strategy") : &cm_undef)
	                                  : cm_to_s(k->c, v);

	for (int i = 0; i < 4; i++)
		if (strcmp(names[i], s) == 0)
			return (enum cm_merge)i;
	return CM_MERGE_FIRST;
}

static value_t *fn_lookup(struct cm_call *k)
{
	value_t *name = k->args[0], *type = NULL, *dflt = NULL;
	enum cm_merge merge = CM_MERGE_FIRST;

	if (k->nargs == 2 && k->args[1]->k == CM_V_HASH) {
		value_t *o = k->args[1];

		type = cm_hash_gets(o, "value_type");
		if (cm_hash_gets(o, "merge"))
			merge = merge_of(k, cm_hash_gets(o, "merge"));
		dflt = cm_hash_gets(o, "default_value");
	} else {
		if (k->nargs > 1 && k->args[1]->k == CM_V_TYPE)
			type = k->args[1];
		if (k->nargs > 2 && k->args[2]->k != CM_V_UNDEF)
			merge = merge_of(k, k->args[2]);
		if (k->nargs > 3)
			dflt = k->args[3];
	}
	value_t *names = name->k == CM_V_ARRAY ? name : NULL;
	value_t *v = NULL;
	for (size_t i = 0; i < (names ? names->len : 1) && v == NULL; i++)
		v = cm_hiera_lookup(k->c, cm_to_s(k->c, names ? names->items[i] : name), merge, k->at);
	if (v == NULL && k->lambda != NULL)
		v = cm_call_lambda(k->c, k->s, k->lambda, &name, 1);
	if (v == NULL)
		v = dflt;
	if (v == NULL)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, Function lookup() did not find a value "
		              "for the name '%s'", cm_to_s(k->c, name));
	if (type != NULL && !cm_type_check(k->c, type, v))
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, Found value has wrong type, %s",
		              cm_type_mismatch(k->c, type, v));
	return v;
}

/* ---- templates and files ---- */

static const char *module_file(struct cm_call *k, const char *spec, const char *subdir)
{
	if (spec[0] == '/')
		return spec;
	const char *slash = strchr(spec, '/');
	if (slash == NULL)
		return NULL;
	const char *dir = cm_module_dir(k->c, cm_arena_strndup(k->c->arena, spec, (size_t)(slash - spec)));
	return dir ? cm_arena_printf(k->c, "%s/%s/%s", dir, subdir, slash + 1) : NULL;
}

static char *read_file_arena(struct cm_call *k, const char *path, size_t *len)
{
	char *data = path ? file_read_all(path, len) : NULL;

	if (data == NULL)
		return NULL;
	char *copy = cm_arena_strndup(k->c->arena, data, *len);
	free(data);
	return copy;
}

static value_t *fn_file(struct cm_call *k)
{
	for (size_t i = 0; i < k->nargs; i++) {
		size_t len;
		char *data = read_file_arena(k, module_file(k, cm_to_s(k->c, k->args[i]), "files"), &len);

		if (data != NULL)
			return cm_strn(k->c, data, len);
	}
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, Could not find any files from %s",
	              joined_args(k));
}

value_t *cm_epp_render(struct cm_ctx *c, struct cm_scope *s, node_t *at, const char *src, size_t len,
                       const char *name, value_t *params)
{
	struct cm_parse_error pe = {0};
	struct cm_ast *ast = cm_parse_epp(src, len, name, &pe);
	char buf[1024];

	if (ast == NULL)
		cm_fail(c, NULL, "%s", cm_parse_error_format(&pe, buf, sizeof(buf)));
	cm_ast_keep(c, ast);
	struct cm_scope *ts = cm_scope_new(c, c->top, s);
	ts->resource = s->resource;
	ts->scope_label = s->scope_label;
	node_t *pnode = cm_ast_slot(ast->root, 0);
	if (pnode != NULL) {
		cm_bind_params(c, ts, pnode, params ? params : cm_hash(c, 0), cm_arena_printf(c, "EPP template '%s'", name),
		               NULL, NULL, at);
	} else if (params != NULL) {
		for (size_t i = 0; i < params->len; i++)
			cm_map_put(c, &ts->vars, cm_to_s(c, params->items[i]), params->vals[i]);
	}
	struct cm_sb out = {.c = c}, *saved_out = c->epp_out;
	const char *saved_file = c->cur_file;
	cm_sb_puts(&out, "");
	c->epp_out = &out;
	c->cur_file = ast->file;
	cm_eval_block(c, ts, cm_ast_slot(ast->root, 1));
	c->epp_out = saved_out;
	c->cur_file = saved_file;
	return cm_strn(c, out.p, out.len);
}

static value_t *fn_epp(struct cm_call *k)
{
	const char *spec = cm_to_s(k->c, k->args[0]);
	const char *path = module_file(k, spec, "templates");
	size_t len;
	char *src = read_file_arena(k, path, &len);

	if (src == NULL)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, Could not find template '%s'", spec);
	return cm_epp_render(k->c, k->s, k->at, src, len, path, k->nargs > 1 ? k->args[1] : NULL);
}

static value_t *fn_inline_epp(struct cm_call *k)
{
	value_t *t = k->args[0];

	return cm_epp_render(k->c, k->s, k->at, t->s, t->len, "inline_epp", k->nargs > 1 ? k->args[1] : NULL);
}

static value_t *fn_template(struct cm_call *k)
{
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, ERB templates (template()) are not "
	              "supported; use epp()");
}

/* ---- iteration ---- */

static size_t lambda_arity(node_t *lambda)
{
	size_t n = 0;
	node_t *p = cm_ast_slot(lambda, 0);

	if (p != NULL)
		cm_ast_list(p, &n);
	return n;
}

static void need_lambda(struct cm_call *k)
{
	if (k->lambda == NULL)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' expects a block", k->name);
}

/* Call the lambda for element i of a collection, as each/map/filter pass it. */
static value_t *call_elem(struct cm_call *k, value_t *coll, size_t i, size_t arity)
{
	value_t *args[2];

	if (coll->k == CM_V_HASH) {
		if (arity >= 2) {
			args[0] = coll->items[i];
			args[1] = coll->vals[i];
			return cm_call_lambda(k->c, k->s, k->lambda, args, 2);
		}
		value_t *pair = cm_array(k->c, 2);
		pair->items[0] = coll->items[i];
		pair->items[1] = coll->vals[i];
		return cm_call_lambda(k->c, k->s, k->lambda, &pair, 1);
	}
	if (arity >= 2) {
		args[0] = cm_int(k->c, (long long)i);
		args[1] = coll->items[i];
		return cm_call_lambda(k->c, k->s, k->lambda, args, 2);
	}
	return cm_call_lambda(k->c, k->s, k->lambda, &coll->items[i], 1);
}

static value_t *iterable(struct cm_call *k, value_t *v)
{
	if (v->k == CM_V_ARRAY || v->k == CM_V_HASH)
		return v;
	if (v->k == CM_V_INT) {
		value_t *a = cm_array(k->c, v->i > 0 ? (size_t)v->i : 0);

		for (long long i = 0; i < v->i; i++)
			a->items[i] = cm_int(k->c, i);
		return a;
	}
	if (v->k == CM_V_STR) {
		value_t *a = cm_array(k->c, v->len);

		for (size_t i = 0; i < v->len; i++)
			a->items[i] = cm_strn(k->c, v->s + i, 1);
		return a;
	}
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' expects an Iterable value, got %s",
	              k->name, cm_type_name_of(k->c, v));
}

static value_t *fn_each(struct cm_call *k)
{
	need_lambda(k);
	value_t *coll = iterable(k, k->args[0]);
	size_t arity = lambda_arity(k->lambda);

	for (size_t i = 0; i < coll->len; i++)
		call_elem(k, coll, i, arity);
	return k->args[0];
}

static value_t *fn_map(struct cm_call *k)
{
	need_lambda(k);
	value_t *coll = iterable(k, k->args[0]), *out = cm_array(k->c, 0);
	size_t arity = lambda_arity(k->lambda);

	for (size_t i = 0; i < coll->len; i++)
		cm_array_push(k->c, out, call_elem(k, coll, i, arity));
	return out;
}

static value_t *fn_filter(struct cm_call *k)
{
	need_lambda(k);
	value_t *coll = iterable(k, k->args[0]);
	size_t arity = lambda_arity(k->lambda);
	value_t *out = coll->k == CM_V_HASH ? cm_hash(k->c, coll->len) : cm_array(k->c, 0);

	for (size_t i = 0; i < coll->len; i++) {
		if (!cm_truthy(call_elem(k, coll, i, arity)))
			continue;
		if (coll->k == CM_V_HASH)
			cm_hash_put(k->c, out, coll->items[i], coll->vals[i]);
		else
			cm_array_push(k->c, out, coll->items[i]);
	}
	return out;
}

static value_t *fn_any_all(struct cm_call *k, bool want_all)
{
	need_lambda(k);
	value_t *coll = iterable(k, k->args[0]);
	size_t arity = lambda_arity(k->lambda);

	for (size_t i = 0; i < coll->len; i++) {
		bool t = cm_truthy(call_elem(k, coll, i, arity));

		if (t != want_all)
			return cm_bool(!want_all);
	}
	return cm_bool(want_all);
}

static value_t *fn_any(struct cm_call *k) { return fn_any_all(k, false); }
static value_t *fn_all(struct cm_call *k) { return fn_any_all(k, true); }

static value_t *fn_reduce(struct cm_call *k)
{
	need_lambda(k);
	value_t *coll = iterable(k, k->args[0]);
	value_t *memo = k->nargs > 1 ? k->args[1] : NULL;
	size_t start = 0;

	if (memo == NULL) {
		if (coll->len == 0)
			return &cm_undef;
		if (coll->k == CM_V_HASH) {
			memo = cm_array(k->c, 2);
			memo->items[0] = coll->items[0];
			memo->items[1] = coll->vals[0];
		} else {
			memo = coll->items[0];
		}
		start = 1;
	}
	for (size_t i = start; i < coll->len; i++) {
		value_t *args[2] = {memo, coll->items[i]};

		if (coll->k == CM_V_HASH) {
			args[1] = cm_array(k->c, 2);
			args[1]->items[0] = coll->items[i];
			args[1]->items[1] = coll->vals[i];
		}
		memo = cm_call_lambda(k->c, k->s, k->lambda, args, 2);
	}
	return memo;
}

static value_t *fn_with(struct cm_call *k)
{
	need_lambda(k);
	return cm_call_lambda(k->c, k->s, k->lambda, k->args, k->nargs);
}

static value_t *fn_then(struct cm_call *k)
{
	need_lambda(k);
	return k->args[0]->k == CM_V_UNDEF ? &cm_undef : cm_call_lambda(k->c, k->s, k->lambda, k->args, 1);
}

static value_t *fn_assert_type(struct cm_call *k)
{
	value_t *t = k->args[0], *v = k->args[1];

	if (t->k == CM_V_STR)
		t = cm_resolve_type_name(k->c, t->s, k->at);
	if (cm_type_check(k->c, t, v))
		return v;
	if (k->lambda != NULL) {
		value_t *args[2] = {t, cm_type(k->c, cm_type_name_of(k->c, v), 0)};
		return cm_call_lambda(k->c, k->s, k->lambda, args, 2);
	}
	cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, assert_type(): %s",
	              cm_type_mismatch(k->c, t, v));
}

static value_t *fn_getvar(struct cm_call *k)
{
	value_t *v = cm_scope_lookup(k->c, k->s, cm_to_s(k->c, k->args[0]));

	return v ? v : k->nargs > 1 ? k->args[1] : &cm_undef;
}

static const struct cm_function core_functions[] = {
	{"include", fn_include, 1, -1},     {"contain", fn_contain, 1, -1},   {"require", fn_require, 1, -1},
	{"realize", fn_realize, 1, -1},     {"tag", fn_tag, 1, -1},           {"tagged", fn_tagged, 1, -1},
	{"defined", fn_defined, 1, -1},     {"notice", fn_notice, 0, -1},     {"warning", fn_warning, 0, -1},
	{"err", fn_err, 0, -1},             {"info", fn_info, 0, -1},         {"debug", fn_debug, 0, -1},
	{"alert", fn_err, 0, -1},           {"crit", fn_err, 0, -1},          {"emerg", fn_err, 0, -1},
	{"fail", fn_fail, 0, -1},           {"lookup", fn_lookup, 1, 4},      {"file", fn_file, 1, -1},
	{"epp", fn_epp, 1, 2},              {"inline_epp", fn_inline_epp, 1, 2}, {"template", fn_template, 1, -1},
	{"each", fn_each, 1, 1},            {"map", fn_map, 1, 1},            {"filter", fn_filter, 1, 1},
	{"reduce", fn_reduce, 1, 2},        {"any", fn_any, 1, 1},            {"all", fn_all, 1, 1},
	{"with", fn_with, 0, -1},           {"then", fn_then, 1, 1},          {"assert_type", fn_assert_type, 2, 2},
	{"getvar", fn_getvar, 1, 2},
};

const struct cm_function *cm_function_find(const char *name)
{
	size_t n;
	const struct cm_function *tables[3] = {core_functions, NULL, NULL};
	size_t sizes[3] = {sizeof(core_functions) / sizeof(core_functions[0]), 0, 0};

	tables[1] = cm_functions_str_table(&n);
	sizes[1] = n;
	tables[2] = cm_functions_coll_table(&n);
	sizes[2] = n;
	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < sizes[t]; i++)
			if (strcmp(tables[t][i].name, name) == 0)
				return &tables[t][i];
	return NULL;
}

/* A function written in the Puppet language. */
static value_t *call_puppet_function(struct cm_ctx *c, struct cm_scope *s, node_t *at, struct cm_definition *d,
                                     value_t **args, size_t nargs)
{
	node_t *params = cm_ast_slot(d->node, 0);
	size_t np = 0;
	node_t **p = params ? cm_ast_list(params, &np) : NULL;
	value_t *given = cm_hash(c, nargs);
	struct cm_scope *fs = cm_scope_new(c, c->top, s);

	if (nargs > np)
		cm_eval_error(c, at, "Error while evaluating a Function Call, '%s' expects %zu arguments, got %zu", d->name, np,
		              nargs);
	for (size_t i = 0; i < nargs; i++)
		cm_hash_put(c, given, cm_str(c, p[i]->text), args[i]);
	fs->module = d->module;
	const char *saved = c->cur_file;
	c->cur_file = d->file;
	cm_bind_params(c, fs, params, given, cm_arena_printf(c, "function '%s'", d->name), NULL, NULL, at);
	value_t *v = cm_eval_block(c, fs, cm_ast_slot(d->node, 2));
	c->cur_file = saved;
	return v;
}

value_t *cm_call_function(struct cm_ctx *c, struct cm_scope *s, node_t *at, const char *name, value_t **args,
                          size_t nargs, node_t *lambda)
{
	const struct cm_function *f = cm_function_find(name);

	if (f == NULL) {
		struct cm_definition *d = cm_find_definition(c, CM_DEF_FUNCTION, name);

		if (d != NULL)
			return call_puppet_function(c, s, at, d, args, nargs);
		cm_eval_error(c, at, "Unknown function: '%s'.", name);
	}
	if ((int)nargs < f->min_args || (f->max_args >= 0 && (int)nargs > f->max_args)) {
		if (f->min_args == f->max_args)
			cm_eval_error(c, at, "Error while evaluating a Function Call, '%s' expects %d argument%s, got %zu", name,
			              f->min_args, f->min_args == 1 ? "" : "s", nargs);
		if ((int)nargs < f->min_args)
			cm_eval_error(c, at, "Error while evaluating a Function Call, '%s' expects at least %d argument%s, got %zu",
			              name, f->min_args, f->min_args == 1 ? "" : "s", nargs);
		cm_eval_error(c, at, "Error while evaluating a Function Call, '%s' expects between %d and %d arguments, got %zu",
		              name, f->min_args, f->max_args, nargs);
	}
	struct cm_call call = {.c = c, .s = s, .at = at, .name = name, .args = args, .nargs = nargs, .lambda = lambda};
	return f->fn(&call);
}
