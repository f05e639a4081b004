/*
 * Puppet resource forms and parameter lists:
 *   type { title: attr => value, * => $hash; title2: ... }   (RESOURCE)
 *   @type / @@type { ... }                                     (virtual, exported)
 *   Type { attr => value }                                     (RESOURCE_DEFAULTS)
 *   Type['title'] { attr => value, attr +> value }             (RESOURCE_OVERRIDE)
 *   Type <| query |> [{ attr => value }], Type <<| |>>         (COLLECT)
 *   (Type $x = default, *$rest) and |$k, $v| { }               (PARAMS, LAMBDA)
 */
#include "cm/lang/parser_internal.h"

static bool is_attribute_name(const struct cm_token *t)
{
	return t->type == CM_TOK_NAME || parser_is_keyword(t->type);
}

static bool is_attribute_arrow(const struct cm_token *t)
{
	return t->type == CM_TOK_FARROW || t->type == CM_TOK_PARROW;
}

/* attr => value, attr +> value, * => $hash ... up to '}' or ';' (not consumed). */
static int parser_attribute_ops(struct parser *p, struct cm_ast_node *into)
{
	while (!p->failed) {
		const struct cm_token *t = parser_peek(p, 0), *arrow = parser_peek(p, 1);
		struct cm_ast_node *op;

		if (t->type == CM_TOK_RBRACE || t->type == CM_TOK_SEMIC)
			break;
		if (t->type == CM_TOK_TIMES && arrow->type == CM_TOK_FARROW)
			op = parser_node(p, CM_AST_ATTRIBUTES_SPLAT, t);
		else if (is_attribute_name(t) && is_attribute_arrow(arrow)) {
			op = parser_node(p, CM_AST_ATTRIBUTE_OP, t);
			op->text = cm_arena_strndup(p->arena, t->value, t->value_len);
			op->text_len = t->value_len;
			if (arrow->type == CM_TOK_PARROW)
				op->flags |= CM_AST_F_APPEND;
		} else {
			parser_fail_at(p, is_attribute_name(t) ? arrow : t, is_attribute_name(t) ? "=>" : NULL);
			return -1;
		}
		parser_next(p);
		parser_next(p);
		cm_ast_set_slot(op, 0, parser_expression(p));
		if (p->failed)
			return -1;
		cm_ast_append(p->arena, into, op);
		if (!parser_accept(p, CM_TOK_COMMA))
			break;
	}
	return p->failed ? -1 : 0;
}

/* { title: ops; title: ops } after the type; the '{' is the current token. */
struct cm_ast_node *parser_resource(struct parser *p, struct cm_ast_node *type, const struct cm_token *at,
                                    unsigned flags)
{
	struct cm_ast_node *n = parser_node(p, CM_AST_RESOURCE, at);

	n->flags = flags;
	cm_ast_set_slot(n, 0, type);
	if (!parser_enter(p))
		return NULL;
	if (parser_expect(p, CM_TOK_LBRACE) == NULL)
		goto out;
	do {
		struct cm_ast_node *body;

		if (parser_at(p, CM_TOK_RBRACE) && n->nkids > 1)
			break; /* trailing ';' */
		body = parser_node(p, CM_AST_RESOURCE_BODY, parser_peek(p, 0));
		cm_ast_set_slot(body, 0, parser_expression(p));
		if (p->failed || parser_expect(p, CM_TOK_COLON) == NULL || parser_attribute_ops(p, body) < 0)
			goto out;
		cm_ast_append(p->arena, n, body);
	} while (parser_accept(p, CM_TOK_SEMIC));
	parser_expect(p, CM_TOK_RBRACE);
out:
	parser_leave(p);
	return p->failed ? NULL : n;
}

static struct cm_ast_node *parser_ops_block(struct parser *p, struct cm_ast_node *n)
{
	if (parser_expect(p, CM_TOK_LBRACE) == NULL || parser_attribute_ops(p, n) < 0)
		return NULL;
	return parser_expect(p, CM_TOK_RBRACE) ? n : NULL;
}

/* `Type {` or `Type[...] {`: defaults, override, or a resource with titles. */
struct cm_ast_node *parser_type_body(struct parser *p, struct cm_ast_node *left)
{
	const struct cm_token *t1 = parser_peek(p, 1), *t2 = parser_peek(p, 2);
	struct cm_ast_node *n;

	if (left->kind == CM_AST_ACCESS) {
		n = cm_ast_node_new(p->arena, CM_AST_RESOURCE_OVERRIDE, left->line, left->column);
		cm_ast_set_slot(n, 0, left);
		return parser_ops_block(p, n);
	}
	if (t1->type == CM_TOK_RBRACE || (t1->type == CM_TOK_TIMES && t2->type == CM_TOK_FARROW) ||
	    (is_attribute_name(t1) && is_attribute_arrow(t2))) {
		n = cm_ast_node_new(p->arena, CM_AST_RESOURCE_DEFAULTS, left->line, left->column);
		cm_ast_set_slot(n, 0, left);
		return parser_ops_block(p, n);
	}
	return parser_resource(p, left, parser_peek(p, 0), 0);
}

