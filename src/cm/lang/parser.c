/*
 * Puppet parser: entry points, token helpers, statements and definitions
 * (class, define, node, function, type alias). Expressions are in
 * parser_expr.c, resources and parameters in parser_resource.c.
 *
 * The token array is complete (EOF-terminated) before parsing starts, so
 * lookahead is free. Every function returns NULL once p->failed is set; the
 * first error wins and nothing after it is reported.
 */
#include "cm/lang/parser.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cm/lang/parser_internal.h"

/* Functions Puppet lets a statement call without parentheses (include foo). */
static const char *const statement_calls[] = {
	"require", "realize", "include", "contain", "tag",   "debug", "info",   "notice",
	"warning", "err",     "fail",    "import",  "break", "next",  "return",
};

static const enum cm_tok keyword_tokens[] = {
	CM_TOK_AND,   CM_TOK_CASE, CM_TOK_CLASS, CM_TOK_DEFAULT,  CM_TOK_DEFINE, CM_TOK_ELSE,
	CM_TOK_ELSIF, CM_TOK_FALSE, CM_TOK_FUNCTION, CM_TOK_IF, CM_TOK_IN,     CM_TOK_INHERITS,
	CM_TOK_NODE,  CM_TOK_OR,   CM_TOK_TRUE,  CM_TOK_UNDEF,    CM_TOK_UNLESS,
};

const struct cm_token *parser_peek(const struct parser *p, size_t ahead)
{
	size_t i = p->pos + ahead;

	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

const struct cm_token *parser_next(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0);

	if (p->pos < p->ntoks - 1)
		p->pos++;
	return t;
}

bool parser_at(const struct parser *p, enum cm_tok t)
{
	return parser_peek(p, 0)->type == t;
}

bool parser_accept(struct parser *p, enum cm_tok t)
{
	if (!parser_at(p, t))
		return false;
	parser_next(p);
	return true;
}

bool parser_is_keyword(enum cm_tok t)
{
	for (size_t i = 0; i < sizeof(keyword_tokens) / sizeof(keyword_tokens[0]); i++)
		if (keyword_tokens[i] == t)
			return true;
	return false;
}

void parser_fail(struct parser *p, int line, int column, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cm_parse_error_set(p->err, p->file, line, column, "%s", msg);
}

/* "Syntax error at 'tok'", optionally "(expected 'x')". */
void parser_fail_at(struct parser *p, const struct cm_token *t, const char *expected)
{
	char shown[48];
	size_t n = 0;
	const char *text = t->raw;
	size_t len = t->raw_len;

	if (t->type == CM_TOK_EOF) {
		if (expected)
			parser_fail(p, t->line, t->column, "Syntax error at end of input (expected '%s')", expected);
		else
			parser_fail(p, t->line, t->column, "Syntax error at end of input");
		return;
	}
	if (t->type == CM_TOK_DQMID || t->type == CM_TOK_DQPOST || t->type == CM_TOK_RENDER_STRING) {
		text = t->value;
		len = t->value_len;
	}
	for (size_t i = 0; text != NULL && i < len && n < 40 && text[i] != '\n'; i++)
		shown[n++] = text[i] >= 0x20 ? text[i] : '?';
	shown[n] = '\0';
	if (expected)
		parser_fail(p, t->line, t->column, "Syntax error at '%s' (expected '%s')", shown, expected);
	else
		parser_fail(p, t->line, t->column, "Syntax error at '%s'", shown);
}

const struct cm_token *parser_expect(struct parser *p, enum cm_tok t)
{
	if (p->failed)
		return NULL;
	if (!parser_at(p, t)) {
		parser_fail_at(p, parser_peek(p, 0), cm_token_display(t));
		return NULL;
	}
	return parser_next(p);
}

bool parser_enter(struct parser *p)
{
	if (p->failed)
		return false;
	if (++p->depth > PARSER_MAX_DEPTH) {
		const struct cm_token *t = parser_peek(p, 0);

		parser_fail(p, t->line, t->column, "Expressions nested too deeply (more than %d levels)",
		            PARSER_MAX_DEPTH);
		p->depth--;
		return false;
	}
	return true;
}

void parser_leave(struct parser *p)
{
	p->depth--;
}

struct cm_ast_node *parser_node(struct parser *p, enum cm_ast_kind kind, const struct cm_token *at)
{
	return cm_ast_node_new(p->arena, kind, at->line, at->column);
}

static const char *token_text(struct parser *p, const struct cm_token *t)
{
	return cm_arena_strndup(p->arena, t->value ? t->value : "", t->value ? t->value_len : 0);
}

