/*
 * libFuzzer target: the metrics sampler's text parsers (src/metrics/procfs.c):
 * /proc/stat, /proc/meminfo, /proc/PID/stat, /proc/PID/status (Tgid),
 * /proc/loadavg and HMP "info network".
 *
 * Input: one text, given to every parser (as the kernel's files are, NUL
 * terminated). Results stay in range: CPU seconds are not negative, counts
 * do not pass their bounds, interface names are NUL-terminated and short.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IFNAMES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct host_cpu cpu;
	uint64_t total = 0, avail = 0, rss = 0;
	double secs = 0;
	char names[MAX_IFNAMES + 1][16];

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	if (procfs_parse_stat(text, 100, &cpu) == 0)
		for (int i = 0; i < CPU_MODES; i++)
			if (!(cpu.seconds[i] >= 0))
				abort();
	(void)procfs_parse_meminfo(text, &total, &avail);
	if (procfs_parse_pid_stat(text, 100, &secs, &rss) == 0 && !(secs >= 0))
		abort();
	pid_t tgid = procfs_parse_tgid(text);
	if (tgid == 0 || tgid < -1)
		abort();
	double load = procfs_parse_loadavg(text);
	(void)load;

	memset(names, 'x', sizeof(names));
	size_t n = procfs_parse_hmp_ifnames(text, names, MAX_IFNAMES);
	if (n > MAX_IFNAMES)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strnlen(names[i], 16) == 0 || strnlen(names[i], 16) >= 16)
			abort();
	for (size_t k = 0; k < 16; k++)
		if (names[MAX_IFNAMES][k] != 'x')
			abort(); /* wrote past max */
	free(text);
	return 0;
}
