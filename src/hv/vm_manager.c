/*
 * The VM manager: the table of VMs that have a QEMU on this host, the
 * accelerator probe, and re-adoption at start (see vm_api.h, vm_internal.h).
 *
 * Invariants: a VM is in the table exactly while its QEMU may be alive and
 * its monitor thread runs; the records of a VM in the table say Running or
 * Paused (or an operation is moving them); at start, every VM recorded as
 * Running/Paused on this host is either re-adopted (its qmp.sock answers)
 * or recorded Halted with a message (its QEMU died while ovcpd was down).
 */
#include "hv/vm_internal.h"

#include "common/log.h"
#include "common/util.h"
#include "hv/qemu_argv.h"
#include "xapi/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

/* ---- runtimes -------------------------------------------------------- */

struct vm_runtime *vm_runtime_new(struct vm_manager *m, const char *ref, const char *uuid)
{
	struct vm_runtime *rt = calloc(1, sizeof(*rt));

	if (rt == NULL)
		abort();
	rt->refs = 1;
	rt->mgr = m;
	snprintf(rt->ref, sizeof(rt->ref), "%s", ref);
	snprintf(rt->uuid, sizeof(rt->uuid), "%s", uuid);
	snprintf(rt->dir, sizeof(rt->dir), "%s/%s", m->run_dir, uuid);
	rt->pidfd = -1;
	rt->wake_fd[0] = rt->wake_fd[1] = -1;
	rt->exit_state = "Halted";
	rt->deleted = json_array();
	pthread_mutex_init(&rt->qmp_lock, NULL);
	pthread_mutex_init(&rt->agent_lock, NULL);
	pthread_mutex_init(&rt->lock, NULL);
	pthread_cond_init(&rt->cond, NULL);
	rt->qmp = qmp_new(QMP_MONITOR);
	rt->agent = qmp_new(QMP_AGENT);
	return rt;
}

static void runtime_free(struct vm_runtime *rt)
{
	qmp_free(rt->qmp);
	qmp_free(rt->agent);
	json_decref(rt->deleted);
	if (rt->pidfd >= 0)
		close(rt->pidfd);
	for (int i = 0; i < 2; i++)
		if (rt->wake_fd[i] >= 0)
			close(rt->wake_fd[i]);
	pthread_mutex_destroy(&rt->qmp_lock);
	pthread_mutex_destroy(&rt->agent_lock);
	pthread_mutex_destroy(&rt->lock);
	pthread_cond_destroy(&rt->cond);
	free(rt);
}

void vm_runtime_put(struct vm_runtime *rt)
{
	struct vm_manager *m;
	bool last;

	if (rt == NULL)
		return;
	m = rt->mgr;
	pthread_mutex_lock(&m->lock);
	last = --rt->refs == 0;
	pthread_mutex_unlock(&m->lock);
	if (last)
		runtime_free(rt);
}

struct vm_runtime *vm_runtime_find(struct vm_manager *m, const char *vm_ref)
{
	struct vm_runtime *found = NULL;

	if (m == NULL)
		return NULL;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->table[i]->ref, vm_ref) == 0) {
			found = m->table[i];
			found->refs++;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return found;
}

struct vm_runtime **vm_runtime_all(struct vm_manager *m, size_t *n)
{
	struct vm_runtime **all;

	pthread_mutex_lock(&m->lock);
	all = calloc(m->n + 1, sizeof(*all));
	if (all == NULL)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		all[i] = m->table[i];
		all[i]->refs++;
	}
	*n = m->n;
	pthread_mutex_unlock(&m->lock);
	return all;
}

int vm_runtime_insert(struct vm_manager *m, struct vm_runtime *rt)
{
	int rc = 0;

	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->table[i]->ref, rt->ref) == 0)
			rc = -1;
	if (rc == 0) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 16;
			struct vm_runtime **t = realloc(m->table, cap * sizeof(*t));

			if (t == NULL)
				abort();
			m->table = t;
			m->cap = cap;
		}
		m->table[m->n++] = rt;
		rt->refs++;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

