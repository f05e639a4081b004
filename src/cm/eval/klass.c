/*
 * Definitions: classes, defined types, nodes, type aliases and Puppet-language
 * functions; their registry, autoloading from the modulepath
 * (apache::vhost -> <dir>/apache/manifests/vhost.pp), class declaration
 * (include-like: once; resource-like: with parameters, once), defined-type
 * instance evaluation and node selection.
 *
 * Scopes follow Puppet 4+: a class or define body sees its own variables,
 * then (for `inherits`) its parent class's, then the node scope or top scope
 * it was declared under; resource defaults follow the declaring scopes.
 * Parameters bind in this order: given value, Hiera (`class::param`, classes
 * only), default expression, undef when the type allows it; then each is
 * type-checked with Puppet's message.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cm/eval/eval.h"
#include "cm/lang/parser.h"

static const char *def_name(struct cm_ctx *c, const char *name)
{
	if (name[0] == ':' && name[1] == ':')
		name += 2;
	return cm_downcase(c, name);
}

static void register_one(struct cm_ctx *c, enum cm_def_kind kind, const char *name, node_t *n, const char *file,
                         const char *module)
{
	struct cm_definition *d = cm_arena_alloc(c->arena, sizeof(*d));

	d->kind = kind;
	d->name = def_name(c, name);
	d->node = n;
	d->file = file;
	d->module = module;
	if (cm_map_get(&c->defs[kind], d->name) == NULL)
		cm_map_put(c, &c->defs[kind], d->name, d);
}

static void register_in(struct cm_ctx *c, node_t *block, const char *prefix, const char *file, const char *module)
{
	size_t count;
	node_t **body = block ? cm_ast_list(block, &count) : NULL;

	for (size_t i = 0; body && i < count; i++) {
		node_t *n = body[i];
		const char *name = n->text;

		if (name != NULL && prefix != NULL && n->kind != CM_AST_NODE_DEF)
			name = cm_arena_printf(c, "%s::%s", prefix, name[0] == ':' ? name + 2 : name);
		switch (n->kind) {
		case CM_AST_CLASS_DEF:
			register_one(c, CM_DEF_CLASS, name, n, file, module);
			register_in(c, cm_ast_slot(n, 2), def_name(c, name), file, module);
			break;
		case CM_AST_DEFINE_DEF: register_one(c, CM_DEF_DEFINE, name, n, file, module); break;
		case CM_AST_TYPE_ALIAS: register_one(c, CM_DEF_ALIAS, name, n, file, module); break;
		case CM_AST_FUNCTION_DEF: register_one(c, CM_DEF_FUNCTION, name, n, file, module); break;
		case CM_AST_NODE_DEF: {
			struct cm_definition *d = cm_arena_alloc(c->arena, sizeof(*d));
			struct cm_map *m = &c->defs[CM_DEF_NODE];

			d->kind = CM_DEF_NODE;
			d->node = n;
			d->file = file;
			d->name = cm_arena_printf(c, "#%zu", m->n);
			cm_map_put(c, m, d->name, d);
			break;
		}
		default: break;
		}
	}
}

void cm_register_definitions(struct cm_ctx *c, node_t *program, const char *file, const char *module)
{
	register_in(c, program, NULL, file, module);
}

struct cm_ast *cm_load_file(struct cm_ctx *c, const char *path, const char *module, node_t *at)
{
	struct cm_parse_error pe = {0};
	char buf[1024];

	if (cm_map_get(&c->loaded_files, path) != NULL)
		return NULL;
	cm_map_put(c, &c->loaded_files, cm_arena_strndup(c->arena, path, strlen(path)), (void *)1);
	struct cm_ast *ast = cm_parse_file(path, &pe);
	if (ast == NULL) {
		cm_parse_error_format(&pe, buf, sizeof(buf));
		if (pe.line > 0)
			cm_fail(c, NULL, "%s:%d:%d: Could not parse for environment %s: %s", pe.file, pe.line, pe.column,
			        c->opt->environment ? c->opt->environment : "production", pe.message);
		cm_fail(c, NULL, "%s", buf);
	}
	cm_ast_keep(c, ast);
	cm_register_definitions(c, ast->root, cm_arena_strndup(c->arena, path, strlen(path)), module);
	return ast;
}

const char *cm_module_dir(struct cm_ctx *c, const char *module)
{
	struct stat st;

	for (size_t i = 0; i < c->opt->modulepath_count; i++) {
		const char *dir = cm_arena_printf(c, "%s/%s", c->opt->modulepath[i], module);

		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return dir;
	}
	return NULL;
}

static void autoload(struct cm_ctx *c, enum cm_def_kind kind, const char *name)
{
	static const char *const subdirs[] = {
		[CM_DEF_CLASS] = "manifests", [CM_DEF_DEFINE] = "manifests", [CM_DEF_ALIAS] = "types",
		[CM_DEF_FUNCTION] = "functions", [CM_DEF_NODE] = NULL,
	};
	const char *sep = strstr(name, "::");
	const char *module = sep ? cm_arena_strndup(c->arena, name, (size_t)(sep - name)) : name;
	const char *dir = subdirs[kind] ? cm_module_dir(c, module) : NULL;
	struct stat st;

	if (dir == NULL)
		return;
	const char *rest = sep ? sep + 2 : (kind == CM_DEF_CLASS || kind == CM_DEF_DEFINE ? "init" : NULL);
	if (rest == NULL)
		return;
	struct cm_sb b = {.c = c};
	cm_sb_printf(&b, "%s/%s/", dir, subdirs[kind]);
	for (const char *p = rest; *p; p++) {
		if (p[0] == ':' && p[1] == ':') {
			cm_sb_puts(&b, "/");
			p++;
		} else {
			cm_sb_add(&b, p, 1);
		}
	}
	cm_sb_puts(&b, ".pp");
	const char *path = cm_sb_str(&b);
	if (stat(path, &st) == 0)
		cm_load_file(c, path, module, NULL);
}

struct cm_definition *cm_find_definition(struct cm_ctx *c, enum cm_def_kind kind, const char *name)
{
	const char *key = def_name(c, name);
	struct cm_definition *d = cm_map_get(&c->defs[kind], key);

	if (d == NULL) {
		autoload(c, kind, key);
		d = cm_map_get(&c->defs[kind], key);
	}
	return d;
}

/* ---- parameters ---- */