/* Bare values that do nothing unless they are the value of their block. */
static const enum cm_ast_kind idempotent_kinds[] = {
	CM_AST_NAME,    CM_AST_VARIABLE, CM_AST_STRING, CM_AST_INTEGER, CM_AST_FLOAT,
	CM_AST_BOOLEAN, CM_AST_UNDEF,    CM_AST_DEFAULT, CM_AST_REGEX,  CM_AST_TYPE_REF,
};

static void parser_check_effects(struct parser *p, struct cm_ast_node *block)
{
	size_t count;
	struct cm_ast_node **body = cm_ast_list(block, &count);

	for (size_t i = 0; i + 1 < count; i++)
		for (size_t k = 0; k < sizeof(idempotent_kinds) / sizeof(idempotent_kinds[0]); k++)
			if (body[i]->kind == idempotent_kinds[k]) {
				parser_fail(p, body[i]->line, body[i]->column,
				            "This %s has no effect. A value was produced and then forgotten (one or "
				            "more preceding expressions may have the wrong form)",
				            parser_node_label(body[i]));
				return;
			}
}

static bool is_statement_call(const struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0), *next = parser_peek(p, 1);

	if (t->type != CM_TOK_NAME || (next->type == CM_TOK_LPAREN && !next->first_on_line))
		return false;
	if (!parser_starts_expression(next) || next->type == CM_TOK_LBRACE)
		return false;
	for (size_t i = 0; i < sizeof(statement_calls) / sizeof(statement_calls[0]); i++)
		if (strlen(statement_calls[i]) == t->value_len && memcmp(statement_calls[i], t->value, t->value_len) == 0)
			return true;
	return false;
}

/* include a, b  /  notice "x" */
static struct cm_ast_node *parser_statement_call(struct parser *p)
{
	const struct cm_token *t = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_CALL, t);

	n->text = token_text(p, t);
	n->text_len = t->value_len;
	n->flags |= CM_AST_F_STATEMENT_CALL;
	do {
		struct cm_ast_node *arg = parser_expression(p);

		if (arg == NULL)
			return NULL;
		cm_ast_append(p->arena, n, arg);
	} while (parser_accept(p, CM_TOK_COMMA));
	return n;
}

/* class NAME [(params)] [inherits NAME] { body } */
static struct cm_ast_node *parser_class_def(struct parser *p)
{
	const struct cm_token *kw = parser_next(p), *name;
	struct cm_ast_node *n = parser_node(p, CM_AST_CLASS_DEF, kw);

	if ((name = parser_expect(p, CM_TOK_NAME)) == NULL)
		return NULL;
	n->text = token_text(p, name);
	n->text_len = name->value_len;
	if (parser_accept(p, CM_TOK_LPAREN))
		cm_ast_set_slot(n, 0, parser_params(p, CM_TOK_RPAREN));
	if (parser_accept(p, CM_TOK_INHERITS)) {
		const struct cm_token *parent = parser_expect(p, CM_TOK_NAME);
		struct cm_ast_node *pn;

		if (parent == NULL)
			return NULL;
		pn = parser_node(p, CM_AST_NAME, parent);
		pn->text = token_text(p, parent);
		pn->text_len = parent->value_len;
		cm_ast_set_slot(n, 1, pn);
	}
	cm_ast_set_slot(n, 2, parser_block(p));
	return p->failed ? NULL : n;
}

/* define NAME [(params)] { body } */
static struct cm_ast_node *parser_define_def(struct parser *p)
{
	const struct cm_token *kw = parser_next(p), *name;
	struct cm_ast_node *n = parser_node(p, CM_AST_DEFINE_DEF, kw);

	if ((name = parser_expect(p, CM_TOK_NAME)) == NULL)
		return NULL;
	n->text = token_text(p, name);
	n->text_len = name->value_len;
	if (parser_accept(p, CM_TOK_LPAREN))
		cm_ast_set_slot(n, 0, parser_params(p, CM_TOK_RPAREN));
	cm_ast_set_slot(n, 1, parser_block(p));
	return p->failed ? NULL : n;
}

/* function NAME [(params)] [>> ReturnType] { body } */
static struct cm_ast_node *parser_function_def(struct parser *p)
{
	const struct cm_token *kw = parser_next(p), *name;
	struct cm_ast_node *n = parser_node(p, CM_AST_FUNCTION_DEF, kw);

	if ((name = parser_expect(p, CM_TOK_NAME)) == NULL)
		return NULL;
	n->text = token_text(p, name);
	n->text_len = name->value_len;
	if (parser_accept(p, CM_TOK_LPAREN))
		cm_ast_set_slot(n, 0, parser_params(p, CM_TOK_RPAREN));
	if (parser_accept(p, CM_TOK_RSHIFT))
		cm_ast_set_slot(n, 1, parser_type_expression(p));
	cm_ast_set_slot(n, 2, parser_block(p));
	return p->failed ? NULL : n;
}

