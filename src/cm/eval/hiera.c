/*
 * Hiera 5 lookups: the environment layer (hiera.yaml beside the
 * environment's data) and module layers (<module>/hiera.yaml, for keys in
 * that module's namespace), each a hierarchy of YAML data files (yaml_data;
 * `path` and `paths`, with %{facts.x}, %{trusted.certname}, %{::x} and
 * %{lookup('k')} interpolation in paths and values). Merges: first, unique,
 * hash and deep; `lookup_options` in the data may set a key's merge.
 *
 * YAML is read with libyaml into arena values; each file is read once per
 * compilation (the cache lives in the hiera state, freed with the context).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "cm/eval/eval.h"

struct hiera_layer {
	const char *dir;        /* directory of hiera.yaml */
	const char *datadir;
	value_t *hierarchy;     /* ARRAY of HASH levels */
};

struct hiera_state {
	struct hiera_layer env;
	bool env_loaded;
	struct cm_map modules;  /* module -> struct hiera_layer (dir NULL: none) */
	struct cm_map files;    /* path -> value_t (HASH) or &cm_undef when missing */
	int depth;
};

/* ---- YAML ---- */

static value_t *scalar_value(struct cm_ctx *c, yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return cm_strn(c, s, len);
	if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
		return &cm_undef;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0 || strcmp(s, "True") == 0)
		return &cm_true;
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0 || strcmp(s, "False") == 0)
		return &cm_false;
	char *end;
	if (isdigit((unsigned char)s[0]) || ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))) {
		long long i = strtoll(s, &end, 10);
		if (*end == '\0')
			return cm_int(c, i);
		double f = strtod(s, &end);
		if (*end == '\0')
			return cm_float(c, f);
	}
	return cm_strn(c, s, len);
}

/* Values one data file may expand to: aliases make a small file a huge (or, with an alias inside its
 * own anchor, endless) tree. */
#define YAML_MAX_VALUES (1 << 20)

static value_t *yaml_to_value(struct cm_ctx *c, yaml_document_t *doc, yaml_node_t *n, int depth, size_t *budget)
{
	if (n == NULL || depth > 64 || *budget == 0)
		return &cm_undef;
	--*budget;
	switch (n->type) {
	case YAML_SCALAR_NODE: return scalar_value(c, n);
	case YAML_SEQUENCE_NODE: {
		value_t *a = cm_array(c, 0);

		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			cm_array_push(c, a, yaml_to_value(c, doc, yaml_document_get_node(doc, *it), depth + 1, budget));
		return a;
	}
	case YAML_MAPPING_NODE: {
		value_t *h = cm_hash(c, 8);

		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
			cm_hash_put(c, h, yaml_to_value(c, doc, yaml_document_get_node(doc, p->key), depth + 1, budget),
			            yaml_to_value(c, doc, yaml_document_get_node(doc, p->value), depth + 1, budget));
		return h;
	}
	default: return &cm_undef;
	}
}

/* A YAML file as a value; NULL when it does not exist. Fails on bad YAML. */
static value_t *yaml_read(struct cm_ctx *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	value_t *v;

	if (f == NULL)
		return NULL;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		cm_fail(c, NULL, "Unable to parse %s: out of memory", path);
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "Unable to parse (%s): %s at line %zu column %zu", path,
		         parser.problem ? parser.problem : "error", parser.problem_mark.line + 1,
		         parser.problem_mark.column + 1);
		yaml_parser_delete(&parser);
		fclose(f);
		cm_fail(c, NULL, "%s", msg);
	}
	size_t budget = YAML_MAX_VALUES;
	v = yaml_to_value(c, &doc, yaml_document_get_root_node(&doc), 0, &budget);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (budget == 0)
		cm_fail(c, NULL, "Unable to parse (%s): it expands to %d values or more (aliases?)", path, YAML_MAX_VALUES);
	return v;
}

/* ---- interpolation ---- */

static value_t *dig_path(struct cm_ctx *c, value_t *v, const char *path)
{
	while (v != NULL && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		const char *key = cm_arena_strndup(c->arena, path, n);

		if (v->k == CM_V_HASH)
			v = cm_hash_gets(v, key);
		else if (v->k == CM_V_ARRAY && isdigit((unsigned char)key[0]))
			v = (size_t)atol(key) < v->len ? v->items[atol(key)] : NULL;
		else
			v = NULL;
		path += n + (dot ? 1 : 0);
	}
	return v;
}