void vm_runtime_remove(struct vm_runtime *rt)
{
	struct vm_manager *m = rt->mgr;
	bool found = false;

	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n; i++)
		if (m->table[i] == rt) {
			m->table[i] = m->table[--m->n];
			found = true;
			break;
		}
	if (found)
		rt->refs--; /* the table's reference; the caller still holds one */
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

int vm_manager_pick_domid(struct vm_manager *m)
{
	int domid = 1;
	bool used;

	pthread_mutex_lock(&m->lock);
	do {
		used = false;
		for (size_t i = 0; i < m->n; i++)
			if (m->table[i]->domid == domid) {
				used = true;
				domid++;
				break;
			}
	} while (used);
	pthread_mutex_unlock(&m->lock);
	return domid;
}

/* ---- accelerator ------------------------------------------------------ */

static void host_set_accel(struct vm_manager *m)
{
	struct err e = {0};
	json_t *host = db_get(m->srv->store, cls("host"), m->srv->host_ref, &e);
	json_t *oc;

	if (host == NULL) {
		err_clear(&e);
		return;
	}
	oc = json_copy(json_object_get(host, "other_config"));
	if (!json_is_object(oc)) {
		json_decref(oc);
		oc = json_object();
	}
	json_object_set_new(oc, "ovcp-accelerator", json_string(m->accel.accel));
	json_object_set_new(oc, "ovcp-accelerator-reason", json_string(m->accel.reason));
	json_object_set_new(oc, "ovcp-qemu-user", json_string(m->qemu_user[0] ? m->qemu_user : "root"));
	if (db_set_field(m->srv->store, cls("host"), m->srv->host_ref, "other_config", oc, &e) < 0) {
		log_warn("%s: host.other_config: %s", __func__, err_code(&e));
		err_clear(&e);
	}
	json_decref(oc);
	json_decref(host);
}

static void *accel_main(void *arg)
{
	struct vm_manager *m = arg;
	struct hv_accel_result r;

	hv_accel_probe(&r, 3000);
	log_info("accelerator: %s (%s; %d ms)", r.accel, r.reason, r.elapsed_ms);
	pthread_mutex_lock(&m->lock);
	m->accel = r;
	m->accel_done = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	host_set_accel(m);
	return NULL;
}

