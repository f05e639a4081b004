/*
 * exec: runs a command when its checks say so (creates, onlyif, unless), or
 * only on refresh (refreshonly). The command is split into argv here and run
 * without a shell; `provider => shell` is the only way to get /bin/sh -c.
 * A command that is not fully qualified is looked up in `path` (inside the
 * apply root) and refused without one, like Puppet's posix provider.
 */
#include "cm/providers/provider.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Split a command line into words: whitespace separates, '...' and "..." quote, \ escapes. */
static char **command_split(const char *cmd)
{
	char **argv = calloc(strlen(cmd) / 2 + 2, sizeof(char *));
	char *word = malloc(strlen(cmd) + 1);
	size_t argc = 0, len = 0;
	bool in_word = false;
	char quote = 0;

	if (argv == NULL || word == NULL)
		goto fail;
	for (const char *p = cmd;; p++) {
		char ch = *p;
		if (ch == '\0' || (!quote && (ch == ' ' || ch == '\t' || ch == '\n'))) {
			if (in_word) {
				argv[argc++] = strndup(word, len);
				len = 0;
				in_word = false;
			}
			if (ch == '\0')
				break;
			continue;
		}
		in_word = true;
		if (quote && ch == quote)
			quote = 0;
		else if (!quote && (ch == '\'' || ch == '"'))
			quote = ch;
		else if (ch == '\\' && quote != '\'' && p[1] != '\0')
			word[len++] = *++p;
		else
			word[len++] = ch;
	}
	free(word);
	if (quote || argc == 0) {
		for (size_t i = 0; i < argc; i++)
			free(argv[i]);
		free(argv);
		return NULL;
	}
	return argv;
fail:
	free(argv);
	free(word);
	return NULL;
}

static void argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* `path` as one colon-separated string (new), NULL when not given. */
static char *exec_path(const struct cm_resource *r)
{
	json_t *p = json_object_get(r->params, "path");
	char *out = NULL;
	size_t i;
	json_t *v;

	if (json_is_string(p))
		return strdup(json_string_value(p));
	json_array_foreach(p, i, v) {
		char *more = NULL;
		if (asprintf(&more, "%s%s%s", out ? out : "", out ? ":" : "", json_string_value(v)) < 0)
			break;
		free(out);
		out = more;
	}
	return out;
}

/* Full path of ARGV0 through PATH, checked below ROOT. */
static char *exec_qualify(const char *root, const char *argv0, const char *path)
{
	char *dirs, *save = NULL, *found = NULL;

	if (argv0[0] == '/' || path == NULL)
		return argv0[0] == '/' ? strdup(argv0) : NULL;
	dirs = strdup(path);
	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *cand = NULL, *local;
		if (asprintf(&cand, "%s/%s", d, argv0) < 0)
			break;
		local = cm_root_path(root, cand);
		if (local && access(local, X_OK) == 0)
			found = cand;
		else
			free(cand);
		free(local);
	}
	free(dirs);
	return found;
}

struct exec_run {
	int status;
	char *output;
};

static int exec_command(struct cm_res_ctx *c, const char *cmd, struct exec_run *out, struct err *e)
{
	const struct cm_resource *r = c->res;
	bool shell = cm_param_str(r, "provider") && strcmp(cm_param_str(r, "provider"), "shell") == 0;
	char *path = exec_path(r);
	char **argv = shell ? NULL : command_split(cmd);
	char *qualified = NULL;
	json_t *envj = json_object_get(r->params, "environment");
	const char *envv[32] = {0};
	const char *shell_argv[] = {"/bin/sh", "-c", cmd, NULL};
	const char *user = cm_param_str(r, "user"), *group = cm_param_str(r, "group");
	json_t *to = json_object_get(r->params, "timeout");
	struct cm_run run = {.root = c->opt->root, .cwd = cm_param_str(r, "cwd"), .path = path,
			     .timeout = 300};
	int rc = -1;

	if (json_is_number(to))
		run.timeout = json_number_value(to);
	else if (json_is_string(to))
		run.timeout = atof(json_string_value(to));
	if (json_is_string(envj))
		envv[0] = json_string_value(envj);
	else
		for (size_t i = 0; i < json_array_size(envj) && i < 31; i++)
			envv[i] = json_string_value(json_array_get(envj, i));
	run.env = envv;
	if (user || group) {
		run.set_ids = true;
		if (user && cm_user_uid(c->opt->root, user, &run.uid) < 0) {
			err_setf(e, "CM_EXEC_FAILED", "Could not find user %s", user);
			goto out;
		}
		if (group ? cm_group_gid(c->opt->root, group, &run.gid) < 0 : cm_group_gid(c->opt->root, user, &run.gid) < 0)
			run.gid = 0;
	}
	if (shell) {
		run.argv = shell_argv;
	} else if (argv == NULL) {
		err_setf(e, "CM_EXEC_FAILED", "Could not split command '%s' into words", cmd);
		goto out;
	} else if ((qualified = exec_qualify(c->opt->root, argv[0], path)) == NULL) {
		if (path == NULL)
			err_setf(e, "CM_EXEC_FAILED", "'%s' is not qualified and no path was specified. "
				 "Please qualify the command or specify a path.", cmd);
		else
			err_setf(e, "CM_EXEC_FAILED", "Could not find command '%s'", argv[0]);
		goto out;
	} else {
		free(argv[0]);
		argv[0] = qualified;
		run.argv = (const char *const *)argv;
	}
	rc = cm_run(&run, &out->status, &out->output, e);
out:
	argv_free(argv);
	free(path);
	return rc;
}

