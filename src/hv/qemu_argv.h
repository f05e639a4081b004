/*
 * The QEMU command line of a VM, computed from its XenAPI records.
 *
 * qemu_argv_build() is PURE: it reads only its input (the VM record, its
 * VBDs with their VDIs, its VIFs with their network's bridge, host settings)
 * and touches no file, so golden tests pin its output
 * (tests/golden/hv/NAME.json -> NAME.args). Everything that needs the
 * filesystem is done by the caller before: qemu_boot_resolve() confines
 * PV_kernel/PV_ramdisk to the kernel directory; the storage layer resolves
 * each VDI to a file path and format.
 *
 * The caller spawns argv as it is (no -daemonize) and finds the VM's
 * control sockets in run_dir under the QEMU_RUN_* names below.
 */
#ifndef OVCP_HV_QEMU_ARGV_H
#define OVCP_HV_QEMU_ARGV_H

#include "common/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Files in the VM's runtime directory (host.run_dir). */
#define QEMU_RUN_QMP	    "qmp.sock"	  /* QMP monitor, unix socket (server) */
#define QEMU_RUN_SERIAL	    "serial.sock" /* first serial port (ttyS0), unix socket */
#define QEMU_RUN_SERIAL_LOG "serial.log"
#define QEMU_RUN_VNC	    "vnc.sock" /* VNC server, unix socket */
#define QEMU_RUN_QGA	    "qga.sock" /* guest agent port org.qemu.guest_agent.0 */
#define QEMU_RUN_PIDFILE    "qemu.pid"
#define QEMU_QGA_PORT_NAME  "org.qemu.guest_agent.0"

#define QEMU_TAP_NAME_MAX 16 /* IFNAMSIZ, with the NUL */

/* Empty PCIe root ports for hotplug (VBD.plug, VIF.plug): "hotplug0".. */
#define QEMU_HOTPLUG_PORTS	 4
#define QEMU_HOTPLUG_PORT_PREFIX "hotplug"

/* One VBD of the VM, with its VDI resolved by the caller. */
struct qemu_disk {
	const json_t *vbd;  /* VBD record: userdevice, type, mode, bootable, empty */
	const json_t *vdi;  /* VDI record (sharable, read_only); NULL when the VBD is empty */
	const char *path;   /* the VDI's file on its SR; NULL when empty */
	const char *format; /* QEMU format driver of that file: "qcow2" or "raw" */
};

/* One VIF of the VM with the bridge of its network. */
struct qemu_nic {
	const json_t *vif;  /* VIF record: device, MAC, MTU */
	const char *bridge; /* network.bridge: the caller adds the tap to it after the spawn */
	const char *tap;    /* the tap device made by the network driver; NULL: qemu_tap_name() */
};

/* PV_kernel / PV_ramdisk after qemu_boot_resolve(): absolute paths or NULL. */
struct qemu_boot {
	char *kernel;
	char *ramdisk;
};

struct qemu_host {
	const char *qemu_binary; /* NULL: "qemu-system-x86_64" */
	const char *accel;	 /* "kvm" or "tcg" (see accel.h) */
	const char *run_dir;	 /* the VM's runtime directory (sockets, pidfile) */
	bool start_stopped;	 /* -S: the caller sends "cont" */
	bool incoming_defer;	 /* -incoming defer: the caller sends "migrate-incoming" (resume) */
	/*
	 * > 0: QEMU inherits the QMP socket, already listening, as this
	 * descriptor (bound by the caller at run_dir/qmp.sock), so the caller
	 * connects at once instead of polling until QEMU has made it.
	 * 0: QEMU binds run_dir/qmp.sock itself.
	 */
	int qmp_fd;
};

struct qemu_vm {
	const json_t *vm; /* VM record */
	const struct qemu_disk *disks;
	size_t n_disks;
	const struct qemu_nic *nics;
	size_t n_nics;
	const struct qemu_boot *boot; /* required when PV_kernel is not empty */
	struct qemu_host host;
};

/* A NULL-terminated argument vector; argv[0] is the QEMU binary. */
struct qemu_argv {
	char **argv;
	size_t argc;
	size_t cap;
};

/*
 * Compute the QEMU argv of a VM. Pure: no file is read. On error returns -1
 * with a XenAPI error in e (INVALID_VALUE [field, value] for a record that
 * cannot be expressed, BOOTLOADER_FAILED when the kernel was not resolved)
 * and out empty. out must be freed with qemu_argv_free() either way.
 */
int qemu_argv_build(const struct qemu_vm *in, struct qemu_argv *out, struct err *e);
void qemu_argv_free(struct qemu_argv *a);

/*
 * The tap device of a VIF: "ov" + the first 10 hex digits of the VM's UUID
 * + "n" + the VIF's device number ("ov0123456789n0"); at most 15 characters
 * and independent of any domid, so it is the same across restarts and
 * migrations. -1 if the uuid or device are malformed.
 */
int qemu_tap_name(const char *vm_uuid, const char *device, char out[QEMU_TAP_NAME_MAX]);

/*
 * Resolve the VM's PV_kernel and PV_ramdisk inside kernel_dir: each must be
 * a name relative to kernel_dir or an absolute path inside it, and must
 * resolve (realpath: following symlinks) to an existing regular file inside
 * kernel_dir. Empty fields give NULL. On a violation returns -1 with
 * BOOTLOADER_FAILED [vm uuid, reason] in e. Touches the filesystem (not
 * pure); call it before qemu_argv_build(). Free with qemu_boot_free().
 */
int qemu_boot_resolve(const json_t *vm, const char *kernel_dir, struct qemu_boot *out, struct err *e);
void qemu_boot_free(struct qemu_boot *b);

#endif
