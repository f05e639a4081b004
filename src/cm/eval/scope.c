/*
 * Scopes and variables. Variable lookup follows Puppet 4+ rules: local
 * (lambda) scopes, then the class / define / node scope, then (for classes
 * that inherit) the parent class's scope, then node scope and top scope.
 * Qualified names ($apache::docroot) read the scope of an evaluated class;
 * $::x reads top scope. Numeric variables ($0, $1...) come from the nearest
 * scope that holds match captures. A name is assigned once per scope.
 */
#include <ctype.h>
#include <string.h>

#include "cm/eval/eval.h"

struct cm_scope *cm_scope_new(struct cm_ctx *c, struct cm_scope *parent, struct cm_scope *dynamic)
{
	struct cm_scope *s = cm_arena_alloc(c->arena, sizeof(*s));

	s->parent = parent;
	s->dynamic = dynamic;
	if (parent != NULL) {
		s->resource = parent->resource;
		s->name = parent->name;
		s->module = parent->module;
		s->scope_label = parent->scope_label;
	}
	return s;
}

void cm_scope_set(struct cm_ctx *c, struct cm_scope *s, const char *name, value_t *v, node_t *at)
{
	if (isdigit((unsigned char)name[0]))
		cm_eval_error(c, at, "Illegal attempt to assign to 'a Numeric Variable'. Not an assignable reference");
	if (strstr(name, "::") != NULL)
		cm_eval_error(c, at, "Illegal attempt to assign to 'a Variable' %s. Cannot assign to variables in other namespaces", name);
	if (cm_map_get(&s->vars, name) != NULL)
		cm_eval_error(c, at, "Cannot reassign variable '$%s'", name);
	cm_map_put(c, &s->vars, cm_arena_strndup(c->arena, name, strlen(name)), v);
}

static value_t *lookup_match(struct cm_scope *s, const char *name)
{
	long idx = 0;

	for (const char *p = name; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return NULL;
		idx = idx * 10 + (*p - '0');
	}
	for (; s != NULL; s = s->parent)
		if (s->match != NULL)
			return (size_t)idx < s->match->len ? s->match->items[idx] : &cm_undef;
	return &cm_undef;
}

value_t *cm_scope_lookup(struct cm_ctx *c, struct cm_scope *s, const char *name)
{
	if (isdigit((unsigned char)name[0]))
		return lookup_match(s, name);
	if (name[0] == ':' && name[1] == ':') {
		name += 2;
		if (strstr(name, "::") == NULL)
			return cm_map_get(&c->top->vars, name);
	}
	const char *sep = strstr(name, "::");
	if (sep != NULL) {
		const char *last = sep;

		for (const char *p = sep; (p = strstr(p + 2, "::")) != NULL;)
			last = p;
		char *cls = cm_downcase(c, cm_arena_strndup(c->arena, name, (size_t)(last - name)));
		struct cm_scope *cs = cm_map_get(&c->class_scopes, cls);

		if (cs == NULL)
			return NULL;
		/* a class scope's own variables and those of the classes it inherits */
		for (; cs != NULL && cs != c->top && cs != c->node_scope; cs = cs->parent) {
			value_t *v = cm_map_get(&cs->vars, last + 2);

			if (v != NULL)
				return v;
		}
		return NULL;
	}
	for (; s != NULL; s = s->parent) {
		value_t *v = cm_map_get(&s->vars, name);

		if (v != NULL)
			return v;
	}
	return NULL;
}
