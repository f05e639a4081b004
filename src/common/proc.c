/*
 * Child processes: start (fork + exec), run to completion, wait, stop.
 * See proc.h.
 *
 * A spawn is planned in the parent (struct plan: every path, descriptor and
 * array the child will touch) and then carried out in the child with
 * async-signal-safe calls only. The parent blocks every signal around fork(),
 * so no handler of the daemon ever runs in the child; the child resets the
 * dispositions and unblocks them just before exec.
 *
 * Descriptor moves in the child: every source (the three standard ones and
 * the caller's extra ones) is first duplicated above the highest target
 * number, close-on-exec, and only then dup2'ed onto its target, so a source
 * whose number is another mapping's target is never overwritten before it
 * was copied. dup2 leaves the targets inheritable; everything else from 3 up
 * is marked close-on-exec (close_range), whatever its flags were in ovcpd.
 */
#include "common/proc.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

#define DEFAULT_SEARCH_PATH "/usr/local/bin:/usr/bin:/bin"
#define KILL_REAP_MS 10000 /* SIGKILL cannot be ignored; uninterruptible sleep may take a moment */

/* What a child failing before exec reports, by the index it writes to the error pipe. */
enum child_step { STEP_TIE, STEP_SESSION, STEP_FDS, STEP_ROOT, STEP_CWD, STEP_CRED, STEP_REGAIN, STEP_EXEC };
static const char *const step_names[] = {
	[STEP_TIE] = "parent death signal", [STEP_SESSION] = "new session", [STEP_FDS] = "descriptors",
	[STEP_ROOT] = "chroot",             [STEP_CWD] = "working directory", [STEP_CRED] = "credentials",
	[STEP_REGAIN] = "root could be regained", [STEP_EXEC] = "exec",
};

struct fd_move {
	int from; /* in ovcpd */
	int to;   /* in the child */
	int tmp;  /* the child's copy above every target */
};

/* Everything the child touches, built before the fork. */
struct plan {
	char *const *argv;
	char *const *envp;
	char **candidates; /* paths to try for argv[0], NULL-terminated */
	const char *root;  /* to chroot into; NULL: none */
	struct fd_move *moves;
	size_t n_moves;
	int above;         /* lowest number above every target */
	int err_fd;        /* write end of the error pipe */
	const struct proc_opts *o;
	pid_t parent;
	sigset_t none;
	struct sigaction dfl;
};

/* ---- argv[0] lookup ---- */

/* The next "dir/name" of the colon-separated list at *list into buf; false at its end. */
static bool search_next(const char **list, const char *name, char *buf, size_t len)
{
	const char *s = *list, *colon;
	size_t dlen;
	int n;

	if (s == NULL)
		return false;
	colon = strchr(s, ':');
	dlen = colon ? (size_t)(colon - s) : strlen(s);
	*list = colon ? colon + 1 : NULL;
	/* an empty entry is the current directory, as for execvp */
	n = dlen == 0 ? snprintf(buf, len, "%s", name) : snprintf(buf, len, "%.*s/%s", (int)dlen, s, name);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
	return true;
}

static const char *search_path_of(const char *search_path)
{
	const char *p = search_path ? search_path : getenv("PATH");

	return p ? p : DEFAULT_SEARCH_PATH;
}

