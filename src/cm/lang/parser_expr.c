/*
 * Puppet expressions: a Pratt loop over Puppet's operator precedence, the
 * postfix forms (access, method call, selector, collector, resource bodies
 * after a type) and the primaries (literals, strings with interpolation,
 * arrays, hashes, calls, if/unless/case).
 *
 * Precedence, loosest first (Puppet's egrammar): relationships -> ~> <- <~;
 * assignment = (right); or; and; < > <= >=; == !=; << >>; + -; * / %; =~ !~;
 * in; then the prefix operators ! - * ; then selector ?; then access [] and
 * method calls. Binary nodes carry the operator's position, as Puppet's do.
 */
#include <string.h>

#include "cm/lang/parser_internal.h"

static const struct {
	enum cm_tok tok;
	enum cm_ast_kind kind;
	int bp;
	bool right;
	const char *label;
} infix_ops[] = {
	{CM_TOK_OUT_EDGE, CM_AST_REL_BEFORE, 10, false, "'->' expression"},
	{CM_TOK_OUT_EDGE_SUB, CM_AST_REL_NOTIFY, 10, false, "'~>' expression"},
	{CM_TOK_IN_EDGE, CM_AST_REL_REQUIRE, 10, false, "'<-' expression"},
	{CM_TOK_IN_EDGE_SUB, CM_AST_REL_SUBSCRIBE, 10, false, "'<~' expression"},
	{CM_TOK_EQUALS, CM_AST_ASSIGN, 20, true, "'=' expression"},
	{CM_TOK_APPENDS, CM_AST_ASSIGN, 20, true, NULL},
	{CM_TOK_DELETES, CM_AST_ASSIGN, 20, true, NULL},
	{CM_TOK_OR, CM_AST_OR, 30, false, "'or' expression"},
	{CM_TOK_AND, CM_AST_AND, 40, false, "'and' expression"},
	{CM_TOK_LESSTHAN, CM_AST_LT, 50, false, "'<' expression"},
	{CM_TOK_GREATERTHAN, CM_AST_GT, 50, false, "'>' expression"},
	{CM_TOK_LESSEQUAL, CM_AST_LE, 50, false, "'<=' expression"},
	{CM_TOK_GREATEREQUAL, CM_AST_GE, 50, false, "'>=' expression"},
	{CM_TOK_ISEQUAL, CM_AST_EQ, 60, false, "'==' expression"},
	{CM_TOK_NOTEQUAL, CM_AST_NE, 60, false, "'!=' expression"},
	{CM_TOK_LSHIFT, CM_AST_LSHIFT, 70, false, "'<<' expression"},
	{CM_TOK_RSHIFT, CM_AST_RSHIFT, 70, false, "'>>' expression"},
	{CM_TOK_PLUS, CM_AST_ADD, 80, false, "'+' expression"},
	{CM_TOK_MINUS, CM_AST_SUBTRACT, 80, false, "'-' expression"},
	{CM_TOK_TIMES, CM_AST_MULTIPLY, 90, false, "'*' expression"},
	{CM_TOK_DIV, CM_AST_DIVIDE, 90, false, "'/' expression"},
	{CM_TOK_MODULO, CM_AST_MODULO, 90, false, "'%' expression"},
	{CM_TOK_MATCH, CM_AST_MATCH, 100, false, "'=~' expression"},
	{CM_TOK_NOMATCH, CM_AST_NOT_MATCH, 100, false, "'!~' expression"},
	{CM_TOK_IN, CM_AST_IN, 110, false, "'in' expression"},
};

