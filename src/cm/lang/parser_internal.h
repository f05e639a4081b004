/*
 * Parser state shared by parser.c (entry points, statements, definitions),
 * parser_expr.c (expressions: Pratt loop, primaries, strings) and
 * parser_resource.c (resources, collectors, parameters, lambdas).
 * Private to the parser.
 */
#ifndef OVCP_CM_LANG_PARSER_INTERNAL_H
#define OVCP_CM_LANG_PARSER_INTERNAL_H

#include "cm/lang/arena.h"
#include "cm/lang/ast.h"
#include "cm/lang/lexer.h"
#include "cm/lang/parse_error.h"

#define PARSER_MAX_DEPTH 200

struct parser {
	struct cm_arena *arena;
	const char *file;
	const struct cm_token *toks;
	size_t ntoks, pos;
	struct cm_parse_error *err;
	bool failed;
	int depth;      /* recursion guard */
	int no_resource; /* > 0 while parsing if/case tests: `name {` is not a resource there */
};

/* parser.c */
const struct cm_token *parser_peek(const struct parser *p, size_t ahead);
const struct cm_token *parser_next(struct parser *p);
bool parser_at(const struct parser *p, enum cm_tok t);
bool parser_accept(struct parser *p, enum cm_tok t);
const struct cm_token *parser_expect(struct parser *p, enum cm_tok t);
void parser_fail_at(struct parser *p, const struct cm_token *t, const char *expected);
void parser_fail(struct parser *p, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool parser_enter(struct parser *p);
void parser_leave(struct parser *p);
struct cm_ast_node *parser_node(struct parser *p, enum cm_ast_kind kind, const struct cm_token *at);
struct cm_ast_node *parser_block(struct parser *p); /* { statements } */
bool parser_is_keyword(enum cm_tok t);

/* parser_expr.c */
struct cm_ast_node *parser_expression(struct parser *p);
struct cm_ast_node *parser_expression_bp(struct parser *p, int min_bp);
struct cm_ast_node *parser_type_expression(struct parser *p);
bool parser_starts_expression(const struct cm_token *t);
const char *parser_node_label(const struct cm_ast_node *n);
int parser_args(struct parser *p, struct cm_ast_node *n, enum cm_tok close);

/* parser_resource.c */
struct cm_ast_node *parser_resource(struct parser *p, struct cm_ast_node *type, const struct cm_token *at,
                                    unsigned flags);
struct cm_ast_node *parser_type_body(struct parser *p, struct cm_ast_node *left);
struct cm_ast_node *parser_collect(struct parser *p, struct cm_ast_node *type);
struct cm_ast_node *parser_params(struct parser *p, enum cm_tok close);
struct cm_ast_node *parser_lambda(struct parser *p);

#endif
