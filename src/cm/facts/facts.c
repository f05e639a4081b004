/* Core facts: see facts.h. One collector per row of the table below. */
#include "cm/facts/facts.h"

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

json_t *cm_facts_human_bytes(double bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
	size_t u = 0;
	char buf[64];

	while (bytes >= 1024 && u < 5) {
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, sizeof(buf), "%.0f bytes", bytes);
	else
		snprintf(buf, sizeof(buf), "%.2f %s", bytes, units[u]);
	return json_string(buf);
}

/* KEY=VALUE from os-release-style files, quotes stripped; NULL when absent. */
static char *os_release_get(const char *key)
{
	FILE *f = fopen("/etc/os-release", "re");
	char line[512], *val = NULL;
	size_t klen = strlen(key);

	if (f == NULL)
		f = fopen("/usr/lib/os-release", "re");
	while (f && val == NULL && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		char *v = line + klen + 1;
		v[strcspn(v, "\n")] = '\0';
		if (*v == '"' || *v == '\'') {
			v++;
			v[strcspn(v, "\"'")] = '\0';
		}
		val = strdup(v);
	}
	if (f)
		fclose(f);
	return val;
}

static json_t *release_object(const char *full)
{
	char major[32] = "", minor[32] = "";
	const char *dot = strchr(full, '.');
	json_t *r;

	snprintf(major, sizeof(major), "%.*s", (int)(dot ? (size_t)(dot - full) : strlen(full)), full);
	if (dot)
		snprintf(minor, sizeof(minor), "%.*s", (int)strcspn(dot + 1, "."), dot + 1);
	r = json_pack("{s:s s:s}", "full", full, "major", major);
	if (*minor)
		json_object_set_new(r, "minor", json_string(minor));
	return r;
}

static const struct {
	const char *machine, *debian;
} arches[] = {{"x86_64", "amd64"}, {"aarch64", "arm64"}, {"i686", "i386"}, {"armv7l", "armhf"},
	      {"ppc64le", "ppc64el"}, {"s390x", "s390x"}, {"riscv64", "riscv64"}};

static void fact_os(json_t *facts)
{
	struct utsname u;
	char *name = os_release_get("NAME"), *id = os_release_get("ID");
	char *codename = os_release_get("VERSION_CODENAME"), *pretty = os_release_get("PRETTY_NAME");
	char *version_id = os_release_get("VERSION_ID");
	char full[64] = "";
	FILE *f = fopen("/etc/debian_version", "re");
	const char *arch;
	bool debian = id && (strcmp(id, "debian") == 0 || strcmp(id, "ubuntu") == 0);
	json_t *os;

	if (f && fgets(full, sizeof(full), f))
		full[strcspn(full, "\n")] = '\0';
	if (f)
		fclose(f);
	if (!debian || full[0] < '0' || full[0] > '9')
		snprintf(full, sizeof(full), "%s", version_id ? version_id : "");
	uname(&u);
	arch = u.machine;
	for (size_t i = 0; debian && i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strcmp(arches[i].machine, u.machine) == 0)
			arch = arches[i].debian;
	/* Facter's os.name is the distribution's name ("Debian"), its family the parent */
	const char *osname = id && strcmp(id, "debian") == 0 ? "Debian" : id && strcmp(id, "ubuntu") == 0 ? "Ubuntu" : name;
	os = json_pack("{s:s s:s s:s s:s s:o s:{s:b}}", "architecture", arch, "family",
		       debian ? "Debian" : (osname ? osname : "Linux"), "hardware", u.machine, "name",
		       osname ? osname : "Linux", "release", release_object(full), "selinux", "enabled", false);
	json_object_set_new(os, "distro",
			    json_pack("{s:s s:s s:s s:o}", "codename", codename ? codename : "", "description",
				      pretty ? pretty : "", "id", osname ? osname : "", "release",
				      release_object(full)));
	json_object_set_new(facts, "os", os);
	free(name);
	free(id);
	free(codename);
	free(pretty);
	free(version_id);
}

