/*
 * help: the list of commands (the fixed ones and, per class, the generic
 * ones it supports), or one command's parameters and description, all read
 * from the command table. Needs no connection.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

static void join(struct buf *b, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		buf_printf(b, "%s%s", b->len ? ", " : "", list[i]);
}

static int help_one(const char *name)
{
	const struct model_class *cls = NULL;
	const struct cli_command *cmd = commands_find(name, &cls);
	struct buf req = BUF_INIT, opt = BUF_INIT;

	if (cmd == NULL) {
		fprintf(stderr, "Error: unknown command '%s'. Type 'ovcp help' for the list of commands.\n", name);
		return CLI_USAGE;
	}
	join(&req, cmd->required);
	join(&opt, cmd->optional);
	if (cmd->run == cmd_param_add)
		buf_printf(&opt, "%sKEY=VALUE...", opt.len ? ", " : "");
	else if (cmd->flags & CMD_FIELD_ARGS)
		buf_printf(&opt, "%sFIELD=VALUE..., MAP:KEY=VALUE...", opt.len ? ", " : "");
	if (cmd->flags & CMD_MINIMAL)
		buf_printf(&opt, "%s--minimal", opt.len ? ", " : "");
	printf("command name            : %s\n", name);
	printf("        reqd params     : %s\n", buf_cstr(&req));
	printf("        optional params : %s\n", buf_cstr(&opt));
	printf("        description     : %s\n", cmd->summary);
	if (cls != NULL && (cmd->flags & CMD_FIELD_ARGS)) {
		struct buf fields = BUF_INIT;
		char cli[128];
		for (size_t i = 0; i < cls->field_count; i++) {
			fields_cli_name(cls->fields[i].name, cli, sizeof(cli));
			buf_printf(&fields, "%s%s", i ? ", " : "", cli);
		}
		printf("        fields          : %s\n", buf_cstr(&fields));
		buf_free(&fields);
	}
	buf_free(&req);
	buf_free(&opt);
	return CLI_OK;
}

static void help_all(void)
{
	char cls_name[64];

	printf("Usage: ovcp [-s HOST [-p PORT] -u USER -pw PASSWORD|-pwf FILE [--nossl] [--cafile FILE]]\n"
	       "            [--socket PATH] COMMAND [key=value...] [--minimal]\n"
	       "Type 'ovcp help COMMAND' for a command's parameters.\n\nCommands:\n");
	for (size_t i = 0; i < cli_command_count; i++)
		if (!(cli_commands[i].flags & CMD_GENERIC))
			printf("  %s\n", cli_commands[i].name);
	for (size_t c = 0; c < model_class_count; c++) {
		struct buf line = BUF_INIT;
		fields_class_cli_name(&model_classes[c], cls_name, sizeof(cls_name));
		for (size_t i = 0; i < cli_command_count; i++) {
			const struct model_class *found = NULL;
			char full[160];
			if (!(cli_commands[i].flags & CMD_GENERIC))
				continue;
			snprintf(full, sizeof(full), "%s%s", cls_name, cli_commands[i].name);
			if (commands_find(full, &found) == &cli_commands[i])
				buf_printf(&line, "  %s\n", full);
		}
		fputs(buf_cstr(&line), stdout);
		buf_free(&line);
	}
}

int cmd_help(struct cli_ctx *ctx)
{
	const char *name = args_get(ctx->args, "command");

	if (name != NULL)
		return help_one(name);
	help_all();
	return CLI_OK;
}
