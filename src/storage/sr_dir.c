/* The directory of a file SR: names, confinement, usage, cleanup. See sr_dir.h. */
#include "storage/sr_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <jansson.h>

#include "common/log.h"
#include "common/util.h"
#include "storage/image.h"

#define NAME_MAX_LEN 200

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

bool sr_name_is_safe(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.' || strstr(name, "..") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

enum sr_entry_kind sr_name_kind(const char *name)
{
	if (strncmp(name, ".tmp-", 5) == 0 && strchr(name, '/') == NULL)
		return SR_ENTRY_TEMP;
	if (!sr_name_is_safe(name))
		return SR_ENTRY_OTHER;
	if (strncmp(name, "base-", 5) == 0)
		return has_suffix(name, ".qcow2") ? SR_ENTRY_BASE : SR_ENTRY_OTHER;
	return sr_name_format(name) ? SR_ENTRY_IMAGE : SR_ENTRY_OTHER;
}

const char *sr_name_format(const char *name)
{
	if (has_suffix(name, ".qcow2"))
		return "qcow2";
	if (has_suffix(name, ".raw"))
		return "raw";
	return NULL;
}

int sr_path_join(const char *dir, const char *name, char *out, size_t size, struct err *e)
{
	if (!sr_name_is_safe(name) && sr_name_kind(name) != SR_ENTRY_TEMP) {
		err_set(e, "VDI_LOCATION_INVALID", name ? name : "", NULL);
		return -1;
	}
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size) {
		err_set(e, "VDI_LOCATION_INVALID", name, NULL);
		return -1;
	}
	return 0;
}

bool sr_dir_path_is_valid(const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	if (n < 2 || n > 1024 || dir[0] != '/' || dir[n - 1] == '/')
		return false;
	for (const char *p = dir; *p; p++) {
		if (*p == '\n')
			return false;
		if (*p != '/')
			continue;
		const char *part = p + 1;
		size_t len = strcspn(part, "/");
		if (len == 0 || (len == 1 && part[0] == '.') || (len == 2 && part[0] == '.' && part[1] == '.'))
			return false;
	}
	return true;
}

int sr_dir_prepare(const char *dir, bool may_be_used, struct err *e)
{
	struct stat st;

	if (!sr_dir_path_is_valid(dir)) {
		err_set(e, "SR_BACKEND_FAILURE", "path", "the path must be absolute and normalised", NULL);
		return -1;
	}
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			err_set(e, "SR_BACKEND_FAILURE", "path", "not a directory", NULL);
			return -1;
		}
		if (may_be_used)
			return 0;
		DIR *d = opendir(dir);
		struct dirent *de;
		bool empty = true;
		if (d == NULL) {
			err_set(e, "SR_BACKEND_FAILURE", "path", strerror(errno), NULL);
			return -1;
		}
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				empty = false;
		closedir(d);
		if (!empty) {
			err_set(e, "SR_BACKEND_FAILURE", "path", "the directory is not empty", NULL);
			return -1;
		}
		return 0;
	}
	/* 0711: QEMU, running as its own user, opens images by path but never lists the SR */
	if (dir_make_all(dir, 0711) < 0) {
		err_set(e, "SR_BACKEND_FAILURE", "path", strerror(errno), NULL);
		return -1;
	}
	return 0;
}

int64_t sr_file_allocated(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_blocks * 512 : 0;
}

struct usage_arg {
	const char *dir;
	int64_t total;
};

static int add_usage(const char *name, enum sr_entry_kind kind, void *arg)
{
	struct usage_arg *u = arg;
	char path[4096];

	if (kind != SR_ENTRY_IMAGE && kind != SR_ENTRY_BASE)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", u->dir, name);
	u->total += sr_file_allocated(path);
	return 0;
}