/* Labels as Puppet prints them in messages ("This Name has no effect"). */
static const struct {
	enum cm_ast_kind kind;
	const char *label;
} node_labels[] = {
	{CM_AST_NAME, "Name"},
	{CM_AST_VARIABLE, "Variable"},
	{CM_AST_STRING, "Literal String"},
	{CM_AST_CONCAT, "String"},
	{CM_AST_HEREDOC, "Heredoc"},
	{CM_AST_INTEGER, "Literal Integer"},
	{CM_AST_FLOAT, "Literal Float"},
	{CM_AST_BOOLEAN, "Literal Boolean"},
	{CM_AST_UNDEF, "Literal Undef"},
	{CM_AST_DEFAULT, "Literal Default"},
	{CM_AST_REGEX, "Literal Regular Expression"},
	{CM_AST_TYPE_REF, "Type-Name"},
	{CM_AST_ARRAY, "Array Expression"},
	{CM_AST_HASH, "Hash Expression"},
	{CM_AST_CALL, "Function Call"},
	{CM_AST_METHOD_CALL, "Method call"},
	{CM_AST_NOT, "'!' expression"},
	{CM_AST_NEGATE, "Unary Minus"},
	{CM_AST_SPLAT, "Unfold"},
	{CM_AST_SELECTOR, "Selector Expression"},
	{CM_AST_IF, "'if' statement"},
	{CM_AST_UNLESS, "'unless' Statement"},
	{CM_AST_CASE, "'case' statement"},
	{CM_AST_RESOURCE, "Resource Statement"},
};

static struct cm_ast_node *parser_unary(struct parser *p);

const char *parser_node_label(const struct cm_ast_node *n)
{
	for (size_t i = 0; i < sizeof(node_labels) / sizeof(node_labels[0]); i++)
		if (node_labels[i].kind == n->kind)
			return node_labels[i].label;
	for (size_t i = 0; i < sizeof(infix_ops) / sizeof(infix_ops[0]); i++)
		if (infix_ops[i].kind == n->kind && infix_ops[i].label)
			return infix_ops[i].label;
	return cm_ast_kind_name(n->kind);
}

static const char *article(const char *label)
{
	return strchr("AEIOUaeiou", label[0]) ? "an" : "a";
}

/* Tokens that can begin an expression (used to recognise `include foo`). */
bool parser_starts_expression(const struct cm_token *t)
{
	static const enum cm_tok starts[] = {
		CM_TOK_NAME,    CM_TOK_TYPEREF, CM_TOK_VARIABLE, CM_TOK_INTEGER,   CM_TOK_FLOAT,
		CM_TOK_STRING,  CM_TOK_DQPRE,   CM_TOK_HEREDOC,  CM_TOK_REGEX,     CM_TOK_TRUE,
		CM_TOK_FALSE,   CM_TOK_UNDEF,   CM_TOK_DEFAULT,  CM_TOK_LISTSTART, CM_TOK_LBRACK,
		CM_TOK_LBRACE,  CM_TOK_LPAREN,  CM_TOK_NOT,      CM_TOK_MINUS,     CM_TOK_TIMES,
		CM_TOK_IF,      CM_TOK_UNLESS,  CM_TOK_CASE,     CM_TOK_AT,        CM_TOK_ATAT,
		CM_TOK_CLASS,
	};

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (starts[i] == t->type)
			return true;
	return false;
}

static struct cm_ast_node *node_text(struct parser *p, enum cm_ast_kind kind, const struct cm_token *t)
{
	struct cm_ast_node *n = parser_node(p, kind, t);

	n->text = cm_arena_strndup(p->arena, t->value ? t->value : "", t->value ? t->value_len : 0);
	n->text_len = t->value ? t->value_len : 0;
	return n;
}

/* Comma-separated expressions up to `close` (consumed), trailing comma allowed. */
int parser_args(struct parser *p, struct cm_ast_node *n, enum cm_tok close)
{
	while (!p->failed && !parser_at(p, close)) {
		struct cm_ast_node *e = parser_expression(p);

		if (e == NULL)
			return -1;
		cm_ast_append(p->arena, n, e);
		if (!parser_accept(p, CM_TOK_COMMA))
			break;
	}
	return parser_expect(p, close) ? 0 : -1;
}

/* Inside "${...}" a bare name means a variable: ${x}, ${x['k']}, ${x.m}. */
static struct cm_ast_node *interp_variable(struct cm_ast_node *e)
{
	struct cm_ast_node **leftmost = NULL;

	if (e->kind == CM_AST_NAME || (e->kind == CM_AST_INTEGER && e->text && e->text[0] != '0')) {
		e->kind = CM_AST_VARIABLE;
		return e;
	}
	if ((e->kind == CM_AST_ACCESS || e->kind == CM_AST_METHOD_CALL) && e->nkids > 0)
		leftmost = &e->kids[0];
	if (leftmost && *leftmost)
		*leftmost = interp_variable(*leftmost);
	return e;
}

