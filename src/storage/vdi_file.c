/* VDI images in a file SR directory: see vdi_file.h. */
#include "storage/vdi_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "storage/sr_dir.h"

#define PATH_SIZE 4096

static int fs_error(struct err *e, const char *what, const char *path)
{
	int saved = errno;

	log_warn("%s %s: %s", what, path, strerror(saved));
	if (saved == ENOSPC || saved == EDQUOT)
		err_set(e, "SR_FULL", "", "", NULL);
	else
		err_set(e, "SR_BACKEND_FAILURE", what, strerror(saved), NULL);
	return -1;
}

static void sizes_text(int64_t a, int64_t b, char sa[32], char sb[32])
{
	snprintf(sa, 32, "%" PRId64, a);
	snprintf(sb, 32, "%" PRId64, b);
}

int vdi_file_info(const char *dir, const char *name, struct img_info *info, struct err *e)
{
	char path[PATH_SIZE];
	const char *fmt = sr_name_format(name);

	if (fmt == NULL || sr_path_join(dir, name, path, sizeof(path), e) < 0) {
		if (!err_isset(e))
			err_set(e, "VDI_LOCATION_INVALID", name, NULL);
		return -1;
	}
	if (img_info(path, fmt, info, e) < 0)
		return -1;
	if (info->has_data_file) {
		err_set(e, "VDI_LOCATION_INVALID", name, NULL);
		return -1;
	}
	return sr_dir_check_backing(dir, info->backing, e);
}

int vdi_file_create(const char *dir, const char *name, int64_t size, struct img_info *info, struct err *e)
{
	char path[PATH_SIZE];
	const char *fmt = sr_name_format(name);

	if (fmt == NULL || sr_path_join(dir, name, path, sizeof(path), e) < 0) {
		if (!err_isset(e))
			err_set(e, "VDI_LOCATION_INVALID", name, NULL);
		return -1;
	}
	if (access(path, F_OK) == 0) {
		err_set(e, "VDI_LOCATION_INVALID", name, NULL);
		return -1;
	}
	if (img_create(path, fmt, size, e) < 0 || img_info(path, fmt, info, e) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* Copy a small file (an empty overlay) byte for byte. */
static int copy_file(const char *from, const char *to, struct err *e)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1;
	struct stat st;
	int rc = -1;

	if (in < 0 || fstat(in, &st) < 0) {
		fs_error(e, "open", from);
		goto out;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		fs_error(e, "create", to);
		goto out;
	}
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (n <= 0) {
			fs_error(e, "copy", to);
			goto out;
		}
		left -= n;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && rc == 0)
		rc = fs_error(e, "close", to);
	if (rc < 0)
		unlink(to);
	return rc;
}

/*
 * Freeze `name` as a new base and put an empty overlay on it in its place.
 * When dup_name is given, a second empty overlay is made there too (not
 * yet in place: the caller renames it). 0 / -1; on failure nothing changed.
 */
static int freeze(const char *dir, const char *name, const char *dup_path, struct err *e)
{
	char path[PATH_SIZE], base[64], base_path[PATH_SIZE], tmp[96], tmp_path[PATH_SIZE], uuid[UUID_STR_LEN];
	struct img_info info;

	if (vdi_file_info(dir, name, &info, e) < 0)
		return -1;
	if (strcmp(info.format, "qcow2") != 0) {
		err_set(e, "SR_OPERATION_NOT_SUPPORTED", name, NULL);
		return -1;
	}
	uuid_generate_str(uuid);
	snprintf(base, sizeof(base), "base-%s.qcow2", uuid);
	sr_temp_name("overlay", tmp, sizeof(tmp));
	if (sr_path_join(dir, name, path, sizeof(path), e) < 0 ||
	    sr_path_join(dir, base, base_path, sizeof(base_path), e) < 0 ||
	    sr_path_join(dir, tmp, tmp_path, sizeof(tmp_path), e) < 0)
		return -1;
	if (img_create_overlay(tmp_path, base, info.virtual_size, e) < 0)
		goto fail;
	if (dup_path && copy_file(tmp_path, dup_path, e) < 0)
		goto fail;
	if (link(path, base_path) < 0) {
		fs_error(e, "link", base_path);
		goto fail;
	}
	if (rename(tmp_path, path) < 0) {
		fs_error(e, "rename", path);
		unlink(base_path);
		goto fail;
	}
	chmod(base_path, 0400);
	return 0;
fail:
	unlink(tmp_path);
	if (dup_path)
		unlink(dup_path);
	return -1;
}

int vdi_file_clone(const char *dir, const char *src, const char *new_name, struct err *e)
{
	char tmp[96], tmp_path[PATH_SIZE], new_path[PATH_SIZE];

	sr_temp_name("clone", tmp, sizeof(tmp));
	if (sr_name_format(new_name) == NULL || strcmp(sr_name_format(new_name), "qcow2") != 0) {
		err_set(e, "VDI_LOCATION_INVALID", new_name, NULL);
		return -1;
	}
	if (sr_path_join(dir, tmp, tmp_path, sizeof(tmp_path), e) < 0 ||
	    sr_path_join(dir, new_name, new_path, sizeof(new_path), e) < 0)
		return -1;
	if (freeze(dir, src, tmp_path, e) < 0)
		return -1;
	if (rename(tmp_path, new_path) < 0) {
		fs_error(e, "rename", new_path);
		unlink(tmp_path);
		return -1;
	}
	return 0;
}

