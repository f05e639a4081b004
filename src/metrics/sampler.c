/*
 * The metrics sampler thread and its state (metrics.h says what it does).
 *
 * struct metrics is owned by srv->metrics. Under m->lock: the newest
 * samples (host, vms[]) and the RRDs (host_rrd, objects[]). The thread is
 * the only writer; HTTP readers take the lock to render. Store writes and
 * QMP calls happen with no lock held.
 */
#include "metrics/metrics_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "metrics/vm_query.h"
#include "xapi/db.h"
#include "xapi/server.h"

/* ---- RRD files ---- */

static void rrd_path(const struct metrics *m, const char *uuid, char *out, size_t size)
{
	snprintf(out, size, "%s/%s.json", m->rrd_dir, uuid);
}

static struct rrd *rrd_load(const struct metrics *m, const char *uuid)
{
	char path[4096];
	json_error_t je;

	rrd_path(m, uuid, path, sizeof(path));
	json_t *j = json_load_file(path, 0, &je);
	struct rrd *r = j ? rrd_from_json(j) : NULL;
	if (j && r == NULL)
		log_warn("metrics: %s is not an RRD of this version; starting afresh", path);
	json_decref(j);
	return r ? r : rrd_new();
}

static void rrd_save(const struct metrics *m, const char *uuid, const struct rrd *r)
{
	char path[4096];
	json_t *j = rrd_to_json(r);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	rrd_path(m, uuid, path, sizeof(path));
	if (text == NULL || file_write_atomic(path, text, strlen(text), 0600) < 0)
		log_warn("metrics: cannot save %s: %s", path, strerror(errno));
	free(text);
	json_decref(j);
}

struct metrics_object *metrics_object_find(struct metrics *m, const char *uuid)
{
	for (size_t i = 0; i < m->nobjects; i++)
		if (strcmp(m->objects[i].uuid, uuid) == 0)
			return &m->objects[i];
	return NULL;
}

/* The RRD holder of uuid (loading its file on first sight), or NULL. Under the lock. */
static struct metrics_object *object_get(struct metrics *m, const char *uuid)
{
	struct metrics_object *found = metrics_object_find(m, uuid);

	if (found)
		return found;
	if (m->nobjects == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct metrics_object *o = realloc(m->objects, cap * sizeof(*o));
		if (o == NULL)
			return NULL;
		m->objects = o;
		m->cap = cap;
	}
	struct metrics_object *o = &m->objects[m->nobjects];
	memset(o, 0, sizeof(*o));
	snprintf(o->uuid, sizeof(o->uuid), "%s", uuid);
	o->rrd = rrd_load(m, uuid);
	if (o->rrd == NULL)
		return NULL;
	m->nobjects++;
	return o;
}

/* ---- the host ---- */

static int host_collect(struct metrics *m, struct host_sample *h)
{
	char *stat = procfs_read("/proc/stat"), *mem = procfs_read("/proc/meminfo"),
	     *load = procfs_read("/proc/loadavg");
	int rc = -1;

	snprintf(h->uuid, sizeof(h->uuid), "%s", m->host_uuid);
	if (stat && mem && procfs_parse_stat(stat, m->ticks, &h->cpu) == 0 &&
	    procfs_parse_meminfo(mem, &h->memory_total, &h->memory_free) == 0) {
		h->loadavg = load ? procfs_parse_loadavg(load) : -1;
		rc = 0;
	}
	free(stat);
	free(mem);
	free(load);
	return rc;
}

/* ---- the VMs ---- */

struct vm_list {
	struct metrics *m;
	struct vm_sample *v;
	size_t n, cap;
	uint64_t *memory_max; /* parallel to v */
};

static int vm_list_cb(const char *ref, const char *text, void *arg)
{
	struct vm_list *l = arg;
	json_t *rec = json_loads(text, 0, NULL);
	const char *state = json_string_value(json_object_get(rec, "power_state"));
	const char *host = json_string_value(json_object_get(rec, "resident_on"));

	if (rec && state && strcmp(state, "Running") == 0 && host && strcmp(host, l->m->srv->host_ref) == 0 &&
	    !json_is_true(json_object_get(rec, "is_control_domain"))) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			struct vm_sample *v = realloc(l->v, cap * sizeof(*v));
			uint64_t *mm = v ? realloc(l->memory_max, cap * sizeof(*mm)) : NULL;
			if (v)
				l->v = v;
			if (mm == NULL) {
				json_decref(rec);
				return 0;
			}
			l->memory_max = mm;
			l->cap = cap;
		}
		struct vm_sample *v = &l->v[l->n];
		memset(v, 0, sizeof(*v));
		snprintf(v->ref, sizeof(v->ref), "%s", ref);
		snprintf(v->uuid, sizeof(v->uuid), "%s", json_string_value(json_object_get(rec, "uuid")) ?: "");
		snprintf(v->name, sizeof(v->name), "%s", json_string_value(json_object_get(rec, "name_label")) ?: "");
		snprintf(v->metrics_ref, sizeof(v->metrics_ref), "%s",
			 json_string_value(json_object_get(rec, "metrics")) ?: REF_NULL);
		l->memory_max[l->n] = (uint64_t)json_integer_value(json_object_get(rec, "memory_dynamic_max"));
		l->n++;
	}
	json_decref(rec);
	return 0;
}