static value_t *interpolate_var(struct cm_ctx *c, const char *expr, node_t *at)
{
	while (*expr == ' ')
		expr++;
	if (strncmp(expr, "lookup(", 7) == 0 || strncmp(expr, "hiera(", 6) == 0 || strncmp(expr, "alias(", 6) == 0) {
		const char *q = strpbrk(expr, "'\"");
		const char *e = q ? strchr(q + 1, *q) : NULL;

		if (q == NULL || e == NULL)
			cm_fail(c, at, "Unparseable interpolation %%{%s}", expr);
		value_t *v = cm_hiera_lookup(c, cm_arena_strndup(c->arena, q + 1, (size_t)(e - q - 1)), CM_MERGE_FIRST, at);
		return v ? v : &cm_undef;
	}
	if (expr[0] == ':' && expr[1] == ':')
		expr += 2;
	const char *dot = strchr(expr, '.');
	const char *var = dot ? cm_arena_strndup(c->arena, expr, (size_t)(dot - expr)) : expr;
	value_t *v = cm_scope_lookup(c, c->node_scope ? c->node_scope : c->top, var);
	if (v != NULL && dot != NULL)
		v = dig_path(c, v, dot + 1);
	return v ? v : &cm_undef;
}

static value_t *interpolate(struct cm_ctx *c, value_t *v, node_t *at);

static value_t *interpolate_string(struct cm_ctx *c, value_t *v, node_t *at)
{
	if (strstr(v->s, "%{") == NULL)
		return v;
	struct cm_sb b = {.c = c};
	const char *p = v->s;

	cm_sb_puts(&b, "");
	while (*p) {
		const char *start = strstr(p, "%{");
		const char *end = start ? strchr(start, '}') : NULL;

		if (start == NULL || end == NULL) {
			cm_sb_puts(&b, p);
			break;
		}
		cm_sb_add(&b, p, (size_t)(start - p));
		const char *expr = cm_arena_strndup(c->arena, start + 2, (size_t)(end - start - 2));
		value_t *x = interpolate_var(c, expr, at);
		/* a value that is only an alias() keeps its type */
		if (start == v->s && end[1] == '\0' && strncmp(expr, "alias(", 6) == 0)
			return x;
		cm_sb_puts(&b, cm_to_s(c, x));
		p = end + 1;
	}
	return cm_strn(c, b.p, b.len);
}

static value_t *interpolate(struct cm_ctx *c, value_t *v, node_t *at)
{
	if (v->k == CM_V_STR)
		return interpolate_string(c, v, at);
	if (v->k == CM_V_ARRAY) {
		value_t *a = cm_array(c, v->len);

		for (size_t i = 0; i < v->len; i++)
			a->items[i] = interpolate(c, v->items[i], at);
		return a;
	}
	if (v->k == CM_V_HASH) {
		value_t *h = cm_hash(c, v->len);

		for (size_t i = 0; i < v->len; i++)
			cm_hash_put(c, h, interpolate(c, v->items[i], at), interpolate(c, v->vals[i], at));
		return h;
	}
	return v;
}

/* ---- configuration ---- */

static void layer_load(struct cm_ctx *c, struct hiera_layer *l, const char *config)
{
	value_t *cfg = yaml_read(c, config);
	const char *slash = strrchr(config, '/');

	memset(l, 0, sizeof(*l));
	if (cfg == NULL || cfg->k != CM_V_HASH)
		return;
	value_t *version = cm_hash_gets(cfg, "version");
	if (version == NULL || version->k != CM_V_INT || version->i != 5)
		cm_fail(c, NULL, "%s: only Hiera version 5 configurations are supported", config);
	l->dir = slash ? cm_arena_strndup(c->arena, config, (size_t)(slash - config)) : ".";
	l->datadir = "data";
	value_t *defaults = cm_hash_gets(cfg, "defaults");
	value_t *dd = defaults ? cm_hash_gets(defaults, "datadir") : NULL;
	if (dd != NULL && dd->k == CM_V_STR)
		l->datadir = dd->s;
	l->hierarchy = cm_hash_gets(cfg, "hierarchy");
	if (l->hierarchy != NULL && l->hierarchy->k != CM_V_ARRAY)
		l->hierarchy = NULL;
}

static struct hiera_state *state(struct cm_ctx *c)
{
	struct hiera_state *h = c->hiera;

	if (h != NULL)
		return h;
	h = cm_arena_alloc(c->arena, sizeof(*h));
	c->hiera = h;
	return h;
}

