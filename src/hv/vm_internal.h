/*
 * The VM driver's inside: shared by vm_manager.c (table, start-up,
 * re-adoption), vm_monitor.c (one thread per running VM), vm_records.c
 * (what the records say), vm_start.c, vm_ops.c, vm_disks.c, vm_guest.c,
 * vm_hotplug.c (devices plugged into a running VM), vm_user.c (the user QEMU
 * runs as) and vm_drivers.c (adapters to storage and networking).
 *
 * A VM with a QEMU process on this host has one struct vm_runtime in the
 * manager's table, from the spawn (or re-adoption) until its monitor thread
 * has seen the process exit and brought the records back to Halted (or
 * Suspended). Runtimes are reference counted: a caller that looked one up
 * holds a reference and may wait on it after it left the table.
 *
 * Locks: mgr->lock guards the table (short); rt->qmp_lock serialises use of
 * the QMP connection (held for one command round trip at most, never while
 * taking mgr->lock); rt->agent_lock the guest agent's; rt->lock the small
 * state fields and the condition variable. No lock is held across a spawn.
 */
#ifndef OVCP_HV_VM_INTERNAL_H
#define OVCP_HV_VM_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/util.h"
#include "hv/accel.h"
#include "hv/qmp.h"
#include "xapi/record.h"
#include "xapi/server.h"
#include "xapi/vm_api.h"

#define VM_QMP_TIMEOUT_MS     10000
#define VM_MONITOR_STACK      (256 * 1024) /* virtual; only touched pages count */
#define VM_DEFAULT_SHUTDOWN_S 60

struct vm_runtime {
	int refs;		 /* under mgr->lock */
	struct vm_manager *mgr;
	char ref[REF_LEN];
	char uuid[UUID_STR_LEN];
	char dir[200];		 /* runtime directory */
	pid_t pid;
	uid_t uid;		 /* the QEMU process's user (0: root) */
	int pidfd;		 /* -1 when not opened */
	bool our_child;		 /* spawned by this ovcpd: reap it */
	int domid;
	int wake_fd[2];		 /* pipe: wakes the monitor thread */
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t qmp_lock;
	struct qmp *qmp;
	pthread_mutex_t agent_lock;
	struct qmp *agent;

	pthread_mutex_t lock;	/* fields below */
	pthread_cond_t cond;
	bool status_dirty;	/* an event asks to re-read query-status */
	bool guest_reset;	/* a RESET the guest made, not yet seen by the monitor thread */
	bool exited;		/* the process is gone (monitor saw it) */
	bool finished;		/* records cleaned; out of the table */
	const char *exit_state; /* power state to record on exit: "Halted" (default) or "Suspended" */
	bool hold_records;	/* an operation owns power_state: events do not write it */
	bool guest_shutdown;	/* SHUTDOWN event from the guest (not host quit) */
	int reboots;
	json_t *deleted;	/* ids of DEVICE_DELETED events not yet waited for (array) */
};

struct vm_manager {
	struct xapi_server *srv;
	char kernel_dir[256];
	char run_dir[160];
	char qemu_user[64];	/* "" when QEMU runs as root */
	uid_t qemu_uid;		/* 0: root */
	gid_t qemu_gid;
	gid_t groups[2];	/* the user's group, kvm */
	size_t n_groups;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vm_runtime **table;
	size_t n, cap;
	/* accelerator probe */
	bool accel_done;
	struct hv_accel_result accel;
	pthread_t accel_thread;
	/* guest metrics poller */
	pthread_t guest_thread;
	bool guest_thread_started;
	volatile bool stopping;
};

/* vm_manager.c */
struct vm_runtime *vm_runtime_find(struct vm_manager *m, const char *vm_ref); /* +1 ref, or NULL */
void vm_runtime_put(struct vm_runtime *rt);
struct vm_runtime *vm_runtime_new(struct vm_manager *m, const char *ref, const char *uuid);
int vm_runtime_insert(struct vm_manager *m, struct vm_runtime *rt); /* table takes a ref */
void vm_runtime_remove(struct vm_runtime *rt);
int vm_manager_pick_domid(struct vm_manager *m);
/* Wait for the probe's answer ("kvm"/"tcg"). */
const char *vm_manager_accel(struct vm_manager *m);
/* All runtimes (+1 ref each); caller puts each and frees the array. */
struct vm_runtime **vm_runtime_all(struct vm_manager *m, size_t *n);

/* vm_monitor.c */
int vm_monitor_start(struct vm_runtime *rt, struct err *e);
/* Run a QMP command on the VM's connection (takes args). */
int vm_qmp(struct vm_runtime *rt, const char *command, json_t *args, json_t **ret, int timeout_ms, struct err *e);
/* The same, passing fd with SCM_RIGHTS (getfd / add-fd). */
int vm_qmp_fd(struct vm_runtime *rt, const char *command, json_t *args, int fd, json_t **ret, int timeout_ms,
	      struct err *e);
/* Run an agent command (connects on demand). no_reply: guest-shutdown style. */
int vm_agent(struct vm_runtime *rt, const char *command, json_t *args, json_t **ret, bool no_reply, int timeout_ms,
	     struct err *e);
/*
 * Wait, under rt->lock, until cond(rt, arg) is true (checked at once and at
 * each broadcast of rt->cond) or timeout_ms pass: cond's last answer.
 */