static void fact_kernel(json_t *facts)
{
	struct utsname u;
	char ver[65], maj[65];
	size_t n;

	if (uname(&u) < 0)
		return;
	snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(u.release, "-"), u.release);
	n = strcspn(ver, ".");
	n += ver[n] ? 1 + strcspn(ver + n + 1, ".") : 0;
	snprintf(maj, sizeof(maj), "%.*s", (int)n, ver);
	json_object_set_new(facts, "kernel", json_string(u.sysname));
	json_object_set_new(facts, "kernelrelease", json_string(u.release));
	json_object_set_new(facts, "kernelversion", json_string(ver));
	json_object_set_new(facts, "kernelmajversion", json_string(maj));
}

static long long meminfo_kib(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long v = -1;
	size_t klen = strlen(key);

	while (f && v < 0 && fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = atoll(line + klen + 1);
	if (f)
		fclose(f);
	return v;
}

static json_t *memory_object(long long total_kib, long long avail_kib)
{
	double total = (double)total_kib * 1024, avail = (double)avail_kib * 1024, used = total - avail;
	char cap[32];

	snprintf(cap, sizeof(cap), "%.2f%%", total > 0 ? used * 100 / total : 0);
	return json_pack("{s:o s:I s:s s:o s:I s:o s:I}", "available", cm_facts_human_bytes(avail),
			 "available_bytes", (json_int_t)avail, "capacity", cap, "total",
			 cm_facts_human_bytes(total), "total_bytes", (json_int_t)total, "used",
			 cm_facts_human_bytes(used), "used_bytes", (json_int_t)used);
}

static void fact_memory(json_t *facts)
{
	long long total = meminfo_kib("MemTotal"), avail = meminfo_kib("MemAvailable");
	long long swap = meminfo_kib("SwapTotal"), swapfree = meminfo_kib("SwapFree");
	json_t *mem;

	if (total < 0)
		return;
	mem = json_pack("{s:o}", "system", memory_object(total, avail < 0 ? 0 : avail));
	if (swap > 0)
		json_object_set_new(mem, "swap", memory_object(swap, swapfree));
	json_object_set_new(facts, "memory", mem);
}

static void fact_processors(json_t *facts)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];
	json_t *models = json_array(), *phys = json_object();
	struct utsname u;
	long count = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		line[strcspn(line, "\n")] = '\0';
		char *val = colon + 1 + (colon[1] == ' ');
		if (strncmp(line, "processor", 9) == 0)
			count++;
		else if (strncmp(line, "model name", 10) == 0)
			json_array_append_new(models, json_string(val));
		else if (strncmp(line, "physical id", 11) == 0)
			json_object_set_new(phys, val, json_true());
	}
	if (f)
		fclose(f);
	uname(&u);
	json_object_set_new(facts, "processors",
			    json_pack("{s:I s:s s:o s:I}", "count", (json_int_t)(count ? count : sysconf(_SC_NPROCESSORS_ONLN)),
				      "isa", u.machine, "models", models,
				      "physicalcount", (json_int_t)(json_object_size(phys) ? json_object_size(phys) : 1)));
	json_decref(phys);
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "re");
	char buf[4096];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	buf[n] = '\0';
	return n > 0 && strstr(buf, needle) != NULL;
}

/* Facter's virtual: the container or hypervisor this runs in, "physical" when none is seen. */
static void fact_virtual(json_t *facts)
{
	static const struct {
		const char *path, *needle, *virtual;
	} probes[] = {
		{"/.dockerenv", NULL, "docker"},
		{"/proc/1/environ", "container=lxc", "lxc"},
		{"/proc/1/environ", "container=podman", "podman"},
		{"/proc/1/environ", "container=systemd-nspawn", "systemd_nspawn"},
		{"/proc/1/cgroup", "docker", "docker"},
		{"/sys/class/dmi/id/product_name", "KVM", "kvm"},
		{"/sys/class/dmi/id/product_name", "VirtualBox", "virtualbox"},
		{"/sys/class/dmi/id/product_name", "VMware", "vmware"},
		{"/sys/class/dmi/id/sys_vendor", "QEMU", "kvm"},
		{"/sys/class/dmi/id/product_name", "Google Compute Engine", "gce"},
		{"/sys/class/dmi/id/sys_vendor", "Amazon EC2", "kvm"},
		{"/sys/class/dmi/id/sys_vendor", "Microsoft Corporation", "hyperv"},
		{"/proc/cpuinfo", " hypervisor", "kvm"},
	};
	const char *v = "physical";
	struct stat st;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (probes[i].needle ? file_contains(probes[i].path, probes[i].needle) : stat(probes[i].path, &st) == 0) {
			v = probes[i].virtual;
			break;
		}
	json_object_set_new(facts, "virtual", json_string(v));
	json_object_set_new(facts, "is_virtual", json_boolean(strcmp(v, "physical") != 0));
}

