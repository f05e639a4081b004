/*
 * Kernel confinement for kernel-image guests (see qemu_boot_resolve() in
 * qemu_argv.h).
 *
 * A VM's PV_kernel and PV_ramdisk are chosen by whoever may edit the VM;
 * QEMU reads them with the daemon's rights. So both must name a regular file
 * that, after every symlink and "..", lies inside the host's kernel
 * directory. An absolute path is accepted only when it is written inside the
 * kernel directory too (its real or its configured spelling).
 */
#include "hv/qemu_argv.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int boot_fail(struct err *e, const char *uuid, const char *field, const char *value, const char *why)
{
	char reason[PATH_MAX + 128];

	snprintf(reason, sizeof(reason), "%s '%s': %s", field, value, why);
	err_set(e, "BOOTLOADER_FAILED", uuid, reason, NULL);
	return -1;
}

/* Is path equal to dir or below it? (both without a trailing slash) */
static bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static int resolve_one(const char *uuid, const char *field, const char *value, const char *kdir, const char *kdir_real,
		       char **out, struct err *e)
{
	char joined[PATH_MAX], real[PATH_MAX];
	struct stat st;

	*out = NULL;
	if (*value == '\0')
		return 0;
	if (value[0] == '/') {
		if (!path_is_under(value, kdir) && !path_is_under(value, kdir_real))
			return boot_fail(e, uuid, field, value, "is not inside the kernel directory");
		if (snprintf(joined, sizeof(joined), "%s", value) >= (int)sizeof(joined))
			return boot_fail(e, uuid, field, value, "path too long");
	} else if (snprintf(joined, sizeof(joined), "%s/%s", kdir_real, value) >= (int)sizeof(joined)) {
		return boot_fail(e, uuid, field, value, "path too long");
	}
	if (realpath(joined, real) == NULL)
		return boot_fail(e, uuid, field, value,
				 errno == ENOENT ? "no such file in the kernel directory" : strerror(errno));
	if (!path_is_under(real, kdir_real))
		return boot_fail(e, uuid, field, value, "resolves outside the kernel directory");
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode))
		return boot_fail(e, uuid, field, value, "is not a regular file");
	*out = strdup(real);
	if (*out == NULL)
		abort();
	return 0;
}

int qemu_boot_resolve(const json_t *vm, const char *kernel_dir, struct qemu_boot *out, struct err *e)
{
	const char *uuid = json_string_value(json_object_get(vm, "uuid"));
	const char *kernel = json_string_value(json_object_get(vm, "PV_kernel"));
	const char *ramdisk = json_string_value(json_object_get(vm, "PV_ramdisk"));
	char kdir_real[PATH_MAX], kdir[PATH_MAX];
	size_t n;

	memset(out, 0, sizeof(*out));
	uuid = uuid ? uuid : "";
	kernel = kernel ? kernel : "";
	ramdisk = ramdisk ? ramdisk : "";
	if (*kernel == '\0' && *ramdisk == '\0')
		return 0;
	if (*kernel == '\0')
		return boot_fail(e, uuid, "PV_ramdisk", ramdisk, "set without PV_kernel");
	if (kernel_dir == NULL || kernel_dir[0] != '/' || realpath(kernel_dir, kdir_real) == NULL ||
	    snprintf(kdir, sizeof(kdir), "%s", kernel_dir) >= (int)sizeof(kdir))
		return boot_fail(e, uuid, "PV_kernel", kernel, "the host has no usable kernel directory");
	for (n = strlen(kdir); n > 1 && kdir[n - 1] == '/'; n--)
		kdir[n - 1] = '\0';
	if (resolve_one(uuid, "PV_kernel", kernel, kdir, kdir_real, &out->kernel, e) < 0 ||
	    resolve_one(uuid, "PV_ramdisk", ramdisk, kdir, kdir_real, &out->ramdisk, e) < 0) {
		qemu_boot_free(out);
		return -1;
	}
	return 0;
}

void qemu_boot_free(struct qemu_boot *b)
{
	if (b == NULL)
		return;
	free(b->kernel);
	free(b->ramdisk);
	b->kernel = b->ramdisk = NULL;
}
