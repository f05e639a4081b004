/*
 * file: one path's ensure (file, present, directory, link, absent), content
 * or source, mode, owner, group and link target, as Puppet's posix provider
 * does. A path created in this run gets its mode and ownership as part of
 * the ensure change (one event), as in Puppet. Directories are never removed
 * or replaced without `force`.
 */
#include "cm/providers/file.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct file_want {
	const char *path;
	char *local;        /* path below the root */
	const char *ensure; /* file, present, directory, link, absent or NULL */
	const char *target;
	char *content;      /* from content or a file source */
	size_t content_len;
	bool has_content;
	char *src_uri, *src_local;
	bool src_is_dir;
	int mode;           /* -1: unmanaged */
	uid_t uid;
	gid_t gid;
	const char *owner, *group;
	bool force, recurse, replace;
};

static const char *kind_of(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return "directory";
	if (S_ISLNK(st->st_mode))
		return "link";
	return "file";
}

static int parse_mode(const char *s, int *mode)
{
	char *end;
	long m;

	if (s == NULL) {
		*mode = -1;
		return 0;
	}
	m = strtol(s, &end, 8);
	if (*s == '\0' || *end != '\0' || m < 0 || m > 07777)
		return -1;
	*mode = (int)m;
	return 0;
}

static int want_ids(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	w->owner = cm_param_str(c->res, "owner");
	w->group = cm_param_str(c->res, "group");
	if (json_is_integer(json_object_get(c->res->params, "owner")))
		w->uid = (uid_t)json_integer_value(json_object_get(c->res->params, "owner")), w->owner = "";
	else if (w->owner && cm_user_uid(c->opt->root, w->owner, &w->uid) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not find user %s", w->owner);
		return -1;
	}
	if (json_is_integer(json_object_get(c->res->params, "group")))
		w->gid = (gid_t)json_integer_value(json_object_get(c->res->params, "group")), w->group = "";
	else if (w->group && cm_group_gid(c->opt->root, w->group, &w->gid) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not find group %s", w->group);
		return -1;
	}
	return 0;
}

static int want_content(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	json_t *content = json_object_get(c->res->params, "content");
	struct stat st;

	if (json_is_string(content)) {
		w->content = strndup(json_string_value(content), json_string_length(content));
		w->content_len = json_string_length(content);
		w->has_content = true;
		return 0;
	}
	if (json_object_get(c->res->params, "source") == NULL)
		return 0;
	if (file_source_pick(c, &w->src_uri, &w->src_local, e) < 0)
		return -1;
	if (stat(w->src_local, &st) == 0 && S_ISDIR(st.st_mode)) {
		w->src_is_dir = true;
		return 0;
	}
	if (cm_read_file(w->src_local, &w->content, &w->content_len) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not read source %s: %s", w->src_uri, strerror(errno));
		return -1;
	}
	w->has_content = true;
	return 0;
}

static int want_parse(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	w->path = cm_ctx_name(c);
	if (w->path[0] != '/') {
		err_setf(e, "CM_FILE_FAILED", "File paths must be fully qualified, not '%s'", w->path);
		return -1;
	}
	w->local = cm_ctx_path(c, w->path);
	w->ensure = cm_param_str(c->res, "ensure");
	w->target = cm_param_str(c->res, "target");
	if (w->ensure && w->ensure[0] == '/') { /* ensure => '/target' is a link */
		w->target = w->ensure;
		w->ensure = "link";
	}
	if (parse_mode(cm_param_str(c->res, "mode"), &w->mode) < 0) {
		err_setf(e, "CM_FILE_FAILED", "The file mode specification is invalid: '%s' (only octal modes "
			 "are supported)", cm_param_str(c->res, "mode"));
		return -1;
	}
	w->force = cm_param_bool(c->res, "force", false);
	w->recurse = cm_param_bool(c->res, "recurse", false);
	w->replace = cm_param_bool(c->res, "replace", true);
	if (w->ensure && strcmp(w->ensure, "link") == 0 && w->target == NULL) {
		err_set(e, "CM_FILE_FAILED", "ensure => link needs a target", NULL);
		return -1;
	}
	if (want_ids(c, w, e) < 0)
		return -1;
	if (w->ensure && strcmp(w->ensure, "absent") == 0)
		return 0;
	return want_content(c, w, e);
}

static void want_free(struct file_want *w)
{
	free(w->local);
	free(w->content);
	free(w->src_uri);
	free(w->src_local);
}

/* The kind the resource asks for, given what exists (NULL: leave as it is). */
static const char *want_kind(const struct file_want *w, const struct stat *cur)
{
	if (w->ensure == NULL || strcmp(w->ensure, "present") == 0) {
		if (cur)
			return kind_of(cur);
		if (w->ensure == NULL && !w->has_content && !w->src_is_dir)
			return NULL;
		return w->src_is_dir ? "directory" : "file";
	}
	return w->ensure;
}

