/*
 * Autosigning, Puppet's contract: the policy is "true" (sign everything),
 * "false" (nothing), or a path. An executable path is a policy program run
 * with the certname as its only argument and the CSR PEM on its standard
 * input; exit status 0 means sign. Any other file holds one name or glob per
 * line ('#' starts a comment); a line matching the certname signs it.
 * A CSR asking for subject alt names is never autosigned (cm_ca_sign).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cm/ca/ca.h"
#include "common/log.h"
#include "common/util.h"

#define AUTOSIGN_TIMEOUT_MS 30000

extern char **environ;

bool cm_ca_autosign_globs_match(const char *text, const char *name)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char pat[512];

		while (len && (*line == ' ' || *line == '\t'))
			line++, len--;
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
			len--;
		if (len && len < sizeof(pat) && line[0] != '#') {
			memcpy(pat, line, len);
			pat[len] = '\0';
			if (fnmatch(pat, name, FNM_CASEFOLD) == 0)
				return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* Run the policy program; true when it exits 0 within the deadline. */
static bool autosign_run(const char *path, const char *name, const char *csr)
{
	int in[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)path, (char *)name, NULL};
	int status = -1;

	if (pipe2(in, O_CLOEXEC) < 0)
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (rc != 0) {
		log_warn("autosign: cannot run %s: %s", path, strerror(rc));
		close(in[1]);
		return false;
	}
	for (size_t off = 0, len = strlen(csr); off < len;) {
		ssize_t n = write(in[1], csr + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	for (int64_t deadline = time_monotonic_ms() + AUTOSIGN_TIMEOUT_MS;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return false;
		if (time_monotonic_ms() > deadline) {
			log_warn("autosign: %s did not finish in time; not signing %s", path, name);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
		poll(NULL, 0, 10);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool cm_ca_autosign_allows(const char *policy, const char *name, const char *csr_pem)
{
	struct stat st;

	if (policy == NULL || strcmp(policy, "false") == 0)
		return false;
	if (strcmp(policy, "true") == 0)
		return true;
	if (stat(policy, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_warn("autosign: policy %s is not a file; not signing %s", policy, name);
		return false;
	}
	if (st.st_mode & 0111)
		return autosign_run(policy, name, csr_pem);
	char *text = file_read_all(policy, NULL);
	bool ok = text && cm_ca_autosign_globs_match(text, name);
	free(text);
	return ok;
}
