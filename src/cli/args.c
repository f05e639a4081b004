/*
 * The command's arguments, in xe's form: key=value words (a value may be
 * empty, and may itself hold '='), plus the flags --minimal and --force.
 * Map keys travel in the key: other-config:owner=alice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int args_parse(struct cli_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--minimal") == 0) {
			a->minimal = true;
			continue;
		}
		if (strcmp(w, "--force") == 0) {
			a->force = true;
			continue;
		}
		const char *eq = strchr(w, '=');
		if (eq == NULL || eq == w) {
			fprintf(stderr, "Error: '%s' is not of the form key=value\n", w);
			return CLI_USAGE;
		}
		struct cli_arg *grown = realloc(a->items, (a->count + 1) * sizeof(*grown));
		if (grown == NULL)
			abort();
		a->items = grown;
		a->items[a->count].key = strndup(w, (size_t)(eq - w));
		a->items[a->count].value = strdup(eq + 1);
		a->items[a->count].used = false;
		a->count++;
	}
	return CLI_OK;
}

void args_free(struct cli_args *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->items[i].key);
		free(a->items[i].value);
	}
	free(a->items);
	memset(a, 0, sizeof(*a));
}

const char *args_get(struct cli_args *a, const char *key)
{
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i].key, key) == 0) {
			a->items[i].used = true;
			return a->items[i].value;
		}
	return NULL;
}

const char *args_require(struct cli_args *a, const char *key, const char *command)
{
	const char *v = args_get(a, key);

	if (v == NULL)
		fprintf(stderr, "Error: missing required parameter '%s' for %s. Type 'ovcp help %s' for usage.\n", key,
			command, command);
	return v;
}
