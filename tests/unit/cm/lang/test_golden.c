/*
 * Golden tests of the Puppet parser: every tests/golden/cm/ast/NAME.pp (and
 * NAME.epp, parsed as a template) is parsed and its AST dump compared with
 * NAME.json. One TAP test point per input.
 * OVCP_REGEN=1 rewrites the .json files instead (read the diff before committing).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cm/lang/parser.h"
#include "tap.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The dump of one input: the AST, or {"error": "file:line:col: message"}. */
static char *dump_input(const char *dir, const char *name, bool epp)
{
	char path[4096], msg[1024];
	char *src, *out;
	struct cm_parse_error err;
	struct cm_ast *ast;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((src = read_file(path)) == NULL)
		return NULL;
	ast = epp ? cm_parse_epp(src, strlen(src), name, &err) : cm_parse_string(src, strlen(src), name, &err);
	if (ast != NULL)
		j = cm_ast_to_json(ast);
	else
		j = json_pack("{s:s}", "error", cm_parse_error_format(&err, msg, sizeof(msg)));
	out = json_dumps(j, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	json_decref(j);
	cm_ast_free(ast);
	free(src);
	return out;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_one(const char *dir, const char *name, bool regen)
{
	size_t n = strlen(name);
	bool epp = n > 4 && strcmp(name + n - 4, ".epp") == 0;
	char want_path[4096];
	char *got = dump_input(dir, name, epp), *want;

	snprintf(want_path, sizeof(want_path), "%s/%.*s.json", dir, (int)(n - (epp ? 4 : 3)), name);
	tap_current_failed = 0;
	if (got == NULL) {
		printf("# cannot read %s\n", name);
		tap_current_failed = 1;
	} else if (regen) {
		FILE *f = fopen(want_path, "w");

		if (f == NULL || fprintf(f, "%s\n", got) < 0 || fclose(f) != 0)
			tap_current_failed = 1;
	} else {
		want = read_file(want_path);
		if (want == NULL) {
			printf("# missing %s (run with OVCP_REGEN=1)\n", want_path);
			tap_current_failed = 1;
		} else {
			size_t wl = strlen(want);

			if (wl > 0 && want[wl - 1] == '\n')
				want[wl - 1] = '\0';
			if (strcmp(want, got) != 0) {
				printf("# %s: AST dump differs from %s\n", name, want_path);
				tap_current_failed = 1;
			}
			free(want);
		}
	}
	free(got);
	tap_count++;
	if (tap_current_failed)
		tap_failed_points++;
	printf("%s %d - %s\n", tap_current_failed ? "not ok" : "ok", tap_count, name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/golden/cm/ast";
	const char *regen_env = getenv("OVCP_REGEN");
	bool regen = regen_env != NULL && strcmp(regen_env, "1") == 0;
	DIR *d = opendir(dir);

	(void)tap_skip_reason; /* points are printed here, not through TAP_RUN */
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;

	if (d == NULL) {
		printf("Bail out! cannot open %s\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char **grown;

		if (!((n > 3 && strcmp(de->d_name + n - 3, ".pp") == 0) ||
		      (n > 4 && strcmp(de->d_name + n - 4, ".epp") == 0)))
			continue;
		grown = realloc(names, (count + 1) * sizeof(*names));
		if (grown == NULL)
			break;
		names = grown;
		names[count++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		run_one(dir, names[i], regen);
		free(names[i]);
	}
	free(names);
	if (count < 25) {
		printf("not ok %d - at least 25 golden inputs (found %zu)\n", ++tap_count, count);
		tap_failed_points++;
	}
	return tap_done();
}
