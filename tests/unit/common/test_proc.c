/* Tests for src/common/proc.c: real children (sh, cat, sleep, id), no mocks. */
#include "common/proc.h"
#include "common/util.h"

#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGV(...) ((char *const[]){__VA_ARGS__, NULL})

static const char *err_text(const struct err *e)
{
	json_t *msg = e->desc ? json_array_get(e->desc, 1) : NULL;

	return msg ? json_string_value(msg) : "";
}

static void test_capture_separately(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .err = PROC_IO_PIPE};
	struct proc_result r;
	struct err e = {0};

	CHECK_INT(proc_run(ARGV("sh", "-c", "echo out; echo err >&2; exit 3"), &o, &r, &e), 0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);
	CHECK_STR(r.out.data, "out\n");
	CHECK_STR(r.errout.data, "err\n");
	CHECK(!r.timed_out && !r.stopped && !r.not_run);
	proc_result_free(&r);
}

static void test_capture_interleaved_and_null(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .err = PROC_IO_STDOUT};
	struct proc_opts quiet = {0}; /* stdin, stdout, stderr: /dev/null */
	struct proc_result r;
	struct err e = {0};

	CHECK_INT(proc_run(ARGV("sh", "-c", "echo a; echo b >&2; echo c"), &o, &r, &e), 0);
	CHECK_STR(r.out.data, "a\nb\nc\n");
	CHECK_INT(r.errout.len, 0);
	CHECK_STR(r.errout.data, "");
	proc_result_free(&r);
	/* cat of /dev/null ends at once, and nothing is captured */
	CHECK_INT(proc_run(ARGV("cat"), &quiet, &r, &e), 0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CHECK_STR(r.out.data, "");
	proc_result_free(&r);
}

static void test_input(void)
{
	size_t big = 300 * 1024; /* several times a pipe's buffer: needs the writer loop */
	char *input = malloc(big + 1);
	struct proc_opts o = {.in = PROC_IO_PIPE, .out = PROC_IO_PIPE, .input = input};
	struct proc_result r;
	struct err e = {0};

	for (size_t i = 0; i < big; i++)
		input[i] = (char)('a' + i % 26);
	input[big] = '\0';
	CHECK_INT(proc_run(ARGV("cat"), &o, &r, &e), 0);
	CHECK_INT(r.out.len, big);
	CHECK(r.out.len == big && memcmp(r.out.data, input, big) == 0);
	proc_result_free(&r);
	/* a child that never reads its input: the write fails quietly, no SIGPIPE kills us */
	CHECK_INT(proc_run(ARGV("true"), &o, &r, &e), 0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	proc_result_free(&r);
	free(input);
}

static void test_output_bounds(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .err = PROC_IO_PIPE, .out_max = 100, .err_max = 10};
	struct proc_result r;
	struct err e = {0};

	/* 1 MiB on each stream: the child is not blocked by what is dropped */
	CHECK_INT(proc_run(ARGV("sh", "-c", "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2"), &o, &r,
			   &e),
		  0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CHECK_INT(r.out.len, 100);
	CHECK_INT(r.errout.len, 10);
	proc_result_free(&r);
}

static void test_timeout(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .timeout_ms = 200};
	struct proc_result r;
	struct err e = {0};
	int64_t t0 = time_monotonic_ms();

	CHECK_INT(proc_run(ARGV("sleep", "10"), &o, &r, &e), 0);
	CHECK(r.timed_out);
	CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
	CHECK(time_monotonic_ms() - t0 < 3000);
	proc_result_free(&r);
	/* closed stdout does not end the wait: the deadline still holds */
	o.out = PROC_IO_NULL;
	t0 = time_monotonic_ms();
	CHECK_INT(proc_run(ARGV("sleep", "10"), &o, &r, &e), 0);
	CHECK(r.timed_out);
	CHECK(time_monotonic_ms() - t0 < 3000);
	proc_result_free(&r);
}

static void test_term_then_kill(void)
{
	/* SIGTERM ignored (the disposition survives exec): SIGKILL after term_ms */
	struct proc_opts o = {.timeout_ms = 100, .term_ms = 300};
	struct proc_result r;
	struct err e = {0};
	int64_t t0 = time_monotonic_ms(), took;

	CHECK_INT(proc_run(ARGV("sh", "-c", "trap '' TERM; exec sleep 10"), &o, &r, &e), 0);
	took = time_monotonic_ms() - t0;
	CHECK(r.timed_out);
	CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
	CHECK(took >= 400 && took < 3000);
	proc_result_free(&r);
	/* a child that honours SIGTERM ends with it */
	CHECK_INT(proc_run(ARGV("sleep", "10"), &o, &r, &e), 0);
	CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
	proc_result_free(&r);
}