static void fact_uptime(json_t *facts)
{
	struct sysinfo si;
	char text[64];
	long up;

	if (sysinfo(&si) < 0)
		return;
	up = si.uptime;
	if (up / 86400 > 1)
		snprintf(text, sizeof(text), "%ld days", up / 86400);
	else if (up / 86400 == 1)
		snprintf(text, sizeof(text), "1 day");
	else
		snprintf(text, sizeof(text), "%ld:%02ld hours", up / 3600, (up % 3600) / 60);
	json_object_set_new(facts, "system_uptime",
			    json_pack("{s:I s:I s:I s:s}", "days", (json_int_t)(up / 86400), "hours",
				      (json_int_t)(up / 3600), "seconds", (json_int_t)up, "uptime", text));
	json_object_set_new(facts, "uptime_seconds", json_integer(up));
	json_object_set_new(facts, "uptime", json_string(text));
	json_object_set_new(facts, "uptime_days", json_integer(up / 86400));
	json_object_set_new(facts, "uptime_hours", json_integer(up / 3600));
}

static void fact_identity(json_t *facts)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct passwd *pw = getpwuid(uid);
	struct group *gr = getgrgid(gid);
	json_t *id = json_pack("{s:I s:I s:b}", "gid", (json_int_t)gid, "uid", (json_int_t)uid, "privileged", uid == 0);

	if (gr)
		json_object_set_new(id, "group", json_string(gr->gr_name));
	if (pw)
		json_object_set_new(id, "user", json_string(pw->pw_name));
	json_object_set_new(facts, "identity", id);
}

static void fact_misc(json_t *facts)
{
	time_t now = time(NULL);
	struct tm tm;
	char tz[32];
	const char *path = getenv("PATH");

	localtime_r(&now, &tm);
	strftime(tz, sizeof(tz), "%Z", &tm);
	json_object_set_new(facts, "timezone", json_string(tz));
	json_object_set_new(facts, "path", json_string(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"));
	json_object_set_new(facts, "facterversion", json_string("4.3.0"));
}

/* Legacy top-level copies that manifests still use ($hostname, $fqdn...). */
static void fact_legacy(json_t *facts)
{
	json_t *net = json_object_get(facts, "networking");
	json_t *os = json_object_get(facts, "os");
	static const char *const from_net[] = {"hostname", "fqdn", "domain", "ipaddress", "macaddress"};
	static const char *const net_keys[] = {"hostname", "fqdn", "domain", "ip", "mac"};

	for (size_t i = 0; i < sizeof(from_net) / sizeof(from_net[0]); i++) {
		json_t *v = json_object_get(net, net_keys[i]);
		if (v)
			json_object_set(facts, from_net[i], v);
	}
	if (os) {
		json_object_set(facts, "osfamily", json_object_get(os, "family"));
		json_object_set(facts, "operatingsystem", json_object_get(os, "name"));
		json_object_set(facts, "operatingsystemrelease",
				json_object_get(json_object_get(os, "release"), "full"));
		json_object_set(facts, "architecture", json_object_get(os, "architecture"));
	}
}

static void (*const collectors[])(json_t *) = {
	fact_os, fact_kernel, cm_facts_networking, fact_memory, fact_processors, fact_virtual,
	fact_uptime, fact_identity, fact_misc, fact_legacy,
};

json_t *cm_facts_collect(void)
{
	json_t *facts = json_object();

	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		collectors[i](facts);
	return facts;
}
