/*
 * The Puppet-language AST: what the parser produces and the evaluator walks.
 *
 * Every node has a kind, a 1-based line and column (bytes) in its source, an
 * optional text, a value for numeric literals, flags, and children. Children
 * come in two groups, both described by the kind table below:
 *   - fixed SLOTS: kids[0 .. nslots-1], each may be NULL when absent;
 *   - a LIST:      kids[nslots .. nkids-1], any length (only if the kind has one).
 * Use cm_ast_slot(n, i) and cm_ast_list(n, &count) rather than indexing.
 * The JSON dump (cm_ast_to_json) names the slots and the list as in the table.
 *
 * Kind table: CM_AST_KINDS(X) with X(ENUM, "json-name", list name or NULL, number of slots,
 * slot names...)
 * text = node->text; "-" = no slots / no list.
 *
 * Literals and names
 *   STRING      text: the cooked string value (escapes done; may hold NULs: text_len)
 *   CONCAT      list parts: STRING pieces and interpolated expressions, in order
 *   HEREDOC     slot body: STRING or CONCAT; node text: the syntax tag (@(X:json)) or NULL
 *   INTEGER     value.integer;  FLOAT value.number;  BOOLEAN value.boolean
 *   UNDEF, DEFAULT
 *   REGEX       text: the pattern between the slashes (escaped slashes kept as written)
 *   NAME        text: bare word or qualified name (foo, a::b, ::x); evaluates to a string
 *                     except where the position gives it meaning (resource type, call name)
 *   TYPE_REF    text: capitalized name (File, Foo::Bar); a data type or resource type
 *   VARIABLE    text: name without the '$' ("x", "::x", "a::b", "0")
 * Collections and access
 *   ARRAY       list items;  HASH list entries (HASH_ENTRY key,value)
 *   ACCESS      slot target; list keys        x[1], Integer[0,10], File['/x']
 * Operators (slots left,right unless said): the evaluator dispatches on the kind
 *   NOT, NEGATE, SPLAT (slot operand); IN, MATCH (=~), NOT_MATCH (!~), MULTIPLY, DIVIDE,
 *   MODULO, ADD, SUBTRACT, LSHIFT, RSHIFT, EQ, NE, LT, GT, LE, GE, AND, OR
 *   SELECTOR    slot test; list entries (SELECTOR_ENTRY match,value)
 *   ASSIGN      slot target (VARIABLE, or ARRAY of VARIABLEs), value
 *   REL_BEFORE (->), REL_NOTIFY (~>), REL_REQUIRE (<-), REL_SUBSCRIBE (<~): left,right
 * Calls
 *   CALL        text: function name; slot lambda (LAMBDA or NULL); list args.
 *               flag CM_AST_F_STATEMENT_CALL when written without parentheses (include foo)
 *   METHOD_CALL text: method name; slots receiver, lambda; list args   ($x.each |$v| {...})
 *   LAMBDA      slots params (PARAMS), body (BLOCK)
 *   PARAMS      list items (PARAM);  PARAM text: name without '$'; slots type (type
 *               expression or NULL), value (default or NULL); flag CM_AST_F_CAPTURES_REST (*$x)
 * Control flow (each is an expression; a BLOCK's value is its last statement's)
 *   PROGRAM, BLOCK  list body
 *   IF, UNLESS  slots test, then (BLOCK), else (BLOCK, IF for elsif, or NULL)
 *   CASE        slot test; list options (CASE_OPTION: slot body (BLOCK); list values,
 *               a value may be DEFAULT or REGEX)
 * Resources
 *   RESOURCE    slot type (NAME, TYPE_REF, or NAME "class"); list bodies (RESOURCE_BODY);
 *               flags CM_AST_F_VIRTUAL (@type) / CM_AST_F_EXPORTED (@@type)
 *   RESOURCE_BODY slot title (any expression, arrays mean several titles); list ops
 *   ATTRIBUTE_OP text: attribute name; slot value; flag CM_AST_F_APPEND for '+>'
 *   ATTRIBUTES_SPLAT slot value ('* => $hash')
 *   RESOURCE_DEFAULTS  slot type (TYPE_REF); list ops            File { mode => '0644' }
 *   RESOURCE_OVERRIDE  slot reference (ACCESS or an expression); list ops  File['/x'] { ... }
 *   COLLECT     slots type (TYPE_REF), query (NULL = all; else EQ/NE with a NAME left
 *               operand, joined by AND/OR); list ops; flag CM_AST_F_EXPORTED for <<| |>>
 * Definitions (parse only for FUNCTION and TYPE_ALIAS)
 *   CLASS_DEF   text: name; slots params (PARAMS or NULL), parent (NAME or NULL), body (BLOCK)
 *   DEFINE_DEF  text: name; slots params, body
 *   NODE_DEF    slot body; list matches (STRING, NAME for dotted host names, REGEX, DEFAULT)
 *   FUNCTION_DEF text: name; slots params, return_type, body
 *   TYPE_ALIAS  text: name; slot type
 * EPP templates (cm_parse_epp)
 *   EPP_TEMPLATE slots params (PARAMS or NULL when no parameter tag), body (BLOCK)
 *   EPP_TEXT    text: literal text to output;  EPP_RENDER slot value (<%= expr %>)
 */
