/*
 * QEMU command line of a VM from its XenAPI records (see qemu_argv.h).
 *
 * Invariants: qemu_argv_build() reads nothing but its input, so the same
 * records always give the same argv (golden tests rely on it); devices come
 * in a fixed order (disks by userdevice, NICs by device); every QEMU option
 * value taken from a record goes through opt_escape() (QemuOpts doubles
 * commas) or through jansson for -blockdev JSON, so a name or path cannot
 * inject options. Names derived for QEMU objects:
 *   VBD userdevice N: file node "vbdN-file", format node "vbdN-format", device "vbdN"
 *   VIF device N:     netdev "netvifN", device "vifN", tap qemu_tap_name()
 *   empty PCIe root ports "hotplugK" (K < QEMU_HOTPLUG_PORTS): q35's root
 *   bus takes no hotplug, so VBD.plug/VIF.plug put their device on a free one
 * qemu_boot_resolve(), the one function here that touches the filesystem,
 * lives in qemu_boot.c.
 */
#include "hv/qemu_argv.h"

#include "common/buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#define DEFAULT_QEMU_BINARY "qemu-system-x86_64"
#define DEFAULT_BOOT_ORDER  "cd"
#define MIB		    (1024LL * 1024LL)
#define MAX_DEVICE_NUMBER   99 /* keeps tap names within 15 characters */
#define AHCI_PORTS	    6  /* q35's ich9-ahci: buses ide.0 .. ide.5 */

/* ---- argv vector ---------------------------------------------------- */

static void argv_add(struct qemu_argv *a, const char *s)
{
	if (a->argc + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->argv, cap * sizeof(*v));

		if (v == NULL)
			abort();
		a->argv = v;
		a->cap = cap;
	}
	a->argv[a->argc] = strdup(s);
	if (a->argv[a->argc] == NULL)
		abort();
	a->argc++;
	a->argv[a->argc] = NULL;
}

static void argv_add_buf(struct qemu_argv *a, struct buf *b)
{
	argv_add(a, buf_cstr(b));
	buf_reset(b);
}

static void argv_add2(struct qemu_argv *a, const char *opt, const char *value)
{
	argv_add(a, opt);
	argv_add(a, value);
}

void qemu_argv_free(struct qemu_argv *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = a->cap = 0;
}

/* A QemuOpts value: a comma is written twice. */
static void opt_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ',')
			buf_putc(b, ',');
		buf_putc(b, *s);
	}
}

/* ---- record fields ---------------------------------------------------- */

static const char *rec_str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* An int field: a JSON integer, or a string of digits (XenAPI's wire form). */
static int rec_int(const json_t *rec, const char *key, long long *v)
{
	json_t *j = json_object_get(rec, key);
	const char *s;
	char *end;

	if (json_is_integer(j)) {
		*v = json_integer_value(j);
		return 0;
	}
	s = json_string_value(j);
	if (s == NULL || *s == '\0')
		return -1;
	*v = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* A field's value as text for an error: a string as it is, a number in decimal. */
static const char *rec_text(const json_t *rec, const char *key, char buf[32])
{
	json_t *j = json_object_get(rec, key);

	if (json_is_integer(j)) {
		snprintf(buf, 32, "%lld", (long long)json_integer_value(j));
		return buf;
	}
	return rec_str(rec, key);
}

static bool rec_bool(const json_t *rec, const char *key)
{
	json_t *j = json_object_get(rec, key);

	if (json_is_boolean(j))
		return json_is_true(j);
	return strcmp(rec_str(rec, key), "true") == 0;
}

static const char *map_str(const json_t *rec, const char *map, const char *key)
{
	return rec_str(json_object_get(rec, map), key);
}

static int invalid(struct err *e, const char *field, const char *value)
{
	err_set(e, "INVALID_VALUE", field, value, NULL);
	return -1;
}

static int invalid_int(struct err *e, const char *field, long long value)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", value);
	return invalid(e, field, s);
}

/* A small non-negative decimal number (userdevice, VIF device). */
static int parse_device_number(const char *s, int *out)
{
	int n = 0;

	if (*s == '\0' || strlen(s) > 2)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (*s - '0');
	}
	*out = n;
	return 0;
}

