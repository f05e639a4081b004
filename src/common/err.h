/*
 * Errors carried up to the API boundary.
 *
 * A function that can fail returns 0/-1 (or NULL) and, where the caller needs
 * the reason, fills a `struct err` passed last. The reason is XenAPI's shape:
 * a code and string parameters (["VM_BAD_POWER_STATE", ref, expected, actual]),
 * so the RPC layer sends it as it is. Log once, where the error starts.
 */
#ifndef OVCP_COMMON_ERR_H
#define OVCP_COMMON_ERR_H

#include <jansson.h>
#include <stdbool.h>

struct err {
	json_t *desc; /* array: [code, params...]; NULL while no error */
};

/* Set the error to CODE with string parameters, ending with NULL. Replaces an earlier error. */
void err_set(struct err *e, const char *code, ...) __attribute__((sentinel));
/* Set the error to CODE with one printf-formatted parameter. */
void err_setf(struct err *e, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* INTERNAL_ERROR with a message; for failures the user cannot act on. */
void err_internal(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool err_isset(const struct err *e);
const char *err_code(const struct err *e); /* "" when unset */
void err_clear(struct err *e);
/* Move src's error into dst (dst may be NULL: then it is dropped). */
void err_move(struct err *dst, struct err *src);

#endif
