/*
 * Following an Async call: start it, wait on its task with event.from
 * (woken by every change of the task record), draw a progress bar on stderr
 * when stderr is a terminal, then take the result or the error and destroy
 * the task. States: pending -> success | failure | cancelled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/buf.h"

#define BAR_WIDTH     40
#define EVENT_TIMEOUT 30.0

static void bar_draw(double progress, bool final)
{
	int filled;

	if (progress < 0)
		progress = 0;
	if (progress > 1)
		progress = 1;
	filled = (int)(progress * BAR_WIDTH + 0.5);
	fputs("\r[", stderr);
	for (int i = 0; i < BAR_WIDTH; i++)
		fputc(i < filled ? '=' : ' ', stderr);
	fprintf(stderr, "] %3d%%%s", (int)(progress * 100 + 0.5), final ? "\n" : "");
	fflush(stderr);
}

/* The text inside an XML-RPC <value> fragment, entities decoded. */
static char *fragment_text(const char *s)
{
	static const struct {
		const char *entity;
		char ch;
	} entities[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
	struct buf b = BUF_INIT;

	while (s[0] == '<' && s[1] != '/') {
		const char *end = strchr(s, '>');
		if (end == NULL)
			break;
		if (end > s && end[-1] == '/') /* <value/> */
			return strdup("");
		s = end + 1;
	}
	for (; *s && *s != '<'; s++) {
		bool done = false;
		for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]) && !done; i++)
			if (strncmp(s, entities[i].entity, strlen(entities[i].entity)) == 0) {
				buf_putc(&b, entities[i].ch);
				s += strlen(entities[i].entity) - 1;
				done = true;
			}
		if (!done)
			buf_putc(&b, *s);
	}
	buf_puts(&b, "");
	return buf_steal(&b);
}

/* The task's outcome once it is no longer pending; 1 while pending. */
static int task_outcome(json_t *record, char **result)
{
	const char *status = json_string_value(json_object_get(record, "status"));

	if (status == NULL || strcmp(status, "pending") == 0)
		return 1;
	if (strcmp(status, "success") == 0) {
		const char *r = json_string_value(json_object_get(record, "result"));
		*result = fragment_text(r ? r : "");
		return CLI_OK;
	}
	if (strcmp(status, "cancelled") == 0) {
		fprintf(stderr, "The task was cancelled.\n");
		return CLI_API;
	}
	json_t *info = json_object_get(record, "error_info");
	if (json_array_size(info) > 0)
		errors_print(info);
	else
		fprintf(stderr, "The task failed without saying why.\n");
	return CLI_API;
}

static int task_follow(struct conn *c, const char *task, char **result)
{
	bool tty = isatty(STDERR_FILENO);
	json_t *token = json_string("");
	int status;

	for (;;) {
		json_t *record = NULL, *events = NULL;
		status = conn_call(c, "task.get_record", json_pack("[s]", task), &record);
		if (status != CLI_OK) {
			json_decref(record);
			break;
		}
		double progress = json_number_value(json_object_get(record, "progress"));
		status = task_outcome(record, result);
		json_decref(record);
		if (tty)
			bar_draw(status == CLI_OK ? 1.0 : progress, status != 1);
		if (status != 1)
			break;
		char cls[128];
		snprintf(cls, sizeof(cls), "task/%s", task);
		status = conn_call(c, "event.from", json_pack("[[s]Of]", cls, token, EVENT_TIMEOUT), &events);
		if (status != CLI_OK) {
			json_decref(events);
			break;
		}
		json_t *next = json_object_get(events, "token");
		if (next != NULL) {
			json_decref(token);
			token = json_incref(next);
		}
		json_decref(events);
	}
	json_decref(token);
	return status;
}

int task_run(struct conn *c, const char *method, json_t *params, char **result)
{
	char async[192];
	json_t *task = NULL, *ignored = NULL;
	int status;

	*result = NULL;
	snprintf(async, sizeof(async), "Async.%s", method);
	status = conn_call(c, async, params, &task);
	if (status == CLI_OK && !json_is_string(task)) {
		fprintf(stderr, "Error: %s did not return a task\n", async);
		status = CLI_API;
	}
	if (status == CLI_OK) {
		status = task_follow(c, json_string_value(task), result);
		if (conn_call_raw(c, "task.destroy", json_pack("[O]", task), NULL, &ignored) == CLI_API)
			json_decref(ignored);
	}
	json_decref(task);
	return status;
}
