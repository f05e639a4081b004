/*
 * qemu_boot_resolve(): PV_kernel / PV_ramdisk confined to the kernel
 * directory, with real files and symlinks in a temporary directory:
 *   TMP/kernels/vmlinuz, TMP/kernels/initrd.img, TMP/kernels/sub/vmlinuz2
 *   TMP/kernels/inside-link -> vmlinuz         (allowed: stays inside)
 *   TMP/kernels/escape-link -> ../secret       (refused)
 *   TMP/kernels/dir-link -> ..                 (refused through it)
 *   TMP/kernels/emptydir                       (refused: not a file)
 *   TMP/secret, TMP/outside-link -> kernels/vmlinuz
 */
#include "hv/qemu_argv.h"
#include "tap.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[PATH_MAX], kdir[PATH_MAX];

/* out = a/b; the tests' paths are short, so truncation is a bug. */
static void join(char out[PATH_MAX], const char *a, const char *b)
{
	if (snprintf(out, PATH_MAX, "%s/%s", a, b) >= PATH_MAX)
		abort();
}

static void write_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	join(path, tmp, rel);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void make_link(const char *rel, const char *target)
{
	char path[PATH_MAX];

	join(path, tmp, rel);
	if (symlink(target, path) < 0)
		abort();
}

static void make_tree(void)
{
	char path[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s/ovcp-boot-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL || realpath(tmp, path) == NULL)
		abort();
	memcpy(tmp, path, sizeof(tmp));
	join(kdir, tmp, "kernels");
	join(path, tmp, "kernels/sub");
	if (mkdir(kdir, 0755) < 0 || mkdir(path, 0755) < 0)
		abort();
	join(path, tmp, "kernels/emptydir");
	if (mkdir(path, 0755) < 0)
		abort();
	write_file("kernels/vmlinuz", "kernel");
	write_file("kernels/initrd.img", "initrd");
	write_file("kernels/sub/vmlinuz2", "kernel2");
	write_file("secret", "secret");
	make_link("kernels/inside-link", "vmlinuz");
	make_link("kernels/escape-link", "../secret");
	make_link("kernels/dir-link", "..");
	make_link("outside-link", "kernels/vmlinuz");
}

static void remove_tree(void)
{
	static const char *const rel[] = {
	    "kernels/vmlinuz",	   "kernels/initrd.img",  "kernels/sub/vmlinuz2", "secret",
	    "kernels/inside-link", "kernels/escape-link", "kernels/dir-link",	  "outside-link",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		join(path, tmp, rel[i]);
		unlink(path);
	}
	join(path, tmp, "kernels/sub");
	rmdir(path);
	join(path, tmp, "kernels/emptydir");
	rmdir(path);
	rmdir(kdir);
	rmdir(tmp);
}

static json_t *vm_with(const char *kernel, const char *ramdisk)
{
	return json_pack("{s:s, s:s, s:s}", "uuid", "6f1c3a2e-9b7d-4c1e-8a55-0d2b7c9e1f40", "PV_kernel", kernel,
			 "PV_ramdisk", ramdisk);
}

/* Resolve and return 0/-1; k and r get the resolved paths (caller frees). */
static int resolve(const char *kernel, const char *ramdisk, const char *dir, char **k, char **r, struct err *e)
{
	json_t *vm = vm_with(kernel, ramdisk);
	struct qemu_boot b;
	int rc = qemu_boot_resolve(vm, dir, &b, e);

	json_decref(vm);
	*k = b.kernel;
	*r = b.ramdisk;
	return rc;
}

static void expect_ok(const char *kernel, const char *ramdisk, const char *want_kernel, const char *want_ramdisk)
{
	struct err e = {0};
	char *k, *r, wk[PATH_MAX], wr[PATH_MAX];

	join(wk, kdir, want_kernel);
	join(wr, kdir, want_ramdisk ? want_ramdisk : "");
	CHECK_INT(resolve(kernel, ramdisk, kdir, &k, &r, &e), 0);
	CHECK(!err_isset(&e));
	CHECK_STR(k, wk);
	if (want_ramdisk)
		CHECK_STR(r, wr);
	else
		CHECK(r == NULL);
	free(k);
	free(r);
	err_clear(&e);
}

