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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cm/ca/ca.h"
#include "common/log.h"
#include "common/proc.h"
#include "common/util.h"

#define AUTOSIGN_TIMEOUT_MS 30000

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
	char *argv[] = {(char *)path, (char *)name, NULL};
	/* the CSR on stdin; stdout and stderr stay the master's; path is a path (no PATH search) */
	struct proc_opts o = {.in = PROC_IO_PIPE, .input = csr, .out = PROC_IO_FD, .out_fd = 1, .err = PROC_IO_FD,
			      .err_fd = 2, .timeout_ms = AUTOSIGN_TIMEOUT_MS, .search_path = ""};
	struct proc_result r;
	struct err e = {0};
	bool ok;

	if (proc_run(argv, &o, &r, &e) < 0) { /* proc_run logged why */
		err_clear(&e);
		return false;
	}
	if (r.timed_out)
		log_warn("autosign: %s did not finish in time; not signing %s", path, name);
	ok = !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	proc_result_free(&r);
	return ok;
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
