/* Child processes for the storage driver: see run.h. The spawning is common/proc.c's. */
#include "storage/run.h"

#include <string.h>
#include <sys/wait.h>

#include "common/proc.h"

#define OUT_MAX (1024 * 1024)
#define ERR_MAX (64 * 1024)
#define KILL_GRACE_MS 2000

int storage_run(const char *const argv[], const struct storage_run_opts *opts, struct storage_run_result *r,
		struct err *e)
{
	struct proc_opts o = {.out = PROC_IO_PIPE, .err = PROC_IO_PIPE, .out_max = OUT_MAX, .err_max = ERR_MAX,
			      .term_ms = KILL_GRACE_MS};
	struct proc_result pr;

	memset(r, 0, sizeof(*r));
	if (opts) {
		o.watch = opts->watch;
		o.watch_arg = opts->watch_arg;
		o.timeout_ms = opts->timeout_ms;
	}
	if (proc_run((char *const *)argv, &o, &pr, e) < 0)
		return -1;
	r->stopped = pr.stopped || pr.timed_out;
	r->status = !r->stopped && WIFEXITED(pr.status) ? WEXITSTATUS(pr.status) : -1;
	r->out = pr.out;
	r->errout = pr.errout;
	return 0;
}

void storage_run_result_free(struct storage_run_result *r)
{
	if (r == NULL)
		return;
	buf_free(&r->out);
	buf_free(&r->errout);
}
