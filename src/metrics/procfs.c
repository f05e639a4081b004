/*
 * Parsers and readers for the metrics sampler (see procfs.h).
 */
#include "metrics/procfs.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

const char *const host_cpu_mode_names[CPU_MODES] = { "user", "nice", "system", "idle",
						      "iowait", "irq", "softirq", "steal" };

int procfs_parse_stat(const char *text, double ticks_per_s, struct host_cpu *out)
{
	const char *line = text;
	bool found = false;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		if (strncmp(line, "cpu ", 4) == 0) {
			unsigned long long v[CPU_MODES] = { 0 };
			int n = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
				       &v[4], &v[5], &v[6], &v[7]);
			if (n < 4)
				return -1;
			for (int i = 0; i < CPU_MODES; i++)
				out->seconds[i] = (double)v[i] / ticks_per_s;
			found = true;
		} else if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9') {
			out->ncpus++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return found ? 0 : -1;
}

static bool meminfo_field(const char *text, const char *key, uint64_t *bytes)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long kib;
		if (strncmp(line, key, klen) == 0 && line[klen] == ':' &&
		    sscanf(line + klen + 1, " %llu", &kib) == 1) {
			*bytes = (uint64_t)kib * 1024;
			return true;
		}
	}
	return false;
}

int procfs_parse_meminfo(const char *text, uint64_t *total, uint64_t *available)
{
	if (!meminfo_field(text, "MemTotal", total))
		return -1;
	if (!meminfo_field(text, "MemAvailable", available) && !meminfo_field(text, "MemFree", available))
		return -1;
	return 0;
}

int procfs_parse_pid_stat(const char *text, double ticks_per_s, double *cpu_seconds, uint64_t *rss_pages)
{
	/* "pid (comm) state ppid ..." where comm may hold spaces and parentheses: fields count after the last ')'. */
	const char *p = strrchr(text, ')');
	unsigned long long utime, stime;
	long long rss;

	if (p == NULL)
		return -1;
	/* after ')': field 3 (state) ... utime is field 14, stime 15, rss 24 */
	if (sscanf(p + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %*u %*u %lld",
		   &utime, &stime, &rss) != 3)
		return -1;
	*cpu_seconds = (double)(utime + stime) / ticks_per_s;
	*rss_pages = rss > 0 ? (uint64_t)rss : 0;
	return 0;
}

pid_t procfs_parse_tgid(const char *text)
{
	const char *p = strstr(text, "\nTgid:");
	long v;

	if (p == NULL || sscanf(p + 6, " %ld", &v) != 1 || v <= 0 || v > INT_MAX) /* pid_t is an int */
		return -1;
	return (pid_t)v;
}

double procfs_parse_loadavg(const char *text)
{
	double v;

	return sscanf(text, "%lf", &v) == 1 ? v : -1;
}

size_t procfs_parse_hmp_ifnames(const char *text, char names[][16], size_t max)
{
	size_t n = 0;

	for (const char *line = text; line && *line && n < max;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), line);
		if (strstr(buf, "type=tap") == NULL)
			continue;
		const char *f = strstr(buf, "ifname=");
		if (f == NULL)
			continue;
		f += 7;
		size_t k = strcspn(f, ", \r");
		if (k == 0 || k >= 16)
			continue;
		memcpy(names[n], f, k);
		names[n][k] = '\0';
		n++;
	}
	return n;
}

char *procfs_read(const char *path)
{
	return file_read_all(path, NULL);
}

static int read_u64(const char *path, uint64_t *v)
{
	char *t = procfs_read(path);
	unsigned long long x;
	int rc = -1;

	if (t && sscanf(t, "%llu", &x) == 1) {
		*v = x;
		rc = 0;
	}
	free(t);
	return rc;
}

int procfs_net_bytes(const char *ifname, uint64_t *rx, uint64_t *tx)
{
	char path[256];

	if (strchr(ifname, '/') || strcmp(ifname, "..") == 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_bytes", ifname);
	if (read_u64(path, rx) < 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_bytes", ifname);
	return read_u64(path, tx);
}

double procfs_ticks_per_second(void)
{
	long t = sysconf(_SC_CLK_TCK);
	return t > 0 ? (double)t : 100.0;
}
