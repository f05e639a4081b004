/*
 * Starting a VM's QEMU: resolve everything the pure argv builder needs
 * (kernel confined to the kernel directory, each VDI's file, each VIF's
 * tap), spawn QEMU stopped (-S) in its own session, connect QMP, then
 * either `cont` or stay paused; for a resume, feed the saved state through
 * `migrate-incoming` on an fd first.
 *
 * Invariant: a start that fails leaves nothing behind: no process, no tap,
 * no runtime directory, and the records as they were (Halted/Suspended).
 * The runtime directory holds "taps" (one tap name a line), so the taps can
 * be removed after a restart of ovcpd too.
 */
#include "hv/vm_internal.h"

#include "common/log.h"
#include "common/util.h"
#include "common/proc.h"
#include "hv/qemu_argv.h"
#include "xapi/db.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DEVICES	 64
#define QMP_START_MS	 15000
#define INCOMING_MAX_MS	 120000
#define QMP_CHILD_FD	 3 /* QEMU's descriptor of its QMP socket */

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

/* Everything the argv needs, owned here. */
struct start_inputs {
	json_t *vm;
	json_t *recs; /* array keeping VBD/VDI/VIF records alive */
	struct qemu_boot boot;
	struct qemu_disk disks[MAX_DEVICES];
	char paths[MAX_DEVICES][512];
	char formats[MAX_DEVICES][16];
	size_t n_disks;
	struct qemu_nic nics[MAX_DEVICES];
	char bridges[MAX_DEVICES][16];
	char taps[MAX_DEVICES][16];
	size_t n_nics;
	uid_t uid; /* who QEMU runs as */
};

static void inputs_free(struct start_inputs *in)
{
	json_decref(in->vm);
	json_decref(in->recs);
	qemu_boot_free(&in->boot);
}

static int resolve_disks(struct xapi_server *srv, struct start_inputs *in, struct err *e)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(in->vm, "VBDs"), i, r)
	{
		json_t *vbd = db_get(srv->store, cls("VBD"), json_string_value(r), e), *vdi = NULL;
		struct qemu_disk *d = &in->disks[in->n_disks];
		const char *vdi_ref;

		if (vbd == NULL)
			return -1;
		if (in->n_disks == MAX_DEVICES) {
			json_decref(vbd);
			err_set(e, "TOO_MANY_VBDS", json_string_value(json_object_get(in->vm, "uuid")), NULL);
			return -1;
		}
		json_array_append_new(in->recs, vbd);
		d->vbd = vbd;
		vdi_ref = json_string_value(json_object_get(vbd, "VDI"));
		if (json_is_true(json_object_get(vbd, "empty")) || vdi_ref == NULL || ref_is_null(vdi_ref)) {
			in->n_disks++;
			continue;
		}
		if ((vdi = db_get(srv->store, cls("VDI"), vdi_ref, e)) == NULL)
			return -1;
		json_array_append_new(in->recs, vdi);
		d->vdi = vdi;
		if (vm_vdi_path(srv, vdi_ref, in->paths[in->n_disks], sizeof(in->paths[0]), in->formats[in->n_disks],
				e) < 0)
			return -1;
		d->path = in->paths[in->n_disks];
		d->format = in->formats[in->n_disks];
		in->n_disks++;
	}
	return 0;
}

static void taps_record(const char *dir, struct start_inputs *in)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/taps", dir);
	if ((f = fopen(path, "we")) == NULL)
		return;
	for (size_t i = 0; i < in->n_nics; i++)
		fprintf(f, "%s\n", in->taps[i]);
	fclose(f);
}

static int resolve_nics(struct xapi_server *srv, struct start_inputs *in, const char *uuid, struct err *e)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(in->vm, "VIFs"), i, r)
	{
		json_t *vif = db_get(srv->store, cls("VIF"), json_string_value(r), e);
		struct qemu_nic *n = &in->nics[in->n_nics];

		if (vif == NULL)
			return -1;
		json_array_append_new(in->recs, vif);
		if (in->n_nics == MAX_DEVICES) {
			err_set(e, "TOO_MANY_VIFS", uuid, NULL);
			return -1;
		}
		if (vm_network_bridge(srv, json_string_value(json_object_get(vif, "network")), in->bridges[in->n_nics],
				      e) < 0 ||
		    vm_vif_plug(srv, json_string_value(r), uuid, in->uid, in->taps[in->n_nics], e) < 0)
			return -1;
		n->vif = vif;
		n->bridge = in->bridges[in->n_nics];
		n->tap = in->taps[in->n_nics];
		in->n_nics++;
	}
	return 0;
}

