/*
 * The metrics parsers (src/metrics/procfs.c) on fixed kernel and QEMU
 * texts, the Prometheus page and the rrd_updates JSON (src/metrics/render.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/procfs.h"
#include "metrics/sample.h"
#include "tap.h"

static void test_proc_stat(void)
{
	const char *text = "cpu  1000 20 300 50000 40 5 6 7 0 0\n"
			   "cpu0 500 10 150 25000 20 2 3 3 0 0\n"
			   "cpu1 500 10 150 25000 20 3 3 4 0 0\n"
			   "intr 12345\nctxt 999\n";
	struct host_cpu c;

	CHECK(procfs_parse_stat(text, 100, &c) == 0);
	CHECK(c.ncpus == 2);
	CHECK(c.seconds[CPU_USER] == 10.0 && c.seconds[CPU_IDLE] == 500.0 && c.seconds[CPU_STEAL] == 0.07);
	CHECK(procfs_parse_stat("intr 1\n", 100, &c) < 0);
}

static void test_meminfo_and_loadavg(void)
{
	uint64_t total, avail;

	CHECK(procfs_parse_meminfo("MemTotal:        8000000 kB\nMemFree:  100 kB\nMemAvailable:    4000000 kB\n",
				   &total, &avail) == 0);
	CHECK(total == 8000000ULL * 1024 && avail == 4000000ULL * 1024);
	CHECK(procfs_parse_meminfo("MemTotal: 10 kB\nMemFree: 5 kB\n", &total, &avail) == 0);
	CHECK(avail == 5 * 1024);
	CHECK(procfs_parse_meminfo("nothing\n", &total, &avail) < 0);
	CHECK(procfs_parse_loadavg("0.52 0.40 0.30 1/123 4567\n") == 0.52);
}

static void test_pid_stat(void)
{
	/* a comm with a space and a parenthesis, as a QEMU thread name can have */
	const char *text = "4242 (CPU 0/KVM) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 3 0 100 "
			   "1048576000 5000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
	double secs;
	uint64_t rss;

	CHECK(procfs_parse_pid_stat(text, 100, &secs, &rss) == 0);
	CHECK(secs == 3.0);
	CHECK(rss == 5000);
	CHECK(procfs_parse_tgid("Name:\tqemu\nUmask:\t0022\nState:\tS\nTgid:\t4242\nNgid:\t0\n") == 4242);
	CHECK(procfs_parse_tgid("Name:\tx\n") == -1);
}

static void test_hmp_ifnames(void)
{
	const char *text = "virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\r\n"
			   " \\ net0: index=0,type=tap,ifname=ovcp1a2b3c,script=no,downscript=no\r\n"
			   "e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:57\r\n"
			   " \\ user0: index=0,type=user,net=10.0.2.0,restrict=off\r\n"
			   " \\ net1: index=0,type=tap,ifname=tap7\r\n";
	char names[4][16];

	CHECK(procfs_parse_hmp_ifnames(text, names, 4) == 2);
	CHECK_STR(names[0], "ovcp1a2b3c");
	CHECK_STR(names[1], "tap7");
	CHECK(procfs_parse_hmp_ifnames(text, names, 1) == 1);
}

static struct vm_sample a_vm(void)
{
	struct vm_sample v = { 0 };

	strcpy(v.uuid, "11111111-2222-3333-4444-555555555555");
	strcpy(v.name, "web \"1\"\\x");
	v.cpu_seconds = 12.5;
	v.nvcpus = 2;
	v.vcpu_seconds[0] = 4;
	v.vcpu_seconds[1] = 5;
	v.memory_actual = 268435456;
	v.memory_rss = 100000000;
	v.ndisks = 1;
	strcpy(v.disks[0].device, "xvda");
	v.disks[0].read_bytes = 1000;
	v.disks[0].write_bytes = 2000;
	v.nnics = 1;
	strcpy(v.nics[0].ifname, "tap0");
	v.nics[0].rx_bytes = 30;
	v.nics[0].tx_bytes = 40;
	return v;
}