static int effective_mode(const struct file_want *w, bool dir)
{
	int m = w->mode;

	if (m < 0 || !dir)
		return m;
	/* Puppet: on directories, search permission wherever read permission is set */
	return m | ((m & 0444) >> 2);
}

static int remove_entry(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	return remove(p);
}

static int path_remove(const char *local, struct err *e)
{
	if (nftw(local, remove_entry, 32, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT) {
		err_setf(e, "CM_FILE_FAILED", "Could not remove %s: %s", local, strerror(errno));
		return -1;
	}
	return 0;
}

static int apply_ids(struct file_want *w, struct err *e)
{
	if (!w->owner && !w->group)
		return 0;
	if (lchown(w->local, w->owner ? w->uid : (uid_t)-1, w->group ? w->gid : (gid_t)-1) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Failed to set owner/group of %s: %s", w->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int create_kind(struct cm_res_ctx *c, struct file_want *w, const char *kind, struct err *e)
{
	int rc = 0;
	int mode = effective_mode(w, strcmp(kind, "directory") == 0);

	if (strcmp(kind, "directory") == 0)
		rc = mkdir(w->local, mode >= 0 ? (mode_t)mode : 0755);
	else if (strcmp(kind, "link") == 0)
		rc = symlink(w->target, w->local);
	else
		return cm_write_file_atomic(w->local, w->content ? w->content : "", w->content_len,
					    mode >= 0 ? (mode_t)mode : 0644, e) < 0 ||
				       apply_ids(w, e) < 0
			       ? -1
			       : 0;
	if (rc < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not set '%s' on ensure: %s", kind, strerror(errno));
		return -1;
	}
	if (mode >= 0 && strcmp(kind, "link") != 0 && chmod(w->local, (mode_t)mode) < 0) {
		err_setf(e, "CM_FILE_FAILED", "Could not set mode on %s: %s", w->path, strerror(errno));
		return -1;
	}
	return apply_ids(w, e);
}

static int sync_ensure(struct cm_res_ctx *c, struct file_want *w, const struct stat *cur, const char *kind,
		       struct err *e)
{
	const char *algo = c->opt->digest ? c->opt->digest : "sha256";
	char *sum = NULL;
	bool act;

	if (cur && strcmp(kind_of(cur), "directory") == 0 && !w->force) {
		cm_change(c, "ensure", json_string("directory"), json_string(kind), NULL);
		err_setf(e, "CM_FILE_FAILED", "Could not set '%s' on ensure: Is a directory (use 'force' "
			 "to override)", kind);
		return -1;
	}
	if (cur)
		act = cm_change(c, "ensure", json_string(kind_of(cur)), json_string(kind), NULL);
	else if (strcmp(kind, "file") == 0 && w->has_content) {
		sum = cm_digest_buffer(algo, w->content, w->content_len);
		act = cm_change(c, "ensure", json_string("absent"), json_string(kind), "defined content as '%s'",
				sum ? sum : "");
	} else
		act = cm_change(c, "ensure", json_string("absent"), json_string(kind), "created");
	free(sum);
	if (!act)
		return 0;
	if (cur && path_remove(w->local, e) < 0)
		return -1;
	return create_kind(c, w, kind, e);
}

static char *owner_display(const char *root, uid_t uid, bool group)
{
	char *name = group ? cm_group_name(root, (gid_t)uid) : cm_user_name(root, uid);
	char buf[32];

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	return strdup(buf);
}

static int sync_content(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	const char *algo = c->opt->digest ? c->opt->digest : "sha256";
	char *have = cm_digest_file(algo, w->local);
	char *want = cm_digest_buffer(algo, w->content, w->content_len);
	struct stat st;
	int rc = 0;

	if (have && want && strcmp(have, want) != 0 && w->replace &&
	    cm_change(c, "content", json_string(have), json_string(want), "content changed '%s' to '%s'",
		      have, want)) {
		/* keep the current mode and ownership across the rewrite */
		if (stat(w->local, &st) < 0 ||
		    cm_write_file_atomic(w->local, w->content, w->content_len, st.st_mode & 07777, e) < 0 ||
		    lchown(w->local, st.st_uid, st.st_gid) < 0)
			rc = -1;
		if (rc < 0 && !err_isset(e))
			err_setf(e, "CM_FILE_FAILED", "Could not rewrite %s: %s", w->path, strerror(errno));
	}
	free(have);
	free(want);
	return rc;
}

static int sync_properties(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	struct stat st;
	char is[16], should[16];

	if (lstat(w->local, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode) && w->has_content && sync_content(c, w, e) < 0)
		return -1;
	if (S_ISLNK(st.st_mode) && w->target) {
		char cur[4096];
		ssize_t n = readlink(w->local, cur, sizeof(cur) - 1);
		cur[n < 0 ? 0 : n] = '\0';
		if (strcmp(cur, w->target) != 0 &&
		    cm_change(c, "target", json_string(cur), json_string(w->target), NULL) &&
		    (unlink(w->local) < 0 || symlink(w->target, w->local) < 0)) {
			err_setf(e, "CM_FILE_FAILED", "Could not relink %s: %s", w->path, strerror(errno));
			return -1;
		}
	}
	int mode = effective_mode(w, S_ISDIR(st.st_mode));
	if (mode >= 0 && !S_ISLNK(st.st_mode) && (int)(st.st_mode & 07777) != mode) {
		snprintf(is, sizeof(is), "%04o", st.st_mode & 07777);
		snprintf(should, sizeof(should), "%04o", mode);
		if (cm_change(c, "mode", json_string(is), json_string(should), NULL) &&
		    chmod(w->local, (mode_t)mode) < 0) {
			err_setf(e, "CM_FILE_FAILED", "failed to set mode: %s", strerror(errno));
			return -1;
		}
	}
	if (w->owner && st.st_uid != w->uid) {
		char *a = owner_display(c->opt->root, st.st_uid, false), *b = owner_display(c->opt->root, w->uid, false);
		bool act = cm_change(c, "owner", json_string(a), json_string(b), NULL);
		free(a);
		free(b);
		if (act && lchown(w->local, w->uid, (gid_t)-1) < 0) {
			err_setf(e, "CM_FILE_FAILED", "Failed to set owner to '%u': %s", w->uid, strerror(errno));
			return -1;
		}
	}
	if (w->group && st.st_gid != w->gid) {
		char *a = owner_display(c->opt->root, st.st_gid, true), *b = owner_display(c->opt->root, w->gid, true);
		bool act = cm_change(c, "group", json_string(a), json_string(b), NULL);
		free(a);
		free(b);
		if (act && lchown(w->local, (uid_t)-1, w->gid) < 0) {
			err_setf(e, "CM_FILE_FAILED", "Failed to set group to '%u': %s", w->gid, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int file_sync(struct cm_res_ctx *c, struct file_want *w, struct err *e)
{
	struct stat st;
	bool exists = lstat(w->local, &st) == 0;
	const char *kind;

	if (w->ensure && strcmp(w->ensure, "absent") == 0) {
		if (!exists)
			return 0;
		if (S_ISDIR(st.st_mode) && !w->force) {
			cm_log(c, "notice", NULL, "Not removing directory; use 'force' to override");
			return 0;
		}
		if (cm_change(c, "ensure", json_string(kind_of(&st)), json_string("absent"), "removed"))
			return path_remove(w->local, e);
		return 0;
	}
	kind = want_kind(w, exists ? &st : NULL);
	if (kind == NULL)
		return 0;
	if (!exists || strcmp(kind_of(&st), kind) != 0) {
		if (sync_ensure(c, w, exists ? &st : NULL, kind, e) < 0)
			return -1;
		if (c->noop)
			return 0;
	} else if (sync_properties(c, w, e) < 0)
		return -1;
	if (strcmp(kind, "directory") == 0 && w->recurse && !(c->noop && !exists))
		return file_recurse(c, w->path, w->src_is_dir ? w->src_uri : NULL,
				    w->src_is_dir ? w->src_local : NULL, e);
	return 0;
}

static int file_apply(struct cm_res_ctx *c, struct err *e)
{
	struct file_want w = {.mode = -1};
	int rc = want_parse(c, &w, e) < 0 ? -1 : file_sync(c, &w, e);

	want_free(&w);
	return rc;
}

/* Puppet: the nearest managed ancestor directory, the owner and the group. */
static void file_autorequire(const struct cm_resource *r, json_t *refs)
{
	const char *path = cm_param_str(r, "path");
	char *dir = strdup(path ? path : r->title);
	char *ref = NULL;
	const char *owner = cm_param_str(r, "owner"), *group = cm_param_str(r, "group");

	for (char *slash; dir && (slash = strrchr(dir, '/')) != NULL;) {
		*slash = '\0';
		if (asprintf(&ref, "File[%s]", dir[0] ? dir : "/") >= 0)
			json_array_append_new(refs, json_string(ref));
		free(ref);
		if (dir[0] == '\0')
			break;
	}
	free(dir);
	if (owner && asprintf(&ref, "User[%s]", owner) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
	if (group && asprintf(&ref, "Group[%s]", group) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
}

const struct cm_provider cm_provider_file = {
	.type = "File",
	.provider_name = "posix",
	.apply = file_apply,
	.autorequire = file_autorequire,
};