/* "true"/"1"/"on" -> 1, "false"/"0"/"off" -> 0, else -1. */
static int parse_flag(const char *s)
{
	static const char *const on[] = {"true", "1", "on"}, *const off[] = {"false", "0", "off"};

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (strcmp(s, on[i]) == 0)
			return 1;
		if (strcmp(s, off[i]) == 0)
			return 0;
	}
	return -1;
}

/* ---- builder state ---------------------------------------------------- */

struct build {
	const struct qemu_vm *in;
	struct qemu_argv *out;
	struct buf b;
	struct err *e;
	const char *uuid;
	bool kernel_boot;
	char order[4];	    /* boot order letters, "" for a kernel boot */
	int next_bootindex; /* next bootindex to hand out */
	int disk_boot[64];  /* bootindex per disk (by input index); -1: none */
	int nic_boot[64];
	size_t disk_sorted[64], nic_sorted[64];
};

static void add_sock_path(struct build *s, const char *name)
{
	buf_puts(&s->b, "path=");
	opt_escape(&s->b, s->in->host.run_dir);
	buf_putc(&s->b, '/');
	opt_escape(&s->b, name);
}

static void add_run_file(struct build *s, const char *opt, const char *name)
{
	argv_add(s->out, opt);
	buf_printf(&s->b, "%s/%s", s->in->host.run_dir, name);
	argv_add_buf(s->out, &s->b);
}

/* ---- sections --------------------------------------------------------- */

static int check_host(struct build *s)
{
	const struct qemu_host *h = &s->in->host;

	if (h->accel == NULL || (strcmp(h->accel, "kvm") != 0 && strcmp(h->accel, "tcg") != 0))
		return invalid(s->e, "accel", h->accel ? h->accel : "");
	if (h->run_dir == NULL || h->run_dir[0] != '/')
		return invalid(s->e, "run_dir", h->run_dir ? h->run_dir : "");
	/* The longest socket path must fit in sun_path with its NUL. */
	if (strlen(h->run_dir) + 1 + strlen(QEMU_RUN_SERIAL) + 1 > sizeof(((struct sockaddr_un *)0)->sun_path))
		return invalid(s->e, "run_dir", h->run_dir);
	if (s->in->n_disks > 64 || s->in->n_nics > 64)
		return invalid(s->e, "devices", "more than 64");
	return 0;
}

static void add_identity(struct build *s)
{
	argv_add(s->out, s->in->host.qemu_binary ? s->in->host.qemu_binary : DEFAULT_QEMU_BINARY);
	buf_puts(&s->b, "guest=");
	opt_escape(&s->b, rec_str(s->in->vm, "name_label"));
	buf_puts(&s->b, ",debug-threads=on");
	argv_add(s->out, "-name");
	argv_add_buf(s->out, &s->b);
	argv_add2(s->out, "-uuid", s->uuid);
}

/* platform keys that switch a q35 machine property on or off */
static const struct machine_flag {
	const char *platform_key;
	const char *property;
} machine_flags[] = {
    {"acpi", "acpi"},
    {"hpet", "hpet"},
    {"smm", "smm"},
    {"vmport", "vmport"},
};

static int add_machine(struct build *s)
{
	const json_t *vm = s->in->vm;

	buf_printf(&s->b, "q35,accel=%s", s->in->host.accel);
	for (size_t i = 0; i < sizeof(machine_flags) / sizeof(machine_flags[0]); i++) {
		const char *v = map_str(vm, "platform", machine_flags[i].platform_key);
		int on;

		if (*v == '\0')
			continue;
		if ((on = parse_flag(v)) < 0) {
			buf_reset(&s->b);
			return invalid(s->e, machine_flags[i].platform_key, v);
		}
		buf_printf(&s->b, ",%s=%s", machine_flags[i].property, on ? "on" : "off");
	}
	argv_add(s->out, "-machine");
	argv_add_buf(s->out, &s->b);
	/* KVM passes the host CPU through; TCG emulates all it can. */
	argv_add2(s->out, "-cpu", strcmp(s->in->host.accel, "kvm") == 0 ? "host" : "max");
	return 0;
}