const char *vm_manager_accel(struct vm_manager *m)
{
	pthread_mutex_lock(&m->lock);
	while (!m->accel_done)
		pthread_cond_wait(&m->cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
	return m->accel.accel;
}

/* ---- re-adoption -------------------------------------------------------- */

static pid_t read_pidfile(const char *dir)
{
	char path[300], *text;
	long pid;

	snprintf(path, sizeof(path), "%s/" QEMU_RUN_PIDFILE, dir);
	text = file_read_all(path, NULL);
	if (text == NULL)
		return -1;
	pid = strtol(text, NULL, 10);
	free(text);
	return pid > 0 ? (pid_t)pid : -1;
}

static int adopt_one(struct vm_manager *m, const char *ref, json_t *vm)
{
	const char *uuid = json_string_value(json_object_get(vm, "uuid"));
	struct vm_runtime *rt = vm_runtime_new(m, ref, uuid);
	struct err e = {0};
	json_t *status = NULL;
	pid_t pid = read_pidfile(rt->dir);
	char why[200] = "";

	rt->domid = (int)json_integer_value(json_object_get(vm, "domid"));
	if (pid > 0)
		rt->pidfd = pidfd_open(pid, 0);
	if (rt->pidfd < 0)
		snprintf(why, sizeof(why), "its QEMU process (pid %d) is gone", (int)pid);
	if (rt->pidfd >= 0) {
		char path[300];

		rt->pid = pid;
		rt->uid = vm_user_of_pid(pid);
		snprintf(path, sizeof(path), "%s/" QEMU_RUN_QMP, rt->dir);
		if (qmp_connect(rt->qmp, path, 3000, &e) < 0 ||
		    qmp_command(rt->qmp, "query-status", NULL, &status, 3000, &e) < 0) {
			snprintf(why, sizeof(why), "its monitor does not answer (%s)", err_code(&e));
			err_clear(&e);
			/* a QEMU we cannot control: stop it rather than leave it running unmanaged */
			pidfd_send_signal(rt->pidfd, SIGKILL, NULL, 0);
		}
	}
	if (why[0] != '\0') {
		char body[512];

		snprintf(body, sizeof(body),
			 "The QEMU of VM %s died while ovcpd was not running (%s); the VM is now Halted.", uuid, why);
		log_warn("re-adopt %s: %s", uuid, why);
		vm_cleanup_host(m->srv, ref, uuid, rt->dir);
		vm_records_stopped(m->srv, ref, "Halted");
		vm_message(m->srv, "VM_CRASHED", 2, uuid, body);
		vm_runtime_put(rt);
		return 0;
	}
	const char *ps = vm_power_of_status(json_string_value(json_object_get(status, "status")));

	json_decref(status);
	if (ps != NULL)
		vm_record_power(m->srv, ref, ps, &e);
	err_clear(&e);
	if (vm_runtime_insert(m, rt) < 0 || vm_monitor_start(rt, &e) < 0) {
		log_error("re-adopt %s: %s", uuid, err_code(&e));
		err_clear(&e);
		vm_runtime_remove(rt);
		vm_runtime_put(rt);
		return -1;
	}
	log_info("re-adopted VM %s (pid %d, %s)", uuid, (int)pid, ps ? ps : "status kept");
	vm_runtime_put(rt);
	return 0;
}

struct adopt_list {
	json_t *refs;
	const char *host_ref;
};

static int collect_resident(const char *ref, const char *text, void *arg)
{
	struct adopt_list *l = arg;
	json_t *vm = json_loads(text, 0, NULL);
	const char *ps = json_string_value(json_object_get(vm, "power_state"));
	const char *on = json_string_value(json_object_get(vm, "resident_on"));

	if (ps && on && strcmp(on, l->host_ref) == 0 && (strcmp(ps, "Running") == 0 || strcmp(ps, "Paused") == 0))
		json_array_append_new(l->refs, json_string(ref));
	json_decref(vm);
	return 0;
}

static void adopt_all(struct vm_manager *m)
{
	struct adopt_list l = {json_array(), m->srv->host_ref};
	struct err e = {0};
	size_t i;
	json_t *r;

	if (db_list(m->srv->store, cls("VM"), collect_resident, &l, &e) < 0) {
		log_error("re-adopt: list VMs: %s", err_code(&e));
		err_clear(&e);
	}
	json_array_foreach(l.refs, i, r)
	{
		json_t *vm = db_get(m->srv->store, cls("VM"), json_string_value(r), &e);

		if (vm != NULL)
			adopt_one(m, json_string_value(r), vm);
		json_decref(vm);
		err_clear(&e);
	}
	json_decref(l.refs);
}

/* ---- start / stop ------------------------------------------------------- */

void *vm_guest_main(void *arg); /* vm_guest.c */

int vm_manager_start(struct xapi_server *srv, const struct vm_manager_options *opt, struct err *e)
{
	struct vm_manager *m = calloc(1, sizeof(*m));
	pthread_attr_t attr;

	if (m == NULL)
		abort();
	m->srv = srv;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	snprintf(m->kernel_dir, sizeof(m->kernel_dir), "%s/kernels", srv->state_dir);
	if (opt && opt->kernel_dir)
		snprintf(m->kernel_dir, sizeof(m->kernel_dir), "%s", opt->kernel_dir);
	snprintf(m->run_dir, sizeof(m->run_dir), "%s/run", srv->state_dir);
	if (opt && opt->run_dir)
		snprintf(m->run_dir, sizeof(m->run_dir), "%s", opt->run_dir);
	if (dir_make_all(m->kernel_dir, 0755) < 0 || dir_make_all(m->run_dir, 0711) < 0) {
		err_internal(e, "cannot create %s or %s: %s", m->kernel_dir, m->run_dir, strerror(errno));
		free(m);
		return -1;
	}
	vm_user_resolve(m, opt ? opt->qemu_user : NULL);
	srv->vms = m;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VM_MONITOR_STACK);
	if (pthread_create(&m->accel_thread, &attr, accel_main, m) != 0)
		abort();
	adopt_all(m);
	if (pthread_create(&m->guest_thread, &attr, vm_guest_main, m) == 0)
		m->guest_thread_started = true;
	pthread_attr_destroy(&attr);
	log_info("VM driver: kernels in %s, runtime in %s", m->kernel_dir, m->run_dir);
	return 0;
}