static const char *env_config(struct cm_ctx *c)
{
	const struct cm_compile_options *o = c->opt;

	if (o->hiera_config != NULL)
		return o->hiera_config;
	if (o->environment_dir != NULL)
		return cm_arena_printf(c, "%s/hiera.yaml", o->environment_dir);
	if (o->manifest == NULL)
		return NULL;
	char *dir = cm_arena_strndup(c->arena, o->manifest, strlen(o->manifest));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			dir = cm_arena_strndup(c->arena, ".", 1);
		else
			*slash = '\0';
	}
	size_t n = strlen(dir);
	if (n >= 9 && strcmp(dir + n - 9, "manifests") == 0 && (n == 9 || dir[n - 10] == '/'))
		dir = n == 9 ? cm_arena_strndup(c->arena, ".", 1) : cm_arena_strndup(c->arena, dir, n - 10);
	return cm_arena_printf(c, "%s/hiera.yaml", dir);
}

static value_t *data_file(struct cm_ctx *c, const char *path)
{
	struct hiera_state *h = state(c);
	value_t *v = cm_map_get(&h->files, path);

	if (v == NULL) {
		v = yaml_read(c, path);
		if (v == NULL || v->k != CM_V_HASH)
			v = &cm_undef;
		cm_map_put(c, &h->files, cm_arena_strndup(c->arena, path, strlen(path)), v);
	}
	return v->k == CM_V_HASH ? v : NULL;
}

/* The data files of a layer, in priority order. */
static value_t *layer_files(struct cm_ctx *c, struct hiera_layer *l, node_t *at)
{
	value_t *out = cm_array(c, 0);

	for (size_t i = 0; l->hierarchy && i < l->hierarchy->len; i++) {
		value_t *level = l->hierarchy->items[i];
		value_t *paths = cm_hash_gets(level, "paths");
		value_t *path = cm_hash_gets(level, "path");
		value_t *dd = cm_hash_gets(level, "datadir");
		const char *datadir = dd && dd->k == CM_V_STR ? dd->s : l->datadir;
		value_t *list = cm_array(c, 0);

		if (paths != NULL && paths->k == CM_V_ARRAY)
			list = paths;
		else if (path != NULL)
			cm_array_push(c, list, path);
		for (size_t k = 0; k < list->len; k++) {
			if (list->items[k]->k != CM_V_STR)
				cm_fail(c, at, "%s/hiera.yaml: the path of a hierarchy level must be a String", l->dir);
			value_t *p = interpolate_string(c, list->items[k], at);

			cm_array_push(c, out, cm_strf(c, "%s/%s/%s", l->dir, datadir, p->s));
		}
	}
	return out;
}

/* ---- merging ---- */

static value_t *deep_merge(struct cm_ctx *c, value_t *hi, value_t *lo)
{
	if (hi->k != CM_V_HASH || lo->k != CM_V_HASH)
		return hi;
	value_t *out = cm_hash(c, lo->len + hi->len);

	for (size_t i = 0; i < lo->len; i++)
		cm_hash_put(c, out, lo->items[i], lo->vals[i]);
	for (size_t i = 0; i < hi->len; i++) {
		value_t *old = cm_hash_get(out, hi->items[i]);

		cm_hash_put(c, out, hi->items[i], old ? deep_merge(c, hi->vals[i], old) : hi->vals[i]);
	}
	return out;
}

static value_t *merge_found(struct cm_ctx *c, value_t *acc, value_t *v, enum cm_merge m)
{
	if (acc == NULL) {
		if (m == CM_MERGE_UNIQUE && v->k != CM_V_ARRAY) {
			value_t *a = cm_array(c, 0);
			cm_array_push(c, a, v);
			return a;
		}
		return v;
	}
	switch (m) {
	case CM_MERGE_UNIQUE: {
		value_t *a = cm_array(c, 0), *add = v->k == CM_V_ARRAY ? v : NULL;

		for (size_t i = 0; i < acc->len; i++)
			cm_array_push(c, a, acc->items[i]);
		for (size_t i = 0; i < (add ? add->len : 1); i++) {
			value_t *x = add ? add->items[i] : v;
			bool seen = false;

			for (size_t k = 0; k < a->len && !seen; k++)
				seen = cm_equal_strict(a->items[k], x);
			if (!seen)
				cm_array_push(c, a, x);
		}
		return a;
	}
	case CM_MERGE_HASH: {
		if (acc->k != CM_V_HASH || v->k != CM_V_HASH)
			return acc;
		value_t *out = cm_hash(c, acc->len + v->len);

		for (size_t i = 0; i < v->len; i++)
			cm_hash_put(c, out, v->items[i], v->vals[i]);
		for (size_t i = 0; i < acc->len; i++)
			cm_hash_put(c, out, acc->items[i], acc->vals[i]);
		return out;
	}
	case CM_MERGE_DEEP: return deep_merge(c, acc, v);
	default: return acc;
	}
}