static int add_cpus_memory(struct build *s)
{
	const json_t *vm = s->in->vm;
	long long max, start, mem, cores = 0;
	const char *cps = map_str(vm, "platform", "cores-per-socket");
	char text[32];

	if (rec_int(vm, "VCPUs_max", &max) < 0 || max < 1 || max > 288)
		return invalid(s->e, "VCPUs_max", rec_text(vm, "VCPUs_max", text));
	if (rec_int(vm, "VCPUs_at_startup", &start) < 0)
		start = max;
	if (start < 1 || start > max)
		return invalid_int(s->e, "VCPUs_at_startup", start);
	buf_printf(&s->b, "cpus=%lld,maxcpus=%lld", start, max);
	if (*cps != '\0') {
		if (rec_int(json_object_get(vm, "platform"), "cores-per-socket", &cores) < 0 || cores < 1 ||
		    max % cores != 0) {
			buf_reset(&s->b);
			return invalid(s->e, "cores-per-socket", cps);
		}
		buf_printf(&s->b, ",sockets=%lld,cores=%lld,threads=1", max / cores, cores);
	}
	argv_add(s->out, "-smp");
	argv_add_buf(s->out, &s->b);

	if (rec_int(vm, "memory_static_max", &mem) < 0 || mem < 16 * MIB)
		return invalid(s->e, "memory_static_max", rec_text(vm, "memory_static_max", text));
	buf_printf(&s->b, "%lldM", (mem + MIB - 1) / MIB);
	argv_add(s->out, "-m");
	argv_add_buf(s->out, &s->b);
	return 0;
}

