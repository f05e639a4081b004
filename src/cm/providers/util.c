/*
 * Helpers shared by the providers: paths below the apply root, user and group
 * lookups from the root's own /etc files, checksums, whole-file reads and
 * atomic writes.
 */
#include "cm/providers/provider.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/nettle-meta.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cm_root_path(const char *root, const char *path)
{
	char *out = NULL;

	if (root == NULL || root[0] == '\0' || strcmp(root, "/") == 0)
		return strdup(path);
	if (asprintf(&out, "%s%s%s", root, path[0] == '/' ? "" : "/", path) < 0)
		return NULL;
	return out;
}

char *cm_ctx_path(const struct cm_res_ctx *c, const char *path)
{
	return cm_root_path(c->opt->root, path);
}

const char *cm_ctx_name(const struct cm_res_ctx *c)
{
	const char *n = cm_param_str(c->res, cm_type_namevar(c->res->type));

	return n ? n : c->res->title;
}

static bool parse_id(const char *s, unsigned long *id)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0;
}

int cm_user_uid(const char *root, const char *name_or_id, uid_t *uid)
{
	char *path = cm_root_path(root, "/etc/passwd");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct passwd *pw;
	unsigned long id;
	int rc = -1;

	free(path);
	if (parse_id(name_or_id, &id)) {
		*uid = (uid_t)id;
		rc = 0;
	}
	while (rc < 0 && f && (pw = fgetpwent(f)) != NULL)
		if (strcmp(pw->pw_name, name_or_id) == 0) {
			*uid = pw->pw_uid;
			rc = 0;
		}
	if (f)
		fclose(f);
	return rc;
}

int cm_group_gid(const char *root, const char *name_or_id, gid_t *gid)
{
	char *path = cm_root_path(root, "/etc/group");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct group *gr;
	unsigned long id;
	int rc = -1;

	free(path);
	if (parse_id(name_or_id, &id)) {
		*gid = (gid_t)id;
		rc = 0;
	}
	while (rc < 0 && f && (gr = fgetgrent(f)) != NULL)
		if (strcmp(gr->gr_name, name_or_id) == 0) {
			*gid = gr->gr_gid;
			rc = 0;
		}
	if (f)
		fclose(f);
	return rc;
}

char *cm_user_name(const char *root, uid_t uid)
{
	char *path = cm_root_path(root, "/etc/passwd");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct passwd *pw;
	char *name = NULL;

	free(path);
	while (name == NULL && f && (pw = fgetpwent(f)) != NULL)
		if (pw->pw_uid == uid)
			name = strdup(pw->pw_name);
	if (f)
		fclose(f);
	return name;
}

char *cm_group_name(const char *root, gid_t gid)
{
	char *path = cm_root_path(root, "/etc/group");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct group *gr;
	char *name = NULL;

	free(path);
	while (name == NULL && f && (gr = fgetgrent(f)) != NULL)
		if (gr->gr_gid == gid)
			name = strdup(gr->gr_name);
	if (f)
		fclose(f);
	return name;
}

/* Nettle (GnuTLS's own hash library) directly: no TLS library to load for a checksum. */
static const struct {
	const char *name;
	const struct nettle_hash *hash;
} digests[] = {{"sha256", &nettle_sha256}, {"md5", &nettle_md5}, {"sha1", &nettle_sha1}};

static char *digest_format(const char *name, const unsigned char *d, size_t dlen)
{
	char *out = malloc(strlen(name) + 3 + dlen * 2);

	if (out == NULL)
		return NULL;
	sprintf(out, "{%s}", name);
	for (size_t i = 0; i < dlen; i++)
		sprintf(out + strlen(out), "%02x", d[i]);
	return out;
}

char *cm_digest_buffer(const char *algo, const void *data, size_t len)
{
	unsigned char d[64];

	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		if (strcmp(digests[i].name, algo ? algo : "sha256") != 0)
			continue;
		const struct nettle_hash *h = digests[i].hash;
		void *ctx = malloc(h->context_size);
		if (ctx == NULL)
			return NULL;
		h->init(ctx);
		h->update(ctx, len, data);
		h->digest(ctx, h->digest_size, d);
		free(ctx);
		return digest_format(digests[i].name, d, h->digest_size);
	}
	return NULL;
}

char *cm_digest_file(const char *algo, const char *path)
{
	char *data;
	size_t len;
	char *out;

	if (cm_read_file(path, &data, &len) < 0)
		return NULL;
	out = cm_digest_buffer(algo, data, len);
	free(data);
	return out;
}

int cm_read_file(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int cm_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err *e)
{
	char *tmp = NULL;
	int fd;
	size_t done = 0;

	if (asprintf(&tmp, "%s.ovcptmp%ld", path, (long)getpid()) < 0) {
		err_internal(e, "out of memory");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not write %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	while (done < len) {
		ssize_t w = write(fd, (const char *)data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		done += (size_t)w;
	}
	if (done < len || fchmod(fd, mode) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int cm_mkdir_parents(const char *path, mode_t mode)
{
	char *p = strdup(path);

	if (p == NULL)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}
