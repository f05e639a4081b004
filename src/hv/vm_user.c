/*
 * Who QEMU runs as. QEMU 7.2's -sandbox elevateprivileges=deny forbids the
 * setuid that -runas does after start-up, so ovcpd drops the privileges
 * itself between fork and exec (proc_spawn_as): the system user
 * "ovcp-qemu" (made by ./bootstrap with useradd --system; ovcpd never
 * creates users), with the kvm group for /dev/kvm when that group exists.
 * Without the user, QEMU runs as root and the log says why.
 *
 * What that user needs, and gets, per VM: its runtime directory (chowned),
 * its writable images (chowned while it runs, back to root when it stops),
 * read access to the read-only ones and to the backing files of every chain
 * (group ovcp-qemu, g+r: shared bases stay that way), a tap it owns. It
 * also needs to cross every directory above those files; when one of them
 * is closed to it (a state directory of mode 0700, say), that VM's QEMU
 * runs as root, again with a log line saying which directory.
 */
#include "hv/vm_internal.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QCOW2_MAGIC 0x514649fbU /* "QFI\xfb" */

void vm_user_resolve(struct vm_manager *m, const char *name)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[4096];

	m->qemu_user[0] = '\0';
	m->qemu_uid = 0;
	m->qemu_gid = 0;
	m->n_groups = 0;
	if (name == NULL)
		name = "ovcp-qemu";
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL) {
		log_info("QEMU runs as root: user %s does not exist (./bootstrap makes it: useradd --system %s)", name,
			 name);
		return;
	}
	if (pw.pw_uid == 0) {
		log_info("QEMU runs as root: user %s is root", name);
		return;
	}
	snprintf(m->qemu_user, sizeof(m->qemu_user), "%s", name);
	m->qemu_uid = pw.pw_uid;
	m->qemu_gid = pw.pw_gid;
	m->groups[m->n_groups++] = pw.pw_gid;
	if (getgrnam_r("kvm", &gr, buf, sizeof(buf), &grp) == 0 && grp != NULL)
		m->groups[m->n_groups++] = gr.gr_gid;
	log_info("QEMU runs as user %s (uid %u, gid %u%s), dropped to between fork and exec", name,
		 (unsigned)m->qemu_uid, (unsigned)m->qemu_gid, m->n_groups > 1 ? ", group kvm" : "");
}

/* May uid/gid search (x) the directory st? */
static bool may_search(const struct vm_manager *m, const struct stat *st)
{
	if (st->st_uid == m->qemu_uid)
		return st->st_mode & S_IXUSR;
	for (size_t i = 0; i < m->n_groups; i++)
		if (st->st_gid == m->groups[i])
			return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

bool vm_user_can_reach(const struct vm_manager *m, const char *path, char *why, size_t size)
{
	char dir[512];
	struct stat st;

	if (path == NULL || path[0] != '/')
		return true;
	snprintf(dir, sizeof(dir), "%s", path);
	/* every directory above path, from path's parent up to "/" */
	for (char *slash = strrchr(dir, '/'); slash != NULL; slash = strrchr(dir, '/')) {
		*slash = '\0';
		const char *d = dir[0] ? dir : "/";

		if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode) || !may_search(m, &st)) {
			snprintf(why, size, "%s cannot reach %s (directory %s, mode %04o)", m->qemu_user, path, d,
				 (unsigned)(st.st_mode & 07777));
			return false;
		}
		if (slash == dir)
			break;
	}
	return true;
}

/* The backing file named in a qcow2 header (relative names: to the image's directory). */
static int qcow2_backing(const char *path, char *out, size_t size)
{
	unsigned char h[20];
	char name[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
	    ((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3]) == QCOW2_MAGIC) {
		uint64_t off = 0;
		uint32_t len = (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 | (uint32_t)h[18] << 8 | h[19];

		for (int i = 8; i < 16; i++)
			off = off << 8 | h[i];
		if (off != 0 && len > 0 && len < sizeof(name) && pread(fd, name, len, (off_t)off) == (ssize_t)len) {
			name[len] = '\0';
			if (name[0] == '/') {
				snprintf(out, size, "%s", name);
			} else {
				const char *slash = strrchr(path, '/');
				int dlen = slash ? (int)(slash - path) : 0;

				if ((size_t)snprintf(out, size, "%.*s/%.*s", dlen, path, (int)(size / 2), name) >= size)
					rc = -2;
			}
			rc = rc == -2 ? -1 : 0;
		}
	}
	close(fd);
	return rc;
}

/* Group-readable for the QEMU user's group. */
static int grant_read(const struct vm_manager *m, const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		err_internal(e, "stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid == m->qemu_uid || (st.st_gid == m->qemu_gid && (st.st_mode & S_IRGRP)) || (st.st_mode & S_IROTH))
		return 0;
	if (chown(path, (uid_t)-1, m->qemu_gid) < 0 || chmod(path, (st.st_mode & 07777) | S_IRGRP) < 0) {
		err_internal(e, "cannot let %s read %s: %s", m->qemu_user, path, strerror(errno));
		return -1;
	}
	return 0;
}

int vm_user_grant_image(const struct vm_manager *m, uid_t uid, const char *path, bool writable, struct err *e)
{
	char backing[1024], next[1024];
	int depth = 0;

	if (uid == 0)
		return 0;
	if (writable) {
		if (chown(path, m->qemu_uid, m->qemu_gid) < 0) {
			err_internal(e, "chown %s to %s: %s", path, m->qemu_user, strerror(errno));
			return -1;
		}
	} else if (grant_read(m, path, e) < 0) {
		return -1;
	}
	snprintf(next, sizeof(next), "%s", path);
	while (qcow2_backing(next, backing, sizeof(backing)) == 0 && depth++ < 256) {
		if (grant_read(m, backing, e) < 0)
			return -1;
		snprintf(next, sizeof(next), "%s", backing);
	}
	return 0;
}

void vm_user_release_image(const struct vm_manager *m, const char *path)
{
	struct stat st;

	if (m->qemu_uid != 0 && stat(path, &st) == 0 && st.st_uid == m->qemu_uid && chown(path, 0, 0) < 0)
		log_warn("%s: chown %s back to root: %s", __func__, path, strerror(errno));
}

uid_t vm_user_of_pid(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? st.st_uid : 0;
}
