/*
 * ovcp main: global options (anywhere on the line, as xe takes them),
 * then the command and its key=value arguments, then connect, run, log out.
 * Exit status: 0 success, 1 the server refused, 2 bad usage, 3 connection
 * or trust failure (docs/ovcp.1).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/util.h"

#ifndef OVCP_VERSION
#define OVCP_VERSION "unknown"
#endif

struct global_options {
	struct conn_options conn;
	const char *password_file;
	bool version;
	char *password_owned;
	int nwords;
	char **words; /* the command and its arguments */
};

/* Options that take a value: the option, and where the value goes. */
enum opt_target { OPT_SERVER, OPT_PORT, OPT_USER, OPT_PASSWORD, OPT_PASSWORD_FILE, OPT_SOCKET, OPT_CAFILE };
static const struct {
	const char *name;
	enum opt_target target;
} value_options[] = {
    {"-s", OPT_SERVER},		 {"-p", OPT_PORT},	   {"-u", OPT_USER},	     {"-pw", OPT_PASSWORD},
    {"-pwf", OPT_PASSWORD_FILE}, {"--socket", OPT_SOCKET}, {"--cafile", OPT_CAFILE},
};

static int set_value_option(struct global_options *g, enum opt_target t, const char *v)
{
	char *end = NULL;
	long port;

	switch (t) {
	case OPT_SERVER:
		g->conn.server = v;
		break;
	case OPT_PORT:
		port = strtol(v, &end, 10);
		if (end == v || *end || port < 1 || port > 65535) {
			fprintf(stderr, "Error: -p takes a port number (1-65535), not '%s'\n", v);
			return CLI_USAGE;
		}
		g->conn.port = (int)port;
		break;
	case OPT_USER:
		g->conn.user = v;
		break;
	case OPT_PASSWORD:
		g->conn.password = v;
		break;
	case OPT_PASSWORD_FILE:
		g->password_file = v;
		break;
	case OPT_SOCKET:
		g->conn.socket_path = v;
		break;
	case OPT_CAFILE:
		g->conn.cafile = v;
		break;
	}
	return CLI_OK;
}

static int parse_flag(struct global_options *g, const char *w)
{
	if (strcmp(w, "--nossl") == 0)
		g->conn.nossl = true;
	else if (strcmp(w, "--insecure") == 0 || strcmp(w, "--no-verify") == 0)
		g->conn.insecure = true;
	else if (strcmp(w, "--debug") == 0)
		g->conn.debug = true;
	else if (strcmp(w, "--version") == 0)
		g->version = true;
	else
		return -1;
	return 0;
}

static int parse_globals(struct global_options *g, int argc, char **argv)
{
	g->words = calloc((size_t)argc + 1, sizeof(char *));
	if (g->words == NULL)
		abort();
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool matched = false;
		for (size_t k = 0; k < sizeof(value_options) / sizeof(value_options[0]); k++) {
			if (strcmp(w, value_options[k].name) != 0)
				continue;
			if (i + 1 >= argc) {
				fprintf(stderr, "Error: option %s needs a value\n", w);
				return CLI_USAGE;
			}
			if (set_value_option(g, value_options[k].target, argv[++i]) != CLI_OK)
				return CLI_USAGE;
			matched = true;
			break;
		}
		if (matched || parse_flag(g, w) == 0)
			continue;
		if (strcmp(w, "-h") == 0 || strcmp(w, "--help") == 0)
			w = "help";
		g->words[g->nwords++] = (char *)w;
	}
	return CLI_OK;
}

/* Fill in the environment's defaults and check the remote options. */
static int settle_connection(struct global_options *g)
{
	if (g->conn.socket_path == NULL)
		g->conn.socket_path =
		    getenv("OVCP_SOCKET") && *getenv("OVCP_SOCKET") ? getenv("OVCP_SOCKET") : CLI_DEFAULT_SOCKET;
	if (g->conn.cafile == NULL && getenv("OVCP_CAFILE") && *getenv("OVCP_CAFILE"))
		g->conn.cafile = getenv("OVCP_CAFILE");
	if (g->conn.server == NULL) {
		if (g->conn.user || g->conn.password || g->password_file || g->conn.port || g->conn.nossl) {
			fprintf(stderr, "Error: -u, -pw, -pwf, -p and --nossl need -s HOST\n");
			return CLI_USAGE;
		}
		return CLI_OK;
	}
	if (g->password_file != NULL) {
		g->password_owned = file_read_all(g->password_file, NULL);
		if (g->password_owned == NULL) {
			fprintf(stderr, "Error: cannot read the password file %s\n", g->password_file);
			return CLI_USAGE;
		}
		g->password_owned[strcspn(g->password_owned, "\r\n")] = '\0';
		g->conn.password = g->password_owned;
	}
	if (g->conn.user == NULL || g->conn.password == NULL) {
		fprintf(stderr, "Error: a remote host (-s) needs -u USER and -pw PASSWORD or -pwf FILE\n");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int run_command(struct global_options *g)
{
	struct cli_ctx ctx = {0};
	struct cli_args args;
	int status;

	ctx.name = g->words[0];
	ctx.cmd = commands_find(ctx.name, &ctx.cls);
	if (ctx.cmd == NULL) {
		fprintf(stderr, "Error: unknown command '%s'. Type 'ovcp help' for the list of commands.\n", ctx.name);
		return CLI_USAGE;
	}
	/* "help vm-list" names the command without a key, as xe's help does. */
	char *help_word = NULL;
	if (ctx.cmd->run == cmd_help && g->nwords == 2 && strchr(g->words[1], '=') == NULL) {
		size_t n = strlen(g->words[1]) + sizeof("command=");
		help_word = malloc(n);
		if (help_word == NULL)
			abort();
		snprintf(help_word, n, "command=%s", g->words[1]);
		g->words[1] = help_word;
	}
	status = args_parse(&args, g->nwords - 1, g->words + 1);
	free(help_word);
	if (status != CLI_OK)
		return status;
	ctx.args = &args;
	status = commands_check_args(ctx.cmd, ctx.cls, &args, ctx.name);
	if (status == CLI_OK && !(ctx.cmd->flags & CMD_NO_CONN)) {
		status = settle_connection(g);
		if (status == CLI_OK)
			ctx.conn = conn_open(&g->conn, &status);
	}
	if (status == CLI_OK)
		status = ctx.cmd->run(&ctx);
	conn_close(ctx.conn);
	args_free(&args);
	return status;
}

int main(int argc, char **argv)
{
	struct global_options g = {0};
	int status;

	if (model_init() < 0) {
		fprintf(stderr, "ovcp: the object model does not load\n");
		return CLI_API;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "ovcp: cannot initialise libcurl\n");
		return CLI_CONNECT;
	}
	status = parse_globals(&g, argc, argv);
	if (status == CLI_OK && g.version) {
		printf("ovcp %s\n", OVCP_VERSION);
	} else if (status == CLI_OK && g.nwords == 0) {
		fprintf(stderr,
			"Usage: ovcp [-s HOST [-p PORT] -u USER -pw PASSWORD|-pwf FILE] COMMAND [key=value...]\n"
			"Type 'ovcp help' for the list of commands.\n");
		status = CLI_USAGE;
	} else if (status == CLI_OK) {
		status = run_command(&g);
	}
	free(g.words);
	free(g.password_owned);
	curl_global_cleanup();
	return status;
}