static const char *failure_context(node_t *at)
{
	if (at == NULL)
		return "";
	return at->kind == CM_AST_CALL || at->kind == CM_AST_METHOD_CALL ? "Error while evaluating a Function Call, "
	                                                                  : "Error while evaluating a Resource Statement, ";
}

void cm_bind_params(struct cm_ctx *c, struct cm_scope *s, node_t *params, value_t *given, const char *who,
                    const char *lookup_prefix, struct cm_resource *r, node_t *at)
{
	size_t np = 0;
	node_t **p = params ? cm_ast_list(params, &np) : NULL;

	for (size_t i = 0; given && i < given->len; i++) {
		const char *gname = cm_to_s(c, given->items[i]);
		bool known = false;

		for (size_t k = 0; k < np && !known; k++)
			known = strcmp(p[k]->text, gname) == 0;
		if (!known && !(r != NULL && !r->is_class && strcmp(gname, "name") == 0)) {
			static const char *const meta[] = {"alias", "audit", "before", "loglevel", "noop", "notify",
			                                   "require", "schedule", "stage", "subscribe", "tag", "export",
			                                   "consume", NULL};
			bool is_meta = false;

			for (size_t m = 0; meta[m]; m++)
				is_meta |= strcmp(meta[m], gname) == 0;
			if (!is_meta)
				cm_eval_error(c, at, "%s%s: has no parameter named '%s'", failure_context(at), who, gname);
		}
	}
	for (size_t i = 0; i < np; i++) {
		const char *name = p[i]->text;
		value_t *v = given ? cm_hash_gets(given, name) : NULL;
		node_t *tn = cm_ast_slot(p[i], 0);
		value_t *type = tn ? cm_eval(c, s, tn) : NULL;

		if (v == NULL && lookup_prefix != NULL)
			v = cm_hiera_lookup(c, cm_arena_printf(c, "%s::%s", lookup_prefix, name), CM_MERGE_FIRST, at);
		if (v == NULL && cm_ast_slot(p[i], 1) != NULL)
			v = cm_eval(c, s, cm_ast_slot(p[i], 1));
		if (v == NULL) {
			if (type == NULL || !cm_type_check(c, type, &cm_undef))
				cm_eval_error(c, at, "%s%s: expects a value for parameter '%s'", failure_context(at), who, name);
			v = &cm_undef;
		}
		if (type != NULL && !cm_type_check(c, type, v))
			cm_eval_error(c, at, "%s%s: parameter '%s' %s", failure_context(at), who, name, cm_type_mismatch(c, type, v));
		cm_map_put(c, &s->vars, name, v);
		if (r != NULL && v->k != CM_V_UNDEF)
			cm_resource_set_param(c, r, name, v);
	}
}