#ifndef OVCP_CM_LANG_AST_H
#define OVCP_CM_LANG_AST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CM_AST_KINDS(X)                                                                            \
	X(PROGRAM, "program", "body", 0, NULL, NULL, NULL)                                          \
	X(BLOCK, "block", "body", 0, NULL, NULL, NULL)                                              \
	X(STRING, "string", NULL, 0, NULL, NULL, NULL)                                              \
	X(CONCAT, "concat", "parts", 0, NULL, NULL, NULL)                                           \
	X(HEREDOC, "heredoc", NULL, 1, "body", NULL, NULL)                                          \
	X(INTEGER, "integer", NULL, 0, NULL, NULL, NULL)                                            \
	X(FLOAT, "float", NULL, 0, NULL, NULL, NULL)                                                \
	X(BOOLEAN, "boolean", NULL, 0, NULL, NULL, NULL)                                            \
	X(UNDEF, "undef", NULL, 0, NULL, NULL, NULL)                                                \
	X(DEFAULT, "default", NULL, 0, NULL, NULL, NULL)                                            \
	X(REGEX, "regex", NULL, 0, NULL, NULL, NULL)                                                \
	X(NAME, "name", NULL, 0, NULL, NULL, NULL)                                                  \
	X(TYPE_REF, "type_ref", NULL, 0, NULL, NULL, NULL)                                          \
	X(VARIABLE, "variable", NULL, 0, NULL, NULL, NULL)                                          \
	X(ARRAY, "array", "items", 0, NULL, NULL, NULL)                                             \
	X(HASH, "hash", "entries", 0, NULL, NULL, NULL)                                             \
	X(HASH_ENTRY, "hash_entry", NULL, 2, "key", "value", NULL)                                  \
	X(ACCESS, "access", "keys", 1, "target", NULL, NULL)                                        \
	X(NOT, "not", NULL, 1, "operand", NULL, NULL)                                               \
	X(NEGATE, "negate", NULL, 1, "operand", NULL, NULL)                                         \
	X(SPLAT, "splat", NULL, 1, "operand", NULL, NULL)                                           \
	X(IN, "in", NULL, 2, "left", "right", NULL)                                                 \
	X(MATCH, "match", NULL, 2, "left", "right", NULL)                                           \
	X(NOT_MATCH, "not_match", NULL, 2, "left", "right", NULL)                                   \
	X(MULTIPLY, "multiply", NULL, 2, "left", "right", NULL)                                     \
	X(DIVIDE, "divide", NULL, 2, "left", "right", NULL)                                         \
	X(MODULO, "modulo", NULL, 2, "left", "right", NULL)                                         \
	X(ADD, "add", NULL, 2, "left", "right", NULL)                                               \
	X(SUBTRACT, "subtract", NULL, 2, "left", "right", NULL)                                     \
	X(LSHIFT, "lshift", NULL, 2, "left", "right", NULL)                                         \
	X(RSHIFT, "rshift", NULL, 2, "left", "right", NULL)                                         \
	X(EQ, "eq", NULL, 2, "left", "right", NULL)                                                 \
	X(NE, "ne", NULL, 2, "left", "right", NULL)                                                 \
	X(LT, "lt", NULL, 2, "left", "right", NULL)                                                 \
	X(GT, "gt", NULL, 2, "left", "right", NULL)                                                 \
	X(LE, "le", NULL, 2, "left", "right", NULL)                                                 \
	X(GE, "ge", NULL, 2, "left", "right", NULL)                                                 \
	X(AND, "and", NULL, 2, "left", "right", NULL)                                               \
	X(OR, "or", NULL, 2, "left", "right", NULL)                                                 \
	X(SELECTOR, "selector", "entries", 1, "test", NULL, NULL)                                   \
	X(SELECTOR_ENTRY, "selector_entry", NULL, 2, "match", "value", NULL)                        \
	X(ASSIGN, "assign", NULL, 2, "target", "value", NULL)                                       \
	X(REL_BEFORE, "rel_before", NULL, 2, "left", "right", NULL)                                 \
	X(REL_NOTIFY, "rel_notify", NULL, 2, "left", "right", NULL)                                 \
	X(REL_REQUIRE, "rel_require", NULL, 2, "left", "right", NULL)                               \
	X(REL_SUBSCRIBE, "rel_subscribe", NULL, 2, "left", "right", NULL)                           \
	X(CALL, "call", "args", 1, "lambda", NULL, NULL)                                            \
	X(METHOD_CALL, "method_call", "args", 2, "receiver", "lambda", NULL)                        \
	X(LAMBDA, "lambda", NULL, 2, "params", "body", NULL)                                        \
	X(PARAMS, "params", "items", 0, NULL, NULL, NULL)                                           \
	X(PARAM, "param", NULL, 2, "type", "value", NULL)                                           \
	X(IF, "if", NULL, 3, "test", "then", "else")                                                \
	X(UNLESS, "unless", NULL, 3, "test", "then", "else")                                        \
	X(CASE, "case", "options", 1, "test", NULL, NULL)                                           \
	X(CASE_OPTION, "case_option", "values", 1, "body", NULL, NULL)                              \
	X(RESOURCE, "resource", "bodies", 1, "type", NULL, NULL)                                    \
	X(RESOURCE_BODY, "resource_body", "ops", 1, "title", NULL, NULL)                            \
	X(ATTRIBUTE_OP, "attribute_op", NULL, 1, "value", NULL, NULL)                               \
	X(ATTRIBUTES_SPLAT, "attributes_splat", NULL, 1, "value", NULL, NULL)                       \
	X(RESOURCE_DEFAULTS, "resource_defaults", "ops", 1, "type", NULL, NULL)                     \
	X(RESOURCE_OVERRIDE, "resource_override", "ops", 1, "reference", NULL, NULL)                \
	X(COLLECT, "collect", "ops", 2, "type", "query", NULL)                                      \
	X(CLASS_DEF, "class_def", NULL, 3, "params", "parent", "body")                              \
	X(DEFINE_DEF, "define_def", NULL, 2, "params", "body", NULL)                                \
	X(NODE_DEF, "node_def", "matches", 1, "body", NULL, NULL)                                   \
	X(FUNCTION_DEF, "function_def", NULL, 3, "params", "return_type", "body")                   \
	X(TYPE_ALIAS, "type_alias", NULL, 1, "type", NULL, NULL)                                    \
	X(EPP_TEMPLATE, "epp_template", NULL, 2, "params", "body", NULL)                            \
	X(EPP_TEXT, "epp_text", NULL, 0, NULL, NULL, NULL)                                          \
	X(EPP_RENDER, "epp_render", NULL, 1, "value", NULL, NULL)

