/*
 * Power operations on a VM (see vm_ops.h): start, shutdown (clean, hard),
 * reboot (clean, hard), pause/unpause, suspend/resume.
 *
 * Each runs between vm_op_begin() (checks the power state, refuses while
 * another operation runs, marks current_operations) and vm_op_end(). A
 * stop path always ends: clean ones wait with a timeout and fail with the
 * VM still running; hard ones ask QEMU to quit and SIGKILL it after a
 * deadline (a QEMU hung in KVM ignores SIGTERM).
 */
#include "hv/vm_ops.h"

#include "common/log.h"
#include "common/util.h"
#include "hv/vm_internal.h"
#include "xapi/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HARD_QUIT_MS	 5000
#define FINISH_MS	 20000
#define AGENT_MS	 2000
#define REBOOT_WAIT_MS	 60000
#define SUSPEND_MAX_MS	 300000
#define SUSPEND_OVERHEAD (64LL * 1024 * 1024)

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

static const char *const S_HALTED[] = {"Halted", NULL};
static const char *const S_RUNNING[] = {"Running", NULL};
static const char *const S_PAUSED[] = {"Paused", NULL};
static const char *const S_SUSPENDED[] = {"Suspended", NULL};
static const char *const S_LIVE[] = {"Running", "Paused", NULL};
static const char *const S_ANY_BUT_HALTED[] = {"Running", "Paused", "Suspended", NULL};

/* The runtime of a VM that the records say is live, or VM_BAD_POWER_STATE. */
static struct vm_runtime *live_runtime(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = vm_runtime_find(srv->vms, vm);

	if (rt == NULL)
		err_set(e, "VM_BAD_POWER_STATE", vm, "Running", "Halted", NULL);
	return rt;
}

static int no_driver(struct xapi_server *srv, struct err *e)
{
	if (srv->vms != NULL)
		return 0;
	err_set(e, "NOT_IMPLEMENTED", "VM driver not started", NULL);
	return -1;
}

/* ---- start ----------------------------------------------------------- */

int vm_op_start(struct xapi_server *srv, const char *vm, bool paused, const char *task, struct err *e)
{
	char key[REF_LEN];
	json_t *rec;
	int rc;

	if (no_driver(srv, e) < 0 || (rec = db_get(srv->store, cls("VM"), vm, e)) == NULL)
		return -1;
	bool tmpl = json_is_true(json_object_get(rec, "is_a_template")) ||
		    json_is_true(json_object_get(rec, "is_a_snapshot"));
	json_decref(rec);
	if (tmpl) {
		err_set(e, "VM_IS_TEMPLATE", vm, NULL);
		return -1;
	}
	if (vm_op_begin(srv, vm, "start", task, S_HALTED, key, e) < 0)
		return -1;
	struct vm_start_opts o = {.paused = paused};
	rc = vm_start_qemu(srv, vm, &o, e);
	vm_op_end(srv, vm, key);
	return rc;
}

/* ---- shutdown --------------------------------------------------------- */

static int shutdown_timeout_s(struct xapi_server *srv, const char *vm)
{
	struct err e = {0};
	json_t *rec = db_get(srv->store, cls("VM"), vm, &e);
	const char *t = json_string_value(json_object_get(json_object_get(rec, "other_config"), "ovcp-shutdown-timeout"));
	int s = t ? atoi(t) : 0;

	json_decref(rec);
	err_clear(&e);
	return s > 0 && s <= 3600 ? s : VM_DEFAULT_SHUTDOWN_S;
}

/* Ask the guest to power off: the agent when it answers, else the ACPI power button. */
static void ask_guest(struct vm_runtime *rt, const char *mode)
{
	struct err e = {0};

	if (vm_agent(rt, "guest-shutdown", json_pack("{s:s}", "mode", mode), NULL, true, AGENT_MS, &e) == 0) {
		log_info("VM %s: guest agent asked to %s", rt->uuid, mode);
		return;
	}
	log_info("VM %s: guest agent does not answer (%s)%s", rt->uuid, err_code(&e),
		 strcmp(mode, "powerdown") == 0 ? "; ACPI power button" : "");
	err_clear(&e);
	if (strcmp(mode, "powerdown") == 0 && vm_qmp(rt, "system_powerdown", NULL, NULL, VM_QMP_TIMEOUT_MS, &e) < 0)
		err_clear(&e);
}

