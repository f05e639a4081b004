/*
 * Puppet lexer, code mode: names, keywords, variables, numbers, regexes and
 * operators; the mode stack and the driver loop. Strings, heredocs and EPP
 * text are in lexer_text.c. See lexer.h for the context rules.
 *
 * Invariants: pos <= len; line/column describe pos; a failed lexer emits
 * nothing more (lx->failed, err set once).
 */
#include "cm/lang/lexer_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_DISPLAY(e, s) s,
static const char *const tok_display[] = {CM_TOKENS(TOK_DISPLAY)};
#undef TOK_DISPLAY

const char *cm_token_display(enum cm_tok t)
{
	return (unsigned)t < CM_TOK_COUNT ? tok_display[t] : "?";
}

static const struct {
	const char *word;
	enum cm_tok tok;
} keywords[] = {
	{"and", CM_TOK_AND},         {"case", CM_TOK_CASE},     {"class", CM_TOK_CLASS},
	{"default", CM_TOK_DEFAULT}, {"define", CM_TOK_DEFINE}, {"else", CM_TOK_ELSE},
	{"elsif", CM_TOK_ELSIF},     {"false", CM_TOK_FALSE},   {"function", CM_TOK_FUNCTION},
	{"if", CM_TOK_IF},           {"in", CM_TOK_IN},         {"inherits", CM_TOK_INHERITS},
	{"node", CM_TOK_NODE},       {"or", CM_TOK_OR},         {"true", CM_TOK_TRUE},
	{"undef", CM_TOK_UNDEF},     {"unless", CM_TOK_UNLESS},
};

/* Longest first: the first prefix that matches wins. */
static const struct {
	const char *text;
	enum cm_tok tok;
} puncts[] = {
	{"<<|", CM_TOK_LLCOLLECT}, {"|>>", CM_TOK_RRCOLLECT}, {"<|", CM_TOK_LCOLLECT},
	{"|>", CM_TOK_RCOLLECT},   {"->", CM_TOK_OUT_EDGE},   {"~>", CM_TOK_OUT_EDGE_SUB},
	{"<-", CM_TOK_IN_EDGE},    {"<~", CM_TOK_IN_EDGE_SUB}, {"=>", CM_TOK_FARROW},
	{"+>", CM_TOK_PARROW},     {"==", CM_TOK_ISEQUAL},    {"!=", CM_TOK_NOTEQUAL},
	{"=~", CM_TOK_MATCH},      {"!~", CM_TOK_NOMATCH},    {">=", CM_TOK_GREATEREQUAL},
	{"<=", CM_TOK_LESSEQUAL},  {"<<", CM_TOK_LSHIFT},     {">>", CM_TOK_RSHIFT},
	{"+=", CM_TOK_APPENDS},    {"-=", CM_TOK_DELETES},    {"@@", CM_TOK_ATAT},
	{"{", CM_TOK_LBRACE},      {"}", CM_TOK_RBRACE},      {"]", CM_TOK_RBRACK},
	{"(", CM_TOK_LPAREN},      {")", CM_TOK_RPAREN},      {",", CM_TOK_COMMA},
	{";", CM_TOK_SEMIC},       {":", CM_TOK_COLON},       {".", CM_TOK_DOT},
	{"?", CM_TOK_QMARK},       {"=", CM_TOK_EQUALS},      {"<", CM_TOK_LESSTHAN},
	{">", CM_TOK_GREATERTHAN}, {"+", CM_TOK_PLUS},        {"-", CM_TOK_MINUS},
	{"*", CM_TOK_TIMES},       {"%", CM_TOK_MODULO},      {"!", CM_TOK_NOT},
	{"|", CM_TOK_PIPE},        {"@", CM_TOK_AT},
};

/* Tokens after which '/' is division (they end a value), from Puppet's lexer. */
static const enum cm_tok value_enders[] = {
	CM_TOK_RPAREN, CM_TOK_RBRACK, CM_TOK_RCOLLECT, CM_TOK_RRCOLLECT, CM_TOK_NAME,
	CM_TOK_TYPEREF, CM_TOK_INTEGER, CM_TOK_FLOAT,  CM_TOK_STRING,   CM_TOK_TRUE,
	CM_TOK_FALSE,   CM_TOK_DQPRE,   CM_TOK_DQMID,  CM_TOK_DQPOST,   CM_TOK_REGEX,
	CM_TOK_VARIABLE,
};

