/*
 * Child processes of the hypervisor driver (QEMU, the accelerator probe's
 * test guest): spawned from argv arrays, never through a shell, and always
 * stoppable within a deadline.
 *
 * A QEMU whose guest hangs in KVM ignores SIGTERM (see ARCHITECTURE.md), so
 * proc_stop() ends with SIGKILL after its deadline. Children start in their
 * own session (setsid), so a signal to the daemon's terminal or process
 * group does not reach the VMs.
 */
#ifndef OVCP_HV_PROC_H
#define OVCP_HV_PROC_H

#include "common/err.h"

#include <sys/types.h>

/*
 * Spawn argv[0] (searched in PATH) with stdin from /dev/null and
 * stdout+stderr to out_fd (-1: /dev/null). 0/-1.
 */
int proc_spawn(char *const argv[], int out_fd, pid_t *pid, struct err *e);
/* Who a child runs as: uid 0 means "as ovcpd" (no change). */
struct proc_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups (e.g. kvm for /dev/kvm) */
	size_t n_groups;
};
/*
 * proc_spawn, dropping to cred between fork and exec (setgroups, setgid,
 * setuid, then a check that root cannot be regained); the child exits 126
 * before exec when any step fails, so nothing runs with half-dropped rights.
 * cred NULL or uid 0: proc_spawn.
 */
int proc_spawn_as(char *const argv[], int out_fd, const struct proc_cred *cred, pid_t *pid, struct err *e);
/*
 * proc_spawn for helpers that must not outlive the thread that spawned them
 * (the accelerator probe's test guest): the child gets SIGKILL when that
 * thread or ovcpd dies (PR_SET_PDEATHSIG), so a daemon killed mid-probe
 * leaves no hung KVM QEMU behind. Never use it for VMs, which outlive ovcpd.
 */
int proc_spawn_tied(char *const argv[], int out_fd, pid_t *pid, struct err *e);
/*
 * Wait up to timeout_ms (0: just look) for pid to exit: 1 when it exited and
 * was reaped (*status as from waitpid, if status is not NULL), 0 when it still
 * runs, -1 on error (e.g. not our child).
 */
int proc_wait(pid_t pid, int timeout_ms, int *status);
/*
 * Stop pid: SIGTERM, wait up to term_ms, then SIGKILL and reap. term_ms 0:
 * SIGKILL at once. 0 when reaped (also when it had exited already), -1 when
 * pid is not an unreaped child of ours: then nothing is signalled, since a
 * reaped pid may belong to another process by now.
 */
int proc_stop(pid_t pid, int term_ms);

#endif
