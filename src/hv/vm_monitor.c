/*
 * One monitor thread per running VM: it listens to the VM's QMP socket and
 * its process (a pidfd), keeps power_state true from QMP events, and when
 * the QEMU process ends brings the records to Halted (or to the state an
 * operation asked for, such as Suspended) and takes the VM out of the table.
 *
 * The QMP connection is shared: callers run commands under rt->qmp_lock
 * (vm_qmp), and the thread reads idle traffic under the same lock with a
 * non-blocking read, so bytes are consumed by exactly one reader. Events
 * land in on_event() in whichever thread holds the lock; it only sets flags
 * and wakes the thread, which does the QMP and store work itself.
 *
 * States of a runtime: running (thread polling) -> exited (process gone)
 * -> finished (records cleaned, out of the table; waiters woken).
 */
#include "hv/vm_internal.h"

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* QEMU run states (query-status) and the power state each means. */
static const struct {
	const char *status, *power; /* power NULL: transient, leave the record */
} status_map[] = {
	{"running", "Running"},	    {"paused", "Paused"},	 {"prelaunch", "Paused"},
	{"suspended", "Paused"},    {"debug", "Paused"},	 {"io-error", "Paused"},
	{"watchdog", "Paused"},	    {"guest-panicked", "Paused"}, {"internal-error", "Paused"},
	{"shutdown", NULL},	    {"inmigrate", NULL},	 {"postmigrate", NULL},
	{"finish-migrate", NULL},   {"save-vm", NULL},		 {"restore-vm", NULL},
	{"colo", NULL},
};

const char *vm_power_of_status(const char *status)
{
	if (status == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(status_map) / sizeof(status_map[0]); i++)
		if (strcmp(status_map[i].status, status) == 0)
			return status_map[i].power;
	return NULL;
}

static void wake(struct vm_runtime *rt)
{
	if (rt->wake_fd[1] >= 0) {
		ssize_t n = write(rt->wake_fd[1], "x", 1);
		(void)n; /* a full pipe already wakes the thread */
	}
}

/* Events that change the run state: the thread re-reads query-status. */
static const char *const status_events[] = {"STOP", "RESUME", "RESET", "SUSPEND", "WAKEUP", "GUEST_PANICKED"};

static void on_event(void *arg, const json_t *ev)
{
	struct vm_runtime *rt = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));

	if (name == NULL)
		return;
	pthread_mutex_lock(&rt->lock);
	for (size_t i = 0; i < sizeof(status_events) / sizeof(status_events[0]); i++)
		if (strcmp(name, status_events[i]) == 0)
			rt->status_dirty = true;
	const json_t *data = json_object_get(ev, "data");

	if (strcmp(name, "RESET") == 0) {
		rt->reboots++;
		rt->guest_reset |= json_is_true(json_object_get(data, "guest"));
	}
	if (strcmp(name, "DEVICE_DELETED") == 0) {
		const char *dev = json_string_value(json_object_get(json_object_get(ev, "data"), "device"));

		/* a few entries at most: hotplug waits remove theirs; keep it bounded anyway */
		if (dev != NULL && json_array_size(rt->deleted) < 64)
			json_array_append_new(rt->deleted, json_string(dev));
	}
	/*
	 * A shutdown the guest made, except a reboot that actions_after_reboot
	 * "destroy" turned into one (-action reboot=shutdown: reason guest-reset),
	 * which must not be restarted by actions_after_shutdown.
	 */
	if (strcmp(name, "SHUTDOWN") == 0 && json_is_true(json_object_get(data, "guest")) &&
	    strcmp(json_string_value(json_object_get(data, "reason")) ?: "", "guest-reset") != 0)
		rt->guest_shutdown = true;
	pthread_cond_broadcast(&rt->cond);
	pthread_mutex_unlock(&rt->lock);
	log_debug("VM %s: QMP event %s", rt->uuid, name);
	wake(rt);
}

/* ---- commands ------------------------------------------------------------ */

int vm_qmp(struct vm_runtime *rt, const char *command, json_t *args, json_t **ret, int timeout_ms, struct err *e)
{
	int rc;

	pthread_mutex_lock(&rt->qmp_lock);
	if (!qmp_is_connected(rt->qmp)) {
		pthread_mutex_unlock(&rt->qmp_lock);
		json_decref(args);
		err_set(e, "QMP_DISCONNECTED", rt->uuid, NULL);
		return -1;
	}
	rc = qmp_command(rt->qmp, command, args, ret, timeout_ms, e);
	bool gone = !qmp_is_connected(rt->qmp);
	pthread_mutex_unlock(&rt->qmp_lock);
	if (gone)
		wake(rt);
	return rc;
}

int vm_qmp_fd(struct vm_runtime *rt, const char *command, json_t *args, int fd, json_t **ret, int timeout_ms,
	      struct err *e)
{
	int rc;

