/*
 * Spawning provider commands: fork, optional chroot/cwd/ids, exec from an
 * argv array (no shell), output captured through one pipe, a deadline after
 * which the whole process group is killed. The child gets a clean
 * environment: PATH, LANG=C and the caller's extra entries only, so that a
 * run does not depend on the environment ovcp-cm was started from.
 */
#include "cm/providers/provider.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static double run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_child_exec(const struct cm_run *r, int in_fd, int out_fd)
{
	const char *path = r->path ? r->path : RUN_DEFAULT_PATH;
	char *envp[64];
	size_t n = 0;
	char *pathvar = NULL;

	setpgid(0, 0);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (r->root && strcmp(r->root, "/") != 0 && (chroot(r->root) < 0 || chdir("/") < 0)) {
		fprintf(stderr, "chroot %s: %s\n", r->root, strerror(errno));
		_exit(127);
	}
	if (r->cwd && chdir(r->cwd) < 0) {
		fprintf(stderr, "cd %s: %s\n", r->cwd, strerror(errno));
		_exit(127);
	}
	if (r->set_ids && (setgroups(1, &r->gid) < 0 || setgid(r->gid) < 0 || setuid(r->uid) < 0)) {
		fprintf(stderr, "cannot change to uid %u gid %u: %s\n", (unsigned)r->uid, (unsigned)r->gid,
			strerror(errno));
		_exit(127);
	}
	if (asprintf(&pathvar, "PATH=%s", path) < 0)
		_exit(127);
	envp[n++] = pathvar;
	envp[n++] = (char *)"LANG=C";
	for (size_t i = 0; r->env && r->env[i] && n < 63; i++)
		envp[n++] = (char *)r->env[i];
	envp[n] = NULL;
	setenv("PATH", path, 1); /* execvpe searches the child's PATH */
	execvpe(r->argv[0], (char *const *)r->argv, envp);
	fprintf(stderr, "%s: %s\n", r->argv[0], strerror(errno));
	_exit(127);
}

static int run_collect(pid_t pid, int out_fd, double timeout, char **output, bool *timed_out)
{
	char *buf = NULL;
	size_t len = 0;
	double deadline = timeout > 0 ? run_now() + timeout : 0;
	struct pollfd pfd = {.fd = out_fd, .events = POLLIN};

	*timed_out = false;
	for (;;) {
		int wait_ms = -1;
		char chunk[4096];
		ssize_t got;

		if (deadline > 0) {
			double left = deadline - run_now();
			if (left <= 0) {
				*timed_out = true;
				kill(-pid, SIGKILL);
				break;
			}
			wait_ms = (int)(left * 1000) + 1;
		}
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents == 0)
			continue;
		got = read(out_fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		char *nb = realloc(buf, len + (size_t)got + 1);
		if (nb == NULL)
			break;
		buf = nb;
		memcpy(buf + len, chunk, (size_t)got);
		len += (size_t)got;
		buf[len] = '\0';
	}
	if (output)
		*output = buf ? buf : strdup("");
	else
		free(buf);
	return 0;
}

int cm_run(const struct cm_run *r, int *status, char **output, struct err *e)
{
	int out[2], in[2];
	pid_t pid;
	int ws = 0;
	bool timed_out;
	size_t ilen = r->input ? strlen(r->input) : 0;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(in, O_CLOEXEC) < 0) {
		err_setf(e, "CM_EXEC_FAILED", "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		err_setf(e, "CM_EXEC_FAILED", "fork: %s", strerror(errno));
		close(out[0]), close(out[1]), close(in[0]), close(in[1]);
		return -1;
	}
	if (pid == 0)
		run_child_exec(r, in[0], out[1]);
	setpgid(pid, pid);
	close(out[1]);
	close(in[0]);
	/* Small inputs (crontabs) fit the pipe buffer; larger ones would need a writer loop. */
	if (ilen > 0 && write(in[1], r->input, ilen) != (ssize_t)ilen)
		fprintf(stderr, "warning: short write to %s\n", r->argv[0]);
	close(in[1]);
	run_collect(pid, out[0], r->timeout, output, &timed_out);
	close(out[0]);
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		*status = -2;
	else if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else
		*status = 128 + WTERMSIG(ws);
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