/* ---- classes ---- */

static struct cm_scope *enclosing_scope(struct cm_ctx *c, struct cm_scope *s)
{
	for (; s != NULL; s = s->dynamic ? s->dynamic : s->parent)
		if (s == c->top || s == c->node_scope)
			return s;
	return c->top;
}

static void catalog_tag(struct cm_ctx *c, const char *tag)
{
	for (size_t i = 0; i < c->ncat_tags; i++)
		if (strcmp(c->cat_tags[i], tag) == 0)
			return;
	if (c->ncat_tags == c->cat_tags_cap) {
		size_t cap = c->cat_tags_cap ? c->cat_tags_cap * 2 : 16;
		const char **t = cm_arena_alloc(c->arena, cap * sizeof(char *));

		if (c->ncat_tags)
			memcpy(t, c->cat_tags, c->ncat_tags * sizeof(char *));
		c->cat_tags = t;
		c->cat_tags_cap = cap;
	}
	c->cat_tags[c->ncat_tags++] = tag;
}

static void add_class_name(struct cm_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nclasses; i++)
		if (strcmp(c->classes[i], name) == 0)
			return;
	if (c->nclasses == c->classes_cap) {
		size_t cap = c->classes_cap ? c->classes_cap * 2 : 16;
		const char **t = cm_arena_alloc(c->arena, cap * sizeof(char *));

		if (c->nclasses)
			memcpy(t, c->classes, c->nclasses * sizeof(char *));
		c->classes = t;
		c->classes_cap = cap;
	}
	c->classes[c->nclasses++] = name;
	struct cm_resource tmp = {0};
	cm_resource_tag(c, &tmp, name);
	for (size_t i = 0; i < tmp.ntags; i++)
		catalog_tag(c, tmp.tags[i]);
}

static void instantiate_tags(struct cm_ctx *c, struct cm_resource *r)
{
	for (size_t i = 0; i < r->ntags; i++)
		catalog_tag(c, r->tags[i]);
}

static void evaluate_class(struct cm_ctx *c, struct cm_scope *decl, struct cm_definition *d, struct cm_resource *r,
                           value_t *params, node_t *at)
{
	node_t *parent = cm_ast_slot(d->node, 1);
	struct cm_scope *ps = NULL;

	if (parent != NULL)
		ps = cm_map_get(&c->class_scopes, def_name(c, parent->text));
	struct cm_scope *s = cm_scope_new(c, ps ? ps : enclosing_scope(c, decl), ps ? ps : decl);
	s->resource = r;
	s->name = d->name;
	s->module = d->module;
	s->scope_label = cm_arena_printf(c, "Class[%s]", r->title);
	cm_map_put(c, &c->class_scopes, d->name, s);
	add_class_name(c, d->name);

	const char *saved = c->cur_file;
	c->cur_file = d->file;
	if (d->module)
		cm_map_put(c, &s->vars, "module_name", cm_str(c, d->module));
	cm_map_put(c, &s->vars, "title", cm_str(c, d->name));
	cm_map_put(c, &s->vars, "name", cm_str(c, d->name));
	c->cur_file = saved;
	cm_bind_params(c, s, cm_ast_slot(d->node, 0), params, cm_arena_printf(c, "Class[%s]", r->title), d->name, r, at);
	cm_edge_add(c, c->stage_main, r);
	c->cur_file = d->file;
	cm_eval_block(c, s, cm_ast_slot(d->node, 2));
	c->cur_file = saved;
}

