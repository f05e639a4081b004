/*
 * Tests of src/hv/vm_user.c: whether the QEMU user can reach a path (every
 * directory above it searchable for that uid/gid), and what granting and
 * releasing an image does to it and to its qcow2 backing chain. Real files
 * and real qemu-img; the chown checks need root and skip otherwise.
 */
#include "hv/vm_internal.h"

#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define QUID 54321
#define QGID 54322

static char tmp[256];

static struct vm_manager fake_manager(void)
{
	struct vm_manager m = {.qemu_uid = QUID, .qemu_gid = QGID, .n_groups = 1};

	m.groups[0] = QGID;
	snprintf(m.qemu_user, sizeof(m.qemu_user), "ovcp-qemu-test");
	return m;
}

static int run(const char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_reach(void)
{
	struct vm_manager m = fake_manager();
	char dir[300], file[320], why[600] = "";

	snprintf(dir, sizeof(dir), "%s/closed/inner", tmp);
	snprintf(file, sizeof(file), "%s/image.qcow2", dir);
	CHECK(mkdir(tmp, 0711) == 0 || chmod(tmp, 0711) == 0);
	snprintf(why, sizeof(why), "%s/closed", tmp);
	CHECK(mkdir(why, 0700) == 0);
	CHECK(mkdir(dir, 0711) == 0);
	why[0] = '\0';
	CHECK(!vm_user_can_reach(&m, file, why, sizeof(why)));
	CHECK(strstr(why, "/closed, mode 0700") != NULL);
	snprintf(why, sizeof(why), "%s/closed", tmp);
	CHECK(chmod(why, 0710) == 0); /* group search only: not the QEMU user's group */
	CHECK(!vm_user_can_reach(&m, file, why, sizeof(why)));
	snprintf(why, sizeof(why), "%s/closed", tmp);
	if (geteuid() == 0) {
		CHECK(chown(why, 0, QGID) == 0); /* now it is its group */
		CHECK(vm_user_can_reach(&m, file, why, sizeof(why)));
	}
	CHECK(chmod(why, 0711) == 0);
	CHECK(vm_user_can_reach(&m, file, why, sizeof(why)));
	CHECK(vm_user_can_reach(&m, NULL, why, sizeof(why)));
}

static void test_grant_chain(void)
{
	struct vm_manager m = fake_manager();
	char base[320], top[320];
	struct stat st;
	struct err e = {0};

	if (geteuid() != 0) {
		TAP_SKIP("chown needs root");
		return;
	}
	snprintf(base, sizeof(base), "%s/closed/inner/base-1.qcow2", tmp);
	snprintf(top, sizeof(top), "%s/closed/inner/top.qcow2", tmp);
	const char *mk_base[] = {"qemu-img", "create", "-q", "-f", "qcow2", base, "1M", NULL};
	const char *mk_top[] = {"qemu-img", "create", "-q",	      "-f", "qcow2", "-F",
				"qcow2",    "-b",     "base-1.qcow2", top,  NULL};
	if (run(mk_base) != 0 || run(mk_top) != 0) {
		TAP_SKIP("qemu-img is missing");
		return;
	}
	CHECK(chmod(base, 0600) == 0);
	CHECK(vm_user_grant_image(&m, 0, top, true, &e) == 0); /* QEMU as root: nothing changes */
	CHECK(stat(top, &st) == 0 && st.st_uid == 0);
	CHECK(vm_user_grant_image(&m, QUID, top, true, &e) == 0);
	CHECK(stat(top, &st) == 0 && st.st_uid == QUID && st.st_gid == QGID);
	CHECK(stat(base, &st) == 0 && st.st_uid == 0 && st.st_gid == QGID && (st.st_mode & 0777) == 0640);
	vm_user_release_image(&m, top);
	CHECK(stat(top, &st) == 0 && st.st_uid == 0);
	CHECK(vm_user_grant_image(&m, QUID, base, false, &e) == 0); /* read-only: stays root's */
	CHECK(stat(base, &st) == 0 && st.st_uid == 0);
	err_clear(&e);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "%s/ovcp-vm-user-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	TAP_RUN(test_reach);
	TAP_RUN(test_grant_chain);
	const char *rm[] = {"rm", "-rf", tmp, NULL};
	run(rm);
	return tap_done();
}