/* Refused with BOOTLOADER_FAILED [uuid, reason] whose reason contains `why`. */
static void expect_refused(const char *kernel, const char *ramdisk, const char *why)
{
	struct err e = {0};
	char *k, *r;

	CHECK_INT(resolve(kernel, ramdisk, kdir, &k, &r, &e), -1);
	CHECK(k == NULL && r == NULL);
	CHECK_STR(err_code(&e), "BOOTLOADER_FAILED");
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "6f1c3a2e-9b7d-4c1e-8a55-0d2b7c9e1f40");
	CHECK(strstr(json_string_value(json_array_get(e.desc, 2)) ?: "", why) != NULL);
	if (strstr(json_string_value(json_array_get(e.desc, 2)) ?: "", why) == NULL)
		printf("# reason: %s\n", json_string_value(json_array_get(e.desc, 2)));
	err_clear(&e);
}

static void test_relative_names(void)
{
	expect_ok("vmlinuz", "initrd.img", "vmlinuz", "initrd.img");
	expect_ok("vmlinuz", "", "vmlinuz", NULL);
	expect_ok("sub/vmlinuz2", "", "sub/vmlinuz2", NULL);
	expect_ok("sub/../vmlinuz", "", "vmlinuz", NULL);
}

static void test_absolute_inside(void)
{
	char abs[PATH_MAX];

	join(abs, kdir, "vmlinuz");
	expect_ok(abs, "initrd.img", "vmlinuz", "initrd.img");
	join(abs, kdir, "/sub/vmlinuz2");
	expect_ok(abs, "", "sub/vmlinuz2", NULL);
}

static void test_symlink_inside_allowed(void)
{
	/* the resolved path is the link's target */
	expect_ok("inside-link", "", "vmlinuz", NULL);
}

static void test_dotdot_refused(void)
{
	expect_refused("../secret", "", "outside the kernel directory");
	expect_refused("vmlinuz", "../secret", "PV_ramdisk '../secret': resolves outside");
	expect_refused("sub/../../secret", "", "outside");
}

static void test_symlink_escape_refused(void)
{
	expect_refused("escape-link", "", "resolves outside the kernel directory");
	expect_refused("dir-link/secret", "", "resolves outside the kernel directory");
	/* a detour that ends inside is judged by where it ends */
	expect_ok("dir-link/kernels/vmlinuz", "", "vmlinuz", NULL);
}

static void test_absolute_outside_refused(void)
{
	char abs[PATH_MAX];

	expect_refused("/etc/passwd", "", "is not inside the kernel directory");
	join(abs, tmp, "outside-link"); /* points inside, but is written outside */
	expect_refused(abs, "", "is not inside the kernel directory");
	join(abs, kdir, "../secret");
	expect_refused(abs, "", "resolves outside");
}

static void test_missing_and_not_file(void)
{
	expect_refused("nope", "", "no such file");
	expect_refused("vmlinuz", "nope.img", "PV_ramdisk 'nope.img': no such file");
	expect_refused("emptydir", "", "not a regular file");
	expect_refused("", "initrd.img", "without PV_kernel");
}

static void test_no_kernel_is_fine(void)
{
	struct err e = {0};
	char *k, *r;

	CHECK_INT(resolve("", "", kdir, &k, &r, &e), 0);
	CHECK(k == NULL && r == NULL && !err_isset(&e));
	/* a missing kernel directory only matters when a kernel is asked for */
	CHECK_INT(resolve("", "", "/nonexistent-ovcp-kernels", &k, &r, &e), 0);
	CHECK_INT(resolve("vmlinuz", "", "/nonexistent-ovcp-kernels", &k, &r, &e), -1);
	CHECK_STR(err_code(&e), "BOOTLOADER_FAILED");
	err_clear(&e);
}

static void test_kernel_dir_spelling(void)
{
	/* a kernel directory given with a trailing slash or through a symlink */
	char dir[PATH_MAX], link[PATH_MAX], abs[PATH_MAX];
	struct err e = {0};
	char *k, *r;

	join(dir, kdir, "");
	CHECK_INT(resolve("vmlinuz", "", dir, &k, &r, &e), 0);
	free(k);
	join(link, tmp, "kernels-link");
	CHECK_INT(symlink("kernels", link), 0);
	join(abs, link, "vmlinuz");
	CHECK_INT(resolve(abs, "", link, &k, &r, &e), 0);
	join(abs, kdir, "vmlinuz");
	CHECK_STR(k, abs);
	free(k);
	unlink(link);
	err_clear(&e);
}

int main(void)
{
	make_tree();
	TAP_RUN(test_relative_names);
	TAP_RUN(test_absolute_inside);
	TAP_RUN(test_symlink_inside_allowed);
	TAP_RUN(test_dotdot_refused);
	TAP_RUN(test_symlink_escape_refused);
	TAP_RUN(test_absolute_outside_refused);
	TAP_RUN(test_missing_and_not_file);
	TAP_RUN(test_no_kernel_is_fine);
	TAP_RUN(test_kernel_dir_spelling);
	remove_tree();
	return tap_done();
}
