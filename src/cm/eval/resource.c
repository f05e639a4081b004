/*
 * Resources in the catalog: declaration (titles, bodies, splat, defaults,
 * virtual and exported), the duplicate check, containment edges, tags,
 * resource defaults (dynamically scoped, applied when a resource is made, as
 * Puppet 7 does), overrides and collectors (applied in the compiler's final
 * loop) and relationships (->, ~>, <-, <~), which end as before/notify
 * parameters of the source resources: Puppet 7's catalogs carry only
 * containment in their edges.
 *
 * The built-in types and their parameters are a table; a parameter not in
 * its type's row (and not a metaparameter) is an error, as in Puppet.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cm/eval/eval.h"

static const char *const metaparams[] = {
	"alias", "audit", "before", "consume", "export", "loglevel", "noop", "notify", "require",
	"schedule", "stage", "subscribe", "tag", NULL,
};

static const struct builtin_type {
	const char *name;
	const char *params; /* space separated, with spaces at both ends */
} builtin_types[] = {
	{"File", " path ensure backup recurse recurselimit max_files replace force ignore links purge sourceselect "
	         "show_diff staging_location validate_cmd validate_replacement content source mode owner group target "
	         "checksum checksum_value ctime mtime type selrange selrole seltype seluser selinux_ignore_defaults "
	         "source_permissions provider "},
	{"Package", " name ensure command package_settings flavor source instance status adminfile responsefile "
	            "configfiles category platform root vendor description allowcdrom enable_only install_only "
	            "install_options uninstall_options allow_virtual reinstall_on_refresh mark provider "},
	{"Service", " name ensure enable logonaccount logonpassword flags binary hasstatus hasrestart path pattern "
	            "restart start status stop control manifest timeout provider "},
	{"User", " name ensure home uid gid comment shell password password_min_age password_max_age "
	         "password_warn_days groups membership system allowdupe managehome expiry roles role_membership auths "
	         "auth_membership profiles profile_membership keys key_membership project attributes "
	         "attribute_membership salt iterations forcelocal purge_ssh_keys loginclass provider "},
	{"Group", " name ensure gid members auth_membership allowdupe attributes attribute_membership system "
	          "forcelocal provider "},
	{"Exec", " command returns path user group cwd logoutput refresh environment umask timeout tries try_sleep "
	         "unless onlyif creates refreshonly provider "},
	{"Cron", " name ensure command special minute hour monthday month weekday environment user target provider "},
	{"Host", " name ensure ip host_aliases comment target provider "},
	{"Notify", " name message withpath "},
	{"Tidy", " path recurse max_files matches backup age size type rmdirs "},
	{"Mount", " name ensure device fstype options pass dump atboot dumpdevice target remounts blockdevice "
	          "provider "},
	{"Schedule", " name range periodmatch period repeat weekday "},
	{"Stage", " name "},
	{"Filebucket", " name server port path "},
	{"Resources", " name purge unless_system_user unless_uid "},
	{"Ssh_authorized_key", " name ensure type key user target options provider "},
	{"Sshkey", " name ensure type key host_aliases target provider "},
};

static const struct builtin_type *builtin_find(const char *type)
{
	for (size_t i = 0; i < sizeof(builtin_types) / sizeof(builtin_types[0]); i++)
		if (strcasecmp(builtin_types[i].name, type) == 0)
			return &builtin_types[i];
	return NULL;
}

bool cm_is_builtin_type(const char *type)
{
	return builtin_find(type) != NULL;
}

static bool is_metaparam(const char *name)
{
	for (size_t i = 0; metaparams[i]; i++)
		if (strcmp(metaparams[i], name) == 0)
			return true;
	return false;
}

static bool builtin_has_param(const struct builtin_type *t, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = t->params; (p = strstr(p, name)) != NULL; p++)
		if (p[-1] == ' ' && p[n] == ' ')
			return true;
	return false;
}

/* ---- resources ---- */

static const char *res_key(struct cm_ctx *c, const char *type, const char *title)
{
	return cm_arena_printf(c, "%s\x01%s", type, title);
}

