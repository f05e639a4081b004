/*
 * Running the network driver's helper programs (dnsmasq, nft): argv
 * arrays, no shell, a deadline, and the child always reaped.
 *
 * The child only calls async-signal-safe functions between fork and exec
 * (the daemon is multi-threaded): the program path and every descriptor
 * are prepared before the fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "net/net.h"

static const char *const search_dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

const char *net_program_path(const char *name)
{
	static __thread char path[512];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? name : NULL;
	for (size_t i = 0; i < sizeof(search_dirs) / sizeof(search_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", search_dirs[i], name);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

static void child_exec(const char *path, char *const argv[], int in, int out)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* Signals blocked by the daemon's threads must not stay blocked in the program. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	_exit(127);
}

/* waitpid with a deadline; kills the child past it. Returns the wait status or -1 on timeout. */
static int wait_deadline(pid_t pid, int timeout_ms, int *status)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (time_monotonic_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int net_spawn_wait(char *const argv[], const char *log_path, int timeout_ms, struct err *e)
{
	const char *found = net_program_path(argv[0]);
	char path[512];
	int in = -1, out = -1, status = 0, rc = -1;

	if (found == NULL) {
		err_internal(e, "%s: not found (is its package installed?)", argv[0]);
		return -1;
	}
	snprintf(path, sizeof(path), "%s", found);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	out = log_path ? open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
		       : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in < 0 || out < 0) {
		err_internal(e, "%s: open %s: %s", argv[0], log_path ? log_path : "/dev/null", strerror(errno));
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		err_internal(e, "%s: fork: %s", argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_exec(path, argv, in, out);
	if (wait_deadline(pid, timeout_ms, &status) < 0) {
		err_internal(e, "%s: did not finish within %d ms", argv[0], timeout_ms);
		log_warn("%s: %s did not finish within %d ms", __func__, argv[0], timeout_ms);
		goto out;
	}
	if (!WIFEXITED(status)) {
		err_internal(e, "%s: killed by signal %d", argv[0], WTERMSIG(status));
		goto out;
	}
	rc = WEXITSTATUS(status);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}