static void concat_add_text(struct parser *p, struct cm_ast_node *c, const struct cm_token *t)
{
	if (t->value_len > 0)
		cm_ast_append(p->arena, c, node_text(p, CM_AST_STRING, t));
}

/* DQPRE expr (DQMID expr)* DQPOST */
static struct cm_ast_node *parser_interpolated(struct parser *p)
{
	const struct cm_token *pre = parser_next(p);
	struct cm_ast_node *c = parser_node(p, CM_AST_CONCAT, pre);

	concat_add_text(p, c, pre);
	for (;;) {
		const struct cm_token *t;
		struct cm_ast_node *e = parser_expression(p);

		if (e == NULL)
			return NULL;
		cm_ast_append(p->arena, c, interp_variable(e));
		t = parser_peek(p, 0);
		if (t->type != CM_TOK_DQMID && t->type != CM_TOK_DQPOST) {
			parser_fail_at(p, t, "}");
			return NULL;
		}
		parser_next(p);
		concat_add_text(p, c, t);
		if (t->type == CM_TOK_DQPOST)
			return c;
	}
}

static struct cm_ast_node *parser_string(struct parser *p)
{
	if (parser_at(p, CM_TOK_STRING))
		return node_text(p, CM_AST_STRING, parser_next(p));
	if (parser_at(p, CM_TOK_DQPRE))
		return parser_interpolated(p);
	parser_fail_at(p, parser_peek(p, 0), NULL);
	return NULL;
}

static struct cm_ast_node *parser_heredoc(struct parser *p)
{
	const struct cm_token *t = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_HEREDOC, t);

	if (t->value) {
		n->text = cm_arena_strndup(p->arena, t->value, t->value_len);
		n->text_len = t->value_len;
	}
	cm_ast_set_slot(n, 0, parser_string(p));
	return p->failed ? NULL : n;
}

static struct cm_ast_node *parser_hash(struct parser *p)
{
	struct cm_ast_node *h = parser_node(p, CM_AST_HASH, parser_next(p));

	while (!p->failed && !parser_at(p, CM_TOK_RBRACE)) {
		const struct cm_token *at = parser_peek(p, 0);
		struct cm_ast_node *e = parser_node(p, CM_AST_HASH_ENTRY, at);

		cm_ast_set_slot(e, 0, parser_expression(p));
		if (parser_expect(p, CM_TOK_FARROW) == NULL)
			return NULL;
		cm_ast_set_slot(e, 1, parser_expression(p));
		cm_ast_append(p->arena, h, e);
		if (!parser_accept(p, CM_TOK_COMMA))
			break;
	}
	return parser_expect(p, CM_TOK_RBRACE) ? h : NULL;
}

/* A test expression (if, unless, case): `name {` there opens the block, not a resource. */
static struct cm_ast_node *parser_test(struct parser *p)
{
	struct cm_ast_node *e;

	p->no_resource++;
	e = parser_expression(p);
	p->no_resource--;
	return e;
}

/* if/elsif and unless: test, then, optional else */
static struct cm_ast_node *parser_if(struct parser *p, enum cm_ast_kind kind)
{
	struct cm_ast_node *n = parser_node(p, kind, parser_next(p));

	if (!parser_enter(p))
		return NULL;
	cm_ast_set_slot(n, 0, parser_test(p));
	cm_ast_set_slot(n, 1, parser_block(p));
	if (kind == CM_AST_IF && parser_at(p, CM_TOK_ELSIF))
		cm_ast_set_slot(n, 2, parser_if(p, CM_AST_IF));
	else if (parser_accept(p, CM_TOK_ELSE))
		cm_ast_set_slot(n, 2, parser_block(p));
	parser_leave(p);
	return p->failed ? NULL : n;
}

/* case test { v1, v2: { } default: { } } */
static struct cm_ast_node *parser_case(struct parser *p)
{
	struct cm_ast_node *n = parser_node(p, CM_AST_CASE, parser_next(p));

