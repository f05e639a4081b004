/*
 * Crash consistency of the store: kill -9 a writer at random moments and
 * check that nothing it reported committed is lost, and that every
 * transaction is all-or-nothing.
 *
 *   store_crash_test WRITER [URL]
 *
 * WRITER is store_crash_writer. Without a URL, a fresh "sqlite:" store in a
 * new temporary directory (removed at the end). Each round starts the writer
 * on the same store, lets it run for a random 50-400 ms, kills it with
 * SIGKILL, reads every line it printed (each a committed counter value and
 * revision), then opens the store and checks it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

#define ROUNDS 5

extern char **environ;

static const char *writer_path;
static char url[4096];
static char tmpdir[2048];
static unsigned seed;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct committed {
	long last_n; /* last counter value printed; 0 if none */
	unsigned long long last_rev;
	size_t lines;
	char partial[128]; /* a line not yet ended */
	size_t partial_len;
};

static void committed_feed(struct committed *c, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			if (c->partial_len < sizeof(c->partial) - 1)
				c->partial[c->partial_len++] = buf[i];
			continue;
		}
		c->partial[c->partial_len] = '\0';
		if (sscanf(c->partial, "%ld %llu", &c->last_n, &c->last_rev) == 2)
			c->lines++;
		c->partial_len = 0;
	}
}

/* Read what the child wrote until deadline (ms, monotonic) or EOF. 1 at EOF. */
static int pipe_drain(int fd, struct committed *c, int64_t deadline)
{
	char buf[4096];

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (deadline >= 0 && left <= 0)
			return 0;
		if (poll(&p, 1, deadline >= 0 ? (int)left : -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		committed_feed(c, buf, (size_t)n);
	}
}

/* Run the writer for run_ms, SIGKILL it, collect what it reported. 0 / -1. */
static int writer_round(int run_ms, struct committed *c)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)writer_path, url, NULL};
	int fds[2], status, rc;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	rc = posix_spawn(&pid, writer_path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		printf("# spawn %s: %s\n", writer_path, strerror(rc));
		return -1;
	}
	pipe_drain(fds[0], c, now_ms() + run_ms);
	kill(pid, SIGKILL);
	pipe_drain(fds[0], c, -1); /* what it printed before dying */
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		printf("# the writer ended by itself (status %d) before the kill\n", status);
		return -1;
	}
	return 0;
}

static long get_long(struct store *s, const char *key, uint64_t *mod_rev)
{
	struct err e = {0};
	char *v = NULL;
	long n = -1;

	if (store_get(s, key, &v, mod_rev, &e) == 1)
		n = strtol(v, NULL, 10);
	free(v);
	err_clear(&e);
	return n;
}

/* Everything reported is there, and the keys of the last transaction agree. */
static void check_store(const struct committed *c)
{
	struct err e = {0};
	struct store *s = store_open(url, &e);
	uint64_t counter_rev = 0, rev;
	long n;
	char *v = NULL, marker[64];

	CHECK(s != NULL);
	if (s == NULL) {
		printf("# reopen: %s\n", err_code(&e));
		err_clear(&e);
		return;
	}
	n = get_long(s, "crash/counter", &counter_rev);
	rev = store_revision(s);
	printf("# reported n=%ld rev=%llu (%zu lines); store has n=%ld rev=%llu\n", c->last_n, c->last_rev, c->lines, n,
	       (unsigned long long)rev);
	CHECK(n >= c->last_n);
	CHECK(rev >= c->last_rev);
	CHECK_INT(counter_rev, rev); /* the writer is the only one: its last txn is the store's revision */
	CHECK_INT(get_long(s, "crash/a", NULL), n);
	CHECK_INT(get_long(s, "crash/b", NULL), n);
	CHECK(store_get(s, "crash/c", &v, NULL, &e) == 1 && v != NULL && strtol(v, NULL, 10) == n && strlen(v) == 2000);
	free(v);
	/* The marker moved in the same txns: exactly one, named after n. */
	CHECK_INT(store_count(s, "crash/m/", &e), 1);
	snprintf(marker, sizeof(marker), "crash/m/%ld", n);
	CHECK_INT(get_long(s, marker, NULL), n);
	err_clear(&e);
	store_close(s);
}

static long total_before;

static void run_round(void)
{
	struct committed c = {0};
	int run_ms = 50 + (int)(rand_r(&seed) % 351);

	printf("# running the writer for %d ms\n", run_ms);
	CHECK(writer_round(run_ms, &c) == 0);
	CHECK(c.lines > 0); /* else the round proved nothing */
	CHECK(c.last_n > total_before);
	check_store(&c);
	total_before = c.last_n;
}

static void remove_tmpdir(void)
{
	static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm", "store.db-journal"};
	char path[2100];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");

	if (argc < 2) {
		fprintf(stderr, "usage: store_crash_test WRITER [URL]\n");
		return 2;
	}
	writer_path = argv[1];
	if (argc > 2) {
		snprintf(url, sizeof(url), "%s", argv[2]);
	} else {
		snprintf(tmpdir, sizeof(tmpdir), "%s/ovcp-crash-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		snprintf(url, sizeof(url), "sqlite:%s/store.db", tmpdir);
	}
	seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	printf("# store %s, seed %u\n", url, seed);
	for (int i = 0; i < ROUNDS; i++)
		TAP_RUN(run_round);
	if (tmpdir[0])
		remove_tmpdir();
	return tap_done();
}