static int clean_shutdown(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = live_runtime(srv, vm, e);
	int timeout = shutdown_timeout_s(srv, vm);
	int rc = 0;

	if (rt == NULL)
		return -1;
	ask_guest(rt, "powerdown");
	if (!vm_runtime_wait_finished(rt, timeout * 1000)) {
		char t[16];

		snprintf(t, sizeof(t), "%d", timeout);
		err_set(e, "VM_SHUTDOWN_TIMEOUT", vm, t, NULL);
		rc = -1;
	}
	vm_runtime_put(rt);
	return rc;
}

/* Run fn as the operation op of the VM: the driver must run and the VM be in one of states. */
static int vm_op_guarded(struct xapi_server *srv, const char *vm, const char *op, const char *const *states,
			 int (*fn)(struct xapi_server *srv, const char *vm, struct err *e), const char *task,
			 struct err *e)
{
	char key[REF_LEN];
	int rc;

	if (no_driver(srv, e) < 0 || vm_op_begin(srv, vm, op, task, states, key, e) < 0)
		return -1;
	rc = fn(srv, vm, e);
	vm_op_end(srv, vm, key);
	return rc;
}

int vm_op_clean_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return vm_op_guarded(srv, vm, "clean_shutdown", S_RUNNING, clean_shutdown, task, e);
}

static int suspend_image_drop(struct xapi_server *srv, const char *vm);

static int hard_stop(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = vm_runtime_find(srv->vms, vm);
	struct err ignore = {0};

	if (rt == NULL) {
		/* Suspended: nothing runs; the saved state goes */
		suspend_image_drop(srv, vm);
		vm_records_stopped(srv, vm, "Halted");
		return 0;
	}
	if (vm_qmp(rt, "quit", NULL, NULL, 2000, &ignore) < 0)
		err_clear(&ignore);
	if (!vm_runtime_wait_finished(rt, HARD_QUIT_MS)) {
		vm_runtime_kill(rt, 0);
		if (!vm_runtime_wait_finished(rt, FINISH_MS)) {
			vm_runtime_put(rt);
			err_internal(e, "QEMU of VM %s did not end after SIGKILL", vm);
			return -1;
		}
	}
	vm_runtime_put(rt);
	return 0;
}

int vm_op_hard_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return vm_op_guarded(srv, vm, "hard_shutdown", S_ANY_BUT_HALTED, hard_stop, task, e);
}

int vm_op_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	char key[REF_LEN];
	int rc;

	if (no_driver(srv, e) < 0 || vm_op_begin(srv, vm, "shutdown", task, S_ANY_BUT_HALTED, key, e) < 0)
		return -1;
	struct vm_runtime *rt = vm_runtime_find(srv->vms, vm);
	bool running = false;

	if (rt != NULL) {
		json_t *rec = db_get(srv->store, cls("VM"), vm, e);

		running = rec && strcmp(json_string_value(json_object_get(rec, "power_state")), "Running") == 0;
		json_decref(rec);
		err_clear(e);
		vm_runtime_put(rt);
	}
	rc = running ? clean_shutdown(srv, vm, e) : -1;
	if (rc < 0) {
		err_clear(e);
		rc = hard_stop(srv, vm, e);
	}
	vm_op_end(srv, vm, key);
	return rc;
}

/* ---- reboot ----------------------------------------------------------- */

struct reboot_wait {
	int before;
	bool rebooted;
};

static bool rebooted_or_finished(struct vm_runtime *rt, void *arg)
{
	struct reboot_wait *w = arg;

	w->rebooted = rt->reboots != w->before;
	return w->rebooted || rt->finished;
}

static int wait_reboot(struct vm_runtime *rt, int before, int timeout_ms)
{
	struct reboot_wait w = {before, false};

	vm_runtime_wait_until(rt, timeout_ms, rebooted_or_finished, &w);
	return w.rebooted ? 0 : -1;
}