	cm_ast_set_slot(n, 0, parser_test(p));
	if (parser_expect(p, CM_TOK_LBRACE) == NULL)
		return NULL;
	while (!p->failed && !parser_at(p, CM_TOK_RBRACE)) {
		struct cm_ast_node *opt = parser_node(p, CM_AST_CASE_OPTION, parser_peek(p, 0));

		do {
			struct cm_ast_node *v;

			if (parser_at(p, CM_TOK_COLON) && opt->nkids > 1)
				break;
			if ((v = parser_expression(p)) == NULL)
				return NULL;
			cm_ast_append(p->arena, opt, v);
		} while (parser_accept(p, CM_TOK_COMMA));
		if (parser_expect(p, CM_TOK_COLON) == NULL)
			return NULL;
		cm_ast_set_slot(opt, 0, parser_block(p));
		cm_ast_append(p->arena, n, opt);
	}
	return parser_expect(p, CM_TOK_RBRACE) ? n : NULL;
}

/* name(args) [lambda] */
static struct cm_ast_node *parser_call(struct parser *p)
{
	struct cm_ast_node *n = node_text(p, CM_AST_CALL, parser_next(p));

	parser_next(p); /* ( */
	if (parser_args(p, n, CM_TOK_RPAREN) < 0)
		return NULL;
	if (parser_at(p, CM_TOK_PIPE))
		cm_ast_set_slot(n, 0, parser_lambda(p));
	return p->failed ? NULL : n;
}

/* @type { ... } and @@type { ... } */
static struct cm_ast_node *parser_virtual(struct parser *p)
{
	const struct cm_token *at = parser_next(p), *type = parser_peek(p, 0);
	unsigned flags = at->type == CM_TOK_ATAT ? CM_AST_F_EXPORTED : CM_AST_F_VIRTUAL;

	if ((type->type != CM_TOK_NAME && type->type != CM_TOK_TYPEREF) ||
	    parser_peek(p, 1)->type != CM_TOK_LBRACE) {
		parser_fail_at(p, type->type == CM_TOK_NAME ? parser_peek(p, 1) : type, NULL);
		return NULL;
	}
	parser_next(p);
	return parser_resource(p, node_text(p, type->type == CM_TOK_NAME ? CM_AST_NAME : CM_AST_TYPE_REF, type),
	                       at, flags);
}

static struct cm_ast_node *parser_literal(struct parser *p, const struct cm_token *t)
{
	struct cm_ast_node *n;

	switch (t->type) {
	case CM_TOK_INTEGER:
		n = node_text(p, CM_AST_INTEGER, t);
		n->value.integer = t->integer;
		return n;
	case CM_TOK_FLOAT:
		n = node_text(p, CM_AST_FLOAT, t);
		n->value.number = t->number;
		return n;
	case CM_TOK_TRUE:
	case CM_TOK_FALSE:
		n = parser_node(p, CM_AST_BOOLEAN, t);
		n->value.boolean = t->type == CM_TOK_TRUE;
		return n;
	case CM_TOK_UNDEF:
		return parser_node(p, CM_AST_UNDEF, t);
	case CM_TOK_DEFAULT:
		return parser_node(p, CM_AST_DEFAULT, t);
	case CM_TOK_REGEX:
		return node_text(p, CM_AST_REGEX, t);
	case CM_TOK_VARIABLE:
		return node_text(p, CM_AST_VARIABLE, t);
	case CM_TOK_TYPEREF:
		return node_text(p, CM_AST_TYPE_REF, t);
	default:
		return NULL;
	}
}

static struct cm_ast_node *parser_name(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0), *next = parser_peek(p, 1);

	if (next->type == CM_TOK_LPAREN && !next->first_on_line)
		return parser_call(p);
	parser_next(p);
	if (next->type == CM_TOK_LBRACE && p->no_resource == 0)
		return parser_resource(p, node_text(p, CM_AST_NAME, t), t, 0);
	return node_text(p, CM_AST_NAME, t);
}

