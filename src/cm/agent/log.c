/*
 * The agent's own messages in Puppet's terminal format: "Info: ..." and
 * "Notice: ..." on stdout, warnings and errors on stderr; info only with
 * --verbose/--test, debug only with --debug (as Puppet's agent prints).
 * The applier prints its resource logs itself in the same format.
 */
#include "cm/agent/agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool log_verbose, log_debug_on;

static const struct {
	const char *level, *label;
	bool to_stderr;
	bool *shown; /* NULL: always */
} levels[] = {
	{"debug", "Debug", false, &log_debug_on}, {"info", "Info", false, &log_verbose},
	{"notice", "Notice", false, NULL},        {"warning", "Warning", true, NULL},
	{"err", "Error", true, NULL},
};

void cm_agent_log_set(bool verbose, bool debug)
{
	log_verbose = verbose || debug;
	log_debug_on = debug;
}

void cm_agent_log(const char *level, const char *fmt, ...)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		FILE *out = levels[i].to_stderr ? stderr : stdout;
		va_list ap;

		if (strcmp(levels[i].level, level) != 0 || (levels[i].shown && !*levels[i].shown))
			continue;
		fprintf(out, "%s: ", levels[i].label);
		va_start(ap, fmt);
		vfprintf(out, fmt, ap);
		va_end(ap);
		fputc('\n', out);
		fflush(out);
	}
}