struct cm_resource *cm_resource_find(struct cm_ctx *c, const char *type, const char *title)
{
	struct cm_resource *r = cm_map_get(&c->res_index, res_key(c, type, title));

	if (r == NULL && strcmp(type, "Class") == 0)
		r = cm_map_get(&c->res_index, res_key(c, type, cm_capitalize_type(c, title)));
	return r;
}

value_t *cm_resource_param(const struct cm_resource *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

void cm_resource_set_param(struct cm_ctx *c, struct cm_resource *r, const char *name, value_t *v)
{
	for (size_t i = 0; i < r->nparams; i++) {
		if (strcmp(r->params[i].name, name) == 0) {
			r->params[i].value = v;
			return;
		}
	}
	if (r->nparams == r->params_cap) {
		size_t cap = r->params_cap ? r->params_cap * 2 : 8;
		struct cm_param *p = cm_arena_alloc(c->arena, cap * sizeof(*p));

		if (r->nparams)
			memcpy(p, r->params, r->nparams * sizeof(*p));
		r->params = p;
		r->params_cap = cap;
	}
	r->params[r->nparams].name = cm_arena_strndup(c->arena, name, strlen(name));
	r->params[r->nparams++].value = v;
}

static bool valid_tag(const char *t)
{
	if (!(isalnum((unsigned char)t[0]) || t[0] == '_' || (unsigned char)t[0] >= 0x80))
		return false;
	for (const char *p = t; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("_:.-", *p) || (unsigned char)*p >= 0x80))
			return false;
	return true;
}

bool cm_eval_resource_tagged(const struct cm_resource *r, const char *tag)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (strcasecmp(r->tags[i], tag) == 0)
			return true;
	return false;
}

static void tag_add_raw(struct cm_ctx *c, struct cm_resource *r, const char *t)
{
	if (cm_eval_resource_tagged(r, t))
		return;
	if (r->ntags == r->tags_cap) {
		size_t cap = r->tags_cap ? r->tags_cap * 2 : 8;
		const char **tags = cm_arena_alloc(c->arena, cap * sizeof(char *));

		if (r->ntags)
			memcpy(tags, r->tags, r->ntags * sizeof(char *));
		r->tags = tags;
		r->tags_cap = cap;
	}
	r->tags[r->ntags++] = t;
}

/* Tag with name and, for qualified names, each segment (Puppet's tag rules). */
void cm_resource_tag(struct cm_ctx *c, struct cm_resource *r, const char *tag)
{
	if (!valid_tag(tag) || cm_eval_resource_tagged(r, tag))
		return;
	char *t = cm_downcase(c, tag);
	tag_add_raw(c, r, t);
	if (strstr(t, "::") == NULL)
		return;
	for (char *p = t, *sep; *p; p = sep + 2) {
		sep = strstr(p, "::");
		if (sep == NULL) {
			tag_add_raw(c, r, p);
			break;
		}
		tag_add_raw(c, r, cm_arena_strndup(c->arena, p, (size_t)(sep - p)));
	}
}

void cm_resource_tag_value(struct cm_ctx *c, struct cm_resource *r, const value_t *v, node_t *at)
{
	if (v->k == CM_V_ARRAY) {
		for (size_t i = 0; i < v->len; i++)
			cm_resource_tag_value(c, r, v->items[i], at);
		return;
	}
	if (v->k == CM_V_UNDEF)
		return;
	const char *t = cm_to_s(c, v);
	if (!valid_tag(t))
		cm_eval_error(c, at, "Invalid tag '%s'", t);
	cm_resource_tag(c, r, t);
}

void cm_edge_add(struct cm_ctx *c, struct cm_resource *from, struct cm_resource *to)
{
	for (size_t i = 0; i < c->nedges; i++)
		if (c->edges[i].from == from && c->edges[i].to == to)
			return;
	if (c->nedges == c->edges_cap) {
		size_t cap = c->edges_cap ? c->edges_cap * 2 : 64;
		struct cm_edge *e = cm_arena_alloc(c->arena, cap * sizeof(*e));

		if (c->nedges)
			memcpy(e, c->edges, c->nedges * sizeof(*e));
		c->edges = e;
		c->edges_cap = cap;
	}
	c->edges[c->nedges].from = from;
	c->edges[c->nedges++].to = to;
}

