/*
 * Lexer state shared by lexer.c (code mode) and lexer_text.c (strings,
 * heredocs, EPP text). Private to the lexer.
 */
#ifndef OVCP_CM_LANG_LEXER_INTERNAL_H
#define OVCP_CM_LANG_LEXER_INTERNAL_H

#include "cm/lang/lexer.h"

#define LEX_MAX_MODES 64
#define LEX_MAX_HEREDOC_DEPTH 8

/* Escape sequences a string form accepts (Puppet: dq strings, heredoc /flags). */
enum {
	ESC_T = 1u << 0,
	ESC_S = 1u << 1,
	ESC_R = 1u << 2,
	ESC_N = 1u << 3,
	ESC_U = 1u << 4,
	ESC_DOLLAR = 1u << 5,
	ESC_L = 1u << 6,
	ESC_DQUOTE = 1u << 7,
	ESC_SQUOTE = 1u << 8,
	ESC_BACKSLASH = 1u << 9,
};

enum lex_mode_kind { LEX_CODE, LEX_DQ, LEX_INTERP, LEX_EPP_TEXT };

struct lex_mode {
	enum lex_mode_kind kind;
	int depth;          /* INTERP: open braces inside ${ } */
	char term;          /* DQ: closing char, or 0 = end of buffer (heredoc body) */
	unsigned esc;       /* DQ: accepted escapes */
	bool interp;        /* DQ: $ interpolates */
	bool started;       /* DQ: a DQPRE was emitted */
	bool epp;           /* CODE: inside an EPP tag (ends at %>) */
	int line, column;   /* DQ: where the string opened (after the quote) */
	size_t open_pos;    /* DQ: offset after the opening quote */
};

struct lexer {
	struct cm_arena *arena;
	const char *file;
	const char *src;
	size_t len, pos;
	int line, column;
	struct cm_token_list *out;
	struct cm_parse_error *err;
	bool failed;
	bool ws;         /* whitespace seen since the last token */
	bool line_blank; /* only blanks since the start of the line */
	int heredoc_depth;
	int margin; /* heredoc sub-lexer: blanks stripped from each line (for columns) */
	struct lex_mode modes[LEX_MAX_MODES];
	int nmodes;
	/* Heredoc bodies pending on the current line: at hd_line_end the lexer jumps to hd_resume. */
	bool hd_pending;
	size_t hd_line_end, hd_resume;
	int hd_resume_line;
	/* Scratch for cooked string text. */
	char *buf;
	size_t blen, bcap;
};

/* lexer.c */
int lex_peek(const struct lexer *lx, size_t ahead); /* char or -1 */
void lex_advance(struct lexer *lx);
void lex_fail(struct lexer *lx, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct cm_token *lex_emit(struct lexer *lx, enum cm_tok type, int line, int column, size_t raw_start);
int lex_push(struct lexer *lx, struct lex_mode m);
void lex_buf_add(struct lexer *lx, const char *s, size_t n);
bool lex_is_word(int c);
size_t lex_scan_variable_name(const struct lexer *lx, size_t at);
int lex_run(struct lexer *lx);

/* lexer_text.c */
int lex_single_quoted(struct lexer *lx);
int lex_dq_segment(struct lexer *lx);
int lex_heredoc(struct lexer *lx);
int lex_epp_text(struct lexer *lx);
void lex_unclosed_quote(struct lexer *lx, const struct lex_mode *m, char quote);

#endif