static void add_confinement(struct build *s)
{
	argv_add(s->out, "-nodefaults");
	argv_add(s->out, "-no-user-config");
	argv_add2(s->out, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	argv_add2(s->out, "-msg", "timestamp=on");
	argv_add2(s->out, "-display", "none");
	add_run_file(s, "-pidfile", QEMU_RUN_PIDFILE);
}

static void add_control_channels(struct build *s)
{
	/* QMP */
	buf_puts(&s->b, "socket,id=qmp,");
	if (s->in->host.qmp_fd > 0)
		buf_printf(&s->b, "fd=%d", s->in->host.qmp_fd);
	else
		add_sock_path(s, QEMU_RUN_QMP);
	buf_puts(&s->b, ",server=on,wait=off");
	argv_add(s->out, "-chardev");
	argv_add_buf(s->out, &s->b);
	argv_add2(s->out, "-mon", "chardev=qmp,mode=control");

	/* serial console ttyS0, with its history in a log file */
	buf_puts(&s->b, "socket,id=serial0,");
	add_sock_path(s, QEMU_RUN_SERIAL);
	buf_puts(&s->b, ",server=on,wait=off,logfile=");
	opt_escape(&s->b, s->in->host.run_dir);
	buf_puts(&s->b, "/" QEMU_RUN_SERIAL_LOG ",logappend=on");
	argv_add(s->out, "-chardev");
	argv_add_buf(s->out, &s->b);
	argv_add2(s->out, "-device", "isa-serial,chardev=serial0,id=serial0");

	/* VNC on a unix socket; the console proxy connects to it */
	buf_puts(&s->b, "unix:");
	opt_escape(&s->b, s->in->host.run_dir);
	buf_puts(&s->b, "/" QEMU_RUN_VNC);
	argv_add(s->out, "-vnc");
	argv_add_buf(s->out, &s->b);

	/* guest agent */
	buf_puts(&s->b, "socket,id=qga0,");
	add_sock_path(s, QEMU_RUN_QGA);
	buf_puts(&s->b, ",server=on,wait=off");
	argv_add(s->out, "-chardev");
	argv_add_buf(s->out, &s->b);
	argv_add2(s->out, "-device", "virtio-serial-pci,id=virtio-serial0");
	argv_add2(s->out, "-device",
		  "virtserialport,bus=virtio-serial0.0,chardev=qga0,name=" QEMU_QGA_PORT_NAME ",id=qga0");
}

/* platform "vga" values */
static const struct vga_model {
	const char *name;
	const char *device; /* NULL: no display device */
	bool has_vgamem;
} vga_models[] = {
    {"std", "VGA", true},
    {"cirrus", "cirrus-vga", true},
    {"virtio", "virtio-vga", false},
    {"none", NULL, false},
};

static int add_display_usb(struct build *s)
{
	const json_t *vm = s->in->vm;
	const char *vga = map_str(vm, "platform", "vga");
	const char *usb = map_str(vm, "platform", "usb");
	const struct vga_model *model = NULL;
	long long videoram = 0;

	if (*vga == '\0')
		vga = "std";
	for (size_t i = 0; i < sizeof(vga_models) / sizeof(vga_models[0]); i++)
		if (strcmp(vga_models[i].name, vga) == 0)
			model = &vga_models[i];
	if (model == NULL)
		return invalid(s->e, "vga", vga);
	if (*map_str(vm, "platform", "videoram") != '\0' &&
	    (rec_int(json_object_get(vm, "platform"), "videoram", &videoram) < 0 || videoram < 1 || videoram > 256))
		return invalid(s->e, "videoram", map_str(vm, "platform", "videoram"));
	if (model->device != NULL) {
		buf_printf(&s->b, "%s,id=video0", model->device);
		if (model->has_vgamem && videoram > 0)
			buf_printf(&s->b, ",vgamem_mb=%lld", videoram);
		argv_add(s->out, "-device");
		argv_add_buf(s->out, &s->b);
	}
	if (*usb != '\0') {
		int on = parse_flag(usb);

		if (on < 0)
			return invalid(s->e, "usb", usb);
		if (on) {
			/* a tablet gives VNC absolute pointer coordinates */
			argv_add2(s->out, "-device", "qemu-xhci,id=usb0");
			argv_add2(s->out, "-device", "usb-tablet,bus=usb0.0,id=tablet0");
		}
	}
	return 0;
}

/* ---- disks ------------------------------------------------------------ */

static bool disk_is_cd(const struct qemu_disk *d)
{
	return strcmp(rec_str(d->vbd, "type"), "CD") == 0;
}

static bool disk_is_empty(const struct qemu_disk *d)
{
	return rec_bool(d->vbd, "empty") || d->path == NULL;
}

static int disk_number(const struct qemu_disk *d)
{
	int n = -1;

	parse_device_number(rec_str(d->vbd, "userdevice"), &n);
	return n;
}

static int check_disks(struct build *s)
{
	const struct qemu_vm *in = s->in;
	size_t cds = 0;

	for (size_t i = 0; i < in->n_disks; i++) {
		const struct qemu_disk *d = &in->disks[i];
		const char *type = rec_str(d->vbd, "type");
		int n;

		if (parse_device_number(rec_str(d->vbd, "userdevice"), &n) < 0)
			return invalid(s->e, "userdevice", rec_str(d->vbd, "userdevice"));
		for (size_t j = 0; j < i; j++)
			if (disk_number(&in->disks[j]) == n)
				return invalid(s->e, "userdevice", rec_str(d->vbd, "userdevice"));
		if (strcmp(type, "Disk") != 0 && strcmp(type, "CD") != 0)
			return invalid(s->e, "type", type);
		if (disk_is_cd(d) && ++cds > AHCI_PORTS)
			return invalid(s->e, "type", "CD (more than 6)");
		if (!disk_is_cd(d) && disk_is_empty(d))
			return invalid(s->e, "empty", "true");
		if (!disk_is_empty(d) &&
		    (d->format == NULL || (strcmp(d->format, "qcow2") != 0 && strcmp(d->format, "raw") != 0)))
			return invalid(s->e, "format", d->format ? d->format : "");
	}
	return 0;
}

static void sort_by_number(size_t *idx, size_t n, int (*number)(const void *base, size_t i), const void *base)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of devices */
		for (size_t j = i; j > 0 && number(base, idx[j - 1]) > number(base, idx[j]); j--) {
			size_t t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
}

static int disk_number_at(const void *base, size_t i)
{
	return disk_number(&((const struct qemu_disk *)base)[i]);
}

static bool disk_read_only(const struct qemu_disk *d)
{
	return disk_is_cd(d) || strcmp(rec_str(d->vbd, "mode"), "RO") == 0 || rec_bool(d->vdi, "read_only");
}

static void add_blockdev(struct build *s, json_t *node)
{
	char *text = json_dumps(node, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (text == NULL)
		abort();
	argv_add2(s->out, "-blockdev", text);
	free(text);
	json_decref(node);
}

static void add_disk_nodes(struct build *s, const struct qemu_disk *d, int n)
{
	bool ro = disk_read_only(d);
	char name[32];
	json_t *file, *format;

	snprintf(name, sizeof(name), "vbd%d-file", n);
	file = json_pack("{s:s, s:s, s:s, s:b}", "driver", "file", "filename", d->path, "node-name", name, "read-only",
			 ro);
	if (!ro)
		json_object_set_new(file, "discard", json_string("unmap"));
	add_blockdev(s, file);
	snprintf(name, sizeof(name), "vbd%d-format", n);
	format = json_pack("{s:s, s:s, s:o, s:b}", "driver", d->format, "node-name", name, "file",
			   json_sprintf("vbd%d-file", n), "read-only", ro);
	if (!ro)
		json_object_set_new(format, "discard", json_string("unmap"));
	add_blockdev(s, format);
}

static void add_disk(struct build *s, size_t i, int *cd_port)
{
	const struct qemu_disk *d = &s->in->disks[i];
	int n = disk_number(d);

	if (!disk_is_empty(d))
		add_disk_nodes(s, d, n);
	if (disk_is_cd(d))
		buf_printf(&s->b, "ide-cd,bus=ide.%d,id=vbd%d", (*cd_port)++, n);
	else
		buf_printf(&s->b, "virtio-blk-pci,id=vbd%d", n);
	if (!disk_is_empty(d))
		buf_printf(&s->b, ",drive=vbd%d-format", n);
	if (!disk_is_cd(d) && rec_bool(d->vdi, "sharable"))
		buf_puts(&s->b, ",share-rw=on");
	if (s->disk_boot[i] >= 0)
		buf_printf(&s->b, ",bootindex=%d", s->disk_boot[i]);
	argv_add(s->out, "-device");
	argv_add_buf(s->out, &s->b);
}

static void add_disks(struct build *s)
{
	int cd_port = 0;

	for (size_t k = 0; k < s->in->n_disks; k++)
		add_disk(s, s->disk_sorted[k], &cd_port);
}

/* ---- NICs ------------------------------------------------------------- */

static int nic_number(const struct qemu_nic *n)
{
	int v = -1;

	parse_device_number(rec_str(n->vif, "device"), &v);
	return v;
}

static int nic_number_at(const void *base, size_t i)
{
	return nic_number(&((const struct qemu_nic *)base)[i]);
}

static bool mac_is_valid(const char *mac)
{
	if (strlen(mac) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? mac[i] != ':' : !isxdigit((unsigned char)mac[i]))
			return false;
	}
	/* a unicast address: the group bit of the first octet is clear */
	return (strtol((char[]){mac[0], mac[1], '\0'}, NULL, 16) & 1) == 0;
}

static int check_nics(struct build *s)
{
	for (size_t i = 0; i < s->in->n_nics; i++) {
		const struct qemu_nic *n = &s->in->nics[i];
		long long mtu;
		char text[32];
		int num;

		if (parse_device_number(rec_str(n->vif, "device"), &num) < 0)
			return invalid(s->e, "device", rec_str(n->vif, "device"));
		for (size_t j = 0; j < i; j++)
			if (nic_number(&s->in->nics[j]) == num)
				return invalid(s->e, "device", rec_str(n->vif, "device"));
		if (!mac_is_valid(rec_str(n->vif, "MAC")))
			return invalid(s->e, "MAC", rec_str(n->vif, "MAC"));
		if (json_object_get(n->vif, "MTU") != NULL &&
		    (rec_int(n->vif, "MTU", &mtu) < 0 || mtu < 68 || mtu > 65535))
			return invalid(s->e, "MTU", rec_text(n->vif, "MTU", text));
	}
	return 0;
}

static void add_nic(struct build *s, size_t i)
{
	const struct qemu_nic *n = &s->in->nics[i];
	int num = nic_number(n);
	char tap[QEMU_TAP_NAME_MAX];
	long long mtu = 0;

	if (n->tap != NULL)
		snprintf(tap, sizeof(tap), "%s", n->tap);
	else
		qemu_tap_name(s->uuid, rec_str(n->vif, "device"), tap);
	buf_printf(&s->b, "tap,id=netvif%d,ifname=%s,script=no,downscript=no", num, tap);
	argv_add(s->out, "-netdev");
	argv_add_buf(s->out, &s->b);
	buf_printf(&s->b, "virtio-net-pci,id=vif%d,netdev=netvif%d,mac=%s", num, num, rec_str(n->vif, "MAC"));
	if (rec_int(n->vif, "MTU", &mtu) == 0 && mtu != 1500)
		buf_printf(&s->b, ",host_mtu=%lld", mtu);
	if (s->nic_boot[i] >= 0)
		buf_printf(&s->b, ",bootindex=%d", s->nic_boot[i]);
	else
		buf_puts(&s->b, ",romfile="); /* no network boot: skip the iPXE ROM */
	argv_add(s->out, "-device");
	argv_add_buf(s->out, &s->b);
}

static void add_nics(struct build *s)
{
	for (size_t k = 0; k < s->in->n_nics; k++)
		add_nic(s, s->nic_sorted[k]);
}

/* After every cold-plugged device, so their PCI addresses do not move. */
static void add_hotplug_ports(struct build *s)
{
	for (int k = 0; k < QEMU_HOTPLUG_PORTS; k++) {
		buf_printf(&s->b, "pcie-root-port,id=" QEMU_HOTPLUG_PORT_PREFIX "%d,chassis=%d", k, k + 1);
		argv_add(s->out, "-device");
		argv_add_buf(s->out, &s->b);
	}
}

/* ---- boot ------------------------------------------------------------- */

static int check_boot_order(struct build *s)
{
	const char *order = map_str(s->in->vm, "HVM_boot_params", "order");

	if (*order == '\0')
		order = DEFAULT_BOOT_ORDER;
	if (strlen(order) >= sizeof(s->order))
		return invalid(s->e, "HVM_boot_params:order", order);
	for (const char *p = order; *p; p++)
		if (strchr("cdn", *p) == NULL || strchr(p + 1, *p) != NULL)
			return invalid(s->e, "HVM_boot_params:order", order);
	strcpy(s->order, order);
	return 0;
}

/* bootindex: the classes in boot order; within a class, bootable disks first, then by number. */
static void assign_bootindexes(struct build *s)
{
	const struct qemu_vm *in = s->in;

	for (size_t i = 0; i < 64; i++)
		s->disk_boot[i] = s->nic_boot[i] = -1;
	for (const char *p = s->order; *p; p++) {
		if (*p == 'n') {
			for (size_t k = 0; k < in->n_nics; k++)
				s->nic_boot[s->nic_sorted[k]] = s->next_bootindex++;
			continue;
		}
		for (int pass = 0; pass < 2; pass++)
			for (size_t k = 0; k < in->n_disks; k++) {
				size_t i = s->disk_sorted[k];
				const struct qemu_disk *d = &in->disks[i];

				if (disk_is_cd(d) != (*p == 'd') || rec_bool(d->vbd, "bootable") != (pass == 0))
					continue;
				s->disk_boot[i] = s->next_bootindex++;
			}
	}
}

static int add_boot(struct build *s)
{
	const json_t *vm = s->in->vm;
	const struct qemu_boot *boot = s->in->boot;

	if (!s->kernel_boot) {
		buf_printf(&s->b, "order=%s", s->order);
		argv_add(s->out, "-boot");
		argv_add_buf(s->out, &s->b);
		return 0;
	}
	if (boot == NULL || boot->kernel == NULL) {
		err_set(s->e, "BOOTLOADER_FAILED", s->uuid, "PV_kernel was not resolved in the kernel directory", NULL);
		return -1;
	}
	if (*rec_str(vm, "PV_ramdisk") != '\0' && boot->ramdisk == NULL) {
		err_set(s->e, "BOOTLOADER_FAILED", s->uuid, "PV_ramdisk was not resolved in the kernel directory",
			NULL);
		return -1;
	}
	argv_add2(s->out, "-kernel", boot->kernel);
	if (boot->ramdisk != NULL)
		argv_add2(s->out, "-initrd", boot->ramdisk);
	if (*rec_str(vm, "PV_args") != '\0')
		argv_add2(s->out, "-append", rec_str(vm, "PV_args"));
	return 0;
}

/* actions_after_reboot "destroy": the guest's reboot ends QEMU like a shutdown. */
static void add_actions(struct build *s)
{
	if (strcmp(rec_str(s->in->vm, "actions_after_reboot"), "destroy") == 0)
		argv_add2(s->out, "-action", "reboot=shutdown");
}

/* ---- entry points ----------------------------------------------------- */

static int build_all(struct build *s)
{
	const struct qemu_vm *in = s->in;

	if (check_host(s) < 0 || check_disks(s) < 0 || check_nics(s) < 0)
		return -1;
	if (!s->kernel_boot && check_boot_order(s) < 0)
		return -1;
	sort_by_number(s->disk_sorted, in->n_disks, disk_number_at, in->disks);
	sort_by_number(s->nic_sorted, in->n_nics, nic_number_at, in->nics);
	assign_bootindexes(s);

	add_identity(s);
	if (add_machine(s) < 0 || add_cpus_memory(s) < 0)
		return -1;
	add_confinement(s);
	add_control_channels(s);
	if (add_display_usb(s) < 0)
		return -1;
	add_disks(s);
	add_nics(s);
	add_hotplug_ports(s);
	if (add_boot(s) < 0)
		return -1;
	add_actions(s);
	if (in->host.start_stopped)
		argv_add(s->out, "-S");
	if (in->host.incoming_defer)
		argv_add2(s->out, "-incoming", "defer");
	return 0;
}

int qemu_argv_build(const struct qemu_vm *in, struct qemu_argv *out, struct err *e)
{
	struct build s = {.in = in, .out = out, .b = BUF_INIT, .e = e};
	char tap[QEMU_TAP_NAME_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	s.uuid = rec_str(in->vm, "uuid");
	if (qemu_tap_name(s.uuid, "0", tap) < 0)
		return invalid(e, "uuid", s.uuid);
	s.kernel_boot = *rec_str(in->vm, "PV_kernel") != '\0';
	rc = build_all(&s);
	buf_free(&s.b);
	if (rc < 0)
		qemu_argv_free(out);
	return rc;
}

int qemu_tap_name(const char *vm_uuid, const char *device, char out[QEMU_TAP_NAME_MAX])
{
	char hex[11];
	size_t k = 0;
	int n;

	if (strlen(vm_uuid) != 36 || parse_device_number(device, &n) < 0)
		return -1;
	for (const char *p = vm_uuid; *p && k < 10; p++) {
		if (*p == '-')
			continue;
		if (!isxdigit((unsigned char)*p))
			return -1;
		hex[k++] = (char)tolower((unsigned char)*p);
	}
	hex[k] = '\0';
	snprintf(out, QEMU_TAP_NAME_MAX, "ov%sn%d", hex, n);
	return 0;
}