static int clean_reboot(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = live_runtime(srv, vm, e);
	int rc = -1, before;

	if (rt == NULL)
		return -1;
	pthread_mutex_lock(&rt->lock);
	before = rt->reboots;
	pthread_mutex_unlock(&rt->lock);
	if (vm_agent(rt, "guest-shutdown", json_pack("{s:s}", "mode", "reboot"), NULL, true, AGENT_MS, e) < 0) {
		err_set(e, "VM_MISSING_PV_DRIVERS", vm, NULL);
	} else if (wait_reboot(rt, before, shutdown_timeout_s(srv, vm) * 1000) < 0) {
		char t[16];

		snprintf(t, sizeof(t), "%d", shutdown_timeout_s(srv, vm));
		err_set(e, "VM_SHUTDOWN_TIMEOUT", vm, t, NULL);
	} else {
		vm_metrics_touch_start(srv, vm, e);
		rc = 0;
	}
	vm_runtime_put(rt);
	return rc;
}

int vm_op_clean_reboot(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return vm_op_guarded(srv, vm, "clean_reboot", S_RUNNING, clean_reboot, task, e);
}

static int hard_reboot(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = live_runtime(srv, vm, e);
	int rc = -1;

	if (rt == NULL)
		return -1;
	/* On a paused VM QEMU 7.2 leaves the reset machine in prelaunch: cont runs it. */
	if (vm_qmp(rt, "system_reset", NULL, NULL, VM_QMP_TIMEOUT_MS, e) == 0 &&
	    vm_qmp(rt, "cont", NULL, NULL, VM_QMP_TIMEOUT_MS, e) == 0 &&
	    vm_record_power(srv, vm, "Running", e) == 0) {
		vm_metrics_touch_start(srv, vm, e);
		rc = 0;
	}
	vm_runtime_put(rt);
	return rc;
}

int vm_op_hard_reboot(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return vm_op_guarded(srv, vm, "hard_reboot", S_LIVE, hard_reboot, task, e);
}

/* ---- pause ------------------------------------------------------------- */

static int stop_or_cont(struct xapi_server *srv, const char *vm, const char *op, const char *const *states,
			const char *command, const char *result, const char *task, struct err *e)
{
	char key[REF_LEN];
	struct vm_runtime *rt;
	int rc = -1;

	if (no_driver(srv, e) < 0 || vm_op_begin(srv, vm, op, task, states, key, e) < 0)
		return -1;
	if ((rt = live_runtime(srv, vm, e)) != NULL) {
		if (vm_qmp(rt, command, NULL, NULL, VM_QMP_TIMEOUT_MS, e) == 0)
			rc = vm_record_power(srv, vm, result, e);
		vm_runtime_put(rt);
	}
	vm_op_end(srv, vm, key);
	return rc;
}

int vm_op_pause(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return stop_or_cont(srv, vm, "pause", S_RUNNING, "stop", "Paused", task, e);
}

int vm_op_unpause(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return stop_or_cont(srv, vm, "unpause", S_PAUSED, "cont", "Running", task, e);
}

/* ---- suspend / resume ------------------------------------------------- */

/*
 * The saved state lives in a VDI (suspend_VDI, type "suspend", raw) on the
 * VM's suspend_SR, else the pool's suspend_image_SR, else its default SR.
 */
static void suspend_sr(struct xapi_server *srv, const json_t *vm, char sr[REF_LEN])
{
	struct err e = {0};
	const char *s = json_string_value(json_object_get(vm, "suspend_SR"));
	json_t *pool;

	if (s && !ref_is_null(s)) {
		snprintf(sr, REF_LEN, "%s", s);
		return;
	}
	snprintf(sr, REF_LEN, REF_NULL);
	pool = db_get(srv->store, cls("pool"), srv->pool_ref, &e);
	s = json_string_value(json_object_get(pool, "suspend_image_SR"));
	if (s == NULL || ref_is_null(s))
		s = json_string_value(json_object_get(pool, "default_SR"));
	if (s)
		snprintf(sr, REF_LEN, "%s", s);
	json_decref(pool);
	err_clear(&e);
}

static int set_suspend_vdi(struct xapi_server *srv, const char *vm, const char *vdi, struct err *e)
{
	json_t *v = json_string(vdi);
	int rc = db_set_field(srv->store, cls("VM"), vm, "suspend_VDI", v, e);

	json_decref(v);
	return rc;
}

