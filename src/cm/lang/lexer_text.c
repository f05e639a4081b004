/*
 * Puppet lexer, text modes: single- and double-quoted strings, heredocs and
 * EPP template text.
 *
 * A double-quoted string (or an interpolating heredoc body) is scanned in
 * segments: each segment ends at the closing quote, at "${" (the lexer then
 * pushes INTERP mode and lexes code until the balancing "}") or at a "$name"
 * (emitted as a VARIABLE token). A heredoc body is cut out of the source,
 * its margin stripped and its trailing newline trimmed, then lexed by a
 * sub-lexer over that text in DQ mode with the heredoc's escapes.
 */
#include "cm/lang/lexer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	char c;
	unsigned flag;
	char out;
} simple_escapes[] = {
	{'t', ESC_T, '\t'},   {'s', ESC_S, ' '},         {'r', ESC_R, '\r'},
	{'n', ESC_N, '\n'},   {'$', ESC_DOLLAR, '$'},    {'"', ESC_DQUOTE, '"'},
	{'\'', ESC_SQUOTE, '\''}, {'\\', ESC_BACKSLASH, '\\'},
};

static const struct {
	char c;
	unsigned flag;
} heredoc_flags[] = {
	{'t', ESC_T}, {'s', ESC_S}, {'r', ESC_R}, {'n', ESC_N}, {'u', ESC_U}, {'$', ESC_DOLLAR}, {'L', ESC_L},
};

static const char *lex_buf_copy(struct lexer *lx)
{
	return cm_arena_strndup(lx->arena, lx->buf ? lx->buf : "", lx->blen);
}

void lex_unclosed_quote(struct lexer *lx, const struct lex_mode *m, char quote)
{
	char follow[16];
	size_t n = 0;

	for (size_t p = m->open_pos; p < lx->len && p < m->open_pos + 5 && n + 3 < sizeof(follow); p++) {
		if (lx->src[p] == '\n') {
			follow[n++] = '\\';
			follow[n++] = 'n';
		} else
			follow[n++] = lx->src[p];
	}
	follow[n] = '\0';
	lex_fail(lx, m->line, m->column, "Unclosed quote after %s followed by '%s...'",
	         quote == '"' ? "'\"'" : "\"'\"", follow);
}