int lex_peek(const struct lexer *lx, size_t ahead)
{
	if (lx->pos + ahead >= lx->len)
		return -1;
	return (unsigned char)lx->src[lx->pos + ahead];
}

void lex_advance(struct lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->src[lx->pos] != '\n') {
		lx->pos++;
		lx->column++;
		return;
	}
	lx->line_blank = true;
	lx->column = 1 + lx->margin;
	if (lx->hd_pending && lx->pos == lx->hd_line_end) {
		lx->pos = lx->hd_resume;
		lx->line = lx->hd_resume_line;
		lx->hd_pending = false;
		return;
	}
	lx->pos++;
	lx->line++;
}

void lex_fail(struct lexer *lx, int line, int column, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (lx->failed)
		return;
	lx->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cm_parse_error_set(lx->err, lx->file, line, column, "%s", msg);
}

struct cm_token *lex_emit(struct lexer *lx, enum cm_tok type, int line, int column, size_t raw_start)
{
	struct cm_token_list *out = lx->out;
	struct cm_token *t;

	if (out->count == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		struct cm_token *grown = realloc(out->tokens, cap * sizeof(*grown));

		if (grown == NULL) {
			fprintf(stderr, "cm lexer: out of memory\n");
			abort();
		}
		out->tokens = grown;
		out->cap = cap;
	}
	t = &out->tokens[out->count++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->line = line;
	t->column = column;
	if (raw_start <= lx->pos) {
		t->raw = lx->src + raw_start;
		t->raw_len = lx->pos - raw_start;
	}
	t->ws_before = lx->ws;
	t->first_on_line = lx->line_blank;
	lx->ws = false;
	lx->line_blank = false;
	return t;
}

int lex_push(struct lexer *lx, struct lex_mode m)
{
	if (lx->nmodes >= LEX_MAX_MODES) {
		lex_fail(lx, lx->line, lx->column, "Strings and interpolations nested too deeply");
		return -1;
	}
	lx->modes[lx->nmodes++] = m;
	return 0;
}

void lex_buf_add(struct lexer *lx, const char *s, size_t n)
{
	if (lx->blen + n + 1 > lx->bcap) {
		size_t cap = lx->bcap ? lx->bcap : 128;
		char *grown;

		while (cap < lx->blen + n + 1)
			cap *= 2;
		grown = realloc(lx->buf, cap);
		if (grown == NULL) {
			fprintf(stderr, "cm lexer: out of memory\n");
			abort();
		}
		lx->buf = grown;
		lx->bcap = cap;
	}
	memcpy(lx->buf + lx->blen, s, n);
	lx->blen += n;
}

bool lex_is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_lower(int c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of a variable name (after '$') at offset at: (::)?\w+(::\w+)*; 0 if none. */
size_t lex_scan_variable_name(const struct lexer *lx, size_t at)
{
	const char *s = lx->src;
	size_t p = at, seg;

	if (p + 2 < lx->len && s[p] == ':' && s[p + 1] == ':' && lex_is_word((unsigned char)s[p + 2]))
		p += 2;
	seg = p;
	while (p < lx->len && lex_is_word((unsigned char)s[p]))
		p++;
	if (p == seg)
		return 0;
	while (p + 2 < lx->len && s[p] == ':' && s[p + 1] == ':' && lex_is_word((unsigned char)s[p + 2])) {
		p += 2;
		while (p < lx->len && lex_is_word((unsigned char)s[p]))
			p++;
	}
	return p - at;
}

/* Skip blanks and comments. Returns -1 on an unclosed comment. */
static int lex_skip_space(struct lexer *lx)
{
	for (;;) {
		int c = lex_peek(lx, 0);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			lex_advance(lx);
			lx->ws = true;
		} else if (c == '#') {
			while (lex_peek(lx, 0) != -1 && lex_peek(lx, 0) != '\n')
				lex_advance(lx);
			lx->ws = true;
		} else if (c == '/' && lex_peek(lx, 1) == '*') {
			int line = lx->line, column = lx->column;
			const char *end = memmem(lx->src + lx->pos + 2, lx->len - lx->pos - 2, "*/", 2);

			if (end == NULL) {
				lex_fail(lx, line, column, "Unclosed multiline comment");
				return -1;
			}
			while (lx->src + lx->pos < end + 2 && lx->pos < lx->len)
				lex_advance(lx);
			lx->ws = true;
		} else
			return 0;
	}
}

/* One name segment: [a-z_]([\w-]*\w)?  or  [A-Z]\w*. Returns the end offset. */
static size_t scan_segment(const struct lexer *lx, size_t p, bool upper)
{
	size_t end;

	p++;
	end = p;
	while (p < lx->len) {
		int c = (unsigned char)lx->src[p];

		if (lex_is_word(c))
			end = ++p;
		else if (c == '-' && !upper)
			p++;
		else
			break;
	}
	return end;
}

static void lex_name(struct lexer *lx, bool upper)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos, p = lx->pos;
	bool qualified = false;
	struct cm_token *t;
	enum cm_tok type = upper ? CM_TOK_TYPEREF : CM_TOK_NAME;