/* STATE/suspend/<vm uuid>.state: where the state goes when the SR cannot hold a raw image. */
static int suspend_file(struct xapi_server *srv, const char *uuid, char *path, size_t size, bool create,
			struct err *e)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/suspend", srv->state_dir);
	snprintf(path, size, "%s/%s.state", dir, uuid);
	if (!create)
		return access(path, R_OK);
	int fd = dir_make_all(dir, 0700) == 0 ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	if (fd < 0) {
		err_internal(e, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int suspend_image_drop(struct xapi_server *srv, const char *vm)
{
	struct err e = {0};
	json_t *rec = db_get(srv->store, cls("VM"), vm, &e);
	const char *vdi = json_string_value(json_object_get(rec, "suspend_VDI"));
	char path[512];

	if (rec && suspend_file(srv, json_string_value(json_object_get(rec, "uuid")), path, sizeof(path), false, &e) == 0)
		unlink(path);

	if (vdi && !ref_is_null(vdi)) {
		if (vm_vdi_destroy(srv, vdi, &e) < 0)
			log_warn("%s: destroy suspend VDI %s: %s", __func__, vdi, err_code(&e));
		err_clear(&e);
		set_suspend_vdi(srv, vm, REF_NULL, &e);
	}
	json_decref(rec);
	err_clear(&e);
	return 0;
}

static int migrate_wait(struct vm_runtime *rt, struct err *e)
{
	int64_t deadline = time_monotonic_ms() + SUSPEND_MAX_MS;

	for (;;) {
		json_t *st = NULL;
		const char *s;
		int done = 0;

		if (vm_qmp(rt, "query-migrate", NULL, &st, VM_QMP_TIMEOUT_MS, e) < 0)
			return -1;
		s = json_string_value(json_object_get(st, "status"));
		if (s && strcmp(s, "completed") == 0)
			done = 1;
		else if (s && (strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0)) {
			const char *why = json_string_value(json_object_get(st, "error-desc"));

			err_internal(e, "saving the VM's state failed: %s", why ? why : s);
			done = -1;
		}
		json_decref(st);
		if (done)
			return done > 0 ? 0 : -1;
		if (time_monotonic_ms() > deadline) {
			vm_qmp(rt, "migrate_cancel", NULL, NULL, VM_QMP_TIMEOUT_MS, e);
			err_set(e, "QMP_TIMEOUT", "migrate", NULL);
			return -1;
		}
		usleep(20 * 1000);
	}
}

static void fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int save_state(struct xapi_server *srv, struct vm_runtime *rt, const char *path, struct err *e)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int rc;

	(void)srv;
	if (fd < 0) {
		err_internal(e, "open %s: %s", path, strerror(errno));
		return -1;
	}
	rc = vm_qmp(rt, "migrate-set-parameters",
		    json_pack("{s:I, s:I}", "max-bandwidth", (json_int_t)(8LL << 30), "downtime-limit", (json_int_t)300),
		    NULL, VM_QMP_TIMEOUT_MS, e);
	if (rc == 0)
		rc = vm_qmp_fd(rt, "getfd", json_pack("{s:s}", "fdname", "suspend"), fd, NULL, VM_QMP_TIMEOUT_MS, e);
	close(fd);
	if (rc == 0)
		rc = vm_qmp(rt, "migrate", json_pack("{s:s}", "uri", "fd:suspend"), NULL, VM_QMP_TIMEOUT_MS, e);
	if (rc == 0)
		rc = migrate_wait(rt, e);
	if (rc == 0)
		fsync_path(path);
	return rc;
}

static int suspend(struct xapi_server *srv, const char *vm, struct err *e)
{
	struct vm_runtime *rt = live_runtime(srv, vm, e);
	json_t *rec = NULL;
	char sr[REF_LEN], vdi[REF_LEN], path[512], name[128];
	const char *format = NULL;
	char fmt[16];
	int rc = -1;

	if (rt == NULL)
		return -1;
	if ((rec = db_get(srv->store, cls("VM"), vm, e)) == NULL)
		goto out;
	suspend_sr(srv, rec, sr);
	snprintf(name, sizeof(name), "Suspend image of %s", json_string_value(json_object_get(rec, "name_label")));
	long long size = json_integer_value(json_object_get(rec, "memory_static_max")) + SUSPEND_OVERHEAD;
	if (vm_vdi_create(srv, sr, name, size, "suspend", vdi, e) < 0)
		goto out;
	if (vm_vdi_path(srv, vdi, path, sizeof(path), fmt, e) < 0)
		goto drop;
	format = fmt;
	if (strcmp(format, "raw") != 0) {
		/*
		 * The migration stream is raw bytes; a storage driver that makes
		 * only qcow2 VDIs cannot hold it, so the state goes to a file of
		 * ovcpd's own (STATE/suspend/<vm uuid>.state) and suspend_VDI stays NULL.
		 */
		struct err ign = {0};

		log_warn("VM %s: suspend VDI would be %s, not raw; saving to %s", rt->uuid, format, "STATE/suspend");
		vm_vdi_destroy(srv, vdi, &ign);
		err_clear(&ign);
		snprintf(vdi, sizeof(vdi), REF_NULL);
		if (suspend_file(srv, rt->uuid, path, sizeof(path), true, e) < 0)
			goto out;
	}
	pthread_mutex_lock(&rt->lock);
	rt->hold_records = true;
	pthread_mutex_unlock(&rt->lock);
	if (save_state(srv, rt, path, e) < 0) {
		struct err ignore = {0};

		pthread_mutex_lock(&rt->lock);
		rt->hold_records = false;
		pthread_mutex_unlock(&rt->lock);
		vm_qmp(rt, "cont", NULL, NULL, VM_QMP_TIMEOUT_MS, &ignore);
		err_clear(&ignore);
		goto drop;
	}
	if (set_suspend_vdi(srv, vm, vdi, e) < 0)
		goto drop;
	pthread_mutex_lock(&rt->lock);
	rt->exit_state = "Suspended";
	pthread_mutex_unlock(&rt->lock);
	/* postmigrate: never cont; quit, and the monitor records Suspended */
	struct err ignore = {0};
	vm_qmp(rt, "quit", NULL, NULL, 2000, &ignore);
	err_clear(&ignore);
	if (!vm_runtime_wait_finished(rt, HARD_QUIT_MS)) {
		vm_runtime_kill(rt, 0);
		vm_runtime_wait_finished(rt, FINISH_MS);
	}
	rc = 0;
	goto out;
drop: {
	struct err ign = {0};

	if (!ref_is_null(vdi))
		vm_vdi_destroy(srv, vdi, &ign);
	else
		unlink(path);
	err_clear(&ign);
}
out:
	json_decref(rec);
	vm_runtime_put(rt);
	return rc;
}

int vm_op_suspend(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	return vm_op_guarded(srv, vm, "suspend", S_RUNNING, suspend, task, e);
}

int vm_op_resume(struct xapi_server *srv, const char *vm, bool paused, const char *task, struct err *e)
{
	char key[REF_LEN], path[512], fmt[16];
	json_t *rec;
	int rc = -1;

	if (no_driver(srv, e) < 0 || vm_op_begin(srv, vm, "resume", task, S_SUSPENDED, key, e) < 0)
		return -1;
	if ((rec = db_get(srv->store, cls("VM"), vm, e)) == NULL)
		goto out;
	const char *vdi = json_string_value(json_object_get(rec, "suspend_VDI"));
	if (vdi == NULL || ref_is_null(vdi)) {
		if (suspend_file(srv, json_string_value(json_object_get(rec, "uuid")), path, sizeof(path), false, e) < 0) {
			err_set(e, "VM_HAS_NO_SUSPEND_VDI", vm, NULL);
			goto out;
		}
	} else if (vm_vdi_path(srv, vdi, path, sizeof(path), fmt, e) < 0)
		goto out;
	struct vm_start_opts o = {.paused = paused, .incoming_path = path};
	if (vm_start_qemu(srv, vm, &o, e) < 0)
		goto out;
	suspend_image_drop(srv, vm);
	rc = 0;
out:
	json_decref(rec);
	vm_op_end(srv, vm, key);
	return rc;
}
