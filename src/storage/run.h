/*
 * Running the storage engines (qemu-img) as child processes.
 *
 * argv arrays only, no shell. Standard output and error are collected
 * (each bounded); a caller may watch standard output as it arrives (the
 * progress lines of `qemu-img convert -p`) and ask for the child to stop,
 * which is how a cancelled task ends a long copy. A child never outlives
 * storage_run(): on cancel or deadline it gets SIGTERM, then SIGKILL.
 */
#ifndef OVCP_STORAGE_RUN_H
#define OVCP_STORAGE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Called with each chunk of standard output; return true to stop the child. */
typedef bool (*storage_run_watch)(const char *chunk, size_t len, void *arg);

struct storage_run_opts {
	storage_run_watch watch; /* may be NULL */
	void *watch_arg;
	int timeout_ms;          /* 0: none */
};

struct storage_run_result {
	int status;         /* exit status; -1 when killed by a signal */
	bool stopped;       /* the watch asked to stop, or the deadline passed */
	struct buf out;     /* standard output (first 1 MiB) */
	struct buf errout;  /* standard error (first 64 KiB) */
};

/*
 * Run argv[0] (looked up in PATH) with argv. 0 when the child ran (whatever
 * its status: see r->status); -1 with e when it could not be started.
 * r must be freed with storage_run_result_free().
 */
int storage_run(const char *const argv[], const struct storage_run_opts *opts, struct storage_run_result *r,
		struct err *e);
void storage_run_result_free(struct storage_run_result *r);

#endif