/* type Name = TypeExpression */
static struct cm_ast_node *parser_type_alias(struct parser *p)
{
	const struct cm_token *kw = parser_next(p), *name = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_TYPE_ALIAS, kw);

	n->text = token_text(p, name);
	n->text_len = name->value_len;
	if (parser_expect(p, CM_TOK_EQUALS) == NULL)
		return NULL;
	cm_ast_set_slot(n, 0, parser_expression(p));
	return p->failed ? NULL : n;
}

/* A host name: NAME/number parts joined by '.' with nothing in between. */
static struct cm_ast_node *parser_dotted_name(struct parser *p)
{
	const struct cm_token *first = parser_next(p), *last = first;
	struct cm_ast_node *n = parser_node(p, CM_AST_NAME, first);

	while (parser_at(p, CM_TOK_DOT) && !parser_peek(p, 0)->ws_before) {
		const struct cm_token *part = parser_peek(p, 1);

		if (part->ws_before ||
		    !(part->type == CM_TOK_NAME || part->type == CM_TOK_INTEGER || part->type == CM_TOK_FLOAT))
			break;
		parser_next(p);
		last = parser_next(p);
	}
	n->text_len = (size_t)(last->raw + last->raw_len - first->raw);
	n->text = cm_arena_strndup(p->arena, first->raw, n->text_len);
	return n;
}

static struct cm_ast_node *parser_node_match(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0);

	switch (t->type) {
	case CM_TOK_STRING:
	case CM_TOK_REGEX:
	case CM_TOK_DEFAULT:
		return parser_expression_bp(p, 1000);
	case CM_TOK_NAME:
	case CM_TOK_INTEGER:
	case CM_TOK_FLOAT:
		return parser_dotted_name(p);
	default:
		parser_fail_at(p, t, NULL);
		return NULL;
	}
}

/* node 'a', /re/, default { body } */
static struct cm_ast_node *parser_node_def(struct parser *p)
{
	const struct cm_token *kw = parser_next(p);
	struct cm_ast_node *n = parser_node(p, CM_AST_NODE_DEF, kw);

	do {
		struct cm_ast_node *match;

		if (parser_at(p, CM_TOK_LBRACE) && n->nkids > 1)
			break; /* trailing comma */
		if ((match = parser_node_match(p)) == NULL)
			return NULL;
		cm_ast_append(p->arena, n, match);
	} while (parser_accept(p, CM_TOK_COMMA));
	if (parser_at(p, CM_TOK_INHERITS)) {
		const struct cm_token *inh = parser_peek(p, 1); /* Puppet points at the parent */

		parser_fail(p, inh->line, inh->column,
		            "Node inheritance is not supported in Puppet >= 4.0.0. See "
		            "http://links.puppet.com/puppet-node-inheritance-deprecation");
		return NULL;
	}
	cm_ast_set_slot(n, 0, parser_block(p));
	return p->failed ? NULL : n;
}

static struct cm_ast_node *parser_statement(struct parser *p)
{
	const struct cm_token *t = parser_peek(p, 0), *next = parser_peek(p, 1);
	struct cm_ast_node *n;

	if (!parser_enter(p))
		return NULL;
	if (t->type == CM_TOK_RENDER_STRING) {
		n = parser_node(p, CM_AST_EPP_TEXT, parser_next(p));
		n->text = token_text(p, t);
		n->text_len = t->value_len;
	} else if (t->type == CM_TOK_RENDER_EXPR) {
		n = parser_node(p, CM_AST_EPP_RENDER, parser_next(p));
		cm_ast_set_slot(n, 0, parser_expression(p));
		if (p->failed)
			n = NULL;
	} else if (t->type == CM_TOK_CLASS && next->type != CM_TOK_LBRACE)
		n = parser_class_def(p);
	else if (t->type == CM_TOK_DEFINE)
		n = parser_define_def(p);
	else if (t->type == CM_TOK_NODE)
		n = parser_node_def(p);
	else if (t->type == CM_TOK_FUNCTION)
		n = parser_function_def(p);
	else if (t->type == CM_TOK_NAME && t->value_len == 4 && memcmp(t->value, "type", 4) == 0 &&
	         next->type == CM_TOK_TYPEREF && parser_peek(p, 2)->type == CM_TOK_EQUALS)
		n = parser_type_alias(p);
	else if (is_statement_call(p))
		n = parser_statement_call(p);
	else
		n = parser_expression(p);
	parser_leave(p);
	return n;
}