void cm_catalog_add(struct cm_ctx *c, struct cm_scope *s, struct cm_resource *r, node_t *at)
{
	const char *key = res_key(c, r->type, r->title);
	struct cm_resource *old = cm_map_get(&c->res_index, key);

	if (old != NULL) {
		if (old->file != NULL)
			cm_eval_error(c, at, "Error while evaluating a Resource Statement, Duplicate declaration: %s[%s] is "
			              "already declared at (file: %s, line: %d); cannot redeclare (file: %s, line: %d)",
			              r->type, r->title, old->file, old->line, c->cur_file, at ? at->line : 0);
		cm_eval_error(c, at, "Error while evaluating a Resource Statement, Duplicate declaration: %s[%s] is "
		              "already declared; cannot redeclare (file: %s, line: %d)", r->type, r->title, c->cur_file,
		              at ? at->line : 0);
	}
	cm_map_put(c, &c->res_index, key, r);
	if (c->nres == c->res_cap) {
		size_t cap = c->res_cap ? c->res_cap * 2 : 256;
		struct cm_resource **res = cm_arena_alloc(c->arena, cap * sizeof(*res));

		if (c->nres)
			memcpy(res, c->res, c->nres * sizeof(*res));
		c->res = res;
		c->res_cap = cap;
	}
	r->index = c->nres;
	r->in_catalog = true;
	c->res[c->nres++] = r;
	if (!r->is_class && s != NULL && s->resource != NULL) {
		r->container = s->resource;
		cm_edge_add(c, s->resource, r);
	}
}

/* ---- defaults ---- */

static value_t *defaults_for(struct cm_ctx *c, struct cm_scope *s, const char *type)
{
	value_t *merged = NULL;

	for (; s != NULL; s = s->dynamic ? s->dynamic : s->parent) {
		for (struct cm_defaults *d = s->defaults; d; d = d->next) {
			if (strcmp(d->type, type) != 0)
				continue;
			if (merged == NULL)
				merged = cm_hash(c, d->values->len);
			for (size_t i = 0; i < d->values->len; i++)
				if (cm_hash_get(merged, d->values->items[i]) == NULL)
					cm_hash_put(c, merged, d->values->items[i], d->values->vals[i]);
		}
	}
	return merged;
}

static value_t *eval_ops(struct cm_ctx *c, struct cm_scope *s, node_t *owner, size_t first, value_t **appends)
{
	size_t count;
	node_t **ops = cm_ast_list(owner, &count);
	value_t *h = cm_hash(c, count);

	for (size_t i = first; i < count; i++) {
		if (ops[i]->kind == CM_AST_ATTRIBUTES_SPLAT) {
			value_t *v = cm_eval(c, s, cm_ast_slot(ops[i], 0));

			if (v->k == CM_V_UNDEF)
				continue;
			if (v->k != CM_V_HASH)
				cm_eval_error(c, ops[i], "Unfolding of attributes from Hash can only be used with a Hash value. Got %s",
				              cm_type_name_of(c, v));
			for (size_t k = 0; k < v->len; k++)
				cm_hash_put(c, h, v->items[k], v->vals[k]);
			continue;
		}
		value_t *key = cm_str(c, ops[i]->text);
		if (cm_hash_get(h, key) != NULL)
			cm_eval_error(c, ops[i], "The attribute '%s' has already been set", ops[i]->text);
		cm_hash_put(c, h, key, cm_eval(c, s, cm_ast_slot(ops[i], 0)));
		if ((ops[i]->flags & CM_AST_F_APPEND) && appends != NULL) {
			if (*appends == NULL)
				*appends = cm_array(c, 0);
			cm_array_push(c, *appends, key);
		}
	}
	return h;
}