/* True when STATUS is one of `returns` (default 0). */
static bool exec_returns_ok(const struct cm_resource *r, int status)
{
	json_t *ret = json_object_get(r->params, "returns");
	json_t *list = ret == NULL ? json_pack("[i]", 0) : json_is_array(ret) ? json_incref(ret) : json_pack("[O]", ret);
	size_t i;
	json_t *v;
	bool ok = false;

	json_array_foreach(list, i, v)
		if ((json_is_integer(v) && json_integer_value(v) == status) ||
		    (json_is_string(v) && atoi(json_string_value(v)) == status))
			ok = true;
	json_decref(list);
	return ok;
}

static json_t *exec_returns_desired(const struct cm_resource *r)
{
	json_t *ret = json_object_get(r->params, "returns"), *out = json_array();
	json_t *list = ret == NULL ? json_pack("[i]", 0) : json_is_array(ret) ? json_incref(ret) : json_pack("[O]", ret);
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
		json_array_append_new(out, json_string(s ? s : ""));
		free(s);
	}
	json_decref(list);
	return out;
}

static void exec_log_output(struct cm_res_ctx *c, const char *output, const char *level)
{
	char *copy = strdup(output), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cm_log(c, level, "returns", "%s", line);
	free(copy);
}

/* Run CMD and judge it by `returns`; -1 with Puppet's message when it failed. */
static int exec_run_checked(struct cm_res_ctx *c, const char *cmd, struct err *e)
{
	struct exec_run out = {0};
	const char *logoutput = cm_param_str(c->res, "logoutput");
	bool always = cm_param_bool(c->res, "logoutput", false);
	int rc;

	if (exec_command(c, cmd, &out, e) < 0)
		return -1;
	if (out.status == -2) {
		err_setf(e, "CM_EXEC_FAILED", "Command exceeded timeout");
		rc = -1;
	} else if (!exec_returns_ok(c->res, out.status)) {
		char *want = json_dumps(json_object_get(c->res->params, "returns"), JSON_ENCODE_ANY);
		err_setf(e, "CM_EXEC_FAILED", "'%s' returned %d instead of one of [%s]", cmd, out.status,
			 want ? want : "0");
		free(want);
		rc = -1;
	} else
		rc = 0;
	if (always || (rc < 0 && (logoutput == NULL || strcmp(logoutput, "on_failure") == 0)))
		exec_log_output(c, out.output ? out.output : "", rc < 0 ? "err" : "notice");
	free(out.output);
	return rc;
}

/* creates / onlyif / unless: true when the command should run. */
static bool exec_checks_pass(struct cm_res_ctx *c)
{
	const char *creates = cm_param_str(c->res, "creates");
	static const struct {
		const char *param;
		bool want_success;
	} checks[] = {{"onlyif", true}, {"unless", false}};

	if (creates) {
		char *local = cm_ctx_path(c, creates);
		struct stat st;
		bool exists = local && lstat(local, &st) == 0;
		free(local);
		if (exists)
			return false;
	}
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(c->res->params, checks[i].param);
		json_t *list = v == NULL ? json_array() : json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
		size_t k;
		json_t *one;
		bool pass = true;
		json_array_foreach(list, k, one) {
			struct exec_run out = {0};
			struct err e = {0};
			bool ok = exec_command(c, json_string_value(one), &out, &e) == 0 && out.status == 0;
			if (err_isset(&e))
				cm_log(c, "err", NULL, "Check %s failed: %s", json_string_value(one),
				       json_string_value(json_array_get(e.desc, 1)));
			err_clear(&e);
			free(out.output);
			if (ok != checks[i].want_success)
				pass = false;
		}
		json_decref(list);
		if (!pass)
			return false;
	}
	return true;
}

static int exec_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *cmd = cm_ctx_name(c);

	if (cm_param_bool(c->res, "refreshonly", false) || !exec_checks_pass(c))
		return 0;
	if (!cm_change(c, "returns", json_string("notrun"), exec_returns_desired(c->res), "executed successfully"))
		return 0;
	return exec_run_checked(c, cmd, e);
}

static int exec_refresh(struct cm_res_ctx *c, struct err *e)
{
	const char *refresh = cm_param_str(c->res, "refresh");

	if (!exec_checks_pass(c))
		return 0;
	return exec_run_checked(c, refresh ? refresh : cm_ctx_name(c), e);
}

static void exec_autorequire(const struct cm_resource *r, json_t *refs)
{
	const char *user = cm_param_str(r, "user"), *cwd = cm_param_str(r, "cwd");
	const char *cmd = cm_param_str(r, "command");
	char **argv = command_split(cmd ? cmd : r->title);
	char *ref = NULL;

	if (user && asprintf(&ref, "User[%s]", user) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
	if (cwd && asprintf(&ref, "File[%s]", cwd) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
	if (argv && argv[0][0] == '/' && asprintf(&ref, "File[%s]", argv[0]) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
	argv_free(argv);
}

const struct cm_provider cm_provider_exec = {
	.type = "Exec",
	.provider_name = "posix",
	.apply = exec_apply,
	.refresh = exec_refresh,
	.autorequire = exec_autorequire,
};
