/*
 * cm_compile(): one compilation from options to catalog JSON. Owns the
 * per-compile context: its arena, the parsed files, the compiled regexes and
 * the Hiera state, all released here whether compilation succeeds or fails
 * (errors longjmp back to cm_compile through cm_fail()).
 *
 * Order of work, as Puppet's compiler: Stage[main], Class[Settings] and
 * Class[main]; the main manifest's top-level code; the matching node
 * definition; then the loop over pending defined types and collectors;
 * overrides; relationships; the JSON.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cm/eval/eval.h"
#include "cm/lang/parser.h"

/* ---- string builder ---- */

void cm_sb_add(struct cm_sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = cm_arena_alloc(b->c->arena, cap);
		if (b->len)
			memcpy(p, b->p, b->len);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cm_sb_puts(struct cm_sb *b, const char *s)
{
	cm_sb_add(b, s, strlen(s));
}

void cm_sb_printf(struct cm_sb *b, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	int n;

	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		cm_sb_add(b, small, (size_t)n);
		return;
	}
	char *big = cm_arena_alloc(b->c->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cm_sb_add(b, big, (size_t)n);
}

const char *cm_sb_str(struct cm_sb *b)
{
	return b->p ? b->p : "";
}

char *cm_arena_printf(struct cm_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fmt == NULL)
		fmt = "";
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = cm_arena_alloc(c->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- diagnostics ---- */

static void diag_push(struct cm_diag *d, char *line)
{
	char **m = realloc(d->messages, (d->nmessages + 1) * sizeof(char *));

	if (m == NULL) {
		free(line);
		return;
	}
	d->messages = m;
	d->messages[d->nmessages++] = line;
}

static _Noreturn void vfail(struct cm_ctx *c, node_t *n, const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];
	int off = 0;

	if (n != NULL && c->cur_file != NULL)
		off = snprintf(msg, sizeof(msg), "%s:%d:%d: ", c->cur_file, n->line, n->column);
	off += snprintf(msg + off, sizeof(msg) - (size_t)off, "%s", prefix);
	vsnprintf(msg + off, sizeof(msg) - (size_t)off, fmt, ap);
	if (c->diag != NULL && c->diag->error == NULL)
		c->diag->error = strdup(msg);
	longjmp(c->jmp, 1);
}

void cm_fail(struct cm_ctx *c, node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, n, "", fmt, ap);
}

void cm_eval_error(struct cm_ctx *c, node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, n, "Evaluation Error: ", fmt, ap);
}

void cm_message(struct cm_ctx *c, const char *level, struct cm_scope *s, const char *text)
{
	if (c->diag == NULL)
		return;
	size_t n = strlen(level) + strlen(text) + 64 + (s && s->scope_label ? strlen(s->scope_label) : 0);
	char *line = malloc(n);

	if (line == NULL)
		return;
	snprintf(line, n, "%s: Scope(%s): %s", level, s && s->scope_label ? s->scope_label : "Class[main]", text);
	diag_push(c->diag, line);
}

void cm_diag_clear(struct cm_diag *diag)
{
	if (diag == NULL)
		return;
	free(diag->error);
	for (size_t i = 0; i < diag->nmessages; i++)
		free(diag->messages[i]);
	free(diag->messages);
	diag->error = NULL;
	diag->messages = NULL;
	diag->nmessages = 0;
}

const char *cm_node_file(struct cm_ctx *c, node_t *n)
{
	return c->cur_file;
}

void cm_ast_keep(struct cm_ctx *c, struct cm_ast *ast)
{
	if (c->nasts == c->asts_cap) {
		size_t cap = c->asts_cap ? c->asts_cap * 2 : 16;
		struct cm_ast **a = realloc(c->asts, cap * sizeof(*a));

		if (a == NULL) {
			cm_ast_free(ast);
			cm_fail(c, NULL, "out of memory");
		}
		c->asts = a;
		c->asts_cap = cap;
	}
	c->asts[c->nasts++] = ast;
}

/* ---- setup ---- */

static struct cm_resource *builtin_resource(struct cm_ctx *c, const char *type, const char *title, bool name_param)
{
	struct cm_resource *r = cm_arena_alloc(c->arena, sizeof(*r));

	r->type = type;
	r->title = title;
	r->is_class = strcmp(type, "Class") == 0;
	cm_resource_tag(c, r, type);
	if (strcmp(title, "main") != 0)
		cm_resource_tag(c, r, title);
	if (name_param)
		cm_resource_set_param(c, r, "name", cm_str(c, "main"));
	cm_catalog_add(c, NULL, r, NULL);
	return r;
}

static void setup_top_scope(struct cm_ctx *c)
{
	struct cm_scope *top = cm_scope_new(c, NULL, NULL);
	const char *k;
	json_t *v;

	c->top = top;
	top->name = "";
	top->scope_label = "Class[main]";
	if (c->opt->facts != NULL)
		json_object_foreach(c->opt->facts, k, v)
			cm_map_put(c, &top->vars, cm_arena_strndup(c->arena, k, strlen(k)), cm_value_from_json(c, v));
	cm_map_put(c, &top->vars, "facts", c->facts);
	cm_map_put(c, &top->vars, "trusted", c->trusted);
	cm_map_put(c, &top->vars, "environment", cm_str(c, c->opt->environment ? c->opt->environment : "production"));
	cm_map_put(c, &top->vars, "clientcert", cm_str(c, c->node_name));
	cm_map_put(c, &top->vars, "name", cm_str(c, "main"));
	cm_map_put(c, &top->vars, "title", cm_str(c, "main"));

	c->stage_main = builtin_resource(c, "Stage", "main", true);
	struct cm_resource *settings = builtin_resource(c, "Class", "Settings", false);
	c->main_class = builtin_resource(c, "Class", "main", true);
	cm_edge_add(c, c->stage_main, settings);
	cm_edge_add(c, c->stage_main, c->main_class);
	cm_add_class_name(c, "settings");
	top->resource = c->main_class;
}

