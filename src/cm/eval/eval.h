/*
 * The evaluator's internal model: values, scopes, resources and the
 * per-compile context. Prototypes are grouped by the file that defines them.
 *
 * Invariants:
 *   - every value, scope, resource and string of a compilation lives in the
 *     context's arena (ctx->arena) and dies with it; values are immutable;
 *   - an evaluation error never returns: cm_fail() records the message in the
 *     diagnostics and longjmps to cm_compile(), which frees the arena; code that
 *     holds memory outside the arena (regexes, YAML parsers) registers it in the
 *     context or releases it before calling anything that may fail;
 *   - resources keep their declaration order (ctx->res), which is the
 *     catalog's order; a defined type's body is evaluated later, in the
 *     compiler's "evaluate definitions" loop, as Puppet does.
 */
#ifndef OVCP_CM_EVAL_EVAL_H
#define OVCP_CM_EVAL_EVAL_H

#include <jansson.h>
#include <regex.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "cm/eval/compile.h"
#include "cm/lang/arena.h"
#include "cm/lang/ast.h"

typedef struct cm_ast_node node_t;

/* ---- values (value.c) ---- */
enum cm_vk { CM_V_UNDEF, CM_V_DEFAULT, CM_V_BOOL, CM_V_INT, CM_V_FLOAT, CM_V_STR, CM_V_ARRAY,
             CM_V_HASH, CM_V_REGEX, CM_V_TYPE };

struct cm_value {
	enum cm_vk k;
	bool b;
	long long i;
	double f;
	const char *s; /* STR text, REGEX source, TYPE name ("Integer", "File", "Class") */
	size_t len;    /* STR length; ARRAY/HASH/TYPE number of items */
	struct cm_value **items; /* ARRAY items, HASH keys, TYPE parameters */
	struct cm_value **vals;  /* HASH values */
};
typedef struct cm_value value_t;

struct cm_ctx;
extern value_t cm_undef, cm_default, cm_true, cm_false;

