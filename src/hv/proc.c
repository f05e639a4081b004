/* Child processes: spawn from argv, wait with a deadline, stop for sure. See proc.h. */
#include "hv/proc.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int proc_spawn(char *const argv[], int out_fd, pid_t *pid, struct err *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0 || posix_spawnattr_init(&attr) != 0) {
		err_internal(e, "posix_spawn init failed");
		return -1;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	}
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	{
		sigset_t none, all;

		sigemptyset(&none);
		sigfillset(&all);
		posix_spawnattr_setsigmask(&attr, &none);
		posix_spawnattr_setsigdefault(&attr, &all);
	}
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		log_warn("%s: spawn %s: %s", __func__, argv[0], strerror(rc));
		err_internal(e, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	return 0;
}

int proc_spawn_as(char *const argv[], int out_fd, const struct proc_cred *cred, pid_t *pid, struct err *e)
{
	sigset_t all, old;
	pid_t child;

	if (cred == NULL || cred->uid == 0)
		return proc_spawn(argv, out_fd, pid, e);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child = fork();
	if (child == 0) {
		/* only async-signal-safe calls until exec */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		setsid();
		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(out_fd >= 0 ? out_fd : null, 2);
		if (setgroups(cred->n_groups, cred->groups) < 0 || setgid(cred->gid) < 0 || setuid(cred->uid) < 0 ||
		    setuid(0) == 0 || getuid() != cred->uid || geteuid() != cred->uid)
			_exit(126);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (child < 0) {
		err_internal(e, "fork: %s", strerror(errno));
		return -1;
	}
	*pid = child;
	return 0;
}

int proc_spawn_tied(char *const argv[], int out_fd, pid_t *pid, struct err *e)
{
	pid_t parent = getpid();
	sigset_t all, old;
	pid_t child;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child = fork();
	if (child == 0) {
		/* only async-signal-safe calls until exec */
		int null = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		setsid();
		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(out_fd >= 0 ? out_fd : null, 2);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (child < 0) {
		err_internal(e, "fork: %s", strerror(errno));
		return -1;
	}
	*pid = child;
	return 0;
}

int proc_wait(pid_t pid, int timeout_ms, int *status)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			if (status != NULL)
				*status = st;
			return 1;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (time_monotonic_ms() >= deadline)
			return 0;
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
}

int proc_stop(pid_t pid, int term_ms)
{
	int r;

	if (pid <= 0)
		return -1;
	/*
	 * Signal only a child that was not reaped yet: its pid cannot have been
	 * reused. For anything else (reaped already, not ours) kill nothing.
	 */
	if ((r = proc_wait(pid, 0, NULL)) != 0)
		return r > 0 ? 0 : -1;
	if (term_ms > 0) {
		kill(pid, SIGTERM);
		if ((r = proc_wait(pid, term_ms, NULL)) != 0)
			return r > 0 ? 0 : -1;
		log_warn("%s: pid %d ignored SIGTERM for %d ms; SIGKILL", __func__, (int)pid, term_ms);
	}
	kill(pid, SIGKILL);
	/* SIGKILL cannot be ignored; a process in uninterruptible sleep may take a moment */
	return proc_wait(pid, 10000, NULL) > 0 ? 0 : -1;
}