/* ---- the user QEMU runs as ------------------------------------------------ */

/*
 * Run this VM's QEMU as the QEMU user when it can reach everything it
 * opens by path; else as root, saying why. Then hand it its runtime
 * directory and images.
 */
static int pick_user(struct vm_manager *m, struct vm_runtime *rt, struct start_inputs *in, struct err *e)
{
	char why[600] = "";
	bool ok = m->qemu_uid != 0;

	ok = ok && vm_user_can_reach(m, rt->dir, why, sizeof(why));
	ok = ok && vm_user_can_reach(m, in->boot.kernel, why, sizeof(why));
	ok = ok && vm_user_can_reach(m, in->boot.ramdisk, why, sizeof(why));
	for (size_t i = 0; ok && i < in->n_disks; i++)
		ok = vm_user_can_reach(m, in->disks[i].path, why, sizeof(why));
	rt->uid = ok ? m->qemu_uid : 0;
	if (!ok) {
		if (why[0])
			log_info("VM %s: QEMU runs as root: %s", rt->uuid, why);
		return 0;
	}
	if (chown(rt->dir, m->qemu_uid, m->qemu_gid) < 0) {
		err_internal(e, "chown %s: %s", rt->dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < in->n_disks; i++) {
		const struct qemu_disk *d = &in->disks[i];
		bool writable = strcmp(json_string_value(json_object_get(d->vbd, "mode")) ?: "", "RW") == 0 &&
				strcmp(json_string_value(json_object_get(d->vbd, "type")) ?: "", "CD") != 0 &&
				!json_is_true(json_object_get(d->vdi, "read_only"));

		if (d->path != NULL && vm_user_grant_image(m, rt->uid, d->path, writable, e) < 0)
			return -1;
	}
	return 0;
}

/* Give the VM's images back to root (after its QEMU ended). */
static void release_images(struct xapi_server *srv, const char *vm_ref)
{
	struct err e = {0};
	json_t *vm = db_get(srv->store, cls("VM"), vm_ref, &e);
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(vm, "VBDs"), i, r)
	{
		json_t *vbd = db_get(srv->store, cls("VBD"), json_string_value(r), &e);
		const char *vdi = json_string_value(json_object_get(vbd, "VDI"));
		char path[512], fmt[16];

		if (vdi && !ref_is_null(vdi) && vm_vdi_path(srv, vdi, path, sizeof(path), fmt, &e) == 0)
			vm_user_release_image(srv->vms, path);
		err_clear(&e);
		json_decref(vbd);
	}
	json_decref(vm);
	err_clear(&e);
}

/* ---- host cleanup ------------------------------------------------------- */

static void dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	if (d == NULL)
		return;
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			unlinkat(dirfd(d), ent->d_name, 0);
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		log_warn("%s: rmdir %s: %s", __func__, dir, strerror(errno));
}

void vm_cleanup_host(struct xapi_server *srv, const char *vm_ref, const char *vm_uuid, const char *dir)
{
	char path[300], line[64];
	FILE *f;

	(void)vm_uuid;
	if (srv->vms != NULL && srv->vms->qemu_uid != 0)
		release_images(srv, vm_ref);
	snprintf(path, sizeof(path), "%s/taps", dir);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0])
				vm_vif_unplug(srv, line);
		}
		fclose(f);
	}
	dir_remove(dir);
}

/* ---- spawn ------------------------------------------------------------- */

