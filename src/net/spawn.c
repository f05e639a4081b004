/*
 * Running the network driver's helper programs (dnsmasq, nft) through
 * common/proc.c: argv arrays, no shell, a deadline, the child always reaped.
 * They live in the sbin directories, which ovcpd's PATH may lack, so they
 * are looked up in a fixed list.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/proc.h"
#include "net/net.h"

#define NET_SEARCH_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

const char *net_program_path(const char *name)
{
	static __thread char path[512];

	return proc_find_program(name, NET_SEARCH_PATH, path, sizeof(path)) == 0 ? path : NULL;
}

int net_spawn_wait(char *const argv[], const char *log_path, int timeout_ms, struct err *e)
{
	struct proc_opts o = {.err = PROC_IO_STDOUT, .search_path = NET_SEARCH_PATH, .timeout_ms = timeout_ms,
			      .out_fd = -1};
	struct proc_result r;
	int rc = -1;

	if (net_program_path(argv[0]) == NULL) {
		err_internal(e, "%s: not found (is its package installed?)", argv[0]);
		return -1;
	}
	if (log_path) {
		o.out = PROC_IO_FD;
		o.out_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (o.out_fd < 0) {
			err_internal(e, "%s: open %s: %s", argv[0], log_path, strerror(errno));
			return -1;
		}
	}
	if (proc_run(argv, &o, &r, e) < 0)
		goto out;
	if (r.timed_out) {
		err_internal(e, "%s: did not finish within %d ms", argv[0], timeout_ms);
		log_warn("%s: %s did not finish within %d ms", __func__, argv[0], timeout_ms);
	} else if (!WIFEXITED(r.status)) {
		err_internal(e, "%s: killed by signal %d", argv[0], WTERMSIG(r.status));
	} else {
		rc = WEXITSTATUS(r.status);
	}
	proc_result_free(&r);
out:
	if (o.out_fd >= 0)
		close(o.out_fd);
	return rc;
}
