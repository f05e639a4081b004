/*
 * The metrics module's lifecycle: start (state, first sample, thread),
 * the thread's clock, and stop (join, persist, free). See metrics.h.
 */
#include "metrics/metrics_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "metrics/procfs.h"
#include "xapi/db.h"
#include "xapi/server.h"

static void *sampler_main(void *arg)
{
	struct metrics *m = arg;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		/* wake on the next step boundary of the wall clock, as xcp-rrdd does */
		time_t now = time(NULL);
		struct timespec until = { now - now % RRD_STEP + RRD_STEP, 0 };
		int rc = 0;
		while (!m->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&m->cond, &m->lock, &until);
		if (m->stop)
			break;
		pthread_mutex_unlock(&m->lock);
		metrics_tick(m, time(NULL));
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void metrics_sample_now(struct xapi_server *srv)
{
	if (srv->metrics)
		metrics_tick(srv->metrics, time(NULL));
}

static int host_identity(struct metrics *m, struct err *e)
{
	json_t *host = db_get(m->srv->store, model_class_find("host"), m->srv->host_ref, e);

	if (host == NULL)
		return -1;
	snprintf(m->host_uuid, sizeof(m->host_uuid), "%s", json_string_value(json_object_get(host, "uuid")) ?: "");
	snprintf(m->host_metrics_ref, sizeof(m->host_metrics_ref), "%s",
		 json_string_value(json_object_get(host, "metrics")) ?: REF_NULL);
	json_decref(host);
	return 0;
}

int metrics_start(struct xapi_server *srv, const struct metrics_options *o, struct err *e)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	m->srv = srv;
	m->public_read = o->public_read;
	m->ticks = procfs_ticks_per_second();
	snprintf(m->rrd_dir, sizeof(m->rrd_dir), "%s/rrd", o->state_dir ? o->state_dir : ".");
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	if (dir_make_all(m->rrd_dir, 0700) < 0) {
		err_internal(e, "metrics: %s: %s", m->rrd_dir, strerror(errno));
		goto fail;
	}
	if (host_identity(m, e) < 0)
		goto fail;
	srv->metrics = m;
	metrics_tick(m, time(NULL));
	if (pthread_create(&m->thread, NULL, sampler_main, m) != 0) {
		err_internal(e, "metrics: cannot start the sampler thread");
		srv->metrics = NULL;
		goto fail;
	}
	m->thread_started = true;
	log_info("metrics: sampling every %d s; archives in %s%s", RRD_STEP, m->rrd_dir,
		 m->public_read ? "; /metrics is public" : "");
	return 0;
fail:
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	for (size_t i = 0; i < m->nobjects; i++)
		rrd_free(m->objects[i].rrd);
	free(m->objects);
	free(m->vms);
	free(m);
	return -1;
}

void metrics_stop(struct xapi_server *srv)
{
	struct metrics *m = srv->metrics;

	if (m == NULL)
		return;
	if (m->thread_started) {
		pthread_mutex_lock(&m->lock);
		m->stop = true;
		pthread_cond_broadcast(&m->cond);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->thread, NULL);
	}
	srv->metrics = NULL;
	for (size_t i = 0; i < m->nobjects; i++) {
		char path[4200];
		json_t *j = rrd_to_json(m->objects[i].rrd);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		snprintf(path, sizeof(path), "%s/%s.json", m->rrd_dir, m->objects[i].uuid);
		if (text == NULL || file_write_atomic(path, text, strlen(text), 0600) < 0)
			log_warn("metrics: cannot save %s", path);
		free(text);
		json_decref(j);
		rrd_free(m->objects[i].rrd);
	}
	free(m->objects);
	free(m->vms);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m);
}