/* A name fit for a data source: [A-Za-z0-9_-], at most 31 characters. */
static void ds_safe(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < size && n < 31; in++)
		out[n++] = (isalnum((unsigned char)*in) || *in == '-') ? *in : '_';
	out[n] = '\0';
}

static void vm_collect_cpu(struct metrics *m, struct vm_sample *v)
{
	struct err e = { 0 };
	json_t *cpus = NULL;
	pid_t pid = -1;
	char path[128];

	if (metrics_vm_qmp(m->srv, v->ref, "query-cpus-fast", NULL, &cpus, &e) < 0) {
		err_clear(&e);
		return;
	}
	for (size_t i = 0; i < json_array_size(cpus) && v->nvcpus < SAMPLE_MAX_VCPUS; i++) {
		json_t *c = json_array_get(cpus, i);
		json_int_t tid = json_integer_value(json_object_get(c, "thread-id"));
		if (tid <= 0)
			continue;
		if (pid < 0) {
			snprintf(path, sizeof(path), "/proc/%lld/status", (long long)tid);
			char *st = procfs_read(path);
			pid = st ? procfs_parse_tgid(st) : -1;
			free(st);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%lld/stat", (int)pid, (long long)tid);
		char *text = procfs_read(path);
		double secs = NAN;
		uint64_t rss;
		if (text && procfs_parse_pid_stat(text, m->ticks, &secs, &rss) == 0)
			v->vcpu_seconds[v->nvcpus] = secs;
		v->nvcpus++;
		free(text);
	}
	json_decref(cpus);
	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		char *text = procfs_read(path);
		uint64_t pages = 0;
		if (text && procfs_parse_pid_stat(text, m->ticks, &v->cpu_seconds, &pages) == 0)
			v->memory_rss = pages * (uint64_t)sysconf(_SC_PAGESIZE);
		free(text);
	}
}

static void vm_collect_disks(struct metrics *m, struct vm_sample *v)
{
	struct err e = { 0 };
	json_t *stats = NULL;

	if (metrics_vm_qmp(m->srv, v->ref, "query-blockstats", NULL, &stats, &e) < 0) {
		err_clear(&e);
		return;
	}
	for (size_t i = 0; i < json_array_size(stats) && v->ndisks < SAMPLE_MAX_DEVICES; i++) {
		json_t *b = json_array_get(stats, i);
		json_t *s = json_object_get(b, "stats");
		const char *name = json_string_value(json_object_get(b, "device"));
		if (name == NULL || *name == '\0')
			name = json_string_value(json_object_get(b, "node-name"));
		if (name == NULL || *name == '\0' || s == NULL)
			continue;
		struct vm_disk_sample *d = &v->disks[v->ndisks++];
		ds_safe(d->device, sizeof(d->device), name);
		d->read_bytes = (uint64_t)json_integer_value(json_object_get(s, "rd_bytes"));
		d->write_bytes = (uint64_t)json_integer_value(json_object_get(s, "wr_bytes"));
	}
	json_decref(stats);
}

static void vm_collect_net(struct metrics *m, struct vm_sample *v)
{
	struct err e = { 0 };
	json_t *out = NULL;
	char names[SAMPLE_MAX_DEVICES][16];

	if (metrics_vm_qmp(m->srv, v->ref, "human-monitor-command", json_pack("{s:s}", "command-line", "info network"),
			   &out, &e) < 0) {
		err_clear(&e);
		return;
	}
	size_t n = json_is_string(out) ? procfs_parse_hmp_ifnames(json_string_value(out), names, SAMPLE_MAX_DEVICES)
				       : 0;
	for (size_t i = 0; i < n; i++) {
		struct vm_nic_sample *nic = &v->nics[v->nnics];
		if (procfs_net_bytes(names[i], &nic->rx_bytes, &nic->tx_bytes) == 0) {
			snprintf(nic->ifname, sizeof(nic->ifname), "%s", names[i]);
			v->nnics++;
		}
	}
	json_decref(out);
}

static void vm_collect_memory(struct metrics *m, struct vm_sample *v, uint64_t memory_max)
{
	struct err e = { 0 };
	json_t *b = NULL;

	v->memory_actual = memory_max;
	if (metrics_vm_qmp(m->srv, v->ref, "query-balloon", NULL, &b, &e) == 0 &&
	    json_integer_value(json_object_get(b, "actual")) > 0)
		v->memory_actual = (uint64_t)json_integer_value(json_object_get(b, "actual"));
	err_clear(&e);
	json_decref(b);
}

