/* Child processes for the storage driver: see run.h. */
#include "storage/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

extern char **environ;

#define OUT_MAX (1024 * 1024)
#define ERR_MAX (64 * 1024)
#define KILL_GRACE_MS 2000

static int spawn_child(const char *const argv[], int out_w, int err_w, pid_t *pid, struct err *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0) {
		err_internal(e, "posix_spawn_file_actions_init failed");
		return -1;
	}
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		err_internal(e, "posix_spawnattr_init failed");
		return -1;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	/* The daemon blocks signals in its threads: the child starts with none blocked and defaults. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		log_warn("%s: spawn %s: %s", __func__, argv[0], strerror(rc));
		err_internal(e, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	return 0;
}

static void keep(struct buf *b, const char *data, size_t len, size_t max)
{
	if (b->len < max)
		buf_add(b, data, len < max - b->len ? len : max - b->len);
}

/* Read what is there on fd; false at end of file or error. */
static bool drain(int fd, struct buf *b, size_t max, const struct storage_run_opts *o, bool *stop)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	keep(b, chunk, (size_t)n, max);
	if (o && o->watch && o->watch(chunk, (size_t)n, o->watch_arg))
		*stop = true;
	return true;
}

static int reap(pid_t pid, bool kill_first)
{
	int st = 0;

	if (kill_first) {
		kill(pid, SIGTERM);
		int64_t deadline = time_monotonic_ms() + KILL_GRACE_MS;
		while (waitpid(pid, &st, WNOHANG) == 0) {
			if (time_monotonic_ms() > deadline) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				break;
			}
			usleep(10000);
		}
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int storage_run(const char *const argv[], const struct storage_run_opts *opts, struct storage_run_result *r,
		struct err *e)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	pid_t pid;
	bool stop = false;
	int64_t deadline = opts && opts->timeout_ms > 0 ? time_monotonic_ms() + opts->timeout_ms : 0;

	memset(r, 0, sizeof(*r));
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		err_internal(e, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (spawn_child(argv, outp[1], errp[1], &pid, e) < 0)
		goto fail;
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	struct pollfd p[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0 && !stop) {
		int wait_ms = 1000;
		if (deadline) {
			int64_t left = deadline - time_monotonic_ms();
			if (left <= 0) {
				stop = true;
				break;
			}
			wait_ms = left < 1000 ? (int)left : 1000;
		}
		int n = poll(p, 2, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2 && n > 0; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			bool more = i == 0 ? drain(p[i].fd, &r->out, OUT_MAX, opts, &stop)
					   : drain(p[i].fd, &r->errout, ERR_MAX, NULL, &stop);
			if (!more) {
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	r->stopped = stop;
	r->status = reap(pid, stop);
	close(outp[0]);
	close(errp[0]);
	buf_putc(&r->out, '\0');
	r->out.len--;
	buf_putc(&r->errout, '\0');
	r->errout.len--;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return -1;
}

void storage_run_result_free(struct storage_run_result *r)
{
	if (r == NULL)
		return;
	buf_free(&r->out);
	buf_free(&r->errout);
}
