/*
 * The metrics module's shared state (see metrics.h, sampler.c).
 *
 * Locking: lock guards host/have_host, vms/nvms and objects (the RRDs). The
 * sampler thread is their only writer; it may read them without the lock,
 * and alone touches the written_* fields.
 */
#ifndef OVCP_METRICS_INTERNAL_H
#define OVCP_METRICS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "metrics/metrics.h"
#include "metrics/rrd.h"
#include "metrics/sample.h"

struct metrics_object {
	char uuid[UUID_STR_LEN];
	struct rrd *rrd;
	bool is_vm;
	time_t seen; /* the tick that last saw the VM running */
	/* what the record holds, as last written */
	uint64_t written_memory;
	unsigned written_vcpus;
	time_t written_at;
};

struct metrics {
	struct xapi_server *srv;
	char rrd_dir[2048];
	char host_uuid[UUID_STR_LEN];
	char host_metrics_ref[REF_LEN];
	bool public_read;
	double ticks; /* USER_HZ */

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;

	struct host_sample host;
	bool have_host;
	struct vm_sample *vms;
	size_t nvms;
	struct metrics_object *objects;
	size_t nobjects, cap;
};

/* sampler.c */
void metrics_tick(struct metrics *m, time_t now);
struct metrics_object *metrics_object_find(struct metrics *m, const char *uuid);

#endif