/* ---- records ---- */

struct vm_metrics_update {
	uint64_t memory;
	unsigned vcpus;
	char now[20];
};

static int vm_metrics_mutate(json_t *rec, void *arg, struct err *e)
{
	struct vm_metrics_update *u = arg;

	json_object_set_new(rec, "memory_actual", json_integer((json_int_t)u->memory));
	if (u->vcpus)
		json_object_set_new(rec, "VCPUs_number", json_integer(u->vcpus));
	json_object_set_new(rec, "last_updated", json_string(u->now));
	return 0;
}

static int host_metrics_mutate(json_t *rec, void *arg, struct err *e)
{
	struct vm_metrics_update *u = arg;

	json_object_set_new(rec, "memory_total", json_integer((json_int_t)u->memory));
	json_object_set_new(rec, "live", json_true());
	json_object_set_new(rec, "last_updated", json_string(u->now));
	return 0;
}

/* Write when something changed, or every METRICS_RECORD_REFRESH_S for last_updated. */
static void record_refresh(struct metrics *m, const char *cls_name, const char *ref, db_mutator fn,
			   struct vm_metrics_update *u, struct metrics_object *o, time_t now)
{
	const struct model_class *cls = model_class_find(cls_name);
	struct err e = { 0 };

	if (o == NULL || ref_is_null(ref) || !ref_is_wellformed(ref))
		return;
	if (o->written_memory == u->memory && o->written_vcpus == u->vcpus &&
	    now - o->written_at < METRICS_RECORD_REFRESH_S)
		return;
	if (!db_exists(m->srv->store, cls, ref))
		return;
	xdatetime_format(now, u->now);
	if (db_update(m->srv->store, cls, ref, fn, u, &e) == 0) {
		o->written_memory = u->memory;
		o->written_vcpus = u->vcpus;
		o->written_at = now;
	}
	err_clear(&e);
}

/* ---- one tick ---- */

void metrics_tick(struct metrics *m, time_t now)
{
	struct host_sample host = { 0 };
	struct vm_list l = { m, NULL, 0, 0, NULL };
	struct err e = { 0 };
	bool have_host = host_collect(m, &host) == 0;

	if (db_list(m->srv->store, model_class_find("VM"), vm_list_cb, &l, &e) < 0)
		err_clear(&e);
	for (size_t i = 0; i < l.n; i++) {
		vm_collect_cpu(m, &l.v[i]);
		vm_collect_memory(m, &l.v[i], l.memory_max[i]);
		vm_collect_disks(m, &l.v[i]);
		vm_collect_net(m, &l.v[i]);
	}
	free(l.memory_max);

	struct rrd_sample samples[SAMPLE_MAX_DS];
	char (*names)[RRD_DS_NAME] = calloc(SAMPLE_MAX_DS, RRD_DS_NAME);
	if (names == NULL) {
		free(l.v);
		return;
	}
	pthread_mutex_lock(&m->lock);
	if (have_host) {
		m->host = host;
		m->have_host = true;
		struct metrics_object *o = object_get(m, host.uuid);
		if (o)
			rrd_update(o->rrd, now, samples, sample_host_to_rrd(&host, samples, names));
	}
	for (size_t i = 0; i < l.n; i++) {
		struct metrics_object *o = object_get(m, l.v[i].uuid);
		if (o) {
			o->is_vm = true;
			o->seen = now;
			rrd_update(o->rrd, now, samples, sample_vm_to_rrd(&l.v[i], samples, names));
		}
	}
	free(m->vms);
	m->vms = l.v;
	m->nvms = l.n;
	/* VMs no longer running here: their RRD goes to disk and out of memory */
	for (size_t i = 0; i < m->nobjects;) {
		struct metrics_object *o = &m->objects[i];
		if (o->is_vm && o->seen != now) {
			rrd_save(m, o->uuid, o->rrd);
			rrd_free(o->rrd);
			m->objects[i] = m->objects[--m->nobjects];
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&m->lock);
	free(names);

	/* Records, with no lock held (the holders' written_* fields are this thread's only). */
	if (have_host) {
		struct vm_metrics_update u = { host.memory_total, 0, "" };
		record_refresh(m, "host_metrics", m->host_metrics_ref, host_metrics_mutate, &u,
			       metrics_object_find(m, host.uuid), now);
	}
	for (size_t i = 0; i < m->nvms; i++) {
		struct vm_sample *v = &m->vms[i];
		struct vm_metrics_update u = { v->memory_actual, v->nvcpus, "" };
		record_refresh(m, "VM_metrics", v->metrics_ref, vm_metrics_mutate, &u, metrics_object_find(m, v->uuid), now);
	}
}