	pthread_mutex_lock(&rt->qmp_lock);
	rc = qmp_command_fd(rt->qmp, command, args, fd, ret, timeout_ms, e);
	pthread_mutex_unlock(&rt->qmp_lock);
	return rc;
}

int vm_agent(struct vm_runtime *rt, const char *command, json_t *args, json_t **ret, bool no_reply, int timeout_ms,
	     struct err *e)
{
	int rc = -1;

	pthread_mutex_lock(&rt->agent_lock);
	if (!qmp_is_connected(rt->agent)) {
		char path[300];

		snprintf(path, sizeof(path), "%s/qga.sock", rt->dir);
		if (qmp_connect(rt->agent, path, timeout_ms, e) < 0) {
			json_decref(args);
			goto out;
		}
	}
	rc = no_reply ? qmp_command_no_reply(rt->agent, command, args, timeout_ms, e)
		      : qmp_command(rt->agent, command, args, ret, timeout_ms, e);
out:
	pthread_mutex_unlock(&rt->agent_lock);
	return rc;
}

/* ---- process ------------------------------------------------------------ */

static bool pidfd_exited(int pidfd, int timeout_ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (pidfd < 0)
		return true;
	return poll(&p, 1, timeout_ms) > 0;
}

void vm_runtime_kill(struct vm_runtime *rt, int term_ms)
{
	if (rt->pidfd < 0)
		return;
	if (term_ms > 0) {
		pidfd_send_signal(rt->pidfd, SIGTERM, NULL, 0);
		if (pidfd_exited(rt->pidfd, term_ms))
			return;
		log_warn("VM %s: QEMU pid %d ignored SIGTERM for %d ms; SIGKILL", rt->uuid, (int)rt->pid, term_ms);
	}
	pidfd_send_signal(rt->pidfd, SIGKILL, NULL, 0);
}

bool vm_runtime_wait_until(struct vm_runtime *rt, int timeout_ms, vm_runtime_cond *cond, void *arg)
{
	int64_t deadline = time_monotonic_ms() + timeout_ms;
	bool done;

	pthread_mutex_lock(&rt->lock);
	while (!(done = cond(rt, arg))) {
		int64_t left = deadline - time_monotonic_ms();
		struct timespec ts;

		if (left <= 0)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rt->cond, &rt->lock, &ts);
	}
	pthread_mutex_unlock(&rt->lock);
	return done;
}

static bool is_finished(struct vm_runtime *rt, void *arg)
{
	(void)arg;
	return rt->finished;
}

int vm_runtime_wait_finished(struct vm_runtime *rt, int timeout_ms)
{
	return vm_runtime_wait_until(rt, timeout_ms, is_finished, NULL);
}

static bool take_deleted(struct vm_runtime *rt, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(rt->deleted, i, v)
	{
		if (strcmp(json_string_value(v), id) == 0) {
			json_array_remove(rt->deleted, i);
			return true;
		}
	}
	return false;
}

struct deleted_wait {
	const char *id;
	bool taken;
};

static bool deleted_or_finished(struct vm_runtime *rt, void *arg)
{
	struct deleted_wait *w = arg;

	w->taken = w->taken || take_deleted(rt, w->id);
	return w->taken || rt->finished;
}

int vm_runtime_wait_deleted(struct vm_runtime *rt, const char *id, int timeout_ms)
{
	struct deleted_wait w = {id, false};

	vm_runtime_wait_until(rt, timeout_ms, deleted_or_finished, &w);
	return w.taken ? 0 : -1;
}

/* ---- the thread ----------------------------------------------------------- */

static void read_idle(struct vm_runtime *rt)
{
	char buf[4096];
	struct err e = {0};

	pthread_mutex_lock(&rt->qmp_lock);
	int fd = qmp_fd(rt->qmp);
	if (fd >= 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			qmp_close(rt->qmp);
		else if (n > 0 && qmp_feed(rt->qmp, buf, (size_t)n, &e) < 0)
			err_clear(&e);
	}
	pthread_mutex_unlock(&rt->qmp_lock);
}

static void refresh_status(struct vm_runtime *rt)
{
	struct err e = {0};
	json_t *st = NULL;
	bool hold;

	pthread_mutex_lock(&rt->lock);
	rt->status_dirty = false;
	hold = rt->hold_records;
	pthread_mutex_unlock(&rt->lock);
	if (hold)
		return;
	if (vm_qmp(rt, "query-status", NULL, &st, VM_QMP_TIMEOUT_MS, &e) < 0) {
		err_clear(&e);
		return;
	}
	const char *ps = vm_power_of_status(json_string_value(json_object_get(st, "status")));

	pthread_mutex_lock(&rt->lock);
	hold = rt->hold_records;
	pthread_mutex_unlock(&rt->lock);
	if (ps != NULL && !hold && vm_record_power(rt->mgr->srv, rt->ref, ps, &e) < 0)
		err_clear(&e);
	json_decref(st);
}