enum cm_ast_kind {
#define CM_AST_ENUM(e, name, list, nslots, s0, s1, s2) CM_AST_##e,
	CM_AST_KINDS(CM_AST_ENUM)
#undef CM_AST_ENUM
	CM_AST_KIND_COUNT
};

/* Node flags (meaning depends on the kind, see above). */
enum {
	CM_AST_F_VIRTUAL = 1u << 0,
	CM_AST_F_EXPORTED = 1u << 1,
	CM_AST_F_APPEND = 1u << 2,
	CM_AST_F_CAPTURES_REST = 1u << 3,
	CM_AST_F_STATEMENT_CALL = 1u << 4,
};

#define CM_AST_MAX_SLOTS 3

struct cm_ast_kind_info {
	const char *name;                      /* JSON name */
	unsigned nslots;                       /* fixed children */
	const char *slots[CM_AST_MAX_SLOTS];   /* their names */
	const char *list;                      /* name of the list, NULL if none */
};

struct cm_ast_node {
	enum cm_ast_kind kind;
	int line, column;
	const char *text; /* NUL-terminated; NULL when the kind has none */
	size_t text_len;
	union {
		long long integer;
		double number;
		bool boolean;
	} value;
	unsigned flags;
	struct cm_ast_node **kids;
	size_t nkids;
	size_t kids_cap; /* parser bookkeeping */
};

/* A parse result: owns the arena that holds every node and string. */
struct cm_ast {
	struct cm_arena *arena;
	const char *file;          /* name given to the parser */
	struct cm_ast_node *root;  /* PROGRAM, or EPP_TEMPLATE for cm_parse_epp */
};

const struct cm_ast_kind_info *cm_ast_kind_info(enum cm_ast_kind kind);
const char *cm_ast_kind_name(enum cm_ast_kind kind);
/* Slot i of n (NULL when absent or out of range). */
struct cm_ast_node *cm_ast_slot(const struct cm_ast_node *n, unsigned i);
/* The list children of n; *count gets their number. */
struct cm_ast_node **cm_ast_list(const struct cm_ast_node *n, size_t *count);
void cm_ast_free(struct cm_ast *ast); /* NULL is a no-op */

/* JSON dump (ast_dump.c): {"kind": name, "line", "column", "text"/"value"/flags, slots..., list}.
 * Whole tree: {"file": name, "root": node}. The caller owns the result. */
json_t *cm_ast_node_to_json(const struct cm_ast_node *n);
json_t *cm_ast_to_json(const struct cm_ast *ast);

/* Construction (parser side): node with nslots NULL slots and an empty list. */
struct cm_arena;
struct cm_ast_node *cm_ast_node_new(struct cm_arena *a, enum cm_ast_kind kind, int line, int column);
void cm_ast_set_slot(struct cm_ast_node *n, unsigned i, struct cm_ast_node *kid);
void cm_ast_append(struct cm_arena *a, struct cm_ast_node *n, struct cm_ast_node *kid);

#endif
