/*
 * Puppet lexer: source text -> token array (whole input at once).
 *
 * Modes, kept on a stack: CODE (ordinary Puppet code), DQ (inside a
 * double-quoted string or an interpolating heredoc body: text segments and
 * $var / ${expr} interpolation), INTERP (the code inside ${...}, which ends at
 * the brace that balances it), and for templates EPP_TEXT (literal text up to
 * the next <% tag). An interpolated string becomes DQPRE, the expression's
 * tokens, DQMID, ..., DQPOST; a plain one is a single STRING.
 *
 * Context rules taken from Puppet's lexer:
 *   - '/' starts a regex unless the previous token ends a value (name, number,
 *     string, variable, ')' ']' ...); a regex never spans a line.
 *   - '[' preceded by whitespace is LISTSTART (a new array), else LBRACK (access).
 *   - a heredoc body starts on the line after its @(TAG) and is skipped when the
 *     lexer reaches the end of that line.
 * Tokens and their strings live in the caller's arena. No global state.
 */
#ifndef OVCP_CM_LANG_LEXER_H
#define OVCP_CM_LANG_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "cm/lang/arena.h"
#include "cm/lang/parse_error.h"

/* X(ENUM, "display") : display is what error messages show for fixed tokens. */
#define CM_TOKENS(X)                                                                               \
	X(EOF, "end of input")                                                                     \
	X(NAME, "name")                                                                            \
	X(TYPEREF, "type reference")                                                               \
	X(VARIABLE, "variable")                                                                    \
	X(INTEGER, "integer")                                                                      \
	X(FLOAT, "float")                                                                          \
	X(STRING, "string")                                                                        \
	X(DQPRE, "string")                                                                         \
	X(DQMID, "string")                                                                         \
	X(DQPOST, "string")                                                                        \
	X(HEREDOC, "heredoc")                                                                      \
	X(REGEX, "regex")                                                                          \
	X(RENDER_STRING, "epp text")                                                               \
	X(RENDER_EXPR, "<%=")                                                                      \
	X(AND, "and")                                                                              \
	X(CASE, "case")                                                                            \
	X(CLASS, "class")                                                                          \
	X(DEFAULT, "default")                                                                      \
	X(DEFINE, "define")                                                                        \
	X(ELSE, "else")                                                                            \
	X(ELSIF, "elsif")                                                                          \
	X(FALSE, "false")                                                                          \
	X(FUNCTION, "function")                                                                    \
	X(IF, "if")                                                                                \
	X(IN, "in")                                                                                \
	X(INHERITS, "inherits")                                                                    \
	X(NODE, "node")                                                                            \
	X(OR, "or")                                                                                \
	X(TRUE, "true")                                                                            \
	X(UNDEF, "undef")                                                                          \
	X(UNLESS, "unless")                                                                        \
	X(LLCOLLECT, "<<|")                                                                        \
	X(RRCOLLECT, "|>>")                                                                        \
	X(LCOLLECT, "<|")                                                                          \
	X(RCOLLECT, "|>")                                                                          \
	X(OUT_EDGE, "->")                                                                          \
	X(OUT_EDGE_SUB, "~>")                                                                      \
	X(IN_EDGE, "<-")                                                                           \
	X(IN_EDGE_SUB, "<~")                                                                       \
	X(FARROW, "=>")                                                                            \
	X(PARROW, "+>")                                                                            \
	X(ISEQUAL, "==")                                                                           \
	X(NOTEQUAL, "!=")                                                                          \
	X(MATCH, "=~")                                                                             \
	X(NOMATCH, "!~")                                                                           \
	X(GREATEREQUAL, ">=")                                                                      \
	X(LESSEQUAL, "<=")                                                                         \
	X(LSHIFT, "<<")                                                                            \
	X(RSHIFT, ">>")                                                                            \
	X(APPENDS, "+=")                                                                           \
	X(DELETES, "-=")                                                                           \
	X(ATAT, "@@")                                                                              \
	X(LBRACE, "{")                                                                             \
	X(RBRACE, "}")                                                                             \
	X(LBRACK, "[")                                                                             \
	X(LISTSTART, "[")                                                                          \
	X(RBRACK, "]")                                                                             \
	X(LPAREN, "(")                                                                             \
	X(RPAREN, ")")                                                                             \
	X(COMMA, ",")                                                                              \
	X(SEMIC, ";")                                                                              \
	X(COLON, ":")                                                                              \
	X(DOT, ".")                                                                                \
	X(QMARK, "?")                                                                              \
	X(EQUALS, "=")                                                                             \
	X(LESSTHAN, "<")                                                                           \
	X(GREATERTHAN, ">")                                                                        \
	X(PLUS, "+")                                                                               \
	X(MINUS, "-")                                                                              \
	X(TIMES, "*")                                                                              \
	X(DIV, "/")                                                                                \
	X(MODULO, "%")                                                                             \
	X(NOT, "!")                                                                                \
	X(PIPE, "|")                                                                               \
	X(AT, "@")

enum cm_tok {
#define CM_TOK_ENUM(e, s) CM_TOK_##e,
	CM_TOKENS(CM_TOK_ENUM)
#undef CM_TOK_ENUM
	CM_TOK_COUNT
};

struct cm_token {
	enum cm_tok type;
	int line, column;
	const char *raw;   /* source text of the token (for messages) */
	size_t raw_len;
	const char *value; /* names, variable names (no '$'), cooked strings, regex, heredoc syntax */
	size_t value_len;
	long long integer;
	double number;
	bool ws_before;     /* whitespace, a comment or the start of input right before it */
	bool first_on_line; /* nothing but blanks before it on its line */
};

struct cm_token_list {
	struct cm_token *tokens; /* malloc'ed; the last one is EOF */
	size_t count, cap;
};

/* Tokenize src[0..len). epp: start in EPP text mode. Returns 0, or -1 with err set
 * (position and Puppet's message). The list is filled either way; free tokens with free(). */
int cm_lex(struct cm_arena *arena, const char *file, const char *src, size_t len, bool epp,
           struct cm_token_list *out, struct cm_parse_error *err);
const char *cm_token_display(enum cm_tok t);

#endif
