/*
 * Logging: one line per event to stderr or a log file, with time and level.
 * log_reopen() reopens the file (SIGHUP after a rotation).
 */
#ifndef OVCP_COMMON_LOG_H
#define OVCP_COMMON_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* path NULL: stderr. Returns 0/-1. */
int log_open(const char *ident, const char *path, enum log_level min_level);
int log_reopen(void);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
