/*
 * ovcp-cm: the configuration manager's command line. Each subcommand is one
 * row of the table below (its words, handler, usage and summary); help and
 * dispatch come from the table. A row whose implementation does not exist
 * yet has handler cmd_not_implemented and exits 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>
#include <unistd.h>

#include "cm/apply/apply.h"
#include "cm/catalog/catalog.h"
#include "cm/cmd_compile.h"
#include "cm/facts/facts.h"

#ifndef OVCP_CM_LIBEXECDIR
#define OVCP_CM_LIBEXECDIR "/usr/libexec/ovcp"
#endif

#define CM_DEFAULT_VARDIR "/var/lib/ovcp-cm"

struct command {
	const char *words; /* "apply", "parser validate" */
	int (*run)(int argc, char **argv, const struct command *cmd);
	const char *usage;
	const char *summary;
};

static int cmd_apply(int argc, char **argv, const struct command *cmd);
static int cmd_facts(int argc, char **argv, const struct command *cmd);
static int cmd_agent(int argc, char **argv, const struct command *cmd);
static int cmd_parser_validate(int argc, char **argv, const struct command *cmd);
static int cmd_catalog_compile(int argc, char **argv, const struct command *cmd);
static int cmd_master(int argc, char **argv, const struct command *cmd);
static int cmd_ca(int argc, char **argv, const struct command *cmd);