static const char *node_name_of(const struct cm_compile_options *opt)
{
	if (opt->node != NULL)
		return opt->node;
	json_t *fqdn = opt->facts ? json_object_get(json_object_get(opt->facts, "networking"), "fqdn") : NULL;
	if (json_is_string(fqdn))
		return json_string_value(fqdn);
	fqdn = opt->facts ? json_object_get(opt->facts, "fqdn") : NULL;
	return json_is_string(fqdn) ? json_string_value(fqdn) : "localhost";
}

static void setup_facts(struct cm_ctx *c)
{
	c->facts = c->opt->facts ? cm_value_from_json(c, c->opt->facts) : cm_hash(c, 0);
	if (c->opt->trusted != NULL) {
		c->trusted = cm_value_from_json(c, c->opt->trusted);
		return;
	}
	c->trusted = cm_hash(c, 8);
	cm_hash_put(c, c->trusted, cm_str(c, "authenticated"), cm_str(c, "local"));
	cm_hash_put(c, c->trusted, cm_str(c, "certname"), cm_str(c, c->node_name));
	cm_hash_put(c, c->trusted, cm_str(c, "extensions"), cm_hash(c, 0));
	const char *dot = strchr(c->node_name, '.');
	cm_hash_put(c, c->trusted, cm_str(c, "hostname"),
	            dot ? cm_strn(c, c->node_name, (size_t)(dot - c->node_name)) : cm_str(c, c->node_name));
	cm_hash_put(c, c->trusted, cm_str(c, "domain"), dot ? cm_str(c, dot + 1) : &cm_undef);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The main manifest: a file, or every .pp of a directory in name order. */
static void evaluate_main(struct cm_ctx *c)
{
	struct stat st;
	const char *m = c->opt->manifest;

	if (m == NULL) {
		struct cm_parse_error pe = {0};
		const char *code = c->opt->code ? c->opt->code : "";
		struct cm_ast *ast = cm_parse_string(code, strlen(code), "<string>", &pe);

		if (ast == NULL) {
			char buf[1024];
			cm_fail(c, NULL, "%s", cm_parse_error_format(&pe, buf, sizeof(buf)));
		}
		cm_ast_keep(c, ast);
		cm_register_definitions(c, ast->root, "<string>", NULL);
		c->cur_file = NULL;
		cm_eval(c, c->top, ast->root);
		return;
	}
	if (stat(m, &st) != 0)
		cm_fail(c, NULL, "Could not find manifest %s", m);
	const char *files[256];
	size_t nfiles = 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(m);
		struct dirent *e;

		if (d == NULL)
			cm_fail(c, NULL, "Could not read manifest directory %s", m);
		while ((e = readdir(d)) != NULL && nfiles < 256) {
			size_t n = strlen(e->d_name);

			if (n > 3 && strcmp(e->d_name + n - 3, ".pp") == 0)
				files[nfiles++] = cm_arena_printf(c, "%s/%s", m, e->d_name);
		}
		closedir(d);
		qsort(files, nfiles, sizeof(files[0]), cmp_str);
	} else {
		files[nfiles++] = m;
	}
	struct cm_ast *asts[256];
	for (size_t i = 0; i < nfiles; i++)
		asts[i] = cm_load_file(c, files[i], NULL, NULL);
	for (size_t i = 0; i < nfiles; i++) {
		if (asts[i] == NULL)
			continue;
		c->cur_file = files[i];
		cm_eval(c, c->top, asts[i]->root);
	}
}

static void ctx_release(struct cm_ctx *c)
{
	for (struct cm_regex_entry *e = c->regexes; e; e = e->next)
		regfree(&e->re);
	cm_hiera_free(c);
	for (size_t i = 0; i < c->nasts; i++)
		cm_ast_free(c->asts[i]);
	free(c->asts);
	cm_arena_free(c->arena);
}

int cm_compile(const struct cm_compile_options *opt, json_t **catalog, struct cm_diag *diag)
{
	struct cm_ctx *c = calloc(1, sizeof(*c));
	volatile int rc = -1;

	*catalog = NULL;
	if (c == NULL)
		return -1;
	c->arena = cm_arena_new();
	c->opt = opt;
	c->diag = diag;
	c->overrides_tail = &c->overrides;
	c->collectors_tail = &c->collectors;
	c->relations_tail = &c->relations;
	c->node_name = node_name_of(opt);
	if (setjmp(c->jmp) == 0) {
		setup_facts(c);
		setup_top_scope(c);
		evaluate_main(c);
		cm_evaluate_node(c);
		cm_finish_catalog(c);
		*catalog = cm_catalog_to_json(c);
		rc = 0;
	}
	ctx_release(c);
	free(c);
	return rc;
}