typedef bool vm_runtime_cond(struct vm_runtime *rt, void *arg);
bool vm_runtime_wait_until(struct vm_runtime *rt, int timeout_ms, vm_runtime_cond *cond, void *arg);
/* Wait until the runtime finished (process gone, records cleaned). 1 done, 0 timeout. */
int vm_runtime_wait_finished(struct vm_runtime *rt, int timeout_ms);
/* Kill the process (SIGTERM/SIGKILL by pidfd) after term_ms. */
void vm_runtime_kill(struct vm_runtime *rt, int term_ms);
/* Wait for QEMU's DEVICE_DELETED of device id (after device_del). 0, or -1 at the timeout. */
int vm_runtime_wait_deleted(struct vm_runtime *rt, const char *id, int timeout_ms);
/* Map a QEMU status to a power state (NULL: leave the record as it is). */
const char *vm_power_of_status(const char *status);

/* vm_records.c */
/* allowed_operations for a power state (new array). */
json_t *vm_allowed_operations(const char *power_state, bool is_template, bool is_snapshot);
/* Set power_state (and allowed_operations) of a VM. */
int vm_record_power(struct xapi_server *srv, const char *vm_ref, const char *power_state, struct err *e);
/* Begin an operation: checks power state and other operations. op_key out (task ref or new ref). */
int vm_op_begin(struct xapi_server *srv, const char *vm_ref, const char *op, const char *task_ref,
		const char *const *states, char op_key[REF_LEN], struct err *e);
void vm_op_end(struct xapi_server *srv, const char *vm_ref, const char *op_key);
/* Records of a VM that now runs: resident_on, domid, metrics, consoles, VBD/VIF attached. */
int vm_records_running(struct xapi_server *srv, const char *vm_ref, int domid, const char *power_state,
		       struct err *e);
/* Set a VBD's or VIF's currently_attached and the allowed_operations that follow (cls "VBD" or "VIF"). */
int vm_device_attached(struct xapi_server *srv, const char *cls_name, const char *ref, bool attached, bool vm_live,
		       struct err *e);
/* Records of a VM whose QEMU is gone: state Halted or Suspended, everything runtime cleared. */
void vm_records_stopped(struct xapi_server *srv, const char *vm_ref, const char *power_state);
/* A message record about an object. */
void vm_message(struct xapi_server *srv, const char *name, int priority, const char *vm_uuid, const char *body);
/* Set a field of the VM's VM_metrics (creating the metrics record if missing). */
int vm_metrics_touch_start(struct xapi_server *srv, const char *vm_ref, struct err *e);

/* vm_start.c */
struct vm_start_opts {
	bool paused;
	const char *incoming_path; /* resume: the suspend image, NULL for a cold start */
};
/* Spawn and start the VM (records Running/Paused on success; nothing left behind on failure). */
int vm_start_qemu(struct xapi_server *srv, const char *vm_ref, const struct vm_start_opts *o, struct err *e);
/* Remove what a start left: taps, runtime dir. */
void vm_cleanup_host(struct xapi_server *srv, const char *vm_ref, const char *vm_uuid, const char *dir);

/* vm_user.c: the user QEMU runs as */
/* Look the user up (NULL: "ovcp-qemu") and log who QEMU will run as. */
void vm_user_resolve(struct vm_manager *m, const char *name);
/* Can the QEMU user cross every directory above path? why gets the reason when not. */
bool vm_user_can_reach(const struct vm_manager *m, const char *path, char *why, size_t size);
/* Let a QEMU running as uid (0: root, nothing to do) use an image: owner when writable, and read its chain. */
int vm_user_grant_image(const struct vm_manager *m, uid_t uid, const char *path, bool writable, struct err *e);
/* Give an image the QEMU user owned back to root. */
void vm_user_release_image(const struct vm_manager *m, const char *path);
/* The owner of a running process. */
uid_t vm_user_of_pid(pid_t pid);

/* vm_drivers.c: storage and networking, through their APIs when built */
int vm_vdi_path(struct xapi_server *srv, const char *vdi_ref, char *path, size_t size, char format[16],
		struct err *e);
int vm_vif_plug(struct xapi_server *srv, const char *vif_ref, const char *vm_uuid, uid_t owner, char tap[16],
		struct err *e);
void vm_vif_unplug(struct xapi_server *srv, const char *tap);
/* The tap name network_vif_plug_tap() gives a VIF device of a VM. */
int vm_vif_tap_name(const char *vm_uuid, const char *device, char tap[16]);
int vm_network_bridge(struct xapi_server *srv, const char *network_ref, char bridge[16], struct err *e);
int vm_vdi_clone(struct xapi_server *srv, const char *vdi_ref, char new_ref[REF_LEN], struct err *e);
int vm_vdi_snapshot(struct xapi_server *srv, const char *vdi_ref, char new_ref[REF_LEN], struct err *e);
/* A full copy whose progress 0..1 is base..base+share of the task's (a VM's copy: all its disks in one task). */
int vm_vdi_copy(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref, double base,
		double share, char new_ref[REF_LEN], struct err *e);
int vm_vdi_create(struct xapi_server *srv, const char *sr_ref, const char *name, long long size, const char *type,
		  char new_ref[REF_LEN], struct err *e);
int vm_vdi_destroy(struct xapi_server *srv, const char *vdi_ref, struct err *e);
int vm_vdi_revert(struct xapi_server *srv, const char *vdi_ref, const char *snapshot_ref, struct err *e);

#endif
