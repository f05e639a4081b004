/*
 * The run lock: statedir/agent_catalog_run.lock holds the pid of the run
 * that owns it, as Puppet's agent lock does, so a stock agent sharing the
 * statedir sees it too (and a live pid written by a stock agent is
 * respected). Ownership itself is an flock(2) held on the open
 * file for the whole run: the kernel drops it when the owner dies, so a
 * stale lock file left by a killed run is simply taken over (its pid
 * rewritten), and two runs can never both hold it.
 *
 * Invariant: the lock is held only on the inode the path names; a run that
 * locked a file another run unlinked meanwhile retries on the new one.
 */
#include "cm/agent/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

static int lock_fd = -1;

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void lock_refused(int fd, struct err *e)
{
	char pid[32] = "";
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	pid[n > 0 ? n : 0] = '\0';
	pid[strcspn(pid, "\r\n")] = '\0';
	err_set(e, "AGENT_LOCKED", pid[0] ? pid : "unknown", NULL);
}

/* The file names a live process other than this one. */
static bool owner_alive(int fd)
{
	char text[32] = "";
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;

	text[n > 0 ? n : 0] = '\0';
	pid = strtol(text, NULL, 10);
	return pid > 0 && pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int cm_agent_lock_take(const char *path, struct err *e)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

	if (slash && slash != dir) {
		*slash = '\0';
		dir_make_all(dir, 0750);
	}
	free(dir);
	for (int attempt = 0; attempt < 5; attempt++) {
		char pid[32];
		int n, fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				lock_refused(fd, e);
			close(fd);
			if (err_isset(e))
				return -1;
			break;
		}
		if (!same_file(fd, path)) { /* its owner removed it while we waited */
			close(fd);
			continue;
		}
		if (owner_alive(fd)) { /* a lock written by Puppet's own agent, which does not flock */
			lock_refused(fd, e);
			close(fd);
			return -1;
		}
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
			close(fd);
			break;
		}
		lock_fd = fd;
		return 0;
	}
	err_setf(e, "AGENT_LOCK", "Could not create the run lock %s: %s", path, strerror(errno));
	return -1;
}

void cm_agent_lock_release(const char *path)
{
	if (lock_fd < 0)
		return;
	unlink(path);
	close(lock_fd);
	lock_fd = -1;
}