value_t *cm_eval_resource_defaults(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	node_t *tn = cm_ast_slot(n, 0);
	struct cm_defaults *d = cm_arena_alloc(c->arena, sizeof(*d));
	const char *name = tn->text[0] == ':' ? tn->text + 2 : tn->text;

	d->type = cm_capitalize_type(c, name);
	d->ops = n;
	d->values = eval_ops(c, s, n, 0, NULL);
	d->next = s->defaults;
	s->defaults = d;
	return &cm_undef;
}

/* ---- declaration ---- */

static const char *type_name_of_node(struct cm_ctx *c, node_t *tn, struct cm_scope *s)
{
	const char *name = tn->text;

	if (tn->kind != CM_AST_NAME && tn->kind != CM_AST_TYPE_REF) {
		value_t *v = cm_eval(c, s, tn);
		name = v->k == CM_V_TYPE ? v->s : cm_to_s(c, v);
	}
	if (name[0] == ':' && name[1] == ':')
		name += 2;
	return name;
}

static void check_param_names(struct cm_ctx *c, struct cm_resource *r, const struct builtin_type *bt, node_t *at)
{
	for (size_t i = 0; i < r->nparams; i++) {
		const char *p = r->params[i].name;

		if (!is_metaparam(p) && !builtin_has_param(bt, p))
			cm_fail(c, at, "no parameter named '%s' (file: %s, line: %d) on %s[%s]", p, r->file, r->line,
			        r->type, r->title);
	}
}

static value_t *declare_one(struct cm_ctx *c, struct cm_scope *s, node_t *n, node_t *body, const char *type,
                            const char *title, value_t *params, struct cm_definition *def,
                            const struct builtin_type *bt)
{
	struct cm_resource *r = cm_arena_alloc(c->arena, sizeof(*r));

	r->type = type;
	r->title = title;
	r->file = c->cur_file;
	r->line = n->line;
	r->scope = s;
	r->def = def;
	r->is_define = def != NULL;
	r->virtual = (n->flags & (CM_AST_F_VIRTUAL | CM_AST_F_EXPORTED)) != 0;
	r->exported = (n->flags & CM_AST_F_EXPORTED) != 0;
	for (size_t i = 0; i < params->len; i++)
		if (params->vals[i]->k != CM_V_UNDEF)
			cm_resource_set_param(c, r, params->items[i]->s, params->vals[i]);
	value_t *dflt = defaults_for(c, s, type);
	for (size_t i = 0; dflt && i < dflt->len; i++)
		if (cm_hash_get(params, dflt->items[i]) == NULL && dflt->vals[i]->k != CM_V_UNDEF)
			cm_resource_set_param(c, r, dflt->items[i]->s, dflt->vals[i]);
	cm_resource_tag(c, r, type);
	cm_resource_tag(c, r, title);
	value_t *tagv = cm_resource_param(r, "tag");
	if (tagv != NULL)
		cm_resource_tag_value(c, r, tagv, body);
	if (bt != NULL)
		check_param_names(c, r, bt, body);
	cm_catalog_add(c, s, r, n);
	value_t *ref = cm_type(c, type, 1);
	ref->items[0] = cm_str(c, title);
	return ref;
}

static value_t *declare_classes(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	size_t nb;
	node_t **bodies = cm_ast_list(n, &nb);
	value_t *refs = cm_array(c, 0);

	for (size_t b = 0; b < nb; b++) {
		value_t *title = cm_eval(c, s, cm_ast_slot(bodies[b], 0));
		value_t *params = eval_ops(c, s, bodies[b], 0, NULL);
		value_t *titles = title->k == CM_V_ARRAY ? title : NULL;
		size_t nt = titles ? titles->len : 1;

		for (size_t t = 0; t < nt; t++) {
			value_t *tv = titles ? titles->items[t] : title;
			const char *name = tv->k == CM_V_TYPE && tv->len ? tv->items[0]->s : cm_to_s(c, tv);
			struct cm_resource *r = cm_declare_class(c, s, name, params, n, true);
			value_t *ref = cm_type(c, "Class", 1);

			ref->items[0] = cm_str(c, r->title);
			cm_array_push(c, refs, ref);
		}
	}
	return refs;
}