static enum cm_merge options_merge(struct cm_ctx *c, value_t *files, const char *key, enum cm_merge dflt)
{
	for (size_t i = 0; i < files->len; i++) {
		value_t *data = data_file(c, files->items[i]->s);
		value_t *lo = data ? cm_hash_gets(data, "lookup_options") : NULL;
		value_t *ko = lo ? cm_hash_gets(lo, key) : NULL;
		value_t *m = ko ? cm_hash_gets(ko, "merge") : NULL;

		if (m != NULL) {
			static const char *const names[] = {"first", "unique", "hash", "deep"};
			const char *s = m->k == CM_V_HASH && cm_hash_gets(m, "strategy") ? cm_to_s(c, cm_hash_gets(m, "strategy"))
			                                                                : cm_to_s(c, m);

			for (int k = 0; k < 4; k++)
				if (strcmp(s, names[k]) == 0)
					return (enum cm_merge)k;
		}
	}
	return dflt;
}

static value_t *lookup_in(struct cm_ctx *c, value_t *files, const char *key, enum cm_merge m, value_t *acc, node_t *at)
{
	const char *dot = strchr(key, '.');
	const char *root = dot ? cm_arena_strndup(c->arena, key, (size_t)(dot - key)) : key;

	for (size_t i = 0; i < files->len; i++) {
		value_t *data = data_file(c, files->items[i]->s);
		value_t *v = data ? cm_hash_gets(data, root) : NULL;

		if (v != NULL && dot != NULL)
			v = dig_path(c, v, dot + 1);
		if (v == NULL)
			continue;
		v = interpolate(c, v, at);
		acc = merge_found(c, acc, v, m);
		if (m == CM_MERGE_FIRST)
			return acc;
	}
	return acc;
}

static struct hiera_layer *module_layer(struct cm_ctx *c, const char *key)
{
	const char *sep = strstr(key, "::");
	struct hiera_state *h = state(c);

	if (sep == NULL || sep == key)
		return NULL;
	const char *mod = cm_arena_strndup(c->arena, key, (size_t)(sep - key));
	struct hiera_layer *l = cm_map_get(&h->modules, mod);
	if (l == NULL) {
		const char *dir = cm_module_dir(c, mod);
		struct stat st;

		l = cm_arena_alloc(c->arena, sizeof(*l));
		if (dir != NULL && stat(cm_arena_printf(c, "%s/hiera.yaml", dir), &st) == 0)
			layer_load(c, l, cm_arena_printf(c, "%s/hiera.yaml", dir));
		cm_map_put(c, &h->modules, mod, l);
	}
	return l->dir ? l : NULL;
}

value_t *cm_hiera_lookup(struct cm_ctx *c, const char *key, enum cm_merge merge, node_t *at)
{
	struct hiera_state *h = state(c);
	value_t *acc = NULL;

	if (key[0] == ':' && key[1] == ':')
		key += 2;
	if (!h->env_loaded) {
		const char *cfg = env_config(c);
		struct stat st;

		h->env_loaded = true;
		if (cfg != NULL && stat(cfg, &st) == 0)
			layer_load(c, &h->env, cfg);
	}
	if (++h->depth > 32)
		cm_fail(c, at, "Recursive lookup detected in [%s]", key);
	value_t *env_files = h->env.dir ? layer_files(c, &h->env, at) : cm_array(c, 0);
	struct hiera_layer *ml = module_layer(c, key);
	value_t *mod_files = ml ? layer_files(c, ml, at) : cm_array(c, 0);
	value_t *all = cm_array(c, 0);
	for (size_t i = 0; i < env_files->len; i++)
		cm_array_push(c, all, env_files->items[i]);
	for (size_t i = 0; i < mod_files->len; i++)
		cm_array_push(c, all, mod_files->items[i]);
	if (merge == CM_MERGE_FIRST)
		merge = options_merge(c, all, key, merge);
	acc = lookup_in(c, all, key, merge, NULL, at);
	h->depth--;
	return acc;
}

void cm_hiera_free(struct cm_ctx *c)
{
	c->hiera = NULL; /* everything lives in the arena */
}