static struct cm_resource *ensure_class(struct cm_ctx *c, struct cm_scope *s, const char *name, node_t *at,
                                        bool resource_like, bool *created)
{
	const char *key = def_name(c, name);
	struct cm_definition *d = cm_find_definition(c, CM_DEF_CLASS, key);

	*created = false;
	if (d == NULL)
		cm_eval_error(c, at, "%sCould not find class ::%s for %s", failure_context(at), key, c->node_name);
	const char *title = cm_capitalize_type(c, key);
	struct cm_resource *r = cm_resource_find(c, "Class", title);
	if (r != NULL) {
		if (resource_like)
			cm_eval_error(c, at, "Error while evaluating a Resource Statement, Duplicate declaration: Class[%s] is "
			              "already declared; cannot redeclare (file: %s, line: %d)", title, c->cur_file, at ? at->line : 0);
		return r;
	}
	node_t *parent = cm_ast_slot(d->node, 1);
	if (parent != NULL) {
		bool dummy;

		if (cm_find_definition(c, CM_DEF_CLASS, parent->text) == NULL)
			cm_eval_error(c, parent, "Could not find parent resource type '%s' of type hostclass in %s",
			              def_name(c, parent->text), c->opt->environment ? c->opt->environment : "production");
		ensure_class(c, s, parent->text, at, false, &dummy);
	}
	r = cm_arena_alloc(c->arena, sizeof(*r));
	r->type = "Class";
	r->title = title;
	r->is_class = true;
	r->def = d;
	r->scope = s;
	r->container = s->resource;
	if (resource_like) {
		r->file = c->cur_file;
		r->line = at ? at->line : 0;
	}
	cm_resource_tag(c, r, "class");
	cm_resource_tag(c, r, key);
	instantiate_tags(c, r);
	cm_catalog_add(c, s, r, at);
	*created = true;
	return r;
}

/* Evaluate a declared class (its parent first), once. */
static void evaluate_declared(struct cm_ctx *c, struct cm_resource *r, value_t *params, node_t *at)
{
	node_t *parent = cm_ast_slot(r->def->node, 1);

	if (r->evaluated)
		return;
	r->evaluated = true;
	if (parent != NULL) {
		struct cm_resource *pr = cm_resource_find(c, "Class", cm_capitalize_type(c, def_name(c, parent->text)));

		if (pr != NULL)
			evaluate_declared(c, pr, NULL, at);
	}
	evaluate_class(c, r->scope, r->def, r, params, at);
}

struct cm_resource *cm_declare_class(struct cm_ctx *c, struct cm_scope *s, const char *name, value_t *params,
                                     node_t *at, bool resource_like)
{
	bool created;
	struct cm_resource *r = ensure_class(c, s, name, at, resource_like, &created);

	if (created)
		evaluate_declared(c, r, params, at);
	return r;
}

/* ---- defined types ---- */