value_t *cm_str(struct cm_ctx *c, const char *s);
value_t *cm_strn(struct cm_ctx *c, const char *s, size_t len);
value_t *cm_strf(struct cm_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
value_t *cm_int(struct cm_ctx *c, long long i);
value_t *cm_float(struct cm_ctx *c, double f);
value_t *cm_bool(bool b);
value_t *cm_array(struct cm_ctx *c, size_t n); /* n undef items to fill */
value_t *cm_hash(struct cm_ctx *c, size_t cap);
value_t *cm_type(struct cm_ctx *c, const char *name, size_t nparams);
value_t *cm_regex_value(struct cm_ctx *c, const char *src);
/* Growing arrays and hashes while building (the builder owns them until returned). */
void cm_array_push(struct cm_ctx *c, value_t *a, value_t *v);
void cm_hash_put(struct cm_ctx *c, value_t *h, value_t *k, value_t *v); /* replaces an equal key */
value_t *cm_hash_get(const value_t *h, const value_t *k);
value_t *cm_hash_gets(const value_t *h, const char *k);
bool cm_truthy(const value_t *v);
bool cm_equal(const value_t *a, const value_t *b); /* Puppet ==: strings case-insensitive */
bool cm_equal_strict(const value_t *a, const value_t *b);
/* Puppet's string form of a value ("[1, 2]", "{a => 1}", "Integer[1, 2]"; undef: ""). */
const char *cm_to_s(struct cm_ctx *c, const value_t *v);
/* Puppet's inspect form (strings quoted, undef as "undef"), for messages. */
const char *cm_inspect(struct cm_ctx *c, const value_t *v);
/* Puppet's name of a value's type for messages: "Integer", "String", "Undef", "Array"... */
const char *cm_type_name_of(struct cm_ctx *c, const value_t *v);
/* Detailed inferred type for mismatch messages ("Integer", "String", "Array[Integer]"...). */
const char *cm_type_describe_value(struct cm_ctx *c, const value_t *v);
json_t *cm_value_to_json(struct cm_ctx *c, const value_t *v); /* catalog form; NULL for undef */
value_t *cm_value_from_json(struct cm_ctx *c, json_t *j);
bool cm_is_resource_ref(const value_t *v); /* TYPE with a title: File['/x'], Class[x] */
/* "File[/x]" / "Class[Foo]" for a reference value. */
const char *cm_ref_string(struct cm_ctx *c, const value_t *v);
char *cm_capitalize_type(struct cm_ctx *c, const char *name); /* "foo::bar" -> "Foo::Bar" */
char *cm_downcase(struct cm_ctx *c, const char *s);

/* ---- a small string map (map.c) ---- */
struct cm_map {
	const char **keys;
	void **vals;
	size_t n, cap; /* cap is a power of two or 0 */
};
void *cm_map_get(const struct cm_map *m, const char *key);
void cm_map_put(struct cm_ctx *c, struct cm_map *m, const char *key, void *val);

/* ---- scopes (scope.c) ---- */
struct cm_defaults {
	const char *type;          /* canonical resource type */
	node_t *ops;               /* the RESOURCE_DEFAULTS node */
	value_t *values;           /* evaluated: hash name -> value */
	struct cm_defaults *next;
};

struct cm_scope {
	struct cm_scope *parent;   /* variable lookup */
	struct cm_scope *dynamic;  /* where this scope was entered from: resource defaults */
	struct cm_map vars;
	struct cm_resource *resource; /* Class[x], Node[y], define instance: containment and tags */
	const char *name;          /* class name ("" top, "apache::vhost"), for $x::y and messages */
	const char *module;        /* module name or NULL */
	const char *scope_label;   /* "Class[main]", "Apache::Vhost[x]" for notice() */
	value_t *match;            /* captures of the last match in this scope (ARRAY) */
	struct cm_defaults *defaults;
	bool ephemeral;            /* lambda / epp: variables local, lookup continues in parent */
};

struct cm_scope *cm_scope_new(struct cm_ctx *c, struct cm_scope *parent, struct cm_scope *dynamic);
/* Assign; fails with Puppet's message when the name is already assigned in the scope. */
void cm_scope_set(struct cm_ctx *c, struct cm_scope *s, const char *name, value_t *v, node_t *at);
/* Look up a variable ("x", "::x", "a::b::x", "1"). NULL when unknown. */
value_t *cm_scope_lookup(struct cm_ctx *c, struct cm_scope *s, const char *name);

/* ---- resources and the catalog (resource.c) ---- */
struct cm_param {
	const char *name;
	value_t *value;
};

struct cm_resource {
	const char *type;  /* "File", "Class", "Apache::Vhost", "Stage", "Node" */
	const char *title; /* "Apache" for classes, "/x" for files */
	struct cm_param *params;
	size_t nparams, params_cap;
	const char **tags;
	size_t ntags, tags_cap;
	const char *file;
	int line;
	bool exported, virtual, evaluated, is_class, is_define;
	struct cm_scope *scope;      /* scope of the declaration */
	struct cm_resource *container;
	struct cm_definition *def;   /* defined type or class */
	size_t index;                /* position in ctx->res */
	bool in_catalog;             /* false once removed (virtual never realized) */
};

struct cm_resource *cm_resource_find(struct cm_ctx *c, const char *type, const char *title);
value_t *cm_resource_param(const struct cm_resource *r, const char *name);
void cm_resource_set_param(struct cm_ctx *c, struct cm_resource *r, const char *name, value_t *v);
void cm_resource_tag(struct cm_ctx *c, struct cm_resource *r, const char *tag);
void cm_resource_tag_value(struct cm_ctx *c, struct cm_resource *r, const value_t *v, node_t *at);
bool cm_eval_resource_tagged(const struct cm_resource *r, const char *tag);
/* Add r to the catalog in scope s (duplicate check, containment edge). */
void cm_catalog_add(struct cm_ctx *c, struct cm_scope *s, struct cm_resource *r, node_t *at);
void cm_edge_add(struct cm_ctx *c, struct cm_resource *from, struct cm_resource *to);
value_t *cm_eval_resource(struct cm_ctx *c, struct cm_scope *s, node_t *n);
value_t *cm_eval_resource_defaults(struct cm_ctx *c, struct cm_scope *s, node_t *n);
value_t *cm_eval_resource_override(struct cm_ctx *c, struct cm_scope *s, node_t *n);
value_t *cm_eval_collect(struct cm_ctx *c, struct cm_scope *s, node_t *n);
value_t *cm_eval_relationship(struct cm_ctx *c, struct cm_scope *s, node_t *n);
/* Compiler loop: evaluate collectors and pending defines until stable, then
 * overrides and relationships. */
void cm_finish_catalog(struct cm_ctx *c);
bool cm_is_builtin_type(const char *type);

/* ---- definitions: classes, defined types, nodes (klass.c) ---- */
enum cm_def_kind { CM_DEF_CLASS, CM_DEF_DEFINE, CM_DEF_NODE, CM_DEF_ALIAS, CM_DEF_FUNCTION };

struct cm_definition {
	enum cm_def_kind kind;
	const char *name;   /* lower case, no leading "::" */
	node_t *node;       /* CLASS_DEF, DEFINE_DEF, NODE_DEF, TYPE_ALIAS, FUNCTION_DEF */
	const char *file;
	const char *module;
};

void cm_register_definitions(struct cm_ctx *c, node_t *program, const char *file, const char *module);
/* Find (autoloading) a class / defined type / alias. NULL when none. */
struct cm_definition *cm_find_definition(struct cm_ctx *c, enum cm_def_kind kind, const char *name);
/* include/require/contain/class{}: declare and evaluate the class once. params may be NULL. */
struct cm_resource *cm_declare_class(struct cm_ctx *c, struct cm_scope *s, const char *name,
                                     value_t *params, node_t *at, bool resource_like);
void cm_evaluate_define(struct cm_ctx *c, struct cm_resource *r);
void cm_evaluate_node(struct cm_ctx *c);
void cm_add_class_name(struct cm_ctx *c, const char *name); /* classes list and catalog tags */
/* Bind parameters (PARAMS node) from a hash of given values into scope s;
 * who names the owner in messages ("Class[Apache]"). */
void cm_bind_params(struct cm_ctx *c, struct cm_scope *s, node_t *params, value_t *given,
                    const char *who, const char *lookup_prefix, struct cm_resource *r, node_t *at);

/* ---- expressions (expr.c, ops.c) ---- */
value_t *cm_eval(struct cm_ctx *c, struct cm_scope *s, node_t *n);
value_t *cm_eval_block(struct cm_ctx *c, struct cm_scope *s, node_t *block);
value_t *cm_eval_binary(struct cm_ctx *c, struct cm_scope *s, node_t *n, value_t *l, value_t *r);
value_t *cm_access(struct cm_ctx *c, node_t *at, value_t *target, value_t **keys, size_t n);
bool cm_match(struct cm_ctx *c, struct cm_scope *s, value_t *str, value_t *re, node_t *at, bool set_vars);
int cm_compare(struct cm_ctx *c, node_t *at, value_t *l, value_t *r, const char *op);
/* Call a lambda with args; the lambda's scope parent is s. */
value_t *cm_call_lambda(struct cm_ctx *c, struct cm_scope *s, node_t *lambda, value_t **args, size_t n);
regex_t *cm_regex_compile(struct cm_ctx *c, const char *src, node_t *at);
const char *cm_interpolate_segment(struct cm_ctx *c, value_t *v);

/* ---- data types (types.c) ---- */
value_t *cm_eval_type(struct cm_ctx *c, struct cm_scope *s, node_t *n);
bool cm_type_check(struct cm_ctx *c, value_t *type, value_t *v);
const char *cm_type_to_s(struct cm_ctx *c, value_t *type);
/* Puppet's "expects a String value, got Integer" (without the prefix). */
const char *cm_type_mismatch(struct cm_ctx *c, value_t *type, value_t *v);
value_t *cm_resolve_type_name(struct cm_ctx *c, const char *name, node_t *at);

/* ---- functions (functions.c, functions_str.c, functions_coll.c) ---- */
struct cm_call {
	struct cm_ctx *c;
	struct cm_scope *s;
	node_t *at;
	const char *name;
	value_t **args;
	size_t nargs;
	node_t *lambda;
};
typedef value_t *(*cm_fn)(struct cm_call *call);
struct cm_function {
	const char *name;
	cm_fn fn;
	int min_args, max_args; /* max -1: any */
};
value_t *cm_call_function(struct cm_ctx *c, struct cm_scope *s, node_t *at, const char *name,
                          value_t **args, size_t nargs, node_t *lambda);
const struct cm_function *cm_function_find(const char *name);
const struct cm_function *cm_functions_str_table(size_t *n);
const struct cm_function *cm_functions_coll_table(size_t *n);
value_t *cm_epp_render(struct cm_ctx *c, struct cm_scope *s, node_t *at, const char *src, size_t len,
                       const char *name, value_t *params);

/* ---- Hiera 5 (hiera.c) ---- */
enum cm_merge { CM_MERGE_FIRST, CM_MERGE_UNIQUE, CM_MERGE_HASH, CM_MERGE_DEEP };
/* Look key up; NULL when not found. */
value_t *cm_hiera_lookup(struct cm_ctx *c, const char *key, enum cm_merge merge, node_t *at);
void cm_hiera_free(struct cm_ctx *c);

/* ---- the context (compile.c) ---- */
struct cm_override {
	node_t *node;               /* RESOURCE_OVERRIDE or COLLECT ops owner */
	struct cm_scope *scope;
	value_t *refs;              /* ARRAY of references */
	value_t *values;            /* HASH name -> value */
	struct cm_override *next;
};

struct cm_collector {
	node_t *node;
	struct cm_scope *scope;
	const char *type;
	value_t *ops;               /* HASH or NULL */
	struct cm_collector *next;
	value_t *collected;         /* ARRAY of refs found so far */
};

struct cm_relation {
	value_t *left, *right; /* values (refs, arrays, collectors as TYPE "__collector") */
	enum cm_ast_kind kind;
	node_t *at;
	struct cm_scope *scope;
	struct cm_relation *next;
};

struct cm_regex_entry {
	const char *src;
	regex_t re;
	int ngroups;
	struct cm_regex_entry *next;
};

struct cm_edge {
	struct cm_resource *from, *to;
};

struct cm_ctx {
	struct cm_arena *arena;
	const struct cm_compile_options *opt;
	struct cm_diag *diag;
	jmp_buf jmp;
	const char *node_name;
	const char *env_dir;
	value_t *facts, *trusted;
	struct cm_scope *top, *node_scope;
	struct cm_map defs[5];           /* by kind: name -> struct cm_definition */
	struct cm_map loaded_files;      /* path -> (void *)1 */
	struct cm_ast **asts;            /* parsed files to free */
	size_t nasts, asts_cap;
	struct cm_resource **res;
	size_t nres, res_cap;
	struct cm_map res_index;         /* "Type\x01title" -> resource */
	struct cm_edge *edges;
	size_t nedges, edges_cap;
	const char **classes;            /* evaluated class names, in order */
	size_t nclasses, classes_cap;
	const char **cat_tags;
	size_t ncat_tags, cat_tags_cap;
	struct cm_resource *main_class, *stage_main, *node_res;
	struct cm_override *overrides, **overrides_tail;
	struct cm_collector *collectors, **collectors_tail;
	struct cm_relation *relations, **relations_tail;
	struct cm_regex_entry *regexes;
	struct cm_map class_scopes;      /* class name -> scope */
	void *hiera;                     /* hiera.c state */
	int depth;                       /* recursion guard */
	const char *cur_file;            /* file of the code being evaluated */
	struct cm_sb *epp_out;           /* output of the EPP template being rendered */
};

/* Fail with a message at node n (NULL: no position); never returns. */
_Noreturn void cm_fail(struct cm_ctx *c, node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "Evaluation Error: " + message, Puppet's common evaluation failure. */
_Noreturn void cm_eval_error(struct cm_ctx *c, node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cm_message(struct cm_ctx *c, const char *level, struct cm_scope *s, const char *text);
const char *cm_node_file(struct cm_ctx *c, node_t *n); /* file of the AST holding n */
void cm_ast_keep(struct cm_ctx *c, struct cm_ast *ast);
char *cm_arena_printf(struct cm_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a manifest file and register its definitions (once per path). */
struct cm_ast *cm_load_file(struct cm_ctx *c, const char *path, const char *module, node_t *at);
/* Module directory ("<modulepath>/<mod>") or NULL. */
const char *cm_module_dir(struct cm_ctx *c, const char *module);

/* A simple arena string builder. */
struct cm_sb {
	struct cm_ctx *c;
	char *p;
	size_t len, cap;
};
void cm_sb_add(struct cm_sb *b, const char *s, size_t n);
void cm_sb_puts(struct cm_sb *b, const char *s);
void cm_sb_printf(struct cm_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cm_sb_str(struct cm_sb *b);

/* catalog_json.c */
json_t *cm_catalog_to_json(struct cm_ctx *c);

#endif