static int make_run_dir(const char *dir, struct err *e)
{
	dir_remove(dir); /* leftovers of an earlier life */
	if (mkdir(dir, 0700) < 0) {
		err_internal(e, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The last line QEMU wrote to its log, for an error a person can act on. */
static void qemu_log_tail(const char *dir, char *out, size_t size)
{
	char path[300], *text, *last;
	size_t len;

	snprintf(path, sizeof(path), "%s/qemu.log", dir);
	snprintf(out, size, "QEMU exited");
	if ((text = file_read_all(path, &len)) == NULL)
		return;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	last = strrchr(text, '\n');
	snprintf(out, size, "%s", last ? last + 1 : text);
	free(text);
}

/*
 * Spawn QEMU holding its QMP socket, bound and listening already, as
 * descriptor QMP_CHILD_FD (the argv says fd=QMP_CHILD_FD): the connect below
 * succeeds at once and the greeting arrives as soon as QEMU's main loop
 * runs, with no polling for the socket file (what libvirt does too).
 * Takes qmp_listener (closed here either way).
 */
static int spawn_qemu(struct vm_runtime *rt, struct qemu_argv *argv, int qmp_listener, struct err *e)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/qemu.log", rt->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_internal(e, "open %s: %s", path, strerror(errno));
		return -1;
	}
	struct proc_cred cred = {rt->uid, rt->mgr->qemu_gid, rt->mgr->groups, rt->mgr->n_groups};
	struct proc_fd_map qmp = {qmp_listener, QMP_CHILD_FD};
	struct proc_opts o = {.out = PROC_IO_FD, .out_fd = fd, .err = PROC_IO_STDOUT, .fds = &qmp, .n_fds = 1,
			      .flags = PROC_SETSID, .cred = rt->uid != 0 ? &cred : NULL};
	int rc = proc_start(argv->argv, &o, &rt->pid, e);

	close(fd);
	/* Only QEMU may hold the listener: should it die, the connect below then sees it at once. */
	close(qmp_listener);
	if (rc < 0)
		return -1;
	rt->our_child = true;
	rt->pidfd = pidfd_open(rt->pid, 0);
	if (rt->pidfd < 0) {
		err_internal(e, "pidfd_open: %s", strerror(errno));
		proc_stop(rt->pid, 0);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/qmp.sock", rt->dir);
	if (qmp_connect(rt->qmp, path, QMP_START_MS, e) < 0) {
		char tail[300];

		pidfd_send_signal(rt->pidfd, SIGKILL, NULL, 0);
		waitpid(rt->pid, NULL, 0);
		qemu_log_tail(rt->dir, tail, sizeof(tail));
		log_warn("VM %s: QEMU did not start: %s", rt->uuid, tail);
		err_clear(e);
		err_set(e, "INTERNAL_ERROR", tail, NULL);
		return -1;
	}
	return 0;
}

/* Resume: stream the saved state in through an fd, then wait for the migration to complete. */
static int incoming(struct vm_runtime *rt, const char *image, struct err *e)
{
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	int64_t deadline = time_monotonic_ms() + INCOMING_MAX_MS;
	json_t *st = NULL;

	if (fd < 0) {
		err_internal(e, "open %s: %s", image, strerror(errno));
		return -1;
	}
	int rc = qmp_command_fd(rt->qmp, "getfd", json_pack("{s:s}", "fdname", "incoming"), fd, NULL, VM_QMP_TIMEOUT_MS,
				e);
	close(fd);
	if (rc < 0 || qmp_command(rt->qmp, "migrate-incoming", json_pack("{s:s}", "uri", "fd:incoming"), NULL,
				  VM_QMP_TIMEOUT_MS, e) < 0)
		return -1;
	for (;;) {
		const char *status;

		if (qmp_command(rt->qmp, "query-migrate", NULL, &st, VM_QMP_TIMEOUT_MS, e) < 0)
			return -1;
		status = json_string_value(json_object_get(st, "status"));
		if (status && strcmp(status, "completed") == 0)
			break;
		if (status && (strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0)) {
			err_set(e, "VM_RESUME_FAILED"/* not xapi's; see report */, rt->ref, status, NULL);
			json_decref(st);
			return -1;
		}
		json_decref(st);
		st = NULL;
		if (time_monotonic_ms() > deadline) {
			err_set(e, "QMP_TIMEOUT", "migrate-incoming", NULL);
			return -1;
		}
		usleep(20 * 1000);
	}
	json_decref(st);
	return 0;
}

static void drain_events(struct qmp *q)
{
	json_t *ev;

	while ((ev = qmp_event_next(q)) != NULL)
		json_decref(ev);
}

int vm_start_qemu(struct xapi_server *srv, const char *vm_ref, const struct vm_start_opts *o, struct err *e)
{
	struct vm_manager *m = srv->vms;
	struct start_inputs *in = calloc(1, sizeof(*in));
	struct qemu_argv argv = {0};
	struct vm_runtime *rt = NULL;
	const char *uuid;
	int rc = -1;
	bool spawned = false, dir_made = false;

	double t0 = time_monotonic_s(), t_spawn = 0, t_qmp = 0, t_cont = 0;
	int qmp_listener = -1;
	char qmp_path[300];

	if (in == NULL)
		abort();
	in->recs = json_array();
	if ((in->vm = db_get(srv->store, cls("VM"), vm_ref, e)) == NULL)
		goto out;
	uuid = json_string_value(json_object_get(in->vm, "uuid"));
	/* Checks that touch nothing come first: a failure here leaves no trace. */
	if (qemu_boot_resolve(in->vm, m->kernel_dir, &in->boot, e) < 0)
		goto out;
	if (resolve_disks(srv, in, e) < 0)
		goto out;
	rt = vm_runtime_new(m, vm_ref, uuid);
	if (make_run_dir(rt->dir, e) < 0)
		goto out;
	dir_made = true;
	if (pick_user(m, rt, in, e) < 0)
		goto out;
	in->uid = rt->uid;
	if (resolve_nics(srv, in, uuid, e) < 0) {
		taps_record(rt->dir, in);
		goto out;
	}
	taps_record(rt->dir, in);
	snprintf(qmp_path, sizeof(qmp_path), "%s/qmp.sock", rt->dir);
	if ((qmp_listener = qmp_listen(qmp_path, e)) < 0)
		goto out;

	struct qemu_vm qv = {
		.vm = in->vm,
		.disks = in->disks,
		.n_disks = in->n_disks,
		.nics = in->nics,
		.n_nics = in->n_nics,
		.boot = &in->boot,
		.host = {.qemu_binary = getenv("OVCP_QEMU"),
			 .accel = vm_manager_accel(m),
			 .run_dir = rt->dir,
			 .start_stopped = true,
			 .incoming_defer = o->incoming_path != NULL,
			 .qmp_fd = QMP_CHILD_FD},
	};
	if (qemu_argv_build(&qv, &argv, e) < 0)
		goto out;
	t_spawn = time_monotonic_s();
	rc = spawn_qemu(rt, &argv, qmp_listener, e);
	qmp_listener = -1;
	if (rc < 0)
		goto out;
	rc = -1;
	t_qmp = time_monotonic_s();
	spawned = true;
	if (o->incoming_path && incoming(rt, o->incoming_path, e) < 0)
		goto out;
	if (!o->paused && qmp_command(rt->qmp, "cont", NULL, NULL, VM_QMP_TIMEOUT_MS, e) < 0)
		goto out;
	t_cont = time_monotonic_s();
	drain_events(rt->qmp);
	rt->domid = vm_manager_pick_domid(m);
	if (vm_runtime_insert(m, rt) < 0) {
		err_set(e, "VM_BAD_POWER_STATE", vm_ref, "Halted", "Running", NULL);
		goto out;
	}
	if (vm_monitor_start(rt, e) < 0) {
		vm_runtime_remove(rt);
		goto out;
	}
	if (vm_records_running(srv, vm_ref, rt->domid, o->paused ? "Paused" : "Running", e) < 0) {
		/* the monitor owns the runtime now: stopping the process cleans up */
		vm_runtime_kill(rt, 0);
		goto out_running;
	}
	/*
	 * ovcpd's own time apart from QEMU's start-up, for anyone tuning it
	 * (bench/vm_start_bench.py reads this line): records to argv, QEMU's
	 * start-up to its QMP greeting (QEMU's, not ovcpd's), ovcpd's work until
	 * the vCPUs run ("cont"), and the records after that.
	 */
	log_info("VM %s started: pid %d, domid %d%s (prepare %.2f ms, QEMU start-up %.2f ms, to cont %.2f ms, "
		 "records %.2f ms)",
		 uuid, (int)rt->pid, rt->domid, o->paused ? ", paused" : "", (t_spawn - t0) * 1000,
		 (t_qmp - t_spawn) * 1000, (t_cont - t_qmp) * 1000, (time_monotonic_s() - t_cont) * 1000);
	rc = 0;
	goto out_running;
out:
	if (spawned && rt->pidfd >= 0) {
		pidfd_send_signal(rt->pidfd, SIGKILL, NULL, 0);
		waitpid(rt->pid, NULL, 0);
	}
	if (dir_made)
		vm_cleanup_host(srv, vm_ref, rt->uuid, rt->dir);
	else
		for (size_t i = 0; i < in->n_nics; i++)
			vm_vif_unplug(srv, in->taps[i]);
out_running:
	if (qmp_listener >= 0)
		close(qmp_listener);
	vm_runtime_put(rt);
	qemu_argv_free(&argv);
	inputs_free(in);
	free(in);
	return rc;
}