static struct cm_ast_node *parser_query_or(struct parser *p);

/* attr == value | attr != value | ( query ) */
static struct cm_ast_node *parser_query_primary(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0), *op;
	struct cm_ast_node *n, *attr;

	if (parser_accept(p, CM_TOK_LPAREN)) {
		if (!parser_enter(p))
			return NULL;
		n = parser_query_or(p);
		parser_leave(p);
		return parser_expect(p, CM_TOK_RPAREN) ? n : NULL;
	}
	if (!is_attribute_name(t)) {
		parser_fail_at(p, t, NULL);
		return NULL;
	}
	parser_next(p);
	attr = parser_node(p, CM_AST_NAME, t);
	attr->text = cm_arena_strndup(p->arena, t->value, t->value_len);
	attr->text_len = t->value_len;
	op = parser_peek(p, 0);
	if (op->type != CM_TOK_ISEQUAL && op->type != CM_TOK_NOTEQUAL) {
		parser_fail_at(p, op, "==");
		return NULL;
	}
	parser_next(p);
	n = parser_node(p, op->type == CM_TOK_ISEQUAL ? CM_AST_EQ : CM_AST_NE, op);
	cm_ast_set_slot(n, 0, attr);
	cm_ast_set_slot(n, 1, parser_expression_bp(p, 60));
	return p->failed ? NULL : n;
}

static struct cm_ast_node *parser_query_and(struct parser *p)
{
	struct cm_ast_node *left = parser_query_primary(p);

	while (left != NULL && parser_at(p, CM_TOK_AND)) {
		struct cm_ast_node *n = parser_node(p, CM_AST_AND, parser_next(p));

		cm_ast_set_slot(n, 0, left);
		cm_ast_set_slot(n, 1, parser_query_primary(p));
		left = p->failed ? NULL : n;
	}
	return left;
}

static struct cm_ast_node *parser_query_or(struct parser *p)
{
	struct cm_ast_node *left = parser_query_and(p);

	while (left != NULL && parser_at(p, CM_TOK_OR)) {
		struct cm_ast_node *n = parser_node(p, CM_AST_OR, parser_next(p));

		cm_ast_set_slot(n, 0, left);
		cm_ast_set_slot(n, 1, parser_query_and(p));
		left = p->failed ? NULL : n;
	}
	return left;
}

struct cm_ast_node *parser_collect(struct parser *p, struct cm_ast_node *type)
{
	const struct cm_token *open = parser_next(p);
	bool exported = open->type == CM_TOK_LLCOLLECT;
	enum cm_tok close = exported ? CM_TOK_RRCOLLECT : CM_TOK_RCOLLECT;
	struct cm_ast_node *n = cm_ast_node_new(p->arena, CM_AST_COLLECT, type->line, type->column);

	if (exported)
		n->flags |= CM_AST_F_EXPORTED;
	cm_ast_set_slot(n, 0, type);
	if (!parser_at(p, close))
		cm_ast_set_slot(n, 1, parser_query_or(p));
	if (p->failed || parser_expect(p, close) == NULL)
		return NULL;
	if (parser_at(p, CM_TOK_LBRACE) && p->no_resource == 0)
		return parser_ops_block(p, n);
	return n;
}

/* [Type] [*]$name [= default], ... close */
struct cm_ast_node *parser_params(struct parser *p, enum cm_tok close)
{
	struct cm_ast_node *n = parser_node(p, CM_AST_PARAMS, parser_peek(p, 0));

	while (!p->failed && !parser_at(p, close)) {
		struct cm_ast_node *type = NULL, *param;
		const struct cm_token *var;
		bool rest;

		if (parser_at(p, CM_TOK_TYPEREF))
			type = parser_type_expression(p);
		rest = parser_accept(p, CM_TOK_TIMES);
		if ((var = parser_expect(p, CM_TOK_VARIABLE)) == NULL)
			return NULL;
		param = parser_node(p, CM_AST_PARAM, var);
		param->text = cm_arena_strndup(p->arena, var->value, var->value_len);
		param->text_len = var->value_len;
		if (rest)
			param->flags |= CM_AST_F_CAPTURES_REST;
		cm_ast_set_slot(param, 0, type);
		if (parser_accept(p, CM_TOK_EQUALS))
			cm_ast_set_slot(param, 1, parser_expression(p));
		cm_ast_append(p->arena, n, param);
		if (!parser_accept(p, CM_TOK_COMMA))
			break;
	}
	return parser_expect(p, close) ? n : NULL;
}

/* |params| { body } */
struct cm_ast_node *parser_lambda(struct parser *p)
{
	const struct cm_token *pipe = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_LAMBDA, pipe);

	cm_ast_set_slot(n, 0, parser_params(p, CM_TOK_PIPE));
	if (!p->failed)
		cm_ast_set_slot(n, 1, parser_block(p));
	return p->failed ? NULL : n;
}