static const char *vm_action_after_shutdown(struct xapi_server *srv, const char *ref)
{
	struct err e = {0};
	json_t *vm = db_get(srv->store, model_class_find("VM"), ref, &e);
	static const char *const actions[] = {"restart", "destroy"};
	const char *a = json_string_value(json_object_get(vm, "actions_after_shutdown"));
	const char *found = "destroy";

	for (size_t i = 0; a && i < 2; i++)
		if (strcmp(a, actions[i]) == 0)
			found = actions[i];
	json_decref(vm);
	err_clear(&e);
	return found;
}

static void finish(struct vm_runtime *rt)
{
	struct xapi_server *srv = rt->mgr->srv;
	const char *state;
	bool restart;

	if (!pidfd_exited(rt->pidfd, 10000)) {
		vm_runtime_kill(rt, 0);
		pidfd_exited(rt->pidfd, 5000);
	}
	if (rt->our_child)
		waitpid(rt->pid, NULL, WNOHANG);
	pthread_mutex_lock(&rt->lock);
	rt->exited = true;
	state = rt->exit_state;
	restart = rt->guest_shutdown && strcmp(state, "Halted") == 0;
	pthread_mutex_unlock(&rt->lock);
	restart = restart && strcmp(vm_action_after_shutdown(srv, rt->ref), "restart") == 0;
	pthread_mutex_lock(&rt->qmp_lock);
	qmp_close(rt->qmp);
	pthread_mutex_unlock(&rt->qmp_lock);
	pthread_mutex_lock(&rt->agent_lock);
	qmp_close(rt->agent);
	pthread_mutex_unlock(&rt->agent_lock);
	vm_cleanup_host(srv, rt->ref, rt->uuid, rt->dir);
	vm_records_stopped(srv, rt->ref, state);
	vm_runtime_remove(rt);
	log_info("VM %s: QEMU ended; %s", rt->uuid, restart ? "restarting (actions_after_shutdown)" : state);
	pthread_mutex_lock(&rt->lock);
	rt->finished = true;
	pthread_cond_broadcast(&rt->cond);
	pthread_mutex_unlock(&rt->lock);
	if (restart) {
		struct err e = {0};
		struct vm_start_opts o = {0};

		if (vm_start_qemu(srv, rt->ref, &o, &e) < 0) {
			log_warn("VM %s: restart after shutdown failed: %s", rt->uuid, err_code(&e));
			err_clear(&e);
		}
	}
}

/* The guest rebooted itself (actions_after_reboot "restart": QEMU reset it in place): a new boot. */
static void guest_rebooted(struct vm_runtime *rt)
{
	struct err e = {0};

	log_info("VM %s: the guest rebooted", rt->uuid);
	if (vm_metrics_touch_start(rt->mgr->srv, rt->ref, &e) < 0)
		err_clear(&e);
}

static void *monitor_main(void *arg)
{
	struct vm_runtime *rt = arg;

	for (;;) {
		struct pollfd p[3] = {
			{.fd = rt->wake_fd[0], .events = POLLIN},
			{.fd = rt->pidfd, .events = POLLIN},
			{.fd = -1, .events = POLLIN},
		};
		bool dirty, reset;

		pthread_mutex_lock(&rt->qmp_lock);
		p[2].fd = qmp_fd(rt->qmp);
		pthread_mutex_unlock(&rt->qmp_lock);
		if (p[2].fd < 0)
			break; /* monitor closed: QEMU is ending */
		if (poll(p, 3, 5000) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			char buf[64];
			ssize_t n = read(rt->wake_fd[0], buf, sizeof(buf));
			(void)n;
		}
		if (p[1].revents & POLLIN)
			break; /* the process exited */
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			read_idle(rt);
		pthread_mutex_lock(&rt->lock);
		dirty = rt->status_dirty;
		reset = rt->guest_reset;
		rt->guest_reset = false;
		pthread_mutex_unlock(&rt->lock);
		if (dirty)
			refresh_status(rt);
		if (reset)
			guest_rebooted(rt);
	}
	finish(rt);
	vm_runtime_put(rt);
	return NULL;
}

int vm_monitor_start(struct vm_runtime *rt, struct err *e)
{
	pthread_attr_t attr;
	int rc;

	if (pipe2(rt->wake_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_internal(e, "pipe: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&rt->qmp_lock);
	qmp_set_event_handler(rt->qmp, on_event, rt);
	pthread_mutex_unlock(&rt->qmp_lock);
	pthread_mutex_lock(&rt->mgr->lock);
	rt->refs++; /* the thread's */
	pthread_mutex_unlock(&rt->mgr->lock);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VM_MONITOR_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&rt->thread, &attr, monitor_main, rt);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		vm_runtime_put(rt);
		err_internal(e, "pthread_create: %s", strerror(rc));
		return -1;
	}
	rt->thread_started = true;
	return 0;
}
