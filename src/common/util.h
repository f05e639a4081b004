/*
 * Small helpers shared by every binary: UUIDs, XenAPI datetimes, files.
 */
#ifndef OVCP_COMMON_UTIL_H
#define OVCP_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define UUID_STR_LEN 37 /* with the NUL */

/* A random (version 4) UUID from getrandom(2). */
void uuid_generate_str(char out[UUID_STR_LEN]);
bool uuid_is_valid(const char *s);

/* XenAPI's datetime: "YYYYMMDDTHH:MM:SSZ" (UTC). out needs 20 bytes. */
void xdatetime_format(time_t t, char out[20]);
void xdatetime_now(char out[20]);
/* Parse a XenAPI datetime (also "YYYY-MM-DDTHH:MM:SSZ"); -1 if malformed. */
int xdatetime_parse(const char *s, time_t *t);

/* Monotonic milliseconds. */
int64_t time_monotonic_ms(void);
double time_monotonic_s(void);

/* Read a whole file (NUL-terminated; *len if non-NULL). NULL on error, errno set. */
char *file_read_all(const char *path, size_t *len);
/* Write a file atomically (temp file + fsync + rename) with mode. 0/-1, errno set. */
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* mkdir -p with mode. 0/-1. */
int dir_make_all(const char *path, unsigned mode);
/* Random bytes (getrandom). 0/-1. */
int random_fill(void *buf, size_t len);

#endif
