/*
 * Accelerator probe tests, with real QEMU processes:
 * - the probe guest runs under TCG (the positive control that makes "no
 *   progress under KVM" mean something);
 * - the probe on this host answers within its time bound and says why;
 *   on a host whose /dev/kvm opens but runs guests far too slowly (the
 *   machine this was written on) that is TCG;
 * - a "QEMU" that hangs and ignores SIGTERM is killed within the deadline;
 * - OVCP_ACCEL forces the answer;
 * and after each, no child process and no temporary file is left.
 */
#include "hv/accel.h"
#include "tap.h"

#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[128];

static bool no_children_left(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* The probe's temporary directories are made under TMPDIR (our tmp): none may remain. */
static int entries_in_tmp(void)
{
	DIR *d = opendir(tmp);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "ovcp-accel-", 11) == 0)
			n++;
	closedir(d);
	return n;
}

static bool have_qemu(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path != NULL && *path) {
		size_t n = strcspn(path, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/qemu-system-x86_64", (int)n, path) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static void test_probe_guest_runs_under_tcg(void)
{
	char why[256];
	int64_t t0 = time_monotonic_ms();

	if (!have_qemu()) {
		TAP_SKIP("qemu-system-x86_64 not installed");
		return;
	}
	CHECK_INT(hv_accel_try("tcg", 5000, why, sizeof(why)), 0);
	CHECK_STR(why, "a test guest ran under accel=tcg");
	printf("# tcg probe guest: %lld ms\n", (long long)(time_monotonic_ms() - t0));
	CHECK(no_children_left());
	CHECK_INT(entries_in_tmp(), 0);
}

static void test_probe_this_host(void)
{
	struct hv_accel_result r;
	int64_t t0 = time_monotonic_ms();
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool kvm_opens = fd >= 0;

	if (fd >= 0)
		close(fd);
	if (!have_qemu()) {
		TAP_SKIP("qemu-system-x86_64 not installed");
		return;
	}
	unsetenv("OVCP_ACCEL");
	CHECK_INT(hv_accel_probe(&r, 3000), 0);
	printf("# chose %s in %d ms: %s\n", r.accel, r.elapsed_ms, r.reason);
	/* 3 s for the guest, plus QEMU's start and the kill */
	CHECK(time_monotonic_ms() - t0 < 3000 + 2000);
	CHECK(strcmp(r.accel, "kvm") == 0 || strcmp(r.accel, "tcg") == 0);
	if (!kvm_opens) {
		CHECK_STR(r.accel, "tcg");
		CHECK(strstr(r.reason, "cannot open /dev/kvm") != NULL);
	} else if (strcmp(r.accel, "tcg") == 0) {
		CHECK(strncmp(r.reason, "/dev/kvm present but ", 21) == 0);
		CHECK(strstr(r.reason, "using TCG") != NULL);
	} else {
		CHECK(strstr(r.reason, "ran under KVM") != NULL);
	}
	CHECK(no_children_left());
	CHECK_INT(entries_in_tmp(), 0);
}

/* A "QEMU" that never makes progress and ignores SIGTERM, like a QEMU hung in KVM. */
static void test_hung_qemu_is_killed_in_time(void)
{
	char script[PATH_MAX], why[256];
	const char *text = "#!/bin/sh\ntrap '' TERM\nexec sleep 60\n";
	int64_t t0;

	if (snprintf(script, sizeof(script), "%s/hung-qemu", tmp) >= (int)sizeof(script) ||
	    file_write_atomic(script, text, strlen(text), 0755) < 0)
		abort();
	setenv("OVCP_QEMU", script, 1);
	t0 = time_monotonic_ms();
	CHECK_INT(hv_accel_try("kvm", 1000, why, sizeof(why)), -1);
	CHECK(time_monotonic_ms() - t0 < 1000 + 1000);
	CHECK_STR(why, "a test guest made no progress in 1000 ms under accel=kvm");
	CHECK(no_children_left());
	CHECK_INT(entries_in_tmp(), 0);
	unsetenv("OVCP_QEMU");
	unlink(script);
}

static void test_qemu_that_fails_at_once(void)
{
	char why[256];

	if (!have_qemu()) {
		TAP_SKIP("qemu-system-x86_64 not installed");
		return;
	}
	/* an accelerator QEMU does not know: it exits with a message, no wait for the deadline */
	int64_t t0 = time_monotonic_ms();

	CHECK_INT(hv_accel_try("nosuchaccel", 3000, why, sizeof(why)), -1);
	CHECK(time_monotonic_ms() - t0 < 2500);
	CHECK(strstr(why, "exited at once") != NULL);
	printf("# %s\n", why);
	setenv("OVCP_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	CHECK_INT(hv_accel_try("tcg", 1000, why, sizeof(why)), -1);
	unsetenv("OVCP_QEMU");
	CHECK(no_children_left());
	CHECK_INT(entries_in_tmp(), 0);
}

static void test_forced(void)
{
	struct hv_accel_result r;

	setenv("OVCP_ACCEL", "tcg", 1);
	CHECK_INT(hv_accel_probe(&r, 3000), 0);
	CHECK_STR(r.accel, "tcg");
	CHECK_STR(r.reason, "forced by OVCP_ACCEL=tcg");
	CHECK(r.elapsed_ms < 100);
	setenv("OVCP_ACCEL", "kvm", 1);
	CHECK_INT(hv_accel_probe(&r, 3000), 0);
	CHECK_STR(r.accel, "kvm");
	unsetenv("OVCP_ACCEL");
	CHECK(no_children_left());
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/ovcp-accel-test-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		abort();
	setenv("TMPDIR", tmp, 1);
	TAP_RUN(test_forced);
	TAP_RUN(test_probe_guest_runs_under_tcg);
	TAP_RUN(test_hung_qemu_is_killed_in_time);
	TAP_RUN(test_qemu_that_fails_at_once);
	TAP_RUN(test_probe_this_host);
	rmdir(tmp);
	return tap_done();
}