int vdi_file_revert(const char *dir, const char *name, const char *snap, struct err *e)
{
	char tmp[96], tmp_path[PATH_SIZE], path[PATH_SIZE];

	sr_temp_name("revert", tmp, sizeof(tmp));
	if (sr_path_join(dir, tmp, tmp_path, sizeof(tmp_path), e) < 0 ||
	    sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	if (sr_name_format(name) == NULL || strcmp(sr_name_format(name), "qcow2") != 0) {
		err_set(e, "SR_OPERATION_NOT_SUPPORTED", name, NULL);
		return -1;
	}
	/* The snapshot is frozen too: its own image stays its own, and name gets an overlay on the same base. */
	if (freeze(dir, snap, tmp_path, e) < 0)
		return -1;
	if (rename(tmp_path, path) < 0) {
		fs_error(e, "rename", path);
		unlink(tmp_path);
		return -1;
	}
	sr_dir_gc(dir);
	return 0;
}

int vdi_file_destroy(const char *dir, const char *name, struct err *e)
{
	char path[PATH_SIZE];

	if (sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return fs_error(e, "unlink", path);
	sr_dir_gc(dir);
	return 0;
}

int vdi_file_resize(const char *dir, const char *name, int64_t size, struct err *e)
{
	char path[PATH_SIZE];
	struct img_info info;

	if (vdi_file_info(dir, name, &info, e) < 0 || sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	if (size < info.virtual_size) {
		char a[32], b[32];
		sizes_text(size, info.virtual_size, a, b);
		err_set(e, "VDI_TOO_SMALL", name, b, NULL);
		return -1;
	}
	if (size == info.virtual_size)
		return 0;
	return img_resize(path, info.format, size, e);
}

/* Is there room in dir for `need` more bytes? SR_FULL [need, free] if not. */
static int check_room(const char *dir, int64_t need, struct err *e)
{
	struct sr_usage u;
	char a[32], b[32];

	if (sr_dir_usage(dir, &u, e) < 0)
		return -1;
	if (need <= u.free)
		return 0;
	sizes_text(need, u.free, a, b);
	err_set(e, "SR_FULL", a, b, NULL);
	return -1;
}

int vdi_file_copy(const char *src_dir, const char *src, const char *dst_dir, const char *dst_name,
		  img_progress_fn progress, void *arg, struct err *e)
{
	char src_path[PATH_SIZE], tmp[96], tmp_path[PATH_SIZE], dst_path[PATH_SIZE];
	struct img_info info;
	int64_t need;

	sr_temp_name("copy", tmp, sizeof(tmp));
	if (vdi_file_info(src_dir, src, &info, e) < 0 ||
	    sr_path_join(src_dir, src, src_path, sizeof(src_path), e) < 0 ||
	    sr_path_join(dst_dir, tmp, tmp_path, sizeof(tmp_path), e) < 0 ||
	    sr_path_join(dst_dir, dst_name, dst_path, sizeof(dst_path), e) < 0)
		return -1;
	if (img_measure(src_path, info.format, &need, e) < 0 || check_room(dst_dir, need, e) < 0)
		return -1;
	if (img_convert(src_path, info.format, tmp_path, "qcow2", progress, arg, e) < 0) {
		unlink(tmp_path);
		return -1;
	}
	if (rename(tmp_path, dst_path) < 0) {
		fs_error(e, "rename", dst_path);
		unlink(tmp_path);
		return -1;
	}
	return 0;
}

int vdi_file_import(const char *dir, const char *name, const char *tmp_path, const char *format, int64_t max_size,
		    img_progress_fn progress, void *arg, struct err *e)
{
	char out[96], out_path[PATH_SIZE], path[PATH_SIZE];
	struct img_info info;
	int64_t need;
	char a[32], b[32];

	sr_temp_name("import-out", out, sizeof(out));
	if (sr_path_join(dir, out, out_path, sizeof(out_path), e) < 0 ||
	    sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	if (img_info(tmp_path, format, &info, e) < 0) {
		err_set(e, "IMPORT_ERROR", "the image does not parse as the format given", NULL);
		return -1;
	}
	if (strcmp(info.format, format) != 0 || info.backing[0] || info.has_data_file || info.corrupt) {
		err_set(e, "IMPORT_ERROR", "refused: an image with a backing file, an external data file or damage",
			NULL);
		return -1;
	}
	if (info.virtual_size > max_size) {
		sizes_text(info.virtual_size, max_size, a, b);
		err_set(e, "VDI_TOO_SMALL", name, a, NULL);
		return -1;
	}
	if (img_measure(tmp_path, format, &need, e) < 0 || check_room(dir, need, e) < 0)
		return -1;
	if (img_convert(tmp_path, format, out_path, "qcow2", progress, arg, e) < 0 ||
	    (info.virtual_size < max_size && img_resize(out_path, "qcow2", max_size, e) < 0))
		goto fail;
	if (rename(out_path, path) < 0) {
		fs_error(e, "rename", path);
		goto fail;
	}
	sr_dir_gc(dir);
	return 0;
fail:
	unlink(out_path);
	return -1;
}

int vdi_file_export(const char *dir, const char *name, const char *format, int *fd, int64_t *size,
		    struct err *e)
{
	char out[96], out_path[PATH_SIZE], path[PATH_SIZE];
	struct img_info info;
	struct stat st;

	sr_temp_name("export", out, sizeof(out));
	if (vdi_file_info(dir, name, &info, e) < 0 || sr_path_join(dir, out, out_path, sizeof(out_path), e) < 0 ||
	    sr_path_join(dir, name, path, sizeof(path), e) < 0)
		return -1;
	if (img_convert(path, info.format, out_path, format, NULL, NULL, e) < 0) {
		unlink(out_path);
		return -1;
	}
	*fd = open(out_path, O_RDONLY | O_CLOEXEC);
	unlink(out_path); /* the open descriptor keeps it until the response is sent */
	if (*fd < 0 || fstat(*fd, &st) < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return fs_error(e, "open", out_path);
	}
	*size = st.st_size;
	return 0;
}
