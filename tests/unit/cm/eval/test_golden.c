/*
 * Golden catalog tests: every directory of tests/golden/cm/catalog_src that
 * holds a site.pp is compiled (node n1.example.com, the shared facts.json or
 * the case's own, modules/ as modulepath, the case's hiera.yaml) and the
 * result compared with the case's catalog.json (catalog_uuid and version
 * ignored), or its error.txt; messages.txt, when present, holds the expected
 * notices. OVCP_REGEN=1 rewrites the expected files instead.
 *
 *   test_cm_eval_golden DIR            run the suite (TAP)
 *   test_cm_eval_golden --compile CASE print CASE's catalog (or error)
 *   test_cm_eval_golden --bench CASE   print the mean compile time of CASE (20 runs)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cm/eval/compile.h"

static int npoints;

static json_t *load_facts(const char *root, const char *dir)
{
	char path[4096];
	json_t *f;

	snprintf(path, sizeof(path), "%s/facts.json", dir);
	f = json_load_file(path, 0, NULL);
	if (f == NULL) {
		snprintf(path, sizeof(path), "%s/facts.json", root);
		f = json_load_file(path, 0, NULL);
	}
	return f;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Compile the case in DIR (made the current directory for relative paths). */
static int compile_case(const char *root, const char *dir, json_t **cat, struct cm_diag *diag)
{
	char cwd[4096];
	const char *modulepath[] = {"modules"};
	json_t *facts = load_facts(root, dir);
	struct cm_compile_options opt = {
		.manifest = "site.pp", .modulepath = modulepath, .modulepath_count = 1,
		.node = "n1.example.com", .facts = facts, .environment_dir = ".", .deterministic = true,
	};
	int rc;

	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) != 0) {
		json_decref(facts);
		return -2;
	}
	rc = cm_compile(&opt, cat, diag);
	if (chdir(cwd) != 0)
		rc = -2;
	json_decref(facts);
	return rc;
}

static char *messages_text(const struct cm_diag *d)
{
	size_t n = 1;
	char *s;

	for (size_t i = 0; i < d->nmessages; i++)
		n += strlen(d->messages[i]) + 1;
	s = calloc(1, n);
	for (size_t i = 0; s && i < d->nmessages; i++) {
		strcat(s, d->messages[i]);
		strcat(s, "\n");
	}
	return s;
}

static void run_case(const char *root, const char *name, bool regen)
{
	char dir[4096], path[4200];
	json_t *cat = NULL;
	struct cm_diag diag = {0};
	int ok = 1;

	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	int rc = compile_case(root, dir, &cat, &diag);
	char *msgs = messages_text(&diag);

	if (regen) {
		snprintf(path, sizeof(path), "%s/%s", dir, rc == 0 ? "catalog.json" : "error.txt");
		if (rc == 0) {
			char *txt = json_dumps(cat, JSON_INDENT(2));
			write_text(path, txt);
			free(txt);
		} else {
			FILE *f = fopen(path, "wb");

			if (f != NULL) {
				fprintf(f, "%s\n", diag.error ? diag.error : "");
				fclose(f);
			}
		}
		snprintf(path, sizeof(path), "%s/messages.txt", dir);
		if (msgs && msgs[0])
			write_text(path, msgs);
	}
	snprintf(path, sizeof(path), "%s/error.txt", dir);
	char *want_err = read_text(path);
	if (want_err != NULL) {
		want_err[strcspn(want_err, "\n")] = '\0';
		if (rc == 0 || diag.error == NULL || strcmp(diag.error, want_err) != 0) {
			printf("# expected error: %s\n# got: %s\n", want_err, rc == 0 ? "(success)" : diag.error);
			ok = 0;
		}
	} else {
		snprintf(path, sizeof(path), "%s/catalog.json", dir);
		json_t *want = json_load_file(path, 0, NULL);

		if (rc != 0 || want == NULL) {
			printf("# %s: %s\n", name, rc != 0 ? diag.error : "no catalog.json");
			ok = 0;
		} else {
			json_object_del(want, "catalog_uuid");
			json_object_del(want, "version");
			json_object_del(cat, "catalog_uuid");
			json_object_del(cat, "version");
			if (!json_equal(want, cat)) {
				char *got = json_dumps(cat, JSON_INDENT(1));
				printf("# catalog differs; got:\n# %s\n", got);
				free(got);
				ok = 0;
			}
		}
		json_decref(want);
	}
	snprintf(path, sizeof(path), "%s/messages.txt", dir);
	char *want_msgs = read_text(path);
	if (want_msgs != NULL && strcmp(want_msgs, msgs ? msgs : "") != 0) {
		printf("# messages differ: expected\n%s# got\n%s", want_msgs, msgs);
		ok = 0;
	}
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++npoints, name);
	free(want_err);
	free(want_msgs);
	free(msgs);
	json_decref(cat);
	cm_diag_clear(&diag);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int bench(const char *dir)
{
	char root[4096];
	struct timespec t0, t1;
	int runs = 20, resources = 0;

	snprintf(root, sizeof(root), "%s/..", dir);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < runs; i++) {
		json_t *cat = NULL;
		struct cm_diag diag = {0};

		if (compile_case(root, dir, &cat, &diag) != 0) {
			fprintf(stderr, "Error: %s\n", diag.error);
			cm_diag_clear(&diag);
			return 1;
		}
		resources = (int)json_array_size(json_object_get(cat, "resources"));
		json_decref(cat);
		cm_diag_clear(&diag);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / runs;
	printf("compile %s: %d resources, %.2f ms per compile (mean of %d)\n", dir, resources, ms, runs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--bench") == 0)
		return bench(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--compile") == 0) {
		json_t *cat = NULL;
		struct cm_diag diag = {0};
		char root[4096];

		snprintf(root, sizeof(root), "%s/..", argv[2]);
		int rc = compile_case(root, argv[2], &cat, &diag);
		for (size_t i = 0; i < diag.nmessages; i++)
			fprintf(stderr, "%s\n", diag.messages[i]);
		if (rc != 0) {
			fprintf(stderr, "Error: %s\n", diag.error);
		} else {
			json_dumpf(cat, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		json_decref(cat);
		cm_diag_clear(&diag);
		return rc == 0 ? 0 : 1;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s GOLDEN_DIR | --compile CASE_DIR\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	bool regen = getenv("OVCP_REGEN") != NULL;

	if (d == NULL) {
		printf("1..0 # SKIP no %s\n", argv[1]);
		return 0;
	}
	while ((e = readdir(d)) != NULL && n < 512) {
		char p[4200];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s/site.pp", argv[1], e->d_name);
		if (e->d_name[0] != '.' && stat(p, &st) == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		run_case(argv[1], names[i], regen);
		free(names[i]);
	}
	return 0;
}