/* The stopped manager, kept reachable for the detached monitor threads (see vm_manager_stop). */
static struct vm_manager *retired_manager __attribute__((used));

void vm_manager_stop(struct xapi_server *srv)
{
	struct vm_manager *m = srv->vms;

	if (m == NULL)
		return;
	m->stopping = true;
	pthread_join(m->accel_thread, NULL);
	if (m->guest_thread_started)
		pthread_join(m->guest_thread, NULL);
	/*
	 * Monitor threads are detached and end with ovcpd (QEMU processes live
	 * on): they may use the manager until the process exits, so it is kept,
	 * reachable, rather than freed under them.
	 */
	retired_manager = m;
	srv->vms = NULL;
}

/* ---- the API others use ------------------------------------------------ */

static struct vm_runtime *running_or_fail(struct xapi_server *srv, const char *vm_ref, struct err *e)
{
	struct vm_runtime *rt = vm_runtime_find(srv->vms, vm_ref);
	json_t *vm;

	if (rt != NULL)
		return rt;
	vm = db_get(srv->store, cls("VM"), vm_ref, e);
	if (vm == NULL)
		return NULL;
	err_set(e, "VM_BAD_POWER_STATE", vm_ref, "Running", json_string_value(json_object_get(vm, "power_state")),
		NULL);
	json_decref(vm);
	return NULL;
}

static const struct {
	const char *which, *file;
} socket_names[] = {
	{"vnc", QEMU_RUN_VNC},		 {"serial", QEMU_RUN_SERIAL}, {"qga", QEMU_RUN_QGA},
	{"qmp", QEMU_RUN_QMP},		 {"serial-log", QEMU_RUN_SERIAL_LOG},
};

int vm_runtime_socket(struct xapi_server *srv, const char *vm_ref, const char *which, char *path, size_t size,
		      struct err *e)
{
	struct vm_runtime *rt;

	for (size_t i = 0; i < sizeof(socket_names) / sizeof(socket_names[0]); i++) {
		if (strcmp(socket_names[i].which, which) != 0)
			continue;
		if ((rt = running_or_fail(srv, vm_ref, e)) == NULL)
			return -1;
		snprintf(path, size, "%s/%s", rt->dir, socket_names[i].file);
		vm_runtime_put(rt);
		return 0;
	}
	err_set(e, "INVALID_VALUE", "which", which, NULL);
	return -1;
}

int vm_qmp_query(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		 struct err *e)
{
	struct vm_runtime *rt = running_or_fail(srv, vm_ref, e);
	int rc;

	if (rt == NULL) {
		json_decref(args);
		return -1;
	}
	rc = vm_qmp(rt, command, args, reply, VM_QMP_TIMEOUT_MS, e);
	vm_runtime_put(rt);
	return rc;
}

int vm_agent_query(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		   int timeout_ms, struct err *e)
{
	struct vm_runtime *rt = running_or_fail(srv, vm_ref, e);
	int rc;

	if (rt == NULL) {
		json_decref(args);
		return -1;
	}
	rc = vm_agent(rt, command, args, reply, false, timeout_ms, e);
	if (rc < 0 && strcmp(err_code(e), "QMP_ERROR") != 0)
		err_set(e, "VM_LACKS_FEATURE", vm_ref, NULL);
	vm_runtime_put(rt);
	return rc;
}
