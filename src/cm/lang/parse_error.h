/*
 * The first error of a parse: where and what, in Puppet's wording.
 * Formatted as "file:line:column: message" (line 0: "file: message").
 */
#ifndef OVCP_CM_LANG_PARSE_ERROR_H
#define OVCP_CM_LANG_PARSE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct cm_parse_error {
	bool set;
	char file[256];
	int line, column;  /* 1-based; 0 when unknown */
	char message[512]; /* e.g. "Syntax error at 'foo'" */
};

void cm_parse_error_set(struct cm_parse_error *e, const char *file, int line, int column,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "file:line:column: message" into buf (always NUL-terminated). Returns buf. */
char *cm_parse_error_format(const struct cm_parse_error *e, char *buf, size_t size);

#endif