	if (lx->src[p] == ':') {
		p += 2;
		qualified = true;
	}
	p = scan_segment(lx, p, upper);
	while (p + 2 < lx->len && lx->src[p] == ':' && lx->src[p + 1] == ':' &&
	       (upper ? is_upper((unsigned char)lx->src[p + 2]) : is_lower((unsigned char)lx->src[p + 2]))) {
		p = scan_segment(lx, p + 2, upper);
		qualified = true;
	}
	while (lx->pos < p)
		lex_advance(lx);
	if (!upper && !qualified) {
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (strlen(keywords[i].word) == p - start &&
			    memcmp(keywords[i].word, lx->src + start, p - start) == 0)
				type = keywords[i].tok;
	}
	t = lex_emit(lx, type, line, column, start);
	t->value = t->raw;
	t->value_len = t->raw_len;
}

static void lex_variable(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;
	size_t n = lex_scan_variable_name(lx, lx->pos + 1);
	struct cm_token *t;

	if (n == 0) {
		lex_fail(lx, line, column, "Syntax error at '$'");
		return;
	}
	for (size_t i = 0; i <= n; i++)
		lex_advance(lx);
	t = lex_emit(lx, CM_TOK_VARIABLE, line, column, start);
	t->value = t->raw + 1;
	t->value_len = n;
}

static size_t scan_digits(const struct lexer *lx, size_t p, bool hex)
{
	while (p < lx->len) {
		int c = (unsigned char)lx->src[p];

		if (!(is_digit(c) || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))))
			break;
		p++;
	}
	return p;
}

static bool all_octal(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '7')
			return false;
	return true;
}

static void lex_number(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos, p = lx->pos;
	bool hex = false, is_float = false;
	char text[128];
	struct cm_token *t;
	size_t n;

	if (lx->src[p] == '0' && p + 1 < lx->len && (lx->src[p + 1] == 'x' || lx->src[p + 1] == 'X')) {
		hex = true;
		p = scan_digits(lx, p + 2, true);
		if (p == start + 2) {
			lex_fail(lx, line, column, "Not a valid hex number %.*s", 2, lx->src + start);
			return;
		}
	} else {
		p = scan_digits(lx, p, false);
		if (p + 1 < lx->len && lx->src[p] == '.' && is_digit((unsigned char)lx->src[p + 1])) {
			is_float = true;
			p = scan_digits(lx, p + 1, false);
		}
		if (p < lx->len && (lx->src[p] == 'e' || lx->src[p] == 'E')) {
			size_t q = p + 1;

			if (q < lx->len && (lx->src[q] == '-' || lx->src[q] == '+'))
				q++;
			if (q < lx->len && is_digit((unsigned char)lx->src[q])) {
				is_float = true;
				p = scan_digits(lx, q, false);
			}
		}
	}
	if (p < lx->len && (lex_is_word((unsigned char)lx->src[p]))) {
		while (p < lx->len && lex_is_word((unsigned char)lx->src[p]))
			p++;
		lex_fail(lx, line, column, "Illegal number '%.*s'", (int)(p - start > 60 ? 60 : p - start),
		         lx->src + start);
		return;
	}
	n = p - start;
	if (!hex && !is_float && n > 1 && lx->src[start] == '0' && !all_octal(lx->src + start, n)) {
		lex_fail(lx, line, column, "Not a valid octal number %.*s", (int)(n > 60 ? 60 : n),
		         lx->src + start);
		return;
	}
	if (n >= sizeof(text)) {
		lex_fail(lx, line, column, "Illegal number '%.60s'", lx->src + start);
		return;
	}
	memcpy(text, lx->src + start, n);
	text[n] = '\0';
	while (lx->pos < p)
		lex_advance(lx);
	t = lex_emit(lx, is_float ? CM_TOK_FLOAT : CM_TOK_INTEGER, line, column, start);
	t->value = t->raw;
	t->value_len = t->raw_len;
	errno = 0;
	if (is_float)
		t->number = strtod(text, NULL);
	else
		t->integer = strtoll(text, NULL, hex ? 16 : (n > 1 && text[0] == '0') ? 8 : 10);
	if (errno == ERANGE)
		lex_fail(lx, line, column,
		         "A Literal %s resulted in a value outside of Puppet %s max range, got '%s'",
		         is_float ? "Float" : "Integer", is_float ? "Float" : "Integer", text);
}

