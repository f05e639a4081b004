/*
 * Pure renderings of samples and RRDs: the Prometheus text exposition
 * format (version 0.0.4) and xcp-rrdd's rrd_updates JSON; and the mapping
 * from a sample to RRD data sources, with xcp-rrdd's names (cpuN as a
 * fraction of one CPU, memory in bytes, vbd_DEV_read/write and
 * vif_DEV_rx/tx in bytes per second, host memory in KiB).
 */
#include "metrics/sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A label value with \, " and newline escaped. */
static void put_label(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(out, '\\');
		if (*s == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		buf_putc(out, *s);
	}
}

static void vm_labels(struct buf *out, const struct vm_sample *v)
{
	buf_puts(out, "vm=\"");
	put_label(out, v->uuid);
	buf_puts(out, "\",name=\"");
	put_label(out, v->name);
	buf_putc(out, '"');
}

static void family(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_host(const struct host_sample *h, struct buf *out)
{
	family(out, "ovcp_host_cpu_seconds_total", "counter", "Seconds the host's CPUs spent in each mode.");
	for (int m = 0; m < CPU_MODES; m++)
		buf_printf(out, "ovcp_host_cpu_seconds_total{host=\"%s\",mode=\"%s\"} %.2f\n", h->uuid,
			   host_cpu_mode_names[m], h->cpu.seconds[m]);
	family(out, "ovcp_host_cpus", "gauge", "Logical CPUs of the host.");
	buf_printf(out, "ovcp_host_cpus{host=\"%s\"} %u\n", h->uuid, h->cpu.ncpus);
	family(out, "ovcp_host_memory_bytes", "gauge", "Host memory: total, and free (available to new work).");
	buf_printf(out, "ovcp_host_memory_bytes{host=\"%s\",kind=\"total\"} %llu\n", h->uuid,
		   (unsigned long long)h->memory_total);
	buf_printf(out, "ovcp_host_memory_bytes{host=\"%s\",kind=\"free\"} %llu\n", h->uuid,
		   (unsigned long long)h->memory_free);
	family(out, "ovcp_host_load1", "gauge", "The host's one-minute load average.");
	buf_printf(out, "ovcp_host_load1{host=\"%s\"} %.2f\n", h->uuid, h->loadavg);
}

void render_prometheus(const struct host_sample *host, const struct vm_sample *vms, size_t nvms, struct buf *out)
{
	if (host)
		render_host(host, out);
	family(out, "ovcp_vm_cpu_seconds_total", "counter", "CPU seconds used by the VM's QEMU process.");
	for (size_t i = 0; i < nvms; i++) {
		buf_puts(out, "ovcp_vm_cpu_seconds_total{");
		vm_labels(out, &vms[i]);
		buf_printf(out, "} %.2f\n", vms[i].cpu_seconds);
	}
	family(out, "ovcp_vm_vcpu_seconds_total", "counter", "CPU seconds used by each virtual CPU.");
	for (size_t i = 0; i < nvms; i++)
		for (unsigned c = 0; c < vms[i].nvcpus; c++) {
			buf_puts(out, "ovcp_vm_vcpu_seconds_total{");
			vm_labels(out, &vms[i]);
			buf_printf(out, ",vcpu=\"%u\"} %.2f\n", c, vms[i].vcpu_seconds[c]);
		}
	family(out, "ovcp_vm_memory_bytes", "gauge", "VM memory: actual (the guest's), rss (QEMU's resident set).");
	for (size_t i = 0; i < nvms; i++) {
		buf_puts(out, "ovcp_vm_memory_bytes{");
		vm_labels(out, &vms[i]);
		buf_printf(out, ",kind=\"actual\"} %llu\n", (unsigned long long)vms[i].memory_actual);
		buf_puts(out, "ovcp_vm_memory_bytes{");
		vm_labels(out, &vms[i]);
		buf_printf(out, ",kind=\"rss\"} %llu\n", (unsigned long long)vms[i].memory_rss);
	}
	static const struct {
		const char *name, *help;
		int disk; /* 1: disks, 0: nics */
		int which;
	} counters[] = {
		{ "ovcp_vm_disk_read_bytes_total", "Bytes the VM read from each disk.", 1, 0 },
		{ "ovcp_vm_disk_write_bytes_total", "Bytes the VM wrote to each disk.", 1, 1 },
		{ "ovcp_vm_network_rx_bytes_total", "Bytes the VM received on each interface.", 0, 0 },
		{ "ovcp_vm_network_tx_bytes_total", "Bytes the VM sent on each interface.", 0, 1 },
	};
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		family(out, counters[k].name, "counter", counters[k].help);
		for (size_t i = 0; i < nvms; i++) {
			const struct vm_sample *v = &vms[i];
			size_t n = counters[k].disk ? v->ndisks : v->nnics;
			for (size_t d = 0; d < n; d++) {
				buf_printf(out, "%s{", counters[k].name);
				vm_labels(out, v);
				if (counters[k].disk) {
					buf_puts(out, ",device=\"");
					put_label(out, v->disks[d].device);
					buf_printf(out, "\"} %llu\n",
						   (unsigned long long)(counters[k].which ? v->disks[d].write_bytes
											  : v->disks[d].read_bytes));
				} else {
					buf_puts(out, ",interface=\"");
					put_label(out, v->nics[d].ifname);
					buf_printf(out, "\"} %llu\n",
						   (unsigned long long)(counters[k].which ? v->nics[d].tx_bytes
											  : v->nics[d].rx_bytes));
				}
			}
		}
	}
}