int sr_dir_usage(const char *dir, struct sr_usage *u, struct err *e)
{
	struct statvfs vfs;
	struct usage_arg a = { dir, 0 };

	if (statvfs(dir, &vfs) < 0) {
		err_set(e, "SR_BACKEND_FAILURE", "statvfs", strerror(errno), NULL);
		return -1;
	}
	u->physical_size = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
	u->free = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	if (sr_dir_list(dir, add_usage, &a, e) < 0)
		return -1;
	u->utilisation = a.total;
	return 0;
}

int sr_dir_list(const char *dir, sr_dir_entry_fn fn, void *arg, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		err_set(e, "SR_BACKEND_FAILURE", "opendir", strerror(errno), NULL);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		enum sr_entry_kind k = sr_name_kind(de->d_name);
		if (k == SR_ENTRY_OTHER || (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
			continue;
		if (fn(de->d_name, k, arg) < 0) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

static int remove_temp(const char *name, enum sr_entry_kind kind, void *arg)
{
	char path[4096];

	if (kind == SR_ENTRY_TEMP) {
		snprintf(path, sizeof(path), "%s/%s", (const char *)arg, name);
		if (unlink(path) == 0)
			log_info("removed leftover %s", path);
	}
	return 0;
}

void sr_dir_clean_temps(const char *dir)
{
	struct err e = { 0 };

	sr_dir_list(dir, remove_temp, (void *)dir, &e);
	err_clear(&e);
}

int sr_dir_check_backing(const char *dir, const char *backing, struct err *e)
{
	char path[4096];
	struct stat st;

	if (backing == NULL || backing[0] == '\0')
		return 0;
	if (sr_name_kind(backing) != SR_ENTRY_BASE || sr_path_join(dir, backing, path, sizeof(path), e) < 0 ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "VDI_LOCATION_INVALID", backing, NULL);
		return -1;
	}
	return 0;
}

struct gc_arg {
	const char *dir;
	json_t *bases; /* name -> true: in use */
};

static int gc_mark(const char *name, enum sr_entry_kind kind, void *arg)
{
	struct gc_arg *g = arg;
	char path[4096];
	struct img_info info;
	struct err e = { 0 };

	if (kind == SR_ENTRY_BASE && json_object_get(g->bases, name) == NULL)
		json_object_set_new(g->bases, name, json_false());
	if (kind == SR_ENTRY_TEMP || (kind == SR_ENTRY_IMAGE && strcmp(sr_name_format(name), "qcow2") != 0))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if (img_info(path, "qcow2", &info, &e) < 0) {
		/* Unreadable: keep every base, to be safe. */
		err_clear(&e);
		return -1;
	}
	if (info.backing[0])
		json_object_set_new(g->bases, info.backing, json_true());
	return 0;
}

void sr_dir_gc(const char *dir)
{
	for (int round = 0; round < 64; round++) {
		struct gc_arg g = { dir, json_object() };
		struct err e = { 0 };
		const char *name;
		json_t *used;
		int removed = 0;

		if (sr_dir_list(dir, gc_mark, &g, &e) < 0) {
			err_clear(&e);
			json_decref(g.bases);
			return;
		}
		json_object_foreach(g.bases, name, used) {
			char path[4096];
			if (json_is_true(used) || sr_name_kind(name) != SR_ENTRY_BASE)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (unlink(path) == 0)
				removed++;
		}
		json_decref(g.bases);
		if (removed == 0)
			return;
	}
}

static int remove_known(const char *name, enum sr_entry_kind kind, void *arg)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", (const char *)arg, name);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("remove %s: %s", path, strerror(errno));
	return 0;
}

int sr_dir_remove_all(const char *dir, struct err *e)
{
	if (sr_dir_list(dir, remove_known, (void *)dir, e) < 0)
		return -1;
	if (rmdir(dir) < 0 && errno != ENOENT)
		log_warn("SR directory %s kept: %s", dir, strerror(errno));
	return 0;
}

void sr_temp_name(const char *tag, char *out, size_t size)
{
	char uuid[UUID_STR_LEN];

	uuid_generate_str(uuid);
	snprintf(out, size, ".tmp-%s-%s", uuid, tag);
}