static bool regex_acceptable(const struct lexer *lx)
{
	enum cm_tok last;

	if (lx->out->count == 0)
		return true;
	last = lx->out->tokens[lx->out->count - 1].type;
	for (size_t i = 0; i < sizeof(value_enders) / sizeof(value_enders[0]); i++)
		if (value_enders[i] == last)
			return false;
	return true;
}

/* A regex /.../ on one line, escaped slashes allowed. Returns false if there is none here. */
static bool lex_regex(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos, p = lx->pos + 1;
	struct cm_token *t;

	while (p < lx->len && lx->src[p] != '/' && lx->src[p] != '\n') {
		if (lx->src[p] == '\\' && p + 1 < lx->len && lx->src[p + 1] != '\n')
			p++;
		p++;
	}
	if (p >= lx->len || lx->src[p] != '/')
		return false;
	while (lx->pos <= p)
		lex_advance(lx);
	t = lex_emit(lx, CM_TOK_REGEX, line, column, start);
	t->value = t->raw + 1;
	t->value_len = t->raw_len - 2;
	return true;
}

static bool lex_punct(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;

	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i].text);

		if (lx->len - lx->pos >= n && memcmp(lx->src + lx->pos, puncts[i].text, n) == 0) {
			for (size_t k = 0; k < n; k++)
				lex_advance(lx);
			lex_emit(lx, puncts[i].tok, line, column, start);
			return true;
		}
	}
	return false;
}

/* "%>" or "-%>" inside an EPP tag: back to text mode. */
static bool lex_epp_close(struct lexer *lx)
{
	bool trim = lex_peek(lx, 0) == '-';
	size_t at = trim ? 1 : 0;

	if (!(lex_peek(lx, at) == '%' && lex_peek(lx, at + 1) == '>'))
		return false;
	for (size_t k = 0; k < at + 2; k++)
		lex_advance(lx);
	if (trim) {
		size_t p = lx->pos;

		while (p < lx->len && (lx->src[p] == ' ' || lx->src[p] == '\t'))
			p++;
		if (p < lx->len && lx->src[p] == '\r')
			p++;
		if (p < lx->len && lx->src[p] == '\n')
			while (lx->pos <= p)
				lex_advance(lx);
	}
	lx->nmodes--;
	lx->ws = true;
	return true;
}

static void lex_open_dq(struct lexer *lx)
{
	struct lex_mode m = {.kind = LEX_DQ, .term = '"', .interp = true};

	m.esc = ESC_T | ESC_S | ESC_R | ESC_N | ESC_U | ESC_DOLLAR | ESC_DQUOTE | ESC_SQUOTE | ESC_BACKSLASH;
	lex_advance(lx);
	m.line = lx->line;
	m.column = lx->column;
	m.open_pos = lx->pos;
	lex_push(lx, m);
}

/* '[' is LISTSTART after whitespace (or at the start), LBRACK right after a token. */
static void lex_bracket(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;
	bool list = lx->ws || lx->out->count == 0;

	lex_advance(lx);
	lex_emit(lx, list ? CM_TOK_LISTSTART : CM_TOK_LBRACK, line, column, start);
}

