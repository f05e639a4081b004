/* First-error record of a parse; see parse_error.h. Only the first error is kept. */
#include "cm/lang/parse_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cm_parse_error_set(struct cm_parse_error *e, const char *file, int line, int column,
                        const char *fmt, ...)
{
	va_list ap;

	if (e == NULL || e->set)
		return;
	e->set = true;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "<string>");
	e->line = line;
	e->column = column;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

char *cm_parse_error_format(const struct cm_parse_error *e, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (e->line > 0)
		snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
	else
		snprintf(buf, size, "%s: %s", e->file, e->message);
	return buf;
}
