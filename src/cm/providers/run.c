/*
 * Spawning provider commands through common/proc.c: optional chroot, cwd and
 * ids, exec from an argv array (no shell), stdout and stderr captured
 * together, a deadline after which the whole process group is killed. The
 * child gets a clean environment: PATH, LANG=C and the caller's extra entries
 * only, so that a run does not depend on the environment ovcp-cm was started
 * from. argv[0] is looked up in that PATH inside the root.
 */
#include "cm/providers/provider.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/proc.h"

#define RUN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define RUN_ENV_MAX 64
#define RUN_OUTPUT_MAX (16 * 1024 * 1024)

/* The message of an error proc_run() set. */
static const char *run_why(const struct err *why)
{
	const char *s = json_string_value(json_array_get(why->desc, 1));

	return s ? s : "cannot run";
}

/* *STATUS as cm_run() reports it, from how the child ended. */
static int run_status(const struct proc_result *pr)
{
	if (pr->timed_out)
		return -2;
	return WIFEXITED(pr->status) ? WEXITSTATUS(pr->status) : 128 + WTERMSIG(pr->status);
}

int cm_run(const struct cm_run *r, int *status, char **output, struct err *e)
{
	const char *path = r->path ? r->path : RUN_DEFAULT_PATH;
	char *envp[RUN_ENV_MAX], *pathvar = NULL;
	size_t n = 0;
	struct proc_cred ids = {r->uid, r->gid, &r->gid, 1};
	struct proc_opts o = {.in = r->input ? PROC_IO_PIPE : PROC_IO_NULL, .input = r->input,
			      .out = PROC_IO_PIPE, .err = PROC_IO_STDOUT, .out_max = RUN_OUTPUT_MAX,
			      .flags = PROC_SETPGID, .cred = r->set_ids ? &ids : NULL, .root = r->root, .cwd = r->cwd,
			      .envp = envp, .search_path = path};
	struct proc_result pr;
	struct err why = {0};

	if (r->timeout > 0)
		o.timeout_ms = r->timeout * 1000 < INT_MAX ? (int)(r->timeout * 1000) + 1 : INT_MAX;
	if (asprintf(&pathvar, "PATH=%s", path) < 0) {
		err_setf(e, "CM_EXEC_FAILED", "%s: out of memory", r->argv[0]);
		return -1;
	}
	envp[n++] = pathvar;
	envp[n++] = (char *)"LANG=C";
	for (size_t i = 0; r->env && r->env[i] && n < RUN_ENV_MAX - 1; i++)
		envp[n++] = (char *)r->env[i];
	envp[n] = NULL;
	if (proc_run((char *const *)r->argv, &o, &pr, &why) < 0) {
		free(pathvar);
		if (!pr.not_run) {
			err_setf(e, "CM_EXEC_FAILED", "%s", run_why(&why));
			err_clear(&why);
			return -1;
		}
		/* it could not exec (missing command, bad cwd or ids): a failed run, as a shell would report */
		*status = 127;
		if (output && asprintf(output, "%s\n", run_why(&why)) < 0)
			*output = NULL;
		err_clear(&why);
		return 0;
	}
	free(pathvar);
	*status = run_status(&pr);
	if (output)
		*output = buf_steal(&pr.out);
	proc_result_free(&pr);
	return 0;
}

int cm_run_simple(const struct cm_res_ctx *c, const char *const *argv, char **output, struct err *e)
{
	struct cm_run r = {.argv = argv, .root = c->opt->root, .timeout = 600,
			   .env = (const char *const[]){"DEBIAN_FRONTEND=noninteractive", NULL}};
	char *out = NULL;
	int status;

	if (cm_run(&r, &status, &out, e) < 0)
		return -1;
	if (status != 0) {
		size_t len = strlen(out);
		while (len > 0 && out[len - 1] == '\n')
			out[--len] = '\0';
		char cmd[1024] = "";
		for (size_t i = 0; argv[i]; i++) {
			if (i > 0)
				strncat(cmd, " ", sizeof(cmd) - strlen(cmd) - 1);
			strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 1);
		}
		err_setf(e, "CM_EXEC_FAILED", "Execution of '%s' returned %d: %s", cmd, status, out);
		free(out);
		return -1;
	}
	if (output)
		*output = out;
	else
		free(out);
	return 0;
}
