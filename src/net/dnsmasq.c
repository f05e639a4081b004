/*
 * dnsmasq for host-internal networks: one daemon per bridge, with its pid,
 * lease and log files named after the bridge under the run directory.
 *
 * The argv is a pure function of the network (golden tests). dnsmasq
 * daemonizes itself: the process spawned exits once the daemon is ready
 * (or with an error), so it is waited for like any short program, and the
 * daemon outlives ovcpd as QEMU does; ovcpd finds it again through the pid
 * file, checked against /proc so a recycled pid is never signalled.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "net/net.h"

#define DNSMASQ_START_TIMEOUT_MS 10000
#define DNSMASQ_STOP_TIMEOUT_MS	 3000
#define DHCP_LEASE_TIME		 "1h"

void net_dnsmasq_path(const char *run_dir, const char *bridge, const char *ext, char *out, size_t size)
{
	snprintf(out, size, "%s/%s.%s", run_dir, bridge, ext);
}

int net_dnsmasq_argv(const struct net_dhcp_config *c, struct net_argv *a)
{
	char first[NET_IP_LEN], last[NET_IP_LEN], mask[NET_IP_LEN], gw[NET_IP_LEN], path[4096];
	uint32_t lo, hi;
	int r = 0;

	if (!net_ifname_valid(c->bridge) || c->run_dir == NULL)
		return -1;
	net_subnet_dhcp_range(&c->subnet, &lo, &hi);
	net_ip_format(lo, first);
	net_ip_format(hi, last);
	net_ip_format(net_subnet_netmask(&c->subnet), mask);
	net_ip_format(net_subnet_gateway(&c->subnet), gw);
	r |= net_argv_add(a, "dnsmasq");
	r |= net_argv_add(a, "--conf-file=/dev/null");
	net_dnsmasq_path(c->run_dir, c->bridge, "pid", path, sizeof(path));
	r |= net_argv_add(a, "--pid-file=%s", path);
	net_dnsmasq_path(c->run_dir, c->bridge, "leases", path, sizeof(path));
	r |= net_argv_add(a, "--dhcp-leasefile=%s", path);
	r |= net_argv_add(a, "--interface=%s", c->bridge);
	r |= net_argv_add(a, "--bind-interfaces");
	r |= net_argv_add(a, "--except-interface=lo");
	if (!c->dns)
		r |= net_argv_add(a, "--port=0");
	else
		r |= net_argv_add(a, "--strict-order");
	r |= net_argv_add(a, "--dhcp-range=%s,%s,%s,%s", first, last, mask, DHCP_LEASE_TIME);
	if (c->router)
		r |= net_argv_add(a, "--dhcp-option=option:router,%s", gw);
	else
		r |= net_argv_add(a, "--dhcp-option=option:router"); /* an empty option: no default gateway */
	r |= net_argv_add(a, "--dhcp-authoritative");
	r |= net_argv_add(a, "--dhcp-no-override");
	return r ? -1 : 0;
}

/* A live (not zombie) process. */
static bool proc_alive(int pid)
{
	char path[64], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* Does /proc/PID/cmdline hold dnsmasq with --interface=BRIDGE? */
static bool proc_is_dnsmasq_for(int pid, const char *bridge)
{
	char path[64], want[64];
	size_t len;
	char *cmd;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	cmd = file_read_all(path, &len);
	if (cmd == NULL)
		return false;
	snprintf(want, sizeof(want), "--interface=%s", bridge);
	const char *base = strrchr(cmd, '/');
	if (strcmp(base ? base + 1 : cmd, "dnsmasq") == 0)
		for (size_t i = 0; i < len; i += strlen(cmd + i) + 1)
			if (strcmp(cmd + i, want) == 0)
				found = true;
	free(cmd);
	return found;
}

int net_dnsmasq_pid(const char *run_dir, const char *bridge)
{
	char path[4096];
	char *text;

	net_dnsmasq_path(run_dir, bridge, "pid", path, sizeof(path));
	text = file_read_all(path, NULL);
	if (text == NULL)
		return 0;
	int pid = atoi(text);
	free(text);
	if (pid <= 1 || !proc_alive(pid) || !proc_is_dnsmasq_for(pid, bridge))
		return 0;
	return pid;
}

/* The last line of a log file, for an error message. */
static void log_tail(const char *path, char *out, size_t size)
{
	char *text = file_read_all(path, NULL);

	snprintf(out, size, "no message");
	if (text == NULL)
		return;
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	snprintf(out, size, "%s", nl ? nl + 1 : text);
	free(text);
}

int net_dnsmasq_start(const struct net_dhcp_config *c, struct err *e)
{
	struct net_argv a = {0};
	char pidfile[4096], logfile[4096], tail[512];
	int rc = -1;

	if (net_dnsmasq_pid(c->run_dir, c->bridge) > 0)
		return 0;
	if (dir_make_all(c->run_dir, 0755) < 0) {
		err_internal(e, "mkdir %s: %s", c->run_dir, strerror(errno));
		return -1;
	}
	net_dnsmasq_path(c->run_dir, c->bridge, "pid", pidfile, sizeof(pidfile));
	net_dnsmasq_path(c->run_dir, c->bridge, "log", logfile, sizeof(logfile));
	unlink(pidfile);
	if (net_dnsmasq_argv(c, &a) < 0) {
		err_internal(e, "dnsmasq: cannot build the arguments for %s", c->bridge);
		goto out;
	}
	int status = net_spawn_wait(a.v, logfile, DNSMASQ_START_TIMEOUT_MS, e);
	if (status < 0)
		goto out;
	if (status != 0) {
		log_tail(logfile, tail, sizeof(tail));
		err_internal(e, "dnsmasq for %s exited with %d: %s", c->bridge, status, tail);
		log_warn("%s: dnsmasq for %s exited with %d: %s", __func__, c->bridge, status, tail);
		goto out;
	}
	/* The daemon writes its pid file as it starts; give it a moment. */
	for (int i = 0; i < 200 && net_dnsmasq_pid(c->run_dir, c->bridge) == 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (net_dnsmasq_pid(c->run_dir, c->bridge) == 0) {
		err_internal(e, "dnsmasq for %s started but is not running", c->bridge);
		goto out;
	}
	log_info("dnsmasq serves DHCP on %s (pid %d)", c->bridge, net_dnsmasq_pid(c->run_dir, c->bridge));
	rc = 0;
out:
	net_argv_free(&a);
	return rc;
}

int net_dnsmasq_stop(const char *run_dir, const char *bridge, struct err *e)
{
	char pidfile[4096];
	int pid = net_dnsmasq_pid(run_dir, bridge);

	net_dnsmasq_path(run_dir, bridge, "pid", pidfile, sizeof(pidfile));
	if (pid > 0) {
		kill(pid, SIGTERM);
		int64_t deadline = time_monotonic_ms() + DNSMASQ_STOP_TIMEOUT_MS;
		while (proc_alive(pid) && time_monotonic_ms() < deadline) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (proc_alive(pid)) {
			log_warn("%s: dnsmasq %d for %s ignored SIGTERM; killing it", __func__, pid, bridge);
			kill(pid, SIGKILL);
		}
	}
	if (unlink(pidfile) < 0 && errno != ENOENT) {
		err_internal(e, "unlink %s: %s", pidfile, strerror(errno));
		return -1;
	}
	return 0;
}