int proc_find_program(const char *name, const char *search_path, char *buf, size_t len)
{
	const char *list = search_path_of(search_path);
	struct stat st;

	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0 || (size_t)snprintf(buf, len, "%s", name) >= len)
			return -1;
		return 0;
	}
	while (search_next(&list, name, buf, len))
		if (buf[0] && access(buf, X_OK) == 0 && stat(buf, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
	return -1;
}

static void candidates_free(char **c)
{
	for (size_t i = 0; c && c[i]; i++)
		free(c[i]);
	free(c);
}

/*
 * Every path argv[0] may be at, in order. The child tries them itself (after
 * a chroot they are looked up inside the root), as execvp would.
 */
static char **candidates_build(const char *name, const char *search_path)
{
	const char *list = search_path_of(search_path);
	size_t n = 1, i = 0;
	char **c;
	char path[PATH_MAX];

	for (const char *s = list; (s = strchr(s, ':')) != NULL; s++)
		n++;
	c = calloc(n + 1, sizeof(*c));
	if (c == NULL)
		return NULL;
	if (strchr(name, '/')) {
		c[i++] = strdup(name);
		if (c[0] == NULL)
			goto fail;
		return c;
	}
	while (search_next(&list, name, path, sizeof(path)))
		if (path[0] && (c[i++] = strdup(path)) == NULL)
			goto fail;
	return c;
fail:
	candidates_free(c);
	return NULL;
}

/* ---- the child, from fork to exec: async-signal-safe calls only ---- */

static _Noreturn void child_fail(const struct plan *p, enum child_step step, int error, int code)
{
	int rec[2] = {(int)step, error};
	ssize_t n = write(p->err_fd, rec, sizeof(rec)); /* nothing more to do when even this fails */

	(void)n;
	_exit(code);
}

static int child_move_fds(struct plan *p)
{
	int fd = fcntl(p->err_fd, F_DUPFD_CLOEXEC, p->above);

	if (fd < 0)
		return -1;
	p->err_fd = fd;
	for (size_t i = 0; i < p->n_moves; i++)
		if ((p->moves[i].tmp = fcntl(p->moves[i].from, F_DUPFD_CLOEXEC, p->above)) < 0)
			return -1;
	for (size_t i = 0; i < p->n_moves; i++)
		if (dup2(p->moves[i].tmp, p->moves[i].to) < 0)
			return -1;
	/* a kernel without close_range leaves this to ovcpd's own O_CLOEXEC discipline */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	for (size_t i = 0; i < p->n_moves; i++)
		if (fcntl(p->moves[i].to, F_SETFD, 0) < 0)
			return -1;
	return 0;
}

static void child_drop_cred(const struct plan *p)
{
	const struct proc_cred *c = p->o->cred;

	if (setgroups(c->n_groups, c->groups) < 0 || setgid(c->gid) < 0 || setuid(c->uid) < 0)
		child_fail(p, STEP_CRED, errno, 126);
	if (c->uid != 0 && (setuid(0) == 0 || getuid() != c->uid || geteuid() != c->uid))
		child_fail(p, STEP_REGAIN, EPERM, 126);
}

static _Noreturn void child_exec(const struct plan *p)
{
	int error = ENOENT;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &p->dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, libc's own */
	sigprocmask(SIG_SETMASK, &p->none, NULL);
	for (size_t i = 0; p->candidates[i]; i++) {
		execve(p->candidates[i], p->argv, p->envp);
		/* as execvp: a missing file means try the next; remember a more telling reason */
		if (errno != ENOENT && errno != ENOTDIR)
			error = errno;
	}
	child_fail(p, STEP_EXEC, error, 127);
}

static _Noreturn void child_run(struct plan *p)
{
	const struct proc_opts *o = p->o;

	if (o->flags & PROC_TIED) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			child_fail(p, STEP_TIE, errno, 126);
		if (getppid() != p->parent) /* it died before the tie was made */
			_exit(126);
	}
	if (((o->flags & PROC_SETSID) && setsid() < 0) || ((o->flags & PROC_SETPGID) && setpgid(0, 0) < 0))
		child_fail(p, STEP_SESSION, errno, 126);
	if (child_move_fds(p) < 0)
		child_fail(p, STEP_FDS, errno, 126);
	if (p->root && (chroot(p->root) < 0 || chdir("/") < 0))
		child_fail(p, STEP_ROOT, errno, 126);
	if (o->cwd && chdir(o->cwd) < 0)
		child_fail(p, STEP_CWD, errno, 126);
	if (o->cred)
		child_drop_cred(p);
	child_exec(p);
}

/* ---- the parent ---- */

/* The source of standard descriptor which (0, 1, 2) under opts; -1 when opts are wrong. */
static int std_source(const struct proc_opts *o, int which, int null_fd)
{
	static const int kinds_ok[3] = {1 << PROC_IO_NULL | 1 << PROC_IO_FD, 1 << PROC_IO_NULL | 1 << PROC_IO_FD,
					1 << PROC_IO_NULL | 1 << PROC_IO_FD | 1 << PROC_IO_STDOUT};
	enum proc_io kind = which == 0 ? o->in : which == 1 ? o->out : o->err;
	int fd = which == 0 ? o->in_fd : which == 1 ? o->out_fd : o->err_fd;

	if ((unsigned)kind > PROC_IO_STDOUT || !(kinds_ok[which] & 1 << kind))
		return -1;
	if (kind == PROC_IO_STDOUT)
		return std_source(o, 1, null_fd);
	return kind == PROC_IO_FD ? fd : null_fd;
}