value_t *cm_eval_resource(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	const char *tname = type_name_of_node(c, cm_ast_slot(n, 0), s);

	if (strcasecmp(tname, "class") == 0)
		return declare_classes(c, s, n);
	const struct builtin_type *bt = builtin_find(tname);
	struct cm_definition *def = NULL;
	if (bt == NULL) {
		def = cm_find_definition(c, CM_DEF_DEFINE, tname);
		if (def == NULL)
			cm_eval_error(c, n, "Error while evaluating a Resource Statement, Unknown resource type: '%s'", tname);
	}
	const char *type = bt ? bt->name : cm_capitalize_type(c, tname);
	size_t nb;
	node_t **bodies = cm_ast_list(n, &nb);
	value_t *refs = cm_array(c, 0);
	value_t *dflt_body = NULL;
	value_t **titlev = cm_arena_alloc(c->arena, (nb + 1) * sizeof(value_t *));

	for (size_t b = 0; b < nb; b++) {
		titlev[b] = cm_eval(c, s, cm_ast_slot(bodies[b], 0));
		if (titlev[b]->k == CM_V_DEFAULT)
			dflt_body = eval_ops(c, s, bodies[b], 0, NULL);
	}
	for (size_t b = 0; b < nb; b++) {
		value_t *title = titlev[b];

		if (title->k == CM_V_DEFAULT)
			continue;
		value_t *params = eval_ops(c, s, bodies[b], 0, NULL);
		if (dflt_body != NULL)
			for (size_t i = 0; i < dflt_body->len; i++)
				if (cm_hash_get(params, dflt_body->items[i]) == NULL)
					cm_hash_put(c, params, dflt_body->items[i], dflt_body->vals[i]);
		value_t *titles = title->k == CM_V_ARRAY ? title : NULL;
		size_t nt = titles ? titles->len : 1;

		for (size_t t = 0; t < nt; t++) {
			value_t *tv = titles ? titles->items[t] : title;

			if (tv->k == CM_V_UNDEF || (tv->k == CM_V_STR && tv->len == 0))
				cm_eval_error(c, bodies[b], "Error while evaluating a Resource Statement, Missing title. The title "
				              "expression resulted in undef");
			cm_array_push(c, refs, declare_one(c, s, n, bodies[b], type, cm_to_s(c, tv), params, def, bt));
		}
	}
	return refs;
}

/* ---- overrides and collectors ---- */

static void refs_flatten(struct cm_ctx *c, value_t *v, value_t *out)
{
	if (v->k == CM_V_ARRAY) {
		for (size_t i = 0; i < v->len; i++)
			refs_flatten(c, v->items[i], out);
	} else if (v->k == CM_V_TYPE && v->s[0] == '_' && v->vals != NULL) {
		struct cm_collector *col = (struct cm_collector *)(void *)v->vals;

		if (col->collected)
			refs_flatten(c, col->collected, out);
	} else if (v->k == CM_V_TYPE) {
		cm_array_push(c, out, v);
	}
}

static struct cm_resource *ref_resource(struct cm_ctx *c, value_t *ref)
{
	if (!cm_is_resource_ref(ref))
		return NULL;
	const char *title = ref->items[0]->s;
	if (strcmp(ref->s, "Class") == 0)
		return cm_resource_find(c, "Class", cm_capitalize_type(c, title[0] == ':' ? title + 2 : title));
	return cm_resource_find(c, ref->s, title);
}

value_t *cm_eval_resource_override(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	struct cm_override *o = cm_arena_alloc(c->arena, sizeof(*o));
	value_t *appends = NULL;

	o->node = n;
	o->scope = s;
	o->refs = cm_array(c, 0);
	refs_flatten(c, cm_eval(c, s, cm_ast_slot(n, 0)), o->refs);
	o->values = eval_ops(c, s, n, 0, &appends);
	if (appends != NULL) {
		/* +> appends to the current value at override time */
		value_t *h = cm_hash(c, o->values->len);

		for (size_t i = 0; i < o->values->len; i++)
			cm_hash_put(c, h, o->values->items[i], o->values->vals[i]);
		cm_hash_put(c, h, cm_str(c, "\x01append"), appends);
		o->values = h;
	}
	*c->overrides_tail = o;
	c->overrides_tail = &o->next;
	return o->refs;
}