void cm_evaluate_define(struct cm_ctx *c, struct cm_resource *r)
{
	struct cm_definition *d = r->def;
	struct cm_scope *s = cm_scope_new(c, enclosing_scope(c, r->scope), r->scope);
	value_t *given = cm_hash(c, r->nparams);

	r->evaluated = true;
	s->resource = r;
	s->name = d->name;
	s->module = d->module;
	s->scope_label = cm_arena_printf(c, "%s[%s]", r->type, r->title);
	for (size_t i = 0; i < r->nparams; i++)
		cm_hash_put(c, given, cm_str(c, r->params[i].name), r->params[i].value);
	if (d->module)
		cm_map_put(c, &s->vars, "module_name", cm_str(c, d->module));
	cm_map_put(c, &s->vars, "title", cm_str(c, r->title));
	value_t *name = cm_hash_gets(given, "name");
	cm_map_put(c, &s->vars, "name", name ? name : cm_str(c, r->title));

	const char *saved = c->cur_file;
	node_t at = {.kind = CM_AST_RESOURCE, .line = r->line, .column = 0};
	c->cur_file = r->file;
	cm_bind_params(c, s, cm_ast_slot(d->node, 0), given, cm_arena_printf(c, "%s[%s]", r->type, r->title), NULL, r,
	               &at);
	c->cur_file = d->file;
	cm_eval_block(c, s, cm_ast_slot(d->node, 1));
	c->cur_file = saved;
}

/* ---- nodes ---- */

/* Puppet's name for a regex node: the source lower-cased, keeping [-\w:.], no leading dots. */
static const char *node_regex_title(struct cm_ctx *c, const char *src)
{
	struct cm_sb b = {.c = c};

	cm_sb_puts(&b, "__node_regexp__");
	for (const char *p = src; *p; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if (isalnum((unsigned char)ch) || strchr("-_:.", ch)) {
			if (ch == '.' && b.len == strlen("__node_regexp__"))
				continue;
			cm_sb_add(&b, &ch, 1);
		}
	}
	return cm_sb_str(&b);
}

static struct cm_definition *match_node(struct cm_ctx *c, const char **title, value_t **captures)
{
	struct cm_map *m = &c->defs[CM_DEF_NODE];
	struct cm_definition *regex_hit = NULL, *dflt = NULL;
	value_t *name = cm_str(c, c->node_name);

	for (size_t i = 0; i < m->n; i++) {
		struct cm_definition *d = cm_map_get(m, cm_arena_printf(c, "#%zu", i));
		size_t count;
		node_t **matches = cm_ast_list(d->node, &count);

		for (size_t k = 0; k < count; k++) {
			node_t *mn = matches[k];

			if (mn->kind == CM_AST_DEFAULT) {
				if (dflt == NULL)
					dflt = d;
			} else if (mn->kind == CM_AST_REGEX) {
				struct cm_scope tmp = {0};

				if (regex_hit == NULL && cm_match(c, &tmp, name, cm_regex_value(c, mn->text), mn, true)) {
					regex_hit = d;
					*captures = tmp.match;
					*title = node_regex_title(c, mn->text);
				}
			} else if (strcasecmp(mn->text, c->node_name) == 0) {
				*title = cm_downcase(c, mn->text);
				*captures = NULL;
				return d;
			}
		}
	}
	if (regex_hit != NULL)
		return regex_hit;
	*title = "default";
	return dflt;
}

void cm_evaluate_node(struct cm_ctx *c)
{
	const char *title = NULL;
	value_t *captures = NULL;

	if (c->defs[CM_DEF_NODE].n == 0)
		return;
	struct cm_definition *d = match_node(c, &title, &captures);
	if (d == NULL)
		cm_fail(c, NULL, "Could not find node statement with name 'default' or '%s'", c->node_name);
	struct cm_resource *r = cm_arena_alloc(c->arena, sizeof(*r));
	r->type = "Node";
	r->title = title;
	r->scope = c->top;
	cm_resource_tag(c, r, "node");
	cm_resource_tag(c, r, title);
	instantiate_tags(c, r);
	cm_catalog_add(c, c->top, r, NULL);
	c->node_res = r;
	add_class_name(c, title);

	struct cm_scope *s = cm_scope_new(c, c->top, c->top);
	s->resource = r;
	s->name = "";
	s->scope_label = cm_arena_printf(c, "Node[%s]", title);
	s->match = captures;
	c->node_scope = s;
	const char *saved = c->cur_file;
	c->cur_file = d->file;
	cm_eval_block(c, s, cm_ast_slot(d->node, 0));
	c->cur_file = saved;
}

void cm_add_class_name(struct cm_ctx *c, const char *name)
{
	add_class_name(c, name);
}