static int plan_fds(struct plan *p, int null_fd, struct err *e)
{
	const struct proc_opts *o = p->o;
	int top = 2;

	p->n_moves = 3 + o->n_fds;
	p->moves = calloc(p->n_moves, sizeof(*p->moves));
	if (p->moves == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	for (int i = 0; i < 3; i++)
		p->moves[i] = (struct fd_move){std_source(o, i, null_fd), i, -1};
	for (size_t i = 0; i < o->n_fds; i++) {
		int to = o->fds[i].child_fd;

		for (size_t j = 0; j < 3 + i; j++)
			if (p->moves[j].to == to)
				to = -1;
		p->moves[3 + i] = (struct fd_move){o->fds[i].parent_fd, to, -1};
		if (to < 3 || o->fds[i].parent_fd < 0) {
			err_internal(e, "spawn: bad descriptor map %d -> %d", o->fds[i].parent_fd, o->fds[i].child_fd);
			return -1;
		}
		top = to > top ? to : top;
	}
	for (int i = 0; i < 3; i++)
		if (p->moves[i].from < 0) {
			err_internal(e, "spawn: bad redirection of descriptor %d", i);
			return -1;
		}
	if (top == INT_MAX) {
		err_internal(e, "spawn: descriptor number too high");
		return -1;
	}
	p->above = top + 1;
	return 0;
}

/* After the fork: 0 when the child exec'd, -1 with e when it reported a failure (it is reaped then). */
static int spawn_result(pid_t pid, int err_read, const char *name, struct err *e)
{
	int rec[2];
	char why[300];
	ssize_t n;

	while ((n = read(err_read, rec, sizeof(rec))) < 0 && errno == EINTR)
		;
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(rec) || rec[0] < 0 || rec[0] > STEP_EXEC) {
		/* cannot tell how far it got: make sure it is gone */
		kill(pid, SIGKILL);
		snprintf(why, sizeof(why), "cannot run %s: no word from the child", name);
	} else if (rec[0] == STEP_EXEC) {
		snprintf(why, sizeof(why), "cannot run %s: %s", name, strerror(rec[1]));
	} else {
		snprintf(why, sizeof(why), "cannot run %s: %s: %s", name, step_names[rec[0]], strerror(rec[1]));
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	log_warn("%s: %s", __func__, why);
	err_internal(e, "%s", why);
	return -1;
}

/* proc_start; *forked tells proc_run whether a failure came from the child. */
static int spawn(char *const argv[], const struct proc_opts *o, pid_t *pid, bool *forked, struct err *e)
{
	struct plan p = {.argv = argv, .envp = o->envp ? o->envp : environ, .o = o, .parent = getpid(),
			 .dfl = {.sa_handler = SIG_DFL}};
	int null_fd = -1, errp[2] = {-1, -1}, rc = -1;
	sigset_t all, old;
	pid_t child;

	*forked = false;
	p.root = o->root && strcmp(o->root, "/") != 0 ? o->root : NULL;
	sigemptyset(&p.none);
	sigemptyset(&p.dfl.sa_mask);
	if (argv == NULL || argv[0] == NULL) {
		err_internal(e, "spawn: empty argv");
		return -1;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		err_internal(e, "cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (plan_fds(&p, null_fd, e) < 0)
		goto out;
	if ((p.candidates = candidates_build(argv[0], o->search_path)) == NULL) {
		err_internal(e, "cannot run %s: out of memory", argv[0]);
		goto out;
	}
	p.err_fd = errp[1];
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child = fork();
	if (child == 0)
		child_run(&p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (child < 0) {
		err_internal(e, "cannot run %s: fork: %s", argv[0], strerror(errno));
		goto out;
	}
	*forked = true;
	close(errp[1]);
	errp[1] = -1;
	if (spawn_result(child, errp[0], argv[0], e) < 0)
		goto out;
	*pid = child;
	rc = 0;
out:
	for (int i = 0; i < 2; i++)
		if (errp[i] >= 0)
			close(errp[i]);
	if (null_fd >= 0)
		close(null_fd);
	candidates_free(p.candidates);
	free(p.moves);
	return rc;
}

int proc_start(char *const argv[], const struct proc_opts *opts, pid_t *pid, struct err *e)
{
	static const struct proc_opts none;
	bool forked;

	return spawn(argv, opts ? opts : &none, pid, &forked, e);
}

/* ---- waiting and stopping ---- */

/* Sleep until pid exits or ms pass: on its pidfd when the kernel has them, else one 5 ms step. */
static void await_exit(pid_t pid, int ms)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0) {
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
		return;
	}
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, ms) < 0 && errno != EINTR)
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	close(fd);
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
		int64_t left = deadline - time_monotonic_ms();
		if (left <= 0)
			return 0;
		await_exit(pid, left > INT_MAX ? INT_MAX : (int)left);
	}
}

