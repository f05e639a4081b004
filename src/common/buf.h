/*
 * A growable byte buffer, always NUL-terminated, for building replies and
 * messages. Allocation failure aborts (OVCP does not run on after malloc fails).
 */
#ifndef OVCP_COMMON_BUF_H
#define OVCP_COMMON_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);              /* length 0, keeps memory */
char *buf_steal(struct buf *b);             /* caller frees; the buffer is empty after */
void buf_free(struct buf *b);               /* frees memory; b is empty after */
const char *buf_cstr(struct buf *b);        /* "" for an empty buffer */

#endif