static void apply_values(struct cm_ctx *c, struct cm_resource *r, value_t *values)
{
	value_t *appends = cm_hash_gets(values, "\x01append");

	for (size_t i = 0; i < values->len; i++) {
		const char *name = values->items[i]->s;
		value_t *v = values->vals[i];

		if (name[0] == '\x01')
			continue;
		bool append = false;
		for (size_t k = 0; appends && k < appends->len; k++)
			append |= strcmp(appends->items[k]->s, name) == 0;
		value_t *old = cm_resource_param(r, name);
		if (append && old != NULL) {
			value_t *a = cm_array(c, 0);

			if (old->k == CM_V_ARRAY) {
				for (size_t k = 0; k < old->len; k++)
					cm_array_push(c, a, old->items[k]);
			} else {
				cm_array_push(c, a, old);
			}
			if (v->k == CM_V_ARRAY) {
				for (size_t k = 0; k < v->len; k++)
					cm_array_push(c, a, v->items[k]);
			} else {
				cm_array_push(c, a, v);
			}
			v = a;
		}
		if (v->k == CM_V_UNDEF) {
			for (size_t k = 0; k < r->nparams; k++)
				if (strcmp(r->params[k].name, name) == 0)
					r->params[k].value = &cm_undef;
			continue;
		}
		cm_resource_set_param(c, r, name, v);
		if (strcmp(name, "tag") == 0)
			cm_resource_tag_value(c, r, v, NULL);
	}
}

static bool query_match(struct cm_ctx *c, struct cm_scope *s, node_t *q, struct cm_resource *r)
{
	if (q == NULL)
		return true;
	if (q->kind == CM_AST_AND)
		return query_match(c, s, cm_ast_slot(q, 0), r) && query_match(c, s, cm_ast_slot(q, 1), r);
	if (q->kind == CM_AST_OR)
		return query_match(c, s, cm_ast_slot(q, 0), r) || query_match(c, s, cm_ast_slot(q, 1), r);
	node_t *ln = cm_ast_slot(q, 0);
	const char *attr = ln->text ? ln->text : "";
	value_t *want = cm_eval(c, s, cm_ast_slot(q, 1));
	bool hit;

	if (strcmp(attr, "tag") == 0) {
		hit = cm_eval_resource_tagged(r, cm_to_s(c, want));
	} else if (strcmp(attr, "title") == 0) {
		hit = strcmp(r->title, cm_to_s(c, want)) == 0;
	} else {
		value_t *v = cm_resource_param(r, attr);

		hit = false;
		if (v != NULL && v->k == CM_V_ARRAY) {
			for (size_t i = 0; i < v->len && !hit; i++)
				hit = cm_equal(v->items[i], want);
		} else if (v != NULL) {
			hit = cm_equal(v, want);
		}
	}
	return q->kind == CM_AST_NE ? !hit : hit;
}

value_t *cm_eval_collect(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	struct cm_collector *col = cm_arena_alloc(c->arena, sizeof(*col));
	node_t *tn = cm_ast_slot(n, 0);
	size_t nops;

	cm_ast_list(n, &nops);
	col->node = n;
	col->scope = s;
	col->type = cm_capitalize_type(c, tn->text[0] == ':' ? tn->text + 2 : tn->text);
	if (!cm_is_builtin_type(col->type) && cm_find_definition(c, CM_DEF_DEFINE, col->type) == NULL)
		cm_eval_error(c, n, "Resource type not found: %s", col->type);
	col->type = builtin_find(col->type) ? builtin_find(col->type)->name : col->type;
	col->ops = nops ? eval_ops(c, s, n, 0, NULL) : NULL;
	col->collected = cm_array(c, 0);
	*c->collectors_tail = col;
	c->collectors_tail = &col->next;
	value_t *v = cm_type(c, "__collector", 0);
	v->vals = (value_t **)(void *)col;
	return v;
}

