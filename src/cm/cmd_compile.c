/*
 * The compiler's commands. They only gather options and facts, call
 * cm_compile() or the parser, and print: the language itself lives in
 * lang/ and eval/.
 */
#include "cm/cmd_compile.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm/eval/compile.h"
#include "cm/facts/facts.h"
#include "cm/lang/parser.h"

#define MAX_MODULEPATH 32

int cm_cmd_parser_validate(int argc, char **argv, const char *usage)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout, "usage: ovcp-cm %s\n", usage);
		return argc < 2 ? 1 : 0;
	}
	return cm_parser_validate_files((const char *const *)argv + 1, (size_t)argc - 1, stderr) == 0 ? 0 : 1;
}

/* "a:b:c" into dirs (pointing into the copy, which the caller frees). */
static size_t modulepath_split(char *copy, const char *dirs[MAX_MODULEPATH])
{
	size_t n = 0;
	char *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d && n < MAX_MODULEPATH; d = strtok_r(NULL, ":", &save))
		dirs[n++] = d;
	return n;
}

static void print_messages(const struct cm_diag *diag)
{
	for (size_t i = 0; i < diag->nmessages; i++)
		fprintf(stderr, "%s\n", diag->messages[i]);
}

static json_t *compile(struct cm_compile_options *opt, const char *modulepath)
{
	struct cm_diag diag = { 0 };
	const char *dirs[MAX_MODULEPATH];
	char *copy = modulepath ? strdup(modulepath) : NULL;
	json_t *catalog = NULL;

	if (copy) {
		opt->modulepath = dirs;
		opt->modulepath_count = modulepath_split(copy, dirs);
	}
	if (cm_compile(opt, &catalog, &diag) < 0)
		catalog = NULL;
	print_messages(&diag);
	if (diag.error)
		fprintf(stderr, "Error: %s\n", diag.error);
	cm_diag_clear(&diag);
	free(copy);
	return catalog;
}

json_t *cm_compile_manifest_here(const char *manifest, const char *modulepath)
{
	json_t *facts = cm_facts_collect();
	struct cm_compile_options opt = { 0 };

	opt.manifest = manifest;
	opt.facts = facts;
	json_t *catalog = compile(&opt, modulepath);
	json_decref(facts);
	return catalog;
}

int cm_cmd_catalog_compile(int argc, char **argv, const char *usage)
{
	static const struct option longopts[] = {
		{ "modulepath", required_argument, NULL, 'm' }, { "node", required_argument, NULL, 'n' },
		{ "facts", required_argument, NULL, 'f' },	{ "hiera-config", required_argument, NULL, 'H' },
		{ "environment", required_argument, NULL, 'E' }, { "environment-dir", required_argument, NULL, 'D' },
		{ "execute", required_argument, NULL, 'e' },	{ "deterministic", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },		{ NULL, 0, NULL, 0 },
	};
	struct cm_compile_options opt = { 0 };
	const char *modulepath = NULL, *facts_file = NULL;
	json_t *facts = NULL, *catalog;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "m:n:f:H:E:D:e:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm': modulepath = optarg; break;
		case 'n': opt.node = optarg; break;
		case 'f': facts_file = optarg; break;
		case 'H': opt.hiera_config = optarg; break;
		case 'E': opt.environment = optarg; break;
		case 'D': opt.environment_dir = optarg; break;
		case 'e': opt.code = optarg; break;
		case 'd': opt.deterministic = true; break;
		case 'h': printf("usage: ovcp-cm %s\n", usage); return 0;
		default: fprintf(stderr, "usage: ovcp-cm %s\n", usage); return 1;
		}
	}
	if ((optind < argc) == (opt.code != NULL)) {
		fprintf(stderr, "usage: ovcp-cm %s\n", usage);
		return 1;
	}
	opt.manifest = optind < argc ? argv[optind] : NULL;
	if (facts_file) {
		json_error_t jerr;
		facts = json_load_file(facts_file, 0, &jerr);
		if (!json_is_object(facts)) {
			fprintf(stderr, "Error: %s:%d: the facts are not a JSON object: %s\n", facts_file, jerr.line,
				jerr.text);
			json_decref(facts);
			return 1;
		}
	} else {
		facts = cm_facts_collect();
	}
	opt.facts = facts;
	catalog = compile(&opt, modulepath);
	json_decref(facts);
	if (catalog == NULL)
		return 1;
	json_dumpf(catalog, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(catalog);
	return 0;
}