static void test_prometheus(void)
{
	struct host_sample h = { 0 };
	struct vm_sample v = a_vm();
	struct buf b = BUF_INIT;

	strcpy(h.uuid, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
	h.cpu.seconds[CPU_USER] = 10;
	h.cpu.ncpus = 2;
	h.memory_total = 8 << 20;
	h.memory_free = 4 << 20;
	render_prometheus(&h, &v, 1, &b);
	const char *t = buf_cstr(&b);
	CHECK(strstr(t, "# TYPE ovcp_vm_cpu_seconds_total counter\n") != NULL);
	CHECK(strstr(t, "ovcp_vm_cpu_seconds_total{vm=\"11111111-2222-3333-4444-555555555555\",name=\"web \\\"1\\\"\\\\x\"} 12.50\n") != NULL);
	CHECK(strstr(t, ",kind=\"actual\"} 268435456\n") != NULL);
	CHECK(strstr(t, "ovcp_vm_disk_read_bytes_total{") && strstr(t, ",device=\"xvda\"} 1000\n"));
	CHECK(strstr(t, ",device=\"xvda\"} 2000\n") != NULL);
	CHECK(strstr(t, ",interface=\"tap0\"} 30\n") && strstr(t, ",interface=\"tap0\"} 40\n"));
	CHECK(strstr(t, "ovcp_host_cpu_seconds_total{host=\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",mode=\"user\"} 10.00\n"));
	CHECK(strstr(t, "ovcp_host_memory_bytes{host=\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",kind=\"free\"} 4194304\n"));
	/* every line is a comment or NAME{labels} VALUE */
	bool shaped = true;
	for (const char *line = t; *line; line = strchr(line, '\n') + 1) {
		if (*line != '#')
			shaped &= strncmp(line, "ovcp_", 5) == 0 && strstr(line, "} ") != NULL;
		if (strchr(line, '\n') == NULL)
			break;
	}
	CHECK(shaped);
	buf_free(&b);
}

static void test_rrd_updates_json(void)
{
	struct vm_sample v = a_vm();
	struct rrd *r = rrd_new();
	struct rrd_sample s[SAMPLE_MAX_DS];
	char names[SAMPLE_MAX_DS][RRD_DS_NAME];
	time_t t = 1700000000 - 1700000000 % 3600;

	for (int i = 0; i < 10; i++) {
		v.vcpu_seconds[0] += 2.5; /* half a CPU */
		v.disks[0].read_bytes += 5000;
		size_t n = sample_vm_to_rrd(&v, s, names);
		CHECK(n == 2 + 2 + 2 + 2);
		rrd_update(r, t + 5 * i, s, n);
	}
	struct rrd_updates_source src = { "vm", v.uuid, r };
	struct buf b = BUF_INIT;
	CHECK(render_rrd_updates(&src, 1, RRD_AVERAGE, t + 10, 5, t + 45, &b) == 0);
	json_error_t je;
	json_t *j = json_loads(buf_cstr(&b), 0, &je);
	CHECK(j != NULL);
	json_t *meta = json_object_get(j, "meta"), *data = json_object_get(j, "data");
	CHECK(json_integer_value(json_object_get(meta, "step")) == 5);
	CHECK(json_integer_value(json_object_get(meta, "end")) == t + 45);
	CHECK(json_integer_value(json_object_get(meta, "rows")) == 7); /* t+15 .. t+45 */
	CHECK(json_array_size(data) == 7);
	json_t *legend = json_object_get(meta, "legend");
	CHECK(json_integer_value(json_object_get(meta, "columns")) == (json_int_t)json_array_size(legend));
	CHECK_STR(json_string_value(json_array_get(legend, 0)), "AVERAGE:vm:11111111-2222-3333-4444-555555555555:cpu0");
	json_t *newest = json_array_get(data, 0);
	CHECK(json_integer_value(json_object_get(newest, "t")) == t + 45);
	CHECK(json_real_value(json_array_get(json_object_get(newest, "values"), 0)) == 0.5);
	size_t vbd = 0;
	for (size_t i = 0; i < json_array_size(legend); i++)
		if (strstr(json_string_value(json_array_get(legend, i)), ":vbd_xvda_read"))
			vbd = i;
	CHECK(vbd > 0 && json_number_value(json_array_get(json_object_get(newest, "values"), vbd)) == 1000.0);
	json_decref(j);
	buf_free(&b);
	rrd_free(r);
}

int main(void)
{
	TAP_RUN(test_proc_stat);
	TAP_RUN(test_meminfo_and_loadavg);
	TAP_RUN(test_pid_stat);
	TAP_RUN(test_hmp_ifnames);
	TAP_RUN(test_prometheus);
	TAP_RUN(test_rrd_updates_json);
	return tap_done();
}
