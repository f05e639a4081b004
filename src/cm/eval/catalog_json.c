/*
 * The compiled catalog as Puppet 7's v3 JSON (catalog_format 1): resources
 * in declaration order with their tags (own tags, then their container's, as
 * Puppet's containment walk merges them), parameters as set, containment
 * edges, the classes list and the catalog's tags.
 *
 * Deterministic: with opt->deterministic the uuid and version are fixed;
 * otherwise only they vary between two compilations of the same input.
 */
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "cm/eval/eval.h"

static void merge_tags(struct cm_ctx *c, struct cm_resource *r, struct cm_resource *from)
{
	for (size_t i = 0; i < from->ntags; i++)
		cm_resource_tag(c, r, from->tags[i]);
}

static void inherit_tags(struct cm_ctx *c)
{
	/* containers precede what they contain in c->res, so one pass suffices */
	for (size_t i = 0; i < c->nres; i++) {
		struct cm_resource *r = c->res[i];

		if (r->container != NULL)
			merge_tags(c, r, r->container);
	}
	/* containment edges between classes (contain) merge too */
	for (size_t i = 0; i < c->nedges; i++)
		if (c->edges[i].from->is_class && c->edges[i].to->is_class && c->edges[i].from != c->main_class)
			merge_tags(c, c->edges[i].to, c->edges[i].from);
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static const char *ref_of(struct cm_ctx *c, struct cm_resource *r)
{
	return cm_arena_printf(c, "%s[%s]", r->type, r->title);
}

static json_t *resource_json(struct cm_ctx *c, struct cm_resource *r)
{
	json_t *o = json_object();
	json_t *params = json_object();

	json_object_set_new(o, "type", json_string(r->type));
	json_object_set_new(o, "title", json_string(r->title));
	json_object_set_new(o, "tags", strings_json(r->tags, r->ntags));
	if (r->file != NULL) {
		json_object_set_new(o, "file", json_string(r->file));
		json_object_set_new(o, "line", json_integer(r->line));
	}
	json_object_set_new(o, "exported", json_boolean(r->exported));
	for (size_t i = 0; i < r->nparams; i++) {
		json_t *v = cm_value_to_json(c, r->params[i].value);

		if (v != NULL)
			json_object_set_new(params, r->params[i].name, v);
	}
	if (json_object_size(params) > 0)
		json_object_set_new(o, "parameters", params);
	else
		json_decref(params);
	return o;
}

json_t *cm_catalog_to_json(struct cm_ctx *c)
{
	json_t *cat = json_object(), *res = json_array(), *edges = json_array(), *tags = json_array();
	const struct cm_compile_options *opt = c->opt;
	char uuid[64] = "00000000-0000-0000-0000-000000000000";

	inherit_tags(c);
	for (size_t i = 0; i < c->nclasses; i++)
		json_array_append_new(tags, json_string(c->classes[i]));
	for (size_t i = 0; i < c->ncat_tags; i++) {
		bool seen = false;

		for (size_t k = 0; k < c->nclasses && !seen; k++)
			seen = strcmp(c->classes[k], c->cat_tags[i]) == 0;
		if (!seen)
			json_array_append_new(tags, json_string(c->cat_tags[i]));
	}
	json_object_set_new(cat, "tags", tags);
	json_object_set_new(cat, "name", json_string(c->node_name));
	if (opt->deterministic)
		json_object_set_new(cat, "version", json_integer(0));
	else if (opt->version != NULL)
		json_object_set_new(cat, "version", json_string(opt->version));
	else
		json_object_set_new(cat, "version", json_integer((json_int_t)time(NULL)));
	json_object_set_new(cat, "code_id", json_null());
	if (!opt->deterministic)
		uuid_generate_str(uuid);
	json_object_set_new(cat, "catalog_uuid", json_string(uuid));
	json_object_set_new(cat, "catalog_format", json_integer(1));
	json_object_set_new(cat, "environment", json_string(opt->environment ? opt->environment : "production"));
	for (size_t i = 0; i < c->nres; i++)
		if (c->res[i]->in_catalog)
			json_array_append_new(res, resource_json(c, c->res[i]));
	json_object_set_new(cat, "resources", res);
	for (size_t i = 0; i < c->nedges; i++) {
		struct cm_edge *e = &c->edges[i];

		if (!e->from->in_catalog || !e->to->in_catalog || (e->to->virtual && !e->to->exported))
			continue;
		json_t *edge = json_object();
		json_object_set_new(edge, "source", json_string(ref_of(c, e->from)));
		json_object_set_new(edge, "target", json_string(ref_of(c, e->to)));
		json_array_append_new(edges, edge);
	}
	json_object_set_new(cat, "edges", edges);
	json_object_set_new(cat, "classes", strings_json(c->classes, c->nclasses));
	return cat;
}