static struct cm_ast_node *parser_primary(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0);
	struct cm_ast_node *n;

	if ((n = parser_literal(p, t)) != NULL) {
		parser_next(p);
		return n;
	}
	switch (t->type) {
	case CM_TOK_STRING:
	case CM_TOK_DQPRE:
		return parser_string(p);
	case CM_TOK_HEREDOC:
		return parser_heredoc(p);
	case CM_TOK_NAME:
		return parser_name(p);
	case CM_TOK_CLASS:
		if (parser_peek(p, 1)->type != CM_TOK_LBRACE)
			break;
		parser_next(p);
		n = parser_node(p, CM_AST_NAME, t);
		n->text = "class";
		n->text_len = 5;
		return parser_resource(p, n, t, 0);
	case CM_TOK_AT:
	case CM_TOK_ATAT:
		return parser_virtual(p);
	case CM_TOK_LISTSTART:
	case CM_TOK_LBRACK:
		n = parser_node(p, CM_AST_ARRAY, parser_next(p));
		return parser_args(p, n, CM_TOK_RBRACK) == 0 ? n : NULL;
	case CM_TOK_LBRACE:
		return parser_hash(p);
	case CM_TOK_LPAREN: {
		int saved = p->no_resource;

		parser_next(p);
		p->no_resource = 0;
		n = parser_expression(p);
		p->no_resource = saved;
		return parser_expect(p, CM_TOK_RPAREN) ? n : NULL;
	}
	case CM_TOK_IF:
		return parser_if(p, CM_AST_IF);
	case CM_TOK_UNLESS:
		return parser_if(p, CM_AST_UNLESS);
	case CM_TOK_CASE:
		return parser_case(p);
	default:
		break;
	}
	parser_fail_at(p, t, NULL);
	return NULL;
}

/* .name[(args)][lambda] */
static struct cm_ast_node *parser_method(struct parser *p, struct cm_ast_node *receiver)
{
	const struct cm_token *dot = parser_next(p), *name = parser_peek(p, 0);
	struct cm_ast_node *n;

	if (name->type != CM_TOK_NAME && !parser_is_keyword(name->type)) {
		parser_fail_at(p, name, NULL);
		return NULL;
	}
	parser_next(p);
	n = node_text(p, CM_AST_METHOD_CALL, name);
	n->line = dot->line;
	n->column = dot->column;
	cm_ast_set_slot(n, 0, receiver);
	if (parser_at(p, CM_TOK_LPAREN) && !parser_peek(p, 0)->first_on_line) {
		parser_next(p);
		if (parser_args(p, n, CM_TOK_RPAREN) < 0)
			return NULL;
	}
	if (parser_at(p, CM_TOK_PIPE))
		cm_ast_set_slot(n, 1, parser_lambda(p));
	return p->failed ? NULL : n;
}

/* test ? { match => value, ... } */
static struct cm_ast_node *parser_selector(struct parser *p, struct cm_ast_node *test)
{
	const struct cm_token *q = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_SELECTOR, q);

	cm_ast_set_slot(n, 0, test);
	if (parser_expect(p, CM_TOK_LBRACE) == NULL)
		return NULL;
	while (!p->failed && !parser_at(p, CM_TOK_RBRACE)) {
		struct cm_ast_node *e = parser_node(p, CM_AST_SELECTOR_ENTRY, parser_peek(p, 0));

		cm_ast_set_slot(e, 0, parser_expression(p));
		if (parser_expect(p, CM_TOK_FARROW) == NULL)
			return NULL;
		cm_ast_set_slot(e, 1, parser_expression(p));
		cm_ast_append(p->arena, n, e);
		if (!parser_accept(p, CM_TOK_COMMA))
			break;
	}
	return parser_expect(p, CM_TOK_RBRACE) ? n : NULL;
}

static bool is_type_like(const struct cm_ast_node *n)
{
	return n->kind == CM_AST_TYPE_REF ||
	       (n->kind == CM_AST_ACCESS && n->kids[0] && n->kids[0]->kind == CM_AST_TYPE_REF);
}

static struct cm_ast_node *parser_postfix(struct parser *p, struct cm_ast_node *left)
{
	while (left != NULL && !p->failed) {
		const struct cm_token *t = parser_peek(p, 0);

		if (t->type == CM_TOK_LBRACK) {
			struct cm_ast_node *n = cm_ast_node_new(p->arena, CM_AST_ACCESS, left->line, left->column);

			parser_next(p);
			cm_ast_set_slot(n, 0, left);
			if (parser_args(p, n, CM_TOK_RBRACK) < 0)
				return NULL;
			left = n;
		} else if (t->type == CM_TOK_DOT)
			left = parser_method(p, left);
		else if (t->type == CM_TOK_QMARK)
			left = parser_selector(p, left);
		else if ((t->type == CM_TOK_LCOLLECT || t->type == CM_TOK_LLCOLLECT) && left->kind == CM_AST_TYPE_REF)
			left = parser_collect(p, left);
		else if (t->type == CM_TOK_LBRACE && p->no_resource == 0 && is_type_like(left))
			return parser_type_body(p, left);
		else
			break;
	}
	return p->failed ? NULL : left;
}