/* One pass of every collector; true when something new was realized. */
static bool run_collectors(struct cm_ctx *c)
{
	bool progress = false;

	for (struct cm_collector *col = c->collectors; col; col = col->next) {
		for (size_t i = 0; i < c->nres; i++) {
			struct cm_resource *r = c->res[i];

			if (strcmp(r->type, col->type) != 0)
				continue;
			if (r->exported && !(col->node->flags & CM_AST_F_EXPORTED))
				continue;
			bool seen = false;
			for (size_t k = 0; k < col->collected->len && !seen; k++)
				seen = strcmp(col->collected->items[k]->items[0]->s, r->title) == 0;
			if (seen || !query_match(c, col->scope, cm_ast_slot(col->node, 1), r))
				continue;
			if (r->virtual) {
				r->virtual = false;
				progress = true;
			}
			value_t *ref = cm_type(c, r->type, 1);
			ref->items[0] = cm_str(c, r->title);
			cm_array_push(c, col->collected, ref);
			if (col->ops != NULL) {
				struct cm_override *o = cm_arena_alloc(c->arena, sizeof(*o));

				o->node = col->node;
				o->scope = col->scope;
				o->refs = cm_array(c, 1);
				o->refs->items[0] = ref;
				o->values = col->ops;
				*c->overrides_tail = o;
				c->overrides_tail = &o->next;
			}
		}
	}
	return progress;
}

/* ---- relationships ---- */

value_t *cm_eval_relationship(struct cm_ctx *c, struct cm_scope *s, node_t *n)
{
	struct cm_relation *rel = cm_arena_alloc(c->arena, sizeof(*rel));

	rel->left = cm_eval(c, s, cm_ast_slot(n, 0));
	rel->right = cm_eval(c, s, cm_ast_slot(n, 1));
	rel->kind = n->kind;
	rel->at = n;
	rel->scope = s;
	*c->relations_tail = rel;
	c->relations_tail = &rel->next;
	return rel->right;
}

static void add_relation(struct cm_ctx *c, value_t *src, value_t *dst, const char *param, struct cm_relation *rel)
{
	struct cm_resource *sr = ref_resource(c, src), *dr = ref_resource(c, dst);

	if (sr == NULL || !sr->in_catalog || sr->virtual)
		cm_fail(c, NULL, "Could not find resource '%s' for relationship on '%s'", cm_ref_string(c, src),
		        cm_ref_string(c, dst));
	if (dr == NULL || !dr->in_catalog || dr->virtual)
		cm_fail(c, NULL, "Could not find resource '%s' for relationship from '%s'", cm_ref_string(c, dst),
		        cm_ref_string(c, src));
	value_t *old = cm_resource_param(sr, param);
	value_t *a = cm_array(c, 0);

	if (old != NULL && old->k == CM_V_ARRAY) {
		for (size_t i = 0; i < old->len; i++)
			cm_array_push(c, a, old->items[i]);
	} else if (old != NULL && old->k != CM_V_UNDEF) {
		cm_array_push(c, a, old);
	}
	value_t *ref = cm_type(c, dr->type, 1);
	ref->items[0] = cm_str(c, dr->title);
	cm_array_push(c, a, cm_str(c, cm_ref_string(c, ref)));
	cm_resource_set_param(c, sr, param, a);
}

static void evaluate_relations(struct cm_ctx *c)
{
	for (struct cm_relation *rel = c->relations; rel; rel = rel->next) {
		bool reverse = rel->kind == CM_AST_REL_REQUIRE || rel->kind == CM_AST_REL_SUBSCRIBE;
		const char *param = rel->kind == CM_AST_REL_BEFORE || rel->kind == CM_AST_REL_REQUIRE ? "before" : "notify";
		value_t *srcs = cm_array(c, 0), *dsts = cm_array(c, 0);

		refs_flatten(c, reverse ? rel->right : rel->left, srcs);
		refs_flatten(c, reverse ? rel->left : rel->right, dsts);
		for (size_t i = 0; i < srcs->len; i++)
			for (size_t k = 0; k < dsts->len; k++)
				add_relation(c, srcs->items[i], dsts->items[k], param, rel);
	}
}