int lex_single_quoted(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;
	struct lex_mode m = {0};
	struct cm_token *t;

	lex_advance(lx);
	m.line = lx->line;
	m.column = lx->column;
	m.open_pos = lx->pos;
	lx->blen = 0;
	for (;;) {
		int c = lex_peek(lx, 0), c1 = lex_peek(lx, 1);

		if (c == -1) {
			lex_unclosed_quote(lx, &m, '\'');
			return -1;
		}
		if (c == '\'') {
			lex_advance(lx);
			break;
		}
		if (c == '\\' && (c1 == '\\' || c1 == '\'')) {
			char ch = (char)c1;

			lex_buf_add(lx, &ch, 1);
			lex_advance(lx);
			lex_advance(lx);
			continue;
		}
		lex_buf_add(lx, lx->src + lx->pos, 1);
		lex_advance(lx);
	}
	t = lex_emit(lx, CM_TOK_STRING, line, column, start);
	t->value_len = lx->blen;
	t->value = lex_buf_copy(lx);
	return 0;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t utf8_encode(unsigned long cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX or \u{X..XXXXXX} at pos. Returns false (nothing consumed) if malformed. */
static bool lex_unicode_escape(struct lexer *lx)
{
	unsigned long cp = 0;
	size_t used, digits = 0;
	char out[4];

	if (lex_peek(lx, 2) == '{') {
		while (digits < 7 && hex_value(lex_peek(lx, 3 + digits)) >= 0)
			cp = cp * 16 + (unsigned long)hex_value(lex_peek(lx, 3 + digits++));
		if (digits == 0 || digits > 6 || lex_peek(lx, 3 + digits) != '}')
			return false;
		used = 4 + digits;
	} else {
		for (digits = 0; digits < 4; digits++) {
			if (hex_value(lex_peek(lx, 2 + digits)) < 0)
				return false;
			cp = cp * 16 + (unsigned long)hex_value(lex_peek(lx, 2 + digits));
		}
		used = 6;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	lex_buf_add(lx, out, utf8_encode(cp, out));
	for (size_t k = 0; k < used; k++)
		lex_advance(lx);
	return true;
}

/* A backslash at pos, in a string form accepting `esc`. Unknown escapes stay as written. */
static void lex_escape(struct lexer *lx, unsigned esc)
{
	int c1 = lex_peek(lx, 1);

	for (size_t i = 0; i < sizeof(simple_escapes) / sizeof(simple_escapes[0]); i++) {
		if (simple_escapes[i].c == c1 && (esc & simple_escapes[i].flag)) {
			lex_buf_add(lx, &simple_escapes[i].out, 1);
			lex_advance(lx);
			lex_advance(lx);
			return;
		}
	}
	if ((esc & ESC_L) && (c1 == '\n' || (c1 == '\r' && lex_peek(lx, 2) == '\n'))) {
		lex_advance(lx);
		if (c1 == '\r')
			lex_advance(lx);
		lex_advance(lx);
		return;
	}
	if (c1 == 'u' && (esc & ESC_U) && lex_unicode_escape(lx))
		return;
	lex_buf_add(lx, "\\", 1);
	lex_advance(lx);
}

static void lex_dq_emit(struct lexer *lx, struct lex_mode *m, enum cm_tok type, int line, int column,
                        size_t start)
{
	struct cm_token *t;

	if (!m->started) {
		line = m->line;
		column = m->column;
	}
	t = lex_emit(lx, type, line, column, start);
	t->value_len = lx->blen;
	t->value = lex_buf_copy(lx);
	lx->blen = 0;
}

/* "$name" inside a string: a VARIABLE token. */
static void lex_dq_variable(struct lexer *lx, size_t n)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;
	struct cm_token *t;

	for (size_t k = 0; k <= n; k++)
		lex_advance(lx);
	t = lex_emit(lx, CM_TOK_VARIABLE, line, column, start);
	t->value = t->raw + 1;
	t->value_len = n;
}

int lex_dq_segment(struct lexer *lx)
{
	struct lex_mode *m = &lx->modes[lx->nmodes - 1];
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;

	lx->blen = 0;
	for (;;) {
		int c = lex_peek(lx, 0), c1 = lex_peek(lx, 1);
		size_t n;

		if (c == -1 && m->term != 0) {
			lex_unclosed_quote(lx, m, m->term);
			return -1;
		}
		if (c == -1 || (m->term != 0 && c == m->term)) {
			lex_advance(lx);
			lex_dq_emit(lx, m, m->started ? CM_TOK_DQPOST : CM_TOK_STRING, line, column, start);
			lx->nmodes--;
			return 0;
		}
		if (c == '\\' && m->esc != 0) {
			lex_escape(lx, m->esc);
			continue;
		}
		if (c == '$' && m->interp && c1 == '{') {
			struct lex_mode interp = {.kind = LEX_INTERP};

			lex_dq_emit(lx, m, m->started ? CM_TOK_DQMID : CM_TOK_DQPRE, line, column, start);
			m->started = true;
			lex_advance(lx);
			lex_advance(lx);
			return lex_push(lx, interp);
		}
		if (c == '$' && m->interp && (n = lex_scan_variable_name(lx, lx->pos + 1)) > 0) {
			lex_dq_emit(lx, m, m->started ? CM_TOK_DQMID : CM_TOK_DQPRE, line, column, start);
			m->started = true;
			lex_dq_variable(lx, n);
			line = lx->line;
			column = lx->column;
			start = lx->pos;
			continue;
		}
		lex_buf_add(lx, lx->src + lx->pos, 1);
		lex_advance(lx);
	}
}

struct heredoc_spec {
	const char *tag, *syntax;
	size_t tag_len, syntax_len;
	bool interp;
	unsigned esc;
};

static void trim_blanks(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Parse "TAG[:syntax][/flags]" in src[p..close). Returns -1 (error set) on a bad flag. */
static int heredoc_parse_spec(struct lexer *lx, size_t p, size_t close, struct heredoc_spec *hs)
{
	const char *s = lx->src;
	size_t tag_end = p, syn_end;

	while (tag_end < close && s[tag_end] != ':' && s[tag_end] != '/')
		tag_end++;
	hs->tag = s + p;
	hs->tag_len = tag_end - p;
	trim_blanks(&hs->tag, &hs->tag_len);
	if (hs->tag_len >= 2 && hs->tag[0] == '"' && hs->tag[hs->tag_len - 1] == '"') {
		hs->interp = true;
		hs->tag++;
		hs->tag_len -= 2;
	}
	syn_end = tag_end;
	if (tag_end < close && s[tag_end] == ':') {
		syn_end = tag_end + 1;
		while (syn_end < close && s[syn_end] != '/')
			syn_end++;
		hs->syntax = s + tag_end + 1;
		hs->syntax_len = syn_end - tag_end - 1;
		trim_blanks(&hs->syntax, &hs->syntax_len);
	}
	if (syn_end < close && s[syn_end] == '/') {
		size_t f = syn_end + 1;

		hs->esc = ESC_T | ESC_S | ESC_R | ESC_N | ESC_U | ESC_DOLLAR | ESC_L | ESC_BACKSLASH;
		if (f < close && s[f] != ' ' && s[f] != '\t')
			hs->esc = ESC_BACKSLASH;
		for (; f < close && s[f] != ' ' && s[f] != '\t'; f++) {
			unsigned flag = 0;

			for (size_t i = 0; i < sizeof(heredoc_flags) / sizeof(heredoc_flags[0]); i++)
				if (heredoc_flags[i].c == s[f])
					flag = heredoc_flags[i].flag;
			if (flag == 0) {
				lex_fail(lx, lx->line, lx->column + (int)(f - lx->pos),
				         "Invalid heredoc escape char. Only t, r, n, s,  u, L, $ allowed. Got '%c'",
				         s[f] >= 0x20 && s[f] < 0x7f ? s[f] : '?');
				return -1;
			}
			hs->esc |= flag;
		}
	}
	return 0;
}

struct heredoc_body {
	size_t start, end, resume; /* body [start, end); the lexer continues at resume */
	int line, resume_line;
	size_t margin;
	bool trim;
};

/* Does the line [ls, le) end heredoc `tag`? Fills margin and trim. */
static bool heredoc_end_line(const char *s, size_t ls, size_t le, const struct heredoc_spec *hs,
                             struct heredoc_body *b)
{
	size_t q = ls;
	bool pipe = false;

	while (q < le && (s[q] == ' ' || s[q] == '\t'))
		q++;
	if (q < le && s[q] == '|') {
		pipe = true;
		b->margin = q - ls;
		q++;
		while (q < le && (s[q] == ' ' || s[q] == '\t'))
			q++;
	}
	b->trim = false;
	if (q < le && s[q] == '-') {
		b->trim = true;
		q++;
		while (q < le && (s[q] == ' ' || s[q] == '\t'))
			q++;
	}
	if (le - q < hs->tag_len || memcmp(s + q, hs->tag, hs->tag_len) != 0)
		return false;
	q += hs->tag_len;
	while (q < le && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r'))
		q++;
	if (q != le)
		return false;
	if (!pipe)
		b->margin = 0;
	return true;
}

static int heredoc_find_body(struct lexer *lx, const struct heredoc_spec *hs, struct heredoc_body *b)
{
	const char *s = lx->src;
	size_t ls;

	if (lx->hd_pending) {
		b->start = lx->hd_resume;
		b->line = lx->hd_resume_line;
	} else {
		const char *nl = memchr(s + lx->pos, '\n', lx->len - lx->pos);

		if (nl == NULL) {
			lex_fail(lx, lx->line + 1, 1, "Heredoc without end-tagged line");
			return -1;
		}
		b->start = (size_t)(nl - s) + 1;
		b->line = lx->line + 1;
		lx->hd_line_end = (size_t)(nl - s);
	}
	b->resume_line = b->line;
	for (ls = b->start; ls < lx->len;) {
		const char *nl = memchr(s + ls, '\n', lx->len - ls);
		size_t le = nl ? (size_t)(nl - s) : lx->len;

		if (heredoc_end_line(s, ls, le, hs, b)) {
			b->end = ls;
			b->resume = nl ? le + 1 : lx->len;
			b->resume_line += nl ? 1 : 0;
			return 0;
		}
		b->resume_line++;
		ls = le + 1;
	}
	lex_fail(lx, b->line, 1, "Heredoc without end-tagged line");
	return -1;
}

/* The body with its margin removed and, for "-", its last line break. */
static char *heredoc_text(struct lexer *lx, const struct heredoc_body *b, size_t *len)
{
	const char *s = lx->src;
	char *out = cm_arena_alloc(lx->arena, b->end - b->start + 1);
	size_t n = 0, p = b->start;

	while (p < b->end) {
		size_t skip = 0;

		while (skip < b->margin && p < b->end && (s[p] == ' ' || s[p] == '\t')) {
			p++;
			skip++;
		}
		while (p < b->end && s[p] != '\n')
			out[n++] = s[p++];
		if (p < b->end)
			out[n++] = s[p++];
	}
	if (b->trim && n > 0 && out[n - 1] == '\n') {
		n--;
		if (n > 0 && out[n - 1] == '\r')
			n--;
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static int heredoc_lex_body(struct lexer *lx, const struct heredoc_spec *hs, const struct heredoc_body *b,
                            int line, int column)
{
	struct lexer sub = {
		.arena = lx->arena, .file = lx->file, .line = b->line, .column = 1 + (int)b->margin, .out = lx->out,
		.err = lx->err, .line_blank = true, .heredoc_depth = lx->heredoc_depth + 1,
	};
	int rc;

	if (sub.heredoc_depth > LEX_MAX_HEREDOC_DEPTH) {
		lex_fail(lx, line, column, "Heredocs nested too deeply");
		return -1;
	}
	sub.margin = (int)b->margin;
	sub.src = heredoc_text(lx, b, &sub.len);
	sub.modes[0] = (struct lex_mode){
		.kind = LEX_DQ, .term = 0, .esc = hs->esc, .interp = hs->interp, .line = line, .column = column,
	};
	sub.nmodes = 1;
	rc = lex_run(&sub);
	free(sub.buf);
	if (rc < 0)
		lx->failed = true;
	return rc;
}

int lex_heredoc(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos, close = lx->pos + 2;
	struct heredoc_spec hs = {0};
	struct heredoc_body b = {0};
	struct cm_token *t;

	while (close < lx->len && lx->src[close] != ')' && lx->src[close] != '\n')
		close++;
	if (close >= lx->len || lx->src[close] != ')') {
		lex_fail(lx, line, column, "Syntax error at '@('");
		return -1;
	}
	if (heredoc_parse_spec(lx, start + 2, close, &hs) < 0)
		return -1;
	if (hs.tag_len == 0) {
		lex_fail(lx, line, column, "Syntax error at '@('");
		return -1;
	}
	while (lx->pos <= close)
		lex_advance(lx);
	if (heredoc_find_body(lx, &hs, &b) < 0)
		return -1;
	lx->hd_pending = true;
	lx->hd_resume = b.resume;
	lx->hd_resume_line = b.resume_line;
	t = lex_emit(lx, CM_TOK_HEREDOC, line, column, start);
	if (hs.syntax_len > 0) {
		t->value = cm_arena_strndup(lx->arena, hs.syntax, hs.syntax_len);
		t->value_len = hs.syntax_len;
	}
	return heredoc_lex_body(lx, &hs, &b, line, column);
}

/* Remove blanks at the end of the text buffer, back to its last line break ("<%-"). */
static void epp_trim_left(struct lexer *lx)
{
	while (lx->blen > 0 && (lx->buf[lx->blen - 1] == ' ' || lx->buf[lx->blen - 1] == '\t'))
		lx->blen--;
}

static void epp_emit_text(struct lexer *lx, int line, int column, size_t start)
{
	struct cm_token *t;

	if (lx->blen == 0)
		return;
	t = lex_emit(lx, CM_TOK_RENDER_STRING, line, column, start);
	t->value_len = lx->blen;
	t->value = lex_buf_copy(lx);
	lx->blen = 0;
}

/* "<%# ... %>": skipped; "-%>" also eats the line break after it. */
static int epp_comment(struct lexer *lx, int line, int column)
{
	const char *end = memmem(lx->src + lx->pos, lx->len - lx->pos, "%>", 2);
	bool trim;

	if (end == NULL) {
		lex_fail(lx, line, column, "Unbalanced embedded comment, reached <eof> without closing tag.");
		return -1;
	}
	trim = end > lx->src + lx->pos && end[-1] == '-';
	while (lx->src + lx->pos < end + 2)
		lex_advance(lx);
	if (trim && lex_peek(lx, 0) == '\r' && lex_peek(lx, 1) == '\n')
		lex_advance(lx);
	if (trim && lex_peek(lx, 0) == '\n')
		lex_advance(lx);
	return 0;
}

int lex_epp_text(struct lexer *lx)
{
	int line = lx->line, column = lx->column;
	size_t start = lx->pos;

	lx->blen = 0;
	for (;;) {
		int c = lex_peek(lx, 0), c1 = lex_peek(lx, 1), c2 = lex_peek(lx, 2);
		struct lex_mode code = {.kind = LEX_CODE, .epp = true};
		int tag_line, tag_column;

		if (c == -1) {
			epp_emit_text(lx, line, column, start);
			lex_emit(lx, CM_TOK_EOF, lx->line, lx->column, lx->pos);
			lx->nmodes = 0;
			return 0;
		}
		if ((c == '<' && c1 == '%' && c2 == '%') || (c == '%' && c1 == '%' && c2 == '>')) {
			lex_buf_add(lx, c == '<' ? "<%" : "%>", 2);
			for (int k = 0; k < 3; k++)
				lex_advance(lx);
			continue;
		}
		if (!(c == '<' && c1 == '%')) {
			lex_buf_add(lx, lx->src + lx->pos, 1);
			lex_advance(lx);
			continue;
		}
		tag_line = lx->line;
		tag_column = lx->column;
		if (c2 == '-')
			epp_trim_left(lx);
		epp_emit_text(lx, line, column, start);
		lex_advance(lx);
		lex_advance(lx);
		if (c2 == '-')
			lex_advance(lx);
		if (lex_peek(lx, 0) == '#') {
			if (epp_comment(lx, tag_line, tag_column) < 0)
				return -1;
			line = lx->line;
			column = lx->column;
			start = lx->pos;
			continue;
		}
		if (lex_peek(lx, 0) == '=') {
			size_t eq = lx->pos;

			lex_advance(lx);
			lex_emit(lx, CM_TOK_RENDER_EXPR, tag_line, tag_column, eq);
		}
		lx->ws = true;
		return lex_push(lx, code);
	}
}