static const struct command commands[] = {
	{"apply", cmd_apply,
	 "apply FILE.pp | --catalog FILE.json [--noop] [--tags a,b] [--report FILE] [--root DIR] [--modulepath DIRS]\n"
	 "      [--digest-algorithm sha256|md5] [--detailed-exitcodes] [--vardir DIR] [--debug] [--quiet]",
	 "compile a manifest (or take a v3 JSON catalog) and apply it to this system"},
	{"agent", cmd_agent, "agent [--onetime] [--no-daemonize] --server HOST [--masterport PORT] ... (--help)",
	 "run as a Puppet agent against a puppetserver or ovcp-cm master"},
	{"master", cmd_master, "master --no-daemonize --port PORT --confdir DIR --codedir DIR --vardir DIR ... (--help)",
	 "serve Puppet's master API (CA, catalogs, files, reports, dashboard) on port 8140"},
	{"ca", cmd_ca, "ca [--confdir DIR | --cadir DIR] list [--all] | sign NAME|--all | revoke NAME | clean NAME",
	 "manage the master's certificate authority"},
	{"facts", cmd_facts, "facts [NAME.PATH]", "print this system's facts as JSON (Facter 4 names)"},
	{"parser validate", cmd_parser_validate, "parser validate FILE.pp...", "check manifests' syntax"},
	{"catalog compile", cmd_catalog_compile,
	 "catalog compile FILE.pp|-e CODE [--modulepath A:B] [--node NAME] [--facts FILE.json]\n"
	 "      [--hiera-config FILE] [--environment ENV] [--environment-dir DIR]",
	 "compile a manifest into a Puppet v3 catalog (JSON on stdout)"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: ovcp-cm COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-18s %s\n", commands[i].words, commands[i].summary);
	fprintf(out, "\nrun 'ovcp-cm COMMAND --help' for a command's options\n");
}

static int cmd_parser_validate(int argc, char **argv, const struct command *cmd)
{
	return cm_cmd_parser_validate(argc, argv, cmd->usage);
}

static int cmd_catalog_compile(int argc, char **argv, const struct command *cmd)
{
	return cm_cmd_catalog_compile(argc, argv, cmd->usage);
}

/* "a,b" -> NULL-terminated array of tags (lowercased, as Puppet's tags are). */
static char **split_tags(const char *list)
{
	char *copy = strdup(list), *save = NULL;
	char **tags = calloc(strlen(list) + 2, sizeof(char *));
	size_t n = 0;

	if (copy == NULL || tags == NULL) {
		free(copy);
		free(tags);
		return NULL;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		for (char *p = t; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		tags[n++] = strdup(t);
	}
	free(copy);
	return tags;
}

struct apply_args {
	struct cm_apply_options opt;
	const char *catalog, *report, *vardir;
	char **tags;
	bool detailed;
};

static int apply_parse(int argc, char **argv, const struct command *cmd, struct apply_args *a)
{
	static const struct option longopts[] = {
		{"catalog", required_argument, NULL, 'c'},    {"noop", no_argument, NULL, 'n'},
		{"tags", required_argument, NULL, 't'},       {"report", required_argument, NULL, 'r'},
		{"root", required_argument, NULL, 'R'},       {"modulepath", required_argument, NULL, 'm'},
		{"digest-algorithm", required_argument, NULL, 'D'},
		{"detailed-exitcodes", no_argument, NULL, 'e'}, {"vardir", required_argument, NULL, 'v'},
		{"debug", no_argument, NULL, 'd'},            {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nt:r:R:m:D:ev:dqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->catalog = optarg; break;
		case 'n': a->opt.noop = true; break;
		case 't': a->tags = split_tags(optarg); break;
		case 'r': a->report = optarg; break;
		case 'R': a->opt.root = optarg; break;
		case 'm': a->opt.modulepath = optarg; break;
		case 'D': a->opt.digest = optarg; break;
		case 'e': a->detailed = true; break;
		case 'v': a->vardir = optarg; break;
		case 'd': a->opt.debug = true; break;
		case 'q': a->opt.quiet = true; break;
		case 'h': printf("usage: ovcp-cm %s\n", cmd->usage); exit(0);
		default: fprintf(stderr, "usage: ovcp-cm %s\n", cmd->usage); return -1;
		}
	}
	if (a->opt.digest && strcmp(a->opt.digest, "sha256") != 0 && strcmp(a->opt.digest, "md5") != 0) {
		fprintf(stderr, "ovcp-cm: --digest-algorithm must be sha256 or md5\n");
		return -1;
	}
	return 0;
}

static int apply_exit(const json_t *report, int rc, bool detailed)
{
	const char *status = json_string_value(json_object_get(report, "status"));
	json_t *metrics = json_object_get(report, "metrics");
	json_t *values = json_object_get(json_object_get(metrics, "resources"), "values");
	long failed = 0, changed = 0;
	size_t i;
	json_t *v;

	if (!detailed)
		return rc < 0 ? 1 : 0;
	json_array_foreach(values, i, v) {
		const char *name = json_string_value(json_array_get(v, 0));
		if (strcmp(name, "failed") == 0 || strcmp(name, "failed_to_restart") == 0)
			failed += (long)json_integer_value(json_array_get(v, 2));
		if (strcmp(name, "changed") == 0)
			changed = (long)json_integer_value(json_array_get(v, 2));
	}
	if (rc < 0 || (status && strcmp(status, "failed") == 0 && failed == 0))
		return 1;
	return (changed ? 2 : 0) | (failed ? 4 : 0);
}

static int cmd_apply(int argc, char **argv, const struct command *cmd)
{
	struct apply_args a = {0};
	struct err e = {0};
	json_t *catalog = NULL, *report = NULL;
	char *report_path = NULL;
	int rc = 1;

	if (apply_parse(argc, argv, cmd, &a) < 0)
		return 1;
	a.opt.tags = (const char *const *)a.tags;
	if (a.catalog == NULL && optind >= argc) {
		fprintf(stderr, "usage: ovcp-cm %s\n", cmd->usage);
		goto out;
	}
	if (a.catalog == NULL) {
		/* A manifest: compile it for this node; an error changes nothing on the system. */
		catalog = cm_compile_manifest_here(argv[optind], a.opt.modulepath);
		if (catalog == NULL)
			goto out;
	} else {
		catalog = cm_catalog_read_file(a.catalog, &e);
	}
	if (catalog == NULL) {
		fprintf(stderr, "Error: %s\n", json_string_value(json_array_get(e.desc, 1)));
		goto out;
	}
	rc = cm_apply_catalog(catalog, &a.opt, &report, &e);
	if (a.report)
		report_path = strdup(a.report);
	else if (asprintf(&report_path, "%s/state/last_run_report.json", a.vardir ? a.vardir : CM_DEFAULT_VARDIR) < 0)
		report_path = NULL;
	err_clear(&e);
	if (report_path && cm_report_write(report, report_path, &e) < 0)
		fprintf(stderr, "Warning: %s\n", json_string_value(json_array_get(e.desc, 1)));
	rc = apply_exit(report, rc, a.detailed);
out:
	err_clear(&e);
	json_decref(catalog);
	json_decref(report);
	free(report_path);
	for (size_t i = 0; a.tags && a.tags[i]; i++)
		free(a.tags[i]);
	free(a.tags);
	return rc;
}

static int cmd_facts(int argc, char **argv, const struct command *cmd)
{
	json_t *facts = cm_facts_collect(), *v = facts;
	int rc = 0;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: ovcp-cm %s\n", cmd->usage);
		json_decref(facts);
		return 0;
	}
	if (argc > 1) { /* a dotted path: os.release.major */
		char *path = strdup(argv[1]), *save = NULL;
		for (char *k = strtok_r(path, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
			v = json_object_get(v, k);
		free(path);
	}
	if (v == NULL) {
		fprintf(stderr, "ovcp-cm: no fact %s\n", argv[1]);
		rc = 1;
	} else if (json_is_string(v))
		printf("%s\n", json_string_value(v));
	else {
		json_dumpf(v, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
		printf("\n");
	}
	json_decref(facts);
	return rc;
}

/*
 * agent, master and ca are separate executables (tool_main.c), so that the
 * commands above load none of their libraries: run the one beside this
 * binary (the build tree), else the installed one.
 */
static int exec_tool(const char *tool, bool pass_word, int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char **args = calloc((size_t)argc + 2, sizeof(char *));
	int i = 0;

	if (args == NULL)
		return 1;
	path[0] = '\0';
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, tool);
		}
	}
	if (path[0] == '\0' || access(path, X_OK) != 0)
		snprintf(path, sizeof(path), "%s/%s", OVCP_CM_LIBEXECDIR, tool);
	args[i++] = path;
	if (pass_word)
		args[i++] = argv[0];
	for (int a = 1; a < argc; a++)
		args[i++] = argv[a];
	args[i] = NULL;
	execv(path, args);
	fprintf(stderr, "ovcp-cm: cannot run %s: %s\n", path, strerror(errno));
	free(args);
	return 127;
}

static int cmd_agent(int argc, char **argv, const struct command *cmd)
{
	return exec_tool("ovcp-cm-agent", false, argc, argv);
}

static int cmd_master(int argc, char **argv, const struct command *cmd)
{
	return exec_tool("ovcp-cm-master", true, argc, argv);
}

static int cmd_ca(int argc, char **argv, const struct command *cmd)
{
	return exec_tool("ovcp-cm-master", true, argc, argv);
}

/* The row whose words start ARGV; *USED tells how many words it took. */
static const struct command *command_find(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *w = commands[i].words;
		const char *space = strchr(w, ' ');
		if (space == NULL && strcmp(argv[0], w) == 0) {
			*used = 1;
			return &commands[i];
		}
		if (space && argc > 1 && strncmp(argv[0], w, (size_t)(space - w)) == 0 &&
		    argv[0][space - w] == '\0' && strcmp(argv[1], space + 1) == 0) {
			*used = 2;
			return &commands[i];
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int used = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	cmd = command_find(argc - 1, argv + 1, &used);
	if (cmd == NULL) {
		fprintf(stderr, "ovcp-cm: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 1;
	}
	/* the handler sees its own words as argv[0] */
	return cmd->run(argc - used, argv + used, cmd);
}
