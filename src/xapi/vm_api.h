/*
 * What the VM driver (src/hv/vm_manager.c and friends) offers the rest of
 * ovcpd: start-up, the paths of a running VM's control sockets, and a way to
 * run one QMP or guest-agent command against a running VM.
 *
 * Every running VM has a runtime directory, RUN_DIR/<vm uuid>/, holding
 * qmp.sock (QMP monitor), vnc.sock (VNC server), serial.sock (ttyS0),
 * qga.sock (the guest agent's virtio-serial port), qemu.pid and serial.log.
 * The directory exists from the spawn of the VM's QEMU until it is halted.
 *
 * Thread-safety: all functions may be called from any thread; none holds a
 * lock across a QMP round trip.
 */
#ifndef OVCP_XAPI_VM_API_H
#define OVCP_XAPI_VM_API_H

#include <jansson.h>
#include <stddef.h>

#include "common/err.h"

struct xapi_server;

struct vm_manager_options {
	const char *kernel_dir; /* PV_kernel/PV_ramdisk are confined here; NULL: STATE/kernels */
	const char *run_dir;	/* per-VM runtime dirs; NULL: STATE/run */
	const char *qemu_user;	/* NULL: "ovcp-qemu" when that user exists, else root */
};

/*
 * Start the VM driver: starts the accelerator probe (background), re-adopts
 * QEMU processes of VMs recorded as Running/Paused on this host (or records
 * them Halted with a message when their QEMU is gone), and sets srv->vms.
 * Call once after xapi_server_bootstrap(). 0/-1.
 */
int vm_manager_start(struct xapi_server *srv, const struct vm_manager_options *opt, struct err *e);
/* Stop monitoring (QEMU processes keep running) and free; srv->vms becomes NULL. */
void vm_manager_stop(struct xapi_server *srv);

/*
 * The path of a running (or paused) VM's control socket; which is "vnc",
 * "serial", "qga" or "qmp" (also "serial-log" for the ttyS0 log file).
 * -1 with VM_BAD_POWER_STATE [vm, "Running", actual] when the VM has no
 * QEMU on this host, HANDLE_INVALID for an unknown VM.
 *
 * The QMP socket accepts one client at a time and ovcpd holds it: do not
 * connect to "qmp" yourself, use vm_qmp_query(). "vnc" and "serial" accept
 * a new client as the previous one leaves (the console proxy's job).
 */
int vm_runtime_socket(struct xapi_server *srv, const char *vm_ref, const char *which, char *path, size_t size,
		      struct err *e);

/*
 * Run one QMP command on a running VM's monitor (query-stats, query-cpus-fast,
 * query-balloon, ...) through ovcpd's own connection. args may be NULL and is
 * taken over. *reply gets the "return" value (caller owns it).
 * Errors: VM_BAD_POWER_STATE as above, QMP_ERROR [class, desc, command],
 * QMP_TIMEOUT.
 */
int vm_qmp_query(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		 struct err *e);

/*
 * The same for the guest agent (guest-info, guest-get-osinfo, ...): -1 with
 * ["VM_LACKS_FEATURE", vm] when the agent does not answer within timeout_ms.
 */
int vm_agent_query(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		   int timeout_ms, struct err *e);

#endif
