/*
 * Child processes: the one place in OVCP that forks and execs.
 *
 * Programs run from argv arrays, never through a shell. Everything the child
 * needs (the candidate paths of argv[0], descriptors, the environment array)
 * is prepared before the fork: the daemon is multithreaded, so between fork
 * and exec the child makes async-signal-safe system calls only. A child that
 * fails before exec reports the step and errno through a close-on-exec pipe
 * and exits 126 (127 when no candidate could be exec'd), so the caller gets -1
 * with the reason instead of a child that silently did nothing, and nothing
 * ever runs with half-dropped credentials.
 *
 * Descriptors: the child gets stdin, stdout, stderr as asked, plus the extra
 * descriptors of proc_opts.fds at fixed numbers; every other descriptor is
 * closed at exec. Signals: the child starts with no signal blocked and every
 * disposition at its default, whatever the daemon's threads block.
 *
 * Waiting and stopping are bounded: proc_stop() ends with SIGKILL (a QEMU
 * whose guest hangs in KVM ignores SIGTERM, see ARCHITECTURE.md) and only
 * signals a child not yet reaped, whose pid therefore cannot have been reused.
 */
#ifndef OVCP_COMMON_PROC_H
#define OVCP_COMMON_PROC_H

#include "common/buf.h"
#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Who a child runs as. */
struct proc_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups (e.g. kvm for /dev/kvm) */
	size_t n_groups;
};

/* An extra descriptor for the child: parent_fd appears as child_fd (>= 3) in it. */
struct proc_fd_map {
	int parent_fd;
	int child_fd;
};

/* Where a standard descriptor of the child goes. */
enum proc_io {
	PROC_IO_NULL = 0, /* /dev/null: the default */
	PROC_IO_FD,       /* the descriptor in in_fd / out_fd / err_fd */
	PROC_IO_PIPE,     /* proc_run() only: stdin fed from input; stdout / stderr captured */
	PROC_IO_STDOUT,   /* stderr only: wherever stdout goes (interleaved when captured) */
};

enum proc_flag {
	PROC_SETSID = 1 << 0,  /* own session (and process group): the terminal's signals miss it */
	PROC_SETPGID = 1 << 1, /* own process group, same session */
	/*
	 * SIGKILL when the spawning thread or the process dies (PR_SET_PDEATHSIG),
	 * for helpers that must not outlive it. Never for VMs, which outlive ovcpd.
	 */
	PROC_TIED = 1 << 2,
};

/* Called with each chunk of captured stdout; return true to stop the child. */
typedef bool (*proc_watch)(const char *chunk, size_t len, void *arg);

/* Everything is optional: a zeroed proc_opts runs argv with /dev/null as stdin, stdout, stderr. */
struct proc_opts {
	enum proc_io in, out, err;
	int in_fd, out_fd, err_fd;        /* with PROC_IO_FD; the caller keeps them */
	const struct proc_fd_map *fds;    /* extra descriptors, n_fds of them */
	size_t n_fds;
	unsigned flags;                   /* enum proc_flag */
	const struct proc_cred *cred;     /* NULL: unchanged */
	const char *root;                 /* chroot into it first (NULL or "/": none) */
	const char *cwd;                  /* inside the root */
	char *const *envp;                /* NULL: ovcpd's own environment */
	const char *search_path;          /* PATH for argv[0] without a '/'; NULL: ovcpd's PATH */
	/* proc_run() only */
	const char *input;                /* stdin with PROC_IO_PIPE; NUL-terminated */
	int timeout_ms;                   /* 0: none */
	int term_ms;                      /* stopping: SIGTERM, then SIGKILL after term_ms (0: at once) */
	size_t out_max, err_max;          /* bytes kept of stdout / stderr (0: 1 MiB); the rest is read and dropped */
	proc_watch watch;                 /* may be NULL */
	void *watch_arg;
};

struct proc_result {
	int status;        /* as from waitpid: WIFEXITED(status), WEXITSTATUS(status)... */
	bool timed_out;    /* the deadline passed and the child was stopped */
	bool stopped;      /* the watch asked to stop and the child was stopped */
	bool not_run;      /* the child was forked but could not exec (proc_run returned -1) */
	struct buf out;    /* captured stdout (with PROC_IO_STDOUT: and stderr), NUL-terminated */
	struct buf errout; /* captured stderr, NUL-terminated */
};

/*
 * Start argv[0] with opts (PROC_IO_PIPE is refused: use proc_run). 0 with
 * *pid, a child the caller must reap (proc_wait, proc_stop); -1 with e when it
 * could not be started (then nothing is left running).
 */
int proc_start(char *const argv[], const struct proc_opts *opts, pid_t *pid, struct err *e);
/*
 * Run argv[0] with opts to its end: feed stdin, capture stdout / stderr, call
 * the watch, stop the child at the deadline or when the watch asks (the whole
 * process group with PROC_SETSID / PROC_SETPGID). 0 when it ran, whatever its
 * status; -1 with e when it could not be started (r->not_run tells whether it
 * got as far as the fork; r holds no memory then). Free r with proc_result_free().
 */
int proc_run(char *const argv[], const struct proc_opts *opts, struct proc_result *r, struct err *e);
void proc_result_free(struct proc_result *r);

/*
 * The file that argv[0] name would run, searched in search_path
 * (colon-separated; NULL: ovcpd's PATH): 0 with the path in buf, -1 when none
 * is executable. A name with a '/' is itself.
 */
int proc_find_program(const char *name, const char *search_path, char *buf, size_t len);

/* Stdin from /dev/null, stdout and stderr to out_fd (-1: /dev/null), own session. */
int proc_spawn(char *const argv[], int out_fd, pid_t *pid, struct err *e);
/* proc_spawn as cred; cred NULL or uid 0 means as ovcpd (no change). */
int proc_spawn_as(char *const argv[], int out_fd, const struct proc_cred *cred, pid_t *pid, struct err *e);
/* proc_spawn with PROC_TIED (the accelerator probe's test guest). */
int proc_spawn_tied(char *const argv[], int out_fd, pid_t *pid, struct err *e);
/*
 * Wait up to timeout_ms (0: just look) for pid to exit: 1 when it exited and
 * was reaped (*status as from waitpid, if status is not NULL), 0 when it still
 * runs, -1 on error (e.g. not our child).
 */
int proc_wait(pid_t pid, int timeout_ms, int *status);
/*
 * Stop pid: SIGTERM, wait up to term_ms, then SIGKILL and reap. term_ms 0:
 * SIGKILL at once. 0 when reaped (also when it had exited already), -1 when
 * pid is not an unreaped child of ours: then nothing is signalled.
 */
int proc_stop(pid_t pid, int term_ms);

#endif