/* ---- RRD data sources ---- */

static size_t add(struct rrd_sample *out, char names[][RRD_DS_NAME], size_t n, enum rrd_ds_type type, double v,
		  const char *fmt, const char *arg)
{
	snprintf(names[n], RRD_DS_NAME, fmt, arg);
	out[n] = (struct rrd_sample){ names[n], type, v };
	return n + 1;
}

size_t sample_host_to_rrd(const struct host_sample *h, struct rrd_sample *out, char names[][RRD_DS_NAME])
{
	size_t n = 0;
	double busy = 0;

	for (int m = 0; m < CPU_MODES; m++)
		if (m != CPU_IDLE && m != CPU_IOWAIT)
			busy += h->cpu.seconds[m];
	/* a counter of busy seconds per CPU: its rate is the average utilisation, 0..1 */
	n = add(out, names, n, RRD_COUNTER, busy / (h->cpu.ncpus ? h->cpu.ncpus : 1), "%scpu_avg", "");
	n = add(out, names, n, RRD_GAUGE, (double)(h->memory_total / 1024), "%smemory_total_kib", "");
	n = add(out, names, n, RRD_GAUGE, (double)(h->memory_free / 1024), "%smemory_free_kib", "");
	n = add(out, names, n, RRD_GAUGE, h->loadavg, "%sloadavg", "");
	return n;
}

size_t sample_vm_to_rrd(const struct vm_sample *v, struct rrd_sample *out, char names[][RRD_DS_NAME])
{
	size_t n = 0;
	char idx[16];

	for (unsigned c = 0; c < v->nvcpus && c < SAMPLE_MAX_VCPUS; c++) {
		snprintf(idx, sizeof(idx), "%u", c);
		n = add(out, names, n, RRD_COUNTER, v->vcpu_seconds[c], "cpu%s", idx);
	}
	n = add(out, names, n, RRD_GAUGE, (double)v->memory_actual, "%smemory", "");
	n = add(out, names, n, RRD_GAUGE, (double)v->memory_rss, "%smemory_rss", "");
	for (size_t d = 0; d < v->ndisks; d++) {
		n = add(out, names, n, RRD_COUNTER, (double)v->disks[d].read_bytes, "vbd_%s_read", v->disks[d].device);
		n = add(out, names, n, RRD_COUNTER, (double)v->disks[d].write_bytes, "vbd_%s_write", v->disks[d].device);
	}
	for (size_t d = 0; d < v->nnics; d++) {
		n = add(out, names, n, RRD_COUNTER, (double)v->nics[d].rx_bytes, "vif_%s_rx", v->nics[d].ifname);
		n = add(out, names, n, RRD_COUNTER, (double)v->nics[d].tx_bytes, "vif_%s_tx", v->nics[d].ifname);
	}
	return n;
}

/* ---- rrd_updates ---- */

static void put_json_string(struct buf *out, const char *s)
{
	json_t *j = json_string(s);
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	buf_puts(out, text ? text : "\"\"");
	free(text);
	json_decref(j);
}

int render_rrd_updates(const struct rrd_updates_source *src, size_t n, enum rrd_cf cf, time_t start,
		       unsigned interval, time_t now, struct buf *out)
{
	int a = rrd_archive_pick(cf, start, interval ? interval : RRD_STEP, now);
	time_t end = 0;
	size_t columns = 0, rows = 0;

	if (a < 0)
		return -1;
	time_t step = (time_t)rrd_archive_interval(a);
	for (size_t i = 0; i < n; i++) {
		time_t t = rrd_last_row_time(src[i].rrd, a);
		if (t > end)
			end = t;
		columns += src[i].rrd->nds;
	}
	time_t oldest = end - (time_t)(rrd_archive_defs[a].rows - 1) * step;
	for (time_t t = end; end > 0 && t > start && t >= oldest; t -= step)
		rows++;
	buf_printf(out, "{\"meta\":{\"start\":%lld,\"step\":%lld,\"end\":%lld,\"rows\":%zu,\"columns\":%zu,\"legend\":[",
		   (long long)start, (long long)step, (long long)end, rows, columns);
	bool comma = false;
	for (size_t i = 0; i < n; i++)
		for (size_t d = 0; d < src[i].rrd->nds; d++) {
			char legend[256];
			snprintf(legend, sizeof(legend), "%s:%s:%s:%s", rrd_cf_name(cf), src[i].kind, src[i].uuid,
				 src[i].rrd->ds[d].name);
			if (comma)
				buf_putc(out, ',');
			put_json_string(out, legend);
			comma = true;
		}
	buf_puts(out, "]},\"data\":[");
	for (size_t r = 0; r < rows; r++) {
		time_t t = end - (time_t)r * step;
		buf_printf(out, "%s{\"t\":%lld,\"values\":[", r ? "," : "", (long long)t);
		comma = false;
		for (size_t i = 0; i < n; i++)
			for (size_t d = 0; d < src[i].rrd->nds; d++) {
				double v = rrd_value_at(&src[i].rrd->ds[d], a, t);
				if (comma)
					buf_putc(out, ',');
				if (isnan(v) || isinf(v))
					buf_puts(out, "null");
				else
					buf_printf(out, "%.15g", v);
				comma = true;
			}
		buf_puts(out, "]}");
	}
	buf_puts(out, "]}\n");
	return 0;
}