static void test_group_stop(void)
{
	/*
	 * The shell's background child is in its group: the deadline kills both.
	 * As subreaper this test inherits the orphaned sleep and can see how it ended.
	 */
	struct proc_opts o = {.out = PROC_IO_PIPE, .flags = PROC_SETPGID, .timeout_ms = 300};
	struct proc_result r;
	struct err e = {0};
	long shell = 0, sleeper = 0;
	int status = 0;

	CHECK_INT(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	CHECK_INT(proc_run(ARGV("sh", "-c", "echo $$; sleep 30 & echo $!; wait"), &o, &r, &e), 0);
	CHECK(r.timed_out);
	CHECK(sscanf(r.out.data, "%ld %ld", &shell, &sleeper) == 2);
	CHECK(sleeper > 1 && getpgid((pid_t)sleeper) == (pid_t)shell);
	if (sleeper > 1) {
		CHECK_INT(proc_wait((pid_t)sleeper, 5000, &status), 1);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	CHECK_INT(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
	proc_result_free(&r);
}

static bool stop_after_three(const char *chunk, size_t len, void *arg)
{
	int *seen = arg;

	(void)chunk;
	(void)len;
	return ++*seen >= 3;
}

static void test_watch_stops(void)
{
	int seen = 0;
	struct proc_opts o = {.out = PROC_IO_PIPE, .watch = stop_after_three, .watch_arg = &seen, .term_ms = 1000};
	struct proc_result r;
	struct err e = {0};
	int64_t t0 = time_monotonic_ms();

	CHECK_INT(proc_run(ARGV("sh", "-c", "while :; do echo tick; sleep 0.05; done"), &o, &r, &e), 0);
	CHECK(r.stopped && !r.timed_out);
	CHECK_INT(seen, 3);
	CHECK_STR(r.out.data, "tick\ntick\ntick\n");
	CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
	CHECK(time_monotonic_ms() - t0 < 3000);
	proc_result_free(&r);
}

/* Read what is in a pipe's read end (its write ends are closed). */
static void read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

static void test_fd_map(void)
{
	int p[2];
	char got[64];
	struct err e = {0};
	struct proc_result r;

	CHECK_INT(pipe2(p, O_CLOEXEC), 0);
	struct proc_fd_map map[] = {{p[1], 3}};
	struct proc_opts o = {.fds = map, .n_fds = 1};

	CHECK_INT(proc_run(ARGV("sh", "-c", "echo hi >&3"), &o, &r, &e), 0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	close(p[1]);
	read_all(p[0], got, sizeof(got));
	CHECK_STR(got, "hi\n");
	close(p[0]);
	proc_result_free(&r);
}

static void test_fd_map_collisions(void)
{
	/*
	 * Two pipes' write ends at 60 and 61, passed swapped: each source is the
	 * other's target. (The shell only redirects descriptors 0-9 with >&N, so
	 * the child opens /proc/self/fd/N instead.)
	 */
	int a[2], b[2];
	char got_a[64], got_b[64];
	struct err e = {0};
	struct proc_result r;

	CHECK_INT(pipe2(a, O_CLOEXEC), 0);
	CHECK_INT(pipe2(b, O_CLOEXEC), 0);
	CHECK_INT(dup3(a[1], 60, O_CLOEXEC), 60);
	CHECK_INT(dup3(b[1], 61, O_CLOEXEC), 61);
	close(a[1]);
	close(b[1]);
	/* and one passed at its own number, close-on-exec in the parent */
	int c[2];
	CHECK_INT(pipe2(c, O_CLOEXEC), 0);
	CHECK_INT(dup3(c[1], 62, O_CLOEXEC), 62);
	close(c[1]);
	struct proc_fd_map map[] = {{60, 61}, {61, 60}, {62, 62}};
	struct proc_opts o = {.fds = map, .n_fds = 3};

	CHECK_INT(proc_run(ARGV("sh", "-c", "for n in 60 61 62; do echo to$n >/proc/self/fd/$n; done"), &o, &r, &e), 0);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	close(60);
	close(61);
	close(62);
	read_all(a[0], got_a, sizeof(got_a));
	read_all(b[0], got_b, sizeof(got_b));
	CHECK_STR(got_a, "to61\n"); /* ovcpd's 60 was the child's 61 */
	CHECK_STR(got_b, "to60\n");
	read_all(c[0], got_a, sizeof(got_a));
	CHECK_STR(got_a, "to62\n");
	close(a[0]);
	close(b[0]);
	close(c[0]);
	proc_result_free(&r);
}

static void test_fd_map_rejects(void)
{
	struct proc_fd_map onto_stdout[] = {{0, 1}};
	struct proc_fd_map twice[] = {{0, 5}, {0, 5}};
	struct proc_opts o1 = {.fds = onto_stdout, .n_fds = 1}, o2 = {.fds = twice, .n_fds = 2};
	struct err e = {0};
	pid_t pid;

	CHECK_INT(proc_start(ARGV("true"), &o1, &pid, &e), -1);
	err_clear(&e);
	CHECK_INT(proc_start(ARGV("true"), &o2, &pid, &e), -1);
	err_clear(&e);
}

static void test_other_fds_closed(void)
{
	/* a descriptor ovcpd left inheritable by mistake does not reach the child */
	int fd = open("/dev/null", O_RDONLY), kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char script[200];
	struct proc_fd_map map[] = {{kept, 7}};
	struct proc_opts o = {.out = PROC_IO_PIPE, .fds = map, .n_fds = 1};
	struct proc_result r;
	struct err e = {0};

	CHECK(fd >= 3 && fd != 7);
	snprintf(script, sizeof(script),
		 "for n in %d 7; do if [ -e /proc/self/fd/$n ]; then echo open; else echo closed; fi; done", fd);
	CHECK_INT(proc_run(ARGV("sh", "-c", script), &o, &r, &e), 0);
	CHECK_STR(r.out.data, "closed\nopen\n");
	proc_result_free(&r);
	close(fd);
	close(kept);
}

static void test_not_run(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE};
	struct proc_result r;
	struct err e = {0};
	pid_t pid;

	CHECK_INT(proc_run(ARGV("/nonexistent/program"), &o, &r, &e), -1);
	CHECK(r.not_run);
	CHECK(strstr(err_text(&e), "No such file or directory") != NULL);
	proc_result_free(&r);
	err_clear(&e);
	CHECK_INT(proc_start(ARGV("ovcp-no-such-program"), NULL, &pid, &e), -1);
	CHECK(strstr(err_text(&e), "ovcp-no-such-program") != NULL);
	err_clear(&e);
	/* found, but not executable: the more telling reason wins over "not found" */
	o.search_path = "/nonexistent:/etc";
	CHECK_INT(proc_run(ARGV("passwd"), &o, &r, &e), -1);
	CHECK(strstr(err_text(&e), "Permission denied") != NULL);
	proc_result_free(&r);
	err_clear(&e);
	/* a working directory that is not there: the step is named */
	o.search_path = NULL;
	o.cwd = "/nonexistent";
	CHECK_INT(proc_run(ARGV("true"), &o, &r, &e), -1);
	CHECK(r.not_run);
	CHECK(strstr(err_text(&e), "working directory") != NULL);
	proc_result_free(&r);
	err_clear(&e);
}

static void test_search_env_cwd(void)
{
	char buf[PATH_MAX], dir[] = "/tmp/ovcp-proc-XXXXXX", real[PATH_MAX];
	char *const envp[] = {"OVCP_TEST=yes", NULL};
	struct proc_opts o = {.out = PROC_IO_PIPE, .envp = envp, .search_path = "/nonexistent::/usr/bin:/bin"};
	struct proc_result r;
	struct err e = {0};

	CHECK_INT(proc_find_program("sh", "/nonexistent:/bin", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/bin/sh");
	CHECK_INT(proc_find_program("sh", "/nonexistent", buf, sizeof(buf)), -1);
	CHECK_INT(proc_find_program("/bin/sh", "", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/bin/sh");
	CHECK_INT(proc_run(ARGV("sh", "-c", "echo $OVCP_TEST ${HOME-nohome}"), &o, &r, &e), 0);
	CHECK_STR(r.out.data, "yes nohome\n");
	proc_result_free(&r);
	CHECK(mkdtemp(dir) != NULL && realpath(dir, real) != NULL);
	o.cwd = dir;
	CHECK_INT(proc_run(ARGV("pwd", "-P"), &o, &r, &e), 0);
	CHECK(r.out.len > 0 && r.out.data[r.out.len - 1] == '\n');
	if (r.out.len > 0)
		r.out.data[r.out.len - 1] = '\0';
	CHECK_STR(r.out.data, real);
	proc_result_free(&r);
	rmdir(dir);
}

static void test_signals_reset(void)
{
	/* what this thread blocks or ignores, the child does not */
	struct proc_opts o = {.out = PROC_IO_PIPE};
	struct proc_result r;
	struct err e = {0};
	sigset_t set, old;
	void (*was)(int) = signal(SIGUSR1, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	CHECK_INT(proc_run(ARGV("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"), &o, &r, &e), 0);
	CHECK_STR(r.out.data, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
	proc_result_free(&r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, was);
}

static void test_session(void)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .flags = PROC_SETSID};
	struct proc_result r;
	struct err e = {0};
	long pid = 0, sid = 0;

	/* field 6 of /proc/PID/stat is the session */
	CHECK_INT(proc_run(ARGV("sh", "-c", "echo $$ $(cut -d' ' -f6 /proc/$$/stat)"), &o, &r, &e), 0);
	CHECK(sscanf(r.out.data, "%ld %ld", &pid, &sid) == 2);
	CHECK(pid > 1 && pid == sid);
	proc_result_free(&r);
	o.flags = 0;
	CHECK_INT(proc_run(ARGV("sh", "-c", "echo $$ $(cut -d' ' -f6 /proc/$$/stat)"), &o, &r, &e), 0);
	CHECK(sscanf(r.out.data, "%ld %ld", &pid, &sid) == 2);
	CHECK(sid == (long)getsid(0));
	proc_result_free(&r);
}

static void test_credentials(void)
{
	gid_t groups[] = {65534};
	struct proc_cred nobody = {65534, 65534, groups, 1};
	struct proc_opts o = {.out = PROC_IO_PIPE, .cred = &nobody};
	struct proc_result r;
	struct err e = {0};

	if (geteuid() != 0) {
		/* no rights to drop: the child refuses to run instead of running as us */
		CHECK_INT(proc_run(ARGV("id"), &o, &r, &e), -1);
		CHECK(r.not_run);
		CHECK(strstr(err_text(&e), "credentials") != NULL);
		proc_result_free(&r);
		err_clear(&e);
		return;
	}
	CHECK_INT(proc_run(ARGV("sh", "-c", "id -u; id -g; id -G"), &o, &r, &e), 0);
	CHECK_STR(r.out.data, "65534\n65534\n65534\n");
	proc_result_free(&r);
}

static void test_spawn_wait_stop(void)
{
	struct err e = {0};
	pid_t pid;
	int status = 0;
	int64_t t0;

	CHECK_INT(proc_spawn(ARGV("sleep", "10"), -1, &pid, &e), 0);
	CHECK_INT(proc_wait(pid, 0, NULL), 0);
	CHECK_INT(proc_wait(pid, 50, NULL), 0);
	CHECK_INT(proc_stop(pid, 2000), 0);
	CHECK_INT(proc_stop(pid, 2000), -1); /* reaped: nothing to signal */
	/* SIGTERM ignored: SIGKILL after term_ms */
	CHECK_INT(proc_spawn(ARGV("sh", "-c", "trap '' TERM; exec sleep 10"), -1, &pid, &e), 0);
	usleep(100000); /* let the trap be set */
	t0 = time_monotonic_ms();
	CHECK_INT(proc_stop(pid, 200), 0);
	CHECK(time_monotonic_ms() - t0 >= 200);
	CHECK_INT(proc_wait(pid, 0, NULL), -1);
	/* a quick child, waited for */
	CHECK_INT(proc_spawn(ARGV("sh", "-c", "exit 5"), -1, &pid, &e), 0);
	CHECK_INT(proc_wait(pid, 5000, &status), 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	/* out_fd gets stdout and stderr */
	int p[2];
	char got[64];
	CHECK_INT(pipe2(p, O_CLOEXEC), 0);
	CHECK_INT(proc_spawn(ARGV("sh", "-c", "echo one; echo two >&2"), p[1], &pid, &e), 0);
	close(p[1]);
	read_all(p[0], got, sizeof(got));
	close(p[0]);
	CHECK_STR(got, "one\ntwo\n");
	CHECK_INT(proc_wait(pid, 5000, NULL), 1);
}

static void *spawn_tied_thread(void *arg)
{
	struct err e = {0};

	if (proc_spawn_tied(ARGV("sleep", "30"), -1, arg, &e) < 0)
		*(pid_t *)arg = -1;
	return NULL;
}

static void test_tied(void)
{
	/* the child of a thread that ends gets SIGKILL */
	pthread_t t;
	pid_t pid = 0;
	int status = 0;

	CHECK_INT(pthread_create(&t, NULL, spawn_tied_thread, &pid), 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	CHECK_INT(proc_wait(pid, 5000, &status), 1);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

int main(void)
{
	TAP_RUN(test_capture_separately);
	TAP_RUN(test_capture_interleaved_and_null);
	TAP_RUN(test_input);
	TAP_RUN(test_output_bounds);
	TAP_RUN(test_timeout);
	TAP_RUN(test_term_then_kill);
	TAP_RUN(test_group_stop);
	TAP_RUN(test_watch_stops);
	TAP_RUN(test_fd_map);
	TAP_RUN(test_fd_map_collisions);
	TAP_RUN(test_fd_map_rejects);
	TAP_RUN(test_other_fds_closed);
	TAP_RUN(test_not_run);
	TAP_RUN(test_search_env_cwd);
	TAP_RUN(test_signals_reset);
	TAP_RUN(test_session);
	TAP_RUN(test_credentials);
	TAP_RUN(test_spawn_wait_stop);
	TAP_RUN(test_tied);
	return tap_done();
}
