/*
 * What the metrics sampler reads from the kernel and from QEMU, parsed by
 * pure functions over the text (tested on fixed inputs), with thin readers.
 *
 * Units: CPU times in seconds (USER_HZ ticks divided by sysconf(_SC_CLK_TCK)),
 * memory in bytes.
 */
#ifndef OVCP_METRICS_PROCFS_H
#define OVCP_METRICS_PROCFS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* /proc/stat's "cpu" line, in the order the kernel prints it. */
enum host_cpu_mode { CPU_USER, CPU_NICE, CPU_SYSTEM, CPU_IDLE, CPU_IOWAIT, CPU_IRQ, CPU_SOFTIRQ, CPU_STEAL, CPU_MODES };
extern const char *const host_cpu_mode_names[CPU_MODES];

struct host_cpu {
	double seconds[CPU_MODES];
	unsigned ncpus; /* "cpuN" lines */
};

/* 0 / -1 (no "cpu " line). ticks_per_s: sysconf(_SC_CLK_TCK). */
int procfs_parse_stat(const char *text, double ticks_per_s, struct host_cpu *out);
/* MemTotal and MemAvailable (MemFree on kernels without it), in bytes. 0 / -1. */
int procfs_parse_meminfo(const char *text, uint64_t *total, uint64_t *available);
/* A /proc/PID/stat or /proc/PID/task/TID/stat line: utime+stime in seconds and RSS in pages. 0 / -1. */
int procfs_parse_pid_stat(const char *text, double ticks_per_s, double *cpu_seconds, uint64_t *rss_pages);
/* "Tgid:" of a /proc/.../status text; -1 if absent. */
pid_t procfs_parse_tgid(const char *text);
/* The first number of /proc/loadavg; NaN-free: -1 on error. */
double procfs_parse_loadavg(const char *text);

/*
 * The tap interfaces in HMP "info network" output ("ifname=tap0" of each
 * type=tap netdev). Writes up to max names (each < 16 bytes). Returns the count.
 */
size_t procfs_parse_hmp_ifnames(const char *text, char names[][16], size_t max);

/* ---- readers ---- */
char *procfs_read(const char *path); /* NULL on error; caller frees */
/* /sys/class/net/IF/statistics/{rx,tx}_bytes. 0 / -1. */
int procfs_net_bytes(const char *ifname, uint64_t *rx, uint64_t *tx);
double procfs_ticks_per_second(void);

#endif