static struct cm_ast_node *parser_unary(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0);
	enum cm_ast_kind kind;
	struct cm_ast_node *n, *operand;

	if (t->type == CM_TOK_NOT)
		kind = CM_AST_NOT;
	else if (t->type == CM_TOK_MINUS)
		kind = CM_AST_NEGATE;
	else if (t->type == CM_TOK_TIMES)
		kind = CM_AST_SPLAT;
	else
		return parser_postfix(p, parser_primary(p));
	parser_next(p);
	if (!parser_enter(p))
		return NULL;
	operand = parser_unary(p);
	parser_leave(p);
	if (operand == NULL)
		return NULL;
	n = parser_node(p, kind, t);
	cm_ast_set_slot(n, 0, operand);
	return n;
}

static bool assignable(const struct cm_ast_node *n)
{
	if (n->kind == CM_AST_VARIABLE)
		return true;
	if (n->kind != CM_AST_ARRAY)
		return false;
	for (size_t i = 0; i < n->nkids; i++)
		if (!assignable(n->kids[i]))
			return false;
	return true;
}

static int check_assignment(struct parser *p, const struct cm_token *op, struct cm_ast_node *target)
{
	const char *label;

	if (op->type == CM_TOK_APPENDS || op->type == CM_TOK_DELETES) {
		parser_fail(p, op->line, op->column,
		            "The operator '%s' is no longer supported. See http://links.puppet.com/remove-plus-equals",
		            op->type == CM_TOK_APPENDS ? "+=" : "-=");
		return -1;
	}
	if (assignable(target))
		return 0;
	if (target->kind == CM_AST_ACCESS) {
		parser_fail(p, target->line, target->column,
		            "Illegal attempt to assign via [index/key]. Not an assignable reference");
		return -1;
	}
	label = parser_node_label(target);
	parser_fail(p, target->line, target->column,
	            "Illegal attempt to assign to '%s %s'. Not an assignable reference", article(label), label);
	return -1;
}

struct cm_ast_node *parser_expression_bp(struct parser *p, int min_bp)
{
	struct cm_ast_node *left;

	if (!parser_enter(p))
		return NULL;
	left = parser_unary(p);
	while (left != NULL && !p->failed) {
		const struct cm_token *t = parser_peek(p, 0);
		struct cm_ast_node *n, *right;
		size_t i;

		for (i = 0; i < sizeof(infix_ops) / sizeof(infix_ops[0]); i++)
			if (infix_ops[i].tok == t->type)
				break;
		if (i == sizeof(infix_ops) / sizeof(infix_ops[0]) || infix_ops[i].bp <= min_bp)
			break;
		parser_next(p);
		if (infix_ops[i].kind == CM_AST_ASSIGN && check_assignment(p, t, left) < 0) {
			left = NULL;
			break;
		}
		right = parser_expression_bp(p, infix_ops[i].right ? infix_ops[i].bp - 1 : infix_ops[i].bp);
		if (right == NULL) {
			left = NULL;
			break;
		}
		n = parser_node(p, infix_ops[i].kind, t);
		cm_ast_set_slot(n, 0, left);
		cm_ast_set_slot(n, 1, right);
		left = n;
	}
	parser_leave(p);
	return p->failed ? NULL : left;
}

struct cm_ast_node *parser_expression(struct parser *p)
{
	return parser_expression_bp(p, 0);
}

/* A data type in a parameter or return position: Name or Name[args], nested. */
struct cm_ast_node *parser_type_expression(struct parser *p)
{
	const struct cm_token *t = parser_expect(p, CM_TOK_TYPEREF);
	struct cm_ast_node *n;

	if (t == NULL)
		return NULL;
	n = node_text(p, CM_AST_TYPE_REF, t);
	while (parser_at(p, CM_TOK_LBRACK)) {
		struct cm_ast_node *access = cm_ast_node_new(p->arena, CM_AST_ACCESS, n->line, n->column);

		parser_next(p);
		cm_ast_set_slot(access, 0, n);
		if (parser_args(p, access, CM_TOK_RBRACK) < 0)
			return NULL;
		n = access;
	}
	return n;
}