static void lex_brace_in_interp(struct lexer *lx, struct lex_mode *m, int c)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;

	lex_advance(lx);
	if (c == '{') {
		m->depth++;
		lex_emit(lx, CM_TOK_LBRACE, line, column, start);
	} else if (m->depth > 0) {
		m->depth--;
		lex_emit(lx, CM_TOK_RBRACE, line, column, start);
	} else {
		lx->nmodes--; /* back to the string */
		lx->ws = false;
	}
}

static void lex_code_eof(struct lexer *lx, struct lex_mode *m)
{
	if (m->kind == LEX_INTERP) {
		const struct lex_mode *dq = lx->nmodes >= 2 ? &lx->modes[lx->nmodes - 2] : NULL;

		if (dq != NULL && dq->term == '"')
			lex_unclosed_quote(lx, dq, '"');
		else
			lex_fail(lx, lx->line, lx->column, "Unclosed interpolation '${' in heredoc");
		return;
	}
	if (m->epp) {
		lex_fail(lx, lx->line, lx->column, "Unbalanced epp tag, reached <eof> without closing tag.");
		return;
	}
	lex_emit(lx, CM_TOK_EOF, lx->line, lx->column, lx->pos);
	lx->nmodes = 0;
}

/* One token (or mode change) in CODE or INTERP mode. */
static void lex_code(struct lexer *lx)
{
	struct lex_mode *m = &lx->modes[lx->nmodes - 1];
	int c, c1;

	if (lex_skip_space(lx) < 0)
		return;
	c = lex_peek(lx, 0);
	c1 = lex_peek(lx, 1);
	if (c == -1) {
		lex_code_eof(lx, m);
		return;
	}
	if (m->epp && lex_epp_close(lx))
		return;
	if (m->kind == LEX_INTERP && (c == '{' || c == '}')) {
		lex_brace_in_interp(lx, m, c);
		return;
	}
	if (is_lower(c) || (c == ':' && c1 == ':' && is_lower(lex_peek(lx, 2))))
		lex_name(lx, false);
	else if (is_upper(c) || (c == ':' && c1 == ':' && is_upper(lex_peek(lx, 2))))
		lex_name(lx, true);
	else if (is_digit(c))
		lex_number(lx);
	else if (c == '$')
		lex_variable(lx);
	else if (c == '"')
		lex_open_dq(lx);
	else if (c == '\'')
		lex_single_quoted(lx);
	else if (c == '@' && c1 == '(')
		lex_heredoc(lx);
	else if (c == '[')
		lex_bracket(lx);
	else if (c == '/' && (!regex_acceptable(lx) || !lex_regex(lx))) {
		int line = lx->line, column = lx->column;
		size_t start = lx->pos;

		lex_advance(lx);
		lex_emit(lx, CM_TOK_DIV, line, column, start);
	} else if (c == '/')
		; /* lex_regex emitted it */
	else if (!lex_punct(lx))
		lex_fail(lx, lx->line, lx->column, "Syntax error at '%c'", c >= 0x20 && c < 0x7f ? c : '?');
}

int lex_run(struct lexer *lx)
{
	while (!lx->failed && lx->nmodes > 0) {
		switch (lx->modes[lx->nmodes - 1].kind) {
		case LEX_CODE:
		case LEX_INTERP:
			lex_code(lx);
			break;
		case LEX_DQ:
			lex_dq_segment(lx);
			break;
		case LEX_EPP_TEXT:
			lex_epp_text(lx);
			break;
		}
	}
	return lx->failed ? -1 : 0;
}

int cm_lex(struct cm_arena *arena, const char *file, const char *src, size_t len, bool epp,
           struct cm_token_list *out, struct cm_parse_error *err)
{
	struct lexer lx = {
		.arena = arena, .file = file, .src = src, .len = len, .line = 1, .column = 1,
		.out = out, .err = err, .ws = true, .line_blank = true,
	};
	int rc;

	lx.modes[0].kind = epp ? LEX_EPP_TEXT : LEX_CODE;
	lx.nmodes = 1;
	rc = lex_run(&lx);
	free(lx.buf);
	if (rc < 0 || out->count == 0 || out->tokens[out->count - 1].type != CM_TOK_EOF) {
		lex_fail(&lx, lx.line, lx.column, "Syntax error at end of input");
		return -1;
	}
	return 0;
}