/* Statements into `into` until `close` (not consumed). */
static int parser_statements(struct parser *p, struct cm_ast_node *into, enum cm_tok close)
{
	for (;;) {
		struct cm_ast_node *s;

		while (parser_accept(p, CM_TOK_SEMIC))
			;
		if (parser_at(p, close) || p->failed)
			break;
		if (parser_at(p, CM_TOK_EOF)) {
			parser_fail_at(p, parser_peek(p, 0), NULL);
			break;
		}
		if ((s = parser_statement(p)) == NULL)
			break;
		cm_ast_append(p->arena, into, s);
	}
	if (!p->failed)
		parser_check_effects(p, into);
	return p->failed ? -1 : 0;
}

struct cm_ast_node *parser_block(struct parser *p)
{
	const struct cm_token *open = parser_expect(p, CM_TOK_LBRACE);
	struct cm_ast_node *n;
	int saved = p->no_resource;

	if (open == NULL)
		return NULL;
	n = parser_node(p, CM_AST_BLOCK, open);
	p->no_resource = 0;
	if (parser_statements(p, n, CM_TOK_RBRACE) < 0 || parser_expect(p, CM_TOK_RBRACE) == NULL)
		n = NULL;
	p->no_resource = saved;
	return n;
}

/* EPP: an optional parameter tag <%- | ... | -%> first, then statements and text. */
static struct cm_ast_node *parser_epp_template(struct parser *p)
{
	struct cm_ast_node *n = parser_node(p, CM_AST_EPP_TEMPLATE, parser_peek(p, 0));
	struct cm_ast_node *body = parser_node(p, CM_AST_BLOCK, parser_peek(p, 0));

	if (parser_accept(p, CM_TOK_PIPE))
		cm_ast_set_slot(n, 0, parser_params(p, CM_TOK_PIPE));
	if (!p->failed && parser_statements(p, body, CM_TOK_EOF) == 0)
		cm_ast_set_slot(n, 1, body);
	return p->failed ? NULL : n;
}

static struct cm_ast *parse_common(const char *src, size_t len, const char *name, bool epp,
                                   struct cm_parse_error *err)
{
	struct cm_arena *arena = cm_arena_new();
	struct cm_ast *ast = cm_arena_alloc(arena, sizeof(*ast));
	struct cm_token_list toks = {0};
	struct cm_parse_error local = {0};
	struct parser p = {.arena = arena, .err = err ? err : &local};

	if (err)
		memset(err, 0, sizeof(*err));
	ast->arena = arena;
	ast->file = p.file = cm_arena_strndup(arena, name ? name : "<string>", strlen(name ? name : "<string>"));
	if (cm_lex(arena, p.file, src ? src : "", src ? len : 0, epp, &toks, p.err) < 0)
		goto fail;
	p.toks = toks.tokens;
	p.ntoks = toks.count;
	if (epp)
		ast->root = parser_epp_template(&p);
	else {
		ast->root = parser_node(&p, CM_AST_PROGRAM, &p.toks[0]);
		ast->root->line = ast->root->column = 1;
		if (parser_statements(&p, ast->root, CM_TOK_EOF) < 0)
			ast->root = NULL;
	}
	if (p.failed || ast->root == NULL)
		goto fail;
	free(toks.tokens);
	return ast;
fail:
	free(toks.tokens);
	cm_arena_free(arena);
	return NULL;
}

struct cm_ast *cm_parse_string(const char *src, size_t len, const char *name, struct cm_parse_error *err)
{
	return parse_common(src, len, name, false, err);
}

struct cm_ast *cm_parse_epp(const char *src, size_t len, const char *name, struct cm_parse_error *err)
{
	return parse_common(src, len, name, true, err);
}

static char *read_whole_file(const char *path, size_t *len, struct cm_parse_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		cm_parse_error_set(err, path, 0, 0, "Could not read file: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n + 4096 > cap) {
			char *grown = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (grown == NULL) {
				free(buf);
				fclose(f);
				cm_parse_error_set(err, path, 0, 0, "Could not read file: out of memory");
				return NULL;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		cm_parse_error_set(err, path, 0, 0, "Could not read file: %s", strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static struct cm_ast *parse_file_common(const char *path, bool epp, struct cm_parse_error *err)
{
	struct cm_parse_error local = {0};
	size_t len = 0;
	char *src;
	struct cm_ast *ast;

	if (err)
		memset(err, 0, sizeof(*err));
	src = read_whole_file(path, &len, err ? err : &local);
	if (src == NULL)
		return NULL;
	ast = parse_common(src, len, path, epp, err);
	free(src);
	return ast;
}

struct cm_ast *cm_parse_file(const char *path, struct cm_parse_error *err)
{
	return parse_file_common(path, false, err);
}

struct cm_ast *cm_parse_epp_file(const char *path, struct cm_parse_error *err)
{
	return parse_file_common(path, true, err);
}
