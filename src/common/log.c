/*
 * Logging. The file handle is swapped under a mutex so that a SIGHUP-driven
 * reopen never races a writer; lines are written whole with one fprintf.
 */
#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static char *log_path;
static const char *log_ident = "ovcp";
static enum log_level log_min = LOG_LEVEL_INFO;

int log_open(const char *ident, const char *path, enum log_level min_level)
{
	log_ident = ident;
	log_min = min_level;
	free(log_path);
	log_path = path ? strdup(path) : NULL;
	return log_reopen();
}

int log_reopen(void)
{
	FILE *f = NULL;

	if (log_path != NULL) {
		f = fopen(log_path, "ae");
		if (f == NULL) {
			fprintf(stderr, "%s: cannot open log %s: %m\n", log_ident, log_path);
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
	}
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = f ? f : stderr;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
	free(log_path);
	log_path = NULL;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char when[32], line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	fprintf(log_file ? log_file : stderr, "%s.%03ldZ %s[%s] %s\n", when, ts.tv_nsec / 1000000, log_ident,
		names[level], line);
	pthread_mutex_unlock(&log_lock);
}
