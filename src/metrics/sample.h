/*
 * One sample of the host and of the VMs: raw totals as read, before any
 * rate is computed. The Prometheus page is rendered from these (render.c);
 * the RRDs get them as samples (sample_to_rrd).
 */
#ifndef OVCP_METRICS_SAMPLE_H
#define OVCP_METRICS_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/util.h"
#include "metrics/procfs.h"
#include "metrics/rrd.h"
#include "xapi/record.h"

#define SAMPLE_MAX_VCPUS 64
#define SAMPLE_MAX_DEVICES 16

struct host_sample {
	char uuid[UUID_STR_LEN];
	char name[256];
	struct host_cpu cpu;
	uint64_t memory_total, memory_free;
	double loadavg;
};

struct vm_disk_sample {
	char device[64];
	uint64_t read_bytes, write_bytes;
};

struct vm_nic_sample {
	char ifname[16];
	uint64_t rx_bytes, tx_bytes;
};

struct vm_sample {
	char uuid[UUID_STR_LEN];
	char name[256];
	char ref[REF_LEN];
	char metrics_ref[REF_LEN];
	double cpu_seconds; /* the QEMU process, utime + stime */
	unsigned nvcpus;
	double vcpu_seconds[SAMPLE_MAX_VCPUS];
	uint64_t memory_actual; /* the balloon's size, else the configured maximum */
	uint64_t memory_rss;    /* QEMU's resident memory */
	struct vm_disk_sample disks[SAMPLE_MAX_DEVICES];
	size_t ndisks;
	struct vm_nic_sample nics[SAMPLE_MAX_DEVICES];
	size_t nnics;
};

/* The Prometheus text exposition of a sample set. */
void render_prometheus(const struct host_sample *host, const struct vm_sample *vms, size_t nvms, struct buf *out);

/* The RRD samples of one object; names point into the static/sample storage: names[] must outlive out. */
#define SAMPLE_MAX_DS (4 + SAMPLE_MAX_VCPUS + 2 + 4 * SAMPLE_MAX_DEVICES)
size_t sample_host_to_rrd(const struct host_sample *h, struct rrd_sample *out, char names[][RRD_DS_NAME]);
size_t sample_vm_to_rrd(const struct vm_sample *v, struct rrd_sample *out, char names[][RRD_DS_NAME]);

/* One object of an rrd_updates answer. */
struct rrd_updates_source {
	const char *kind; /* "host" or "vm" */
	const char *uuid;
	const struct rrd *rrd;
};

/*
 * xcp-rrdd's rrd_updates in its JSON form: {"meta": {start, step, end, rows,
 * columns, legend: ["CF:kind:uuid:ds", ...]}, "data": [{"t", "values"}...]},
 * rows newest first, unknown values as null. 0 / -1 (cf has no archive).
 */
int render_rrd_updates(const struct rrd_updates_source *src, size_t n, enum rrd_cf cf, time_t start,
		       unsigned interval, time_t now, struct buf *out);

#endif