/* Signal pid, or its whole process group when group says it leads one. */
static void signal_child(pid_t pid, int sig, bool group)
{
	if (!group || kill(-pid, sig) < 0)
		kill(pid, sig);
}

static int stop_child(pid_t pid, int term_ms, bool group, int *status)
{
	int r;

	if (pid <= 0)
		return -1;
	/* Signal only a child that was not reaped yet: its pid cannot have been reused. */
	if ((r = proc_wait(pid, 0, status)) != 0)
		return r > 0 ? 0 : -1;
	if (term_ms > 0) {
		signal_child(pid, SIGTERM, group);
		if ((r = proc_wait(pid, term_ms, status)) != 0)
			return r > 0 ? 0 : -1;
		log_warn("%s: pid %d ignored SIGTERM for %d ms; SIGKILL", __func__, (int)pid, term_ms);
	}
	signal_child(pid, SIGKILL, group);
	return proc_wait(pid, KILL_REAP_MS, status) > 0 ? 0 : -1;
}

int proc_stop(pid_t pid, int term_ms)
{
	return stop_child(pid, term_ms, false, NULL);
}

/* ---- running to completion ---- */

#define CAPTURE_MAX_DEFAULT (1024 * 1024)

/* write(2) to a pipe whose reader may be gone: EPIPE, and no SIGPIPE left for the caller's thread. */
static ssize_t write_nosigpipe(int fd, const void *data, size_t len)
{
	sigset_t pipe_only, old, pending;
	bool was_pending;
	ssize_t n;
	int saved;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	n = write(fd, data, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending)
		sigtimedwait(&pipe_only, NULL, &(struct timespec){0, 0});
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static void pipe_close(struct pollfd *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* The pipes proc_run() services: stdin's write end, stdout's and stderr's read ends (fd -1: none). */
struct run_io {
	struct pollfd pfd[3];
	const char *input;
	size_t input_len, input_done;
	struct buf *keep[3];
	size_t max[3];
};

static void pump_input(struct run_io *io)
{
	ssize_t n = write_nosigpipe(io->pfd[0].fd, io->input + io->input_done, io->input_len - io->input_done);

	if (n > 0)
		io->input_done += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		io->input_done = io->input_len; /* the child does not read it: stop feeding */
	if (io->input_done == io->input_len)
		pipe_close(&io->pfd[0]); /* end of file for the child */
}

/* Read what stdout (1) or stderr (2) has; true when the watch asks to stop. */
static bool pump_output(struct run_io *io, int i, const struct proc_opts *o)
{
	char chunk[8192];
	ssize_t n = read(io->pfd[i].fd, chunk, sizeof(chunk));
	struct buf *b = io->keep[i];

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		pipe_close(&io->pfd[i]);
		return false;
	}
	if (b->len < io->max[i])
		buf_add(b, chunk, (size_t)n < io->max[i] - b->len ? (size_t)n : io->max[i] - b->len);
	return i == 1 && o->watch && o->watch(chunk, (size_t)n, o->watch_arg);
}

/* Service the pipes until all are closed, the deadline passes or the watch asks to stop. */
static void run_pump(struct run_io *io, const struct proc_opts *o, int64_t deadline, struct proc_result *r)
{
	while (io->pfd[0].fd >= 0 || io->pfd[1].fd >= 0 || io->pfd[2].fd >= 0) {
		int wait_ms = -1, n;

		if (deadline) {
			int64_t left = deadline - time_monotonic_ms();

			if (left <= 0) {
				r->timed_out = true;
				return;
			}
			wait_ms = left < INT_MAX ? (int)left : INT_MAX;
		}
		n = poll(io->pfd, 3, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_warn("%s: poll: %s", __func__, strerror(errno));
			return;
		}
		if (io->pfd[0].fd >= 0 && io->pfd[0].revents)
			pump_input(io);
		for (int i = 1; i < 3; i++)
			if (io->pfd[i].fd >= 0 && io->pfd[i].revents && pump_output(io, i, o)) {
				r->stopped = true;
				return;
			}
	}
}

/* After the pipes: reap the child, stopping it when it was asked to stop or outlives the deadline. */
static void run_reap(pid_t pid, const struct proc_opts *o, int64_t deadline, struct proc_result *r)
{
	bool group = (o->flags & (PROC_SETSID | PROC_SETPGID)) != 0;

	if (!r->stopped && !r->timed_out) {
		if (deadline == 0) {
			while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
				;
			return;
		}
		int64_t left = deadline - time_monotonic_ms();

		if (proc_wait(pid, left > 0 ? (left < INT_MAX ? (int)left : INT_MAX) : 0, &r->status) != 0)
			return;
		r->timed_out = true;
	}
	if (stop_child(pid, o->term_ms, group, &r->status) < 0)
		log_error("%s: could not reap pid %d", __func__, (int)pid);
}

int proc_run(char *const argv[], const struct proc_opts *opts, struct proc_result *r, struct err *e)
{
	static const struct proc_opts none;
	static const int child_end[3] = {0, 1, 1}; /* the child reads stdin, writes stdout and stderr */
	const struct proc_opts *o = opts ? opts : &none;
	struct proc_opts child = *o;
	enum proc_io *kinds[3] = {&child.in, &child.out, &child.err};
	int *fds[3] = {&child.in_fd, &child.out_fd, &child.err_fd};
	int ends[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	int64_t deadline = o->timeout_ms > 0 ? time_monotonic_ms() + o->timeout_ms : 0;
	struct run_io io = {.input = o->input ? o->input : "", .keep = {NULL, &r->out, &r->errout},
			    .max = {0, o->out_max ? o->out_max : CAPTURE_MAX_DEFAULT,
				    o->err_max ? o->err_max : CAPTURE_MAX_DEFAULT}};
	bool forked;
	pid_t pid;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	io.input_len = strlen(io.input);
	for (int i = 0; i < 3; i++) {
		io.pfd[i] = (struct pollfd){.fd = -1, .events = i == 0 ? POLLOUT : POLLIN};
		if (*kinds[i] != PROC_IO_PIPE)
			continue;
		if (pipe2(ends[i], O_CLOEXEC) < 0) {
			err_internal(e, "cannot run %s: pipe: %s", argv[0], strerror(errno));
			goto out;
		}
		*kinds[i] = PROC_IO_FD;
		*fds[i] = ends[i][child_end[i]];
	}
	if (spawn(argv, &child, &pid, &forked, e) < 0) {
		r->not_run = forked;
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		if (ends[i][0] < 0)
			continue;
		close(ends[i][child_end[i]]);
		io.pfd[i].fd = ends[i][!child_end[i]];
		ends[i][0] = ends[i][1] = -1;
	}
	if (io.pfd[0].fd >= 0 && (io.input_len == 0 || fcntl(io.pfd[0].fd, F_SETFL, O_NONBLOCK) < 0))
		pipe_close(&io.pfd[0]);
	run_pump(&io, o, deadline, r);
	for (int i = 0; i < 3; i++)
		pipe_close(&io.pfd[i]);
	run_reap(pid, o, deadline, r);
	/* hand out strings even when nothing was captured */
	buf_putc(&r->out, '\0');
	r->out.len--;
	buf_putc(&r->errout, '\0');
	r->errout.len--;
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (ends[i][j] >= 0)
				close(ends[i][j]);
	return rc;
}

void proc_result_free(struct proc_result *r)
{
	if (r == NULL)
		return;
	buf_free(&r->out);
	buf_free(&r->errout);
}

/* ---- the hypervisor driver's shorthands ---- */

static int spawn_to(char *const argv[], int out_fd, const struct proc_cred *cred, unsigned flags, pid_t *pid,
		    struct err *e)
{
	struct proc_opts o = {.out = out_fd >= 0 ? PROC_IO_FD : PROC_IO_NULL, .out_fd = out_fd,
			      .err = PROC_IO_STDOUT, .flags = PROC_SETSID | flags, .cred = cred};

	return proc_start(argv, &o, pid, e);
}

int proc_spawn(char *const argv[], int out_fd, pid_t *pid, struct err *e)
{
	return spawn_to(argv, out_fd, NULL, 0, pid, e);
}

int proc_spawn_as(char *const argv[], int out_fd, const struct proc_cred *cred, pid_t *pid, struct err *e)
{
	return spawn_to(argv, out_fd, cred && cred->uid != 0 ? cred : NULL, 0, pid, e);
}

int proc_spawn_tied(char *const argv[], int out_fd, pid_t *pid, struct err *e)
{
	return spawn_to(argv, out_fd, NULL, PROC_TIED, pid, e);
}