/* May code in scope `by` override parameters set by code in scope `set`?
 * Only a class that inherits (directly or not) the class that set them. */
static bool may_override(struct cm_ctx *c, struct cm_scope *by, struct cm_scope *set)
{
	const char *target = set && set->name ? set->name : "";

	for (const char *name = by && by->name ? by->name : ""; name && *name;) {
		struct cm_definition *d = cm_find_definition(c, CM_DEF_CLASS, name);
		node_t *parent = d ? cm_ast_slot(d->node, 1) : NULL;

		if (parent == NULL)
			return false;
		name = parent->text[0] == ':' ? parent->text + 2 : parent->text;
		if (strcasecmp(name, target) == 0)
			return true;
	}
	return false;
}

static void check_override(struct cm_ctx *c, struct cm_override *o, struct cm_resource *r)
{
	if (o->node->kind != CM_AST_RESOURCE_OVERRIDE || may_override(c, o->scope, r->scope))
		return;
	for (size_t i = 0; i < o->values->len; i++) {
		const char *name = o->values->items[i]->s;

		if (name[0] != '\x01' && cm_resource_param(r, name) != NULL)
			cm_fail(c, NULL, "Parameter '%s' is already set on %s[%s] at (file: %s, line: %d); cannot redefine "
			        "(file: %s, line: %d)", name, r->type, r->title, r->file, r->line, r->file, o->node->line);
	}
}

static void apply_overrides(struct cm_ctx *c)
{
	for (struct cm_override *o = c->overrides; o; o = o->next) {
		for (size_t i = 0; i < o->refs->len; i++) {
			struct cm_resource *r = ref_resource(c, o->refs->items[i]);

			if (r == NULL)
				cm_fail(c, o->node, "Could not find resource '%s' for overriding",
				        cm_ref_string(c, o->refs->items[i]));
			check_override(c, o, r);
			apply_values(c, r, o->values);
		}
	}
}

/* Relationship metaparameters must name resources of the catalog. */
static void check_relationship_params(struct cm_ctx *c)
{
	static const char *const rel_params[] = {"before", "require", "notify", "subscribe"};

	for (size_t i = 0; i < c->nres; i++) {
		struct cm_resource *r = c->res[i];

		if (!r->in_catalog || r->virtual)
			continue;
		for (size_t p = 0; p < 4; p++) {
			value_t *v = cm_resource_param(r, rel_params[p]);
			value_t *refs = cm_array(c, 0);

			if (v == NULL)
				continue;
			refs_flatten(c, v, refs);
			for (size_t k = 0; k < refs->len; k++) {
				struct cm_resource *t = ref_resource(c, refs->items[k]);

				if (t == NULL || !t->in_catalog || t->virtual)
					cm_fail(c, NULL, "Could not find resource '%s' in parameter '%s' (file: %s, line: %d)",
					        cm_ref_string(c, refs->items[k]), rel_params[p], r->file, r->line);
			}
		}
	}
}

void cm_finish_catalog(struct cm_ctx *c)
{
	bool progress = true;
	size_t next_define = 0;

	while (progress) {
		progress = false;
		for (; next_define < c->nres; next_define++) {
			struct cm_resource *r = c->res[next_define];

			if (r->is_define && !r->evaluated && !r->virtual) {
				cm_evaluate_define(c, r);
				progress = true;
			}
		}
		/* a define realized by a collector after we passed it */
		for (size_t i = 0; i < c->nres; i++) {
			struct cm_resource *r = c->res[i];

			if (r->is_define && !r->evaluated && !r->virtual) {
				cm_evaluate_define(c, r);
				progress = true;
			}
		}
		if (run_collectors(c))
			progress = true;
	}
	apply_overrides(c);
	for (size_t i = 0; i < c->nres; i++)
		if (c->res[i]->virtual)
			c->res[i]->in_catalog = c->res[i]->exported;
	evaluate_relations(c);
	check_relationship_params(c);
}
