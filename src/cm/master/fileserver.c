/*
 * Puppet's file server for puppet:/// sources: file_metadata,
 * file_metadatas (recursive) and file_content on the mounts
 *
 *   modules/MOD/PATH   ENV/modules/MOD/files/PATH (then CODEDIR/modules/...)
 *   plugins/PATH       every module's lib/ merged (pluginsync)
 *   pluginfacts/PATH   every module's facts.d/ merged
 *   locales/PATH       every module's locales/ merged
 *
 * Confinement: PATH segments "." and ".." are refused, and the resolved
 * real path (symlinks followed) must stay inside the mount's directory, so
 * a link pointing out of a module's files/ is neither described nor served.
 * Links are always followed (links=manage is answered as follow).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "cm/master/node.h"
#include "cm/master/routes.h"
#include "common/util.h"

#define MAX_BASES 64
#define MAX_FILES 100000

struct mount_req {
	char *bases[MAX_BASES]; /* candidate roots, real paths */
	size_t nbases;
	char *rel;              /* path below the root ("" for the root) */
	bool merged;            /* plugins-like: every base contributes */
};

static bool module_name_valid(const char *s, size_t n)
{
	if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* Normalised relative path (no empty, "." or ".." segments) or NULL when refused. */
static char *rel_clean(const char *p)
{
	char *out = calloc(1, strlen(p) + 1), *w = out;

	while (out && *p) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			break;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') || memchr(p, '\\', n)) {
			free(out);
			return NULL;
		}
		if (w != out)
			*w++ = '/';
		memcpy(w, p, n);
		w += n;
		p += n;
	}
	return out;
}

static void base_add(struct mount_req *mr, const char *dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (mr->nbases < MAX_BASES && realpath(dir, real) && stat(real, &st) == 0 && S_ISDIR(st.st_mode))
		mr->bases[mr->nbases++] = strdup(real);
}

static void mount_clear(struct mount_req *mr)
{
	for (size_t i = 0; i < mr->nbases; i++)
		free(mr->bases[i]);
	free(mr->rel);
	memset(mr, 0, sizeof(*mr));
}

/* Each module dir of the environment's modulepath, then SUB inside it. */
static void modules_each(struct cm_master *m, const char *env, const char *sub, struct mount_req *mr)
{
	char *env_dir = cm_master_env_dir(m, env);
	char roots[2][4096];

	snprintf(roots[0], sizeof(roots[0]), "%s/modules", env_dir ? env_dir : "/nonexistent");
	snprintf(roots[1], sizeof(roots[1]), "%s/modules", m->opt.codedir);
	free(env_dir);
	for (int r = 0; r < 2; r++) {
		struct dirent **list = NULL;
		int n = scandir(roots[r], &list, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			char dir[8192 + 512];
			if (module_name_valid(list[i]->d_name, strlen(list[i]->d_name))) {
				snprintf(dir, sizeof(dir), "%s/%s/%s", roots[r], list[i]->d_name, sub);
				base_add(mr, dir);
			}
			free(list[i]);
		}
		free(list);
	}
}

/* Parse "MOUNT/..." of the request. -1: answered (404/403). */
static int mount_resolve(struct cm_req *q, struct mount_req *mr)
{
	static const struct { const char *mount, *sub; } merged[] = {
		{"plugins", "lib"}, {"pluginfacts", "facts.d"}, {"locales", "locales"},
	};
	const char *p = q->rest, *slash = strchr(p, '/');
	size_t mlen = slash ? (size_t)(slash - p) : strlen(p);

	memset(mr, 0, sizeof(*mr));
	if (mlen == 7 && strncmp(p, "modules", 7) == 0 && slash) {
		const char *mod = slash + 1, *end = strchr(mod, '/');
		size_t n = end ? (size_t)(end - mod) : strlen(mod);
		char *env_dir = cm_master_env_dir(q->m, q->environment), dir[4096];
		if (!module_name_valid(mod, n)) {
			free(env_dir);
			req_reply_error(q, 404, "Not Found: Could not find module in %s", q->rest);
			return -1;
		}
		snprintf(dir, sizeof(dir), "%s/modules/%.*s/files", env_dir ? env_dir : "/nonexistent", (int)n, mod);
		base_add(mr, dir);
		snprintf(dir, sizeof(dir), "%s/modules/%.*s/files", q->m->opt.codedir, (int)n, mod);
		base_add(mr, dir);
		free(env_dir);
		mr->rel = rel_clean(end ? end : "");
	} else {
		size_t i;
		for (i = 0; i < sizeof(merged) / sizeof(merged[0]); i++)
			if (strlen(merged[i].mount) == mlen && strncmp(p, merged[i].mount, mlen) == 0)
				break;
		if (i == sizeof(merged) / sizeof(merged[0])) {
			req_reply_error(q, 404, "Not Found: Could not find a mount point for %s", q->rest);
			return -1;
		}
		modules_each(q->m, q->environment, merged[i].sub, mr);
		mr->merged = true;
		mr->rel = rel_clean(slash ? slash : "");
	}
	if (mr->rel == NULL) {
		req_reply_error(q, 403, "Forbidden: path %s leaves its mount point", q->rest);
		mount_clear(mr);
		return -1;
	}
	return 0;
}

/* BASE/REL resolved, if it exists and stays inside BASE: malloc'ed real path. */
static char *confined(const char *base, const char *rel)
{
	char path[PATH_MAX + 1], real[PATH_MAX];
	size_t blen = strlen(base);

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel) >= sizeof(path))
		return NULL;
	if (realpath(path, real) == NULL)
		return NULL;
	if (strncmp(real, base, blen) != 0 || (real[blen] != '\0' && real[blen] != '/'))
		return NULL; /* a link out of the mount */
	return strdup(real);
}

/* ---- metadata ---- */

static const EVP_MD *digest_of(const char *type)
{
	static const struct { const char *name; const EVP_MD *(*md)(void); } digests[] = {
		{"sha256", EVP_sha256}, {"md5", EVP_md5}, {"sha1", EVP_sha1}, {"sha224", EVP_sha224},
		{"sha384", EVP_sha384}, {"sha512", EVP_sha512}, {"md5lite", EVP_md5}, {"sha256lite", EVP_sha256},
	};
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strcmp(digests[i].name, type) == 0)
			return digests[i].md();
	return NULL;
}

static json_t *checksum_file(const char *path, const char *type)
{
	const EVP_MD *md = digest_of(type);
	EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
	FILE *f = ctx ? fopen(path, "rb") : NULL;
	unsigned char buf[65536], out[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 32];
	unsigned n = 0;
	size_t r;

	if (f == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		if (f)
			fclose(f);
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, r);
	fclose(f);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
	int off = snprintf(hex, sizeof(hex), "{%s}", type);
	for (unsigned i = 0; i < n; i++)
		off += snprintf(hex + off, sizeof(hex) - (size_t)off, "%02x", out[i]);
	return json_pack("{s:s, s:s}", "type", type, "value", hex);
}

static json_t *checksum_time(const struct stat *st)
{
	char t[64], v[80];
	struct tm tm;

	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S +0000", gmtime_r(&st->st_ctime, &tm));
	snprintf(v, sizeof(v), "{ctime}%s", t);
	return json_pack("{s:s, s:s}", "type", "ctime", "value", v);
}

/* Metadata of REAL (a resolved path); PATH and RELATIVE as Puppet reports them. */
static json_t *metadata_of(const char *real, const char *path, const char *relative, const char *checksum_type)
{
	struct stat st;
	json_t *sum;

	if (stat(real, &st) != 0)
		return NULL;
	sum = S_ISDIR(st.st_mode) ? checksum_time(&st) : checksum_file(real, checksum_type);
	if (sum == NULL)
		return NULL;
	json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:o, s:s, s:n}", "path", path, "links", "follow", "owner",
	                      (int)st.st_uid, "group", (int)st.st_gid, "mode", (int)(st.st_mode & 07777), "checksum",
	                      sum, "type", S_ISDIR(st.st_mode) ? "directory" : "file", "destination");
	json_object_set_new(o, "relative_path", relative ? json_string(relative) : json_null());
	return o;
}

struct walk {
	const char *base_real;   /* the mount root, for confinement */
	const char *top_path;    /* "path" of every entry */
	const char *checksum_type;
	char **ignore;
	long limit;              /* recurselimit; -1: none */
	json_t *seen;            /* relative path -> true (merged mounts: first wins) */
	json_t *out;
	bool too_many;
};

static bool ignored(struct walk *w, const char *name)
{
	for (size_t i = 0; w->ignore && w->ignore[i]; i++)
		if (fnmatch(w->ignore[i], name, 0) == 0)
			return true;
	return false;
}

static void walk_dir(struct walk *w, const char *real_dir, const char *rel, long depth)
{
	struct dirent **list = NULL;
	int n;

	if ((w->limit >= 0 && depth > w->limit) || depth > 64 || (n = scandir(real_dir, &list, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char child[PATH_MAX + 256], crel[PATH_MAX + 256];
		char *real = NULL;
		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !ignored(w, name)) {
			snprintf(child, sizeof(child), "%s/%s", real_dir, name);
			snprintf(crel, sizeof(crel), "%s%s%s", rel, *rel ? "/" : "", name);
			real = realpath(child, NULL);
		}
		size_t blen = strlen(w->base_real);
		if (real && strncmp(real, w->base_real, blen) == 0 && (real[blen] == '/' || real[blen] == '\0') &&
		    json_object_get(w->seen, crel) == NULL) {
			json_t *md = metadata_of(real, w->top_path, crel, w->checksum_type);
			struct stat st;
			if (md) {
				if (json_array_size(w->out) >= MAX_FILES)
					w->too_many = true;
				else {
					json_array_append_new(w->out, md);
					json_object_set_new(w->seen, crel, json_true());
				}
			}
			if (!w->too_many && stat(real, &st) == 0 && S_ISDIR(st.st_mode))
				walk_dir(w, real, crel, depth + 1);
		}
		free(real);
		free(list[i]);
	}
	free(list);
}

static char *checksum_param(struct cm_req *q)
{
	char *t = req_query(q, "checksum_type");

	if (t && digest_of(t) == NULL) {
		free(t);
		return NULL;
	}
	return t ? t : strdup("sha256");
}

void cm_route_file_metadata(struct cm_req *q)
{
	struct mount_req mr;
	char *type = checksum_param(q);

	if (type == NULL) {
		req_reply_error(q, 400, "unsupported checksum_type");
		return;
	}
	if (mount_resolve(q, &mr) < 0) {
		free(type);
		return;
	}
	for (size_t i = 0; i < mr.nbases; i++) {
		char *real = confined(mr.bases[i], mr.rel);
		json_t *md = real ? metadata_of(real, real, NULL, type) : NULL;
		free(real);
		if (md) {
			req_reply_json(q, 200, md);
			goto out;
		}
	}
	req_reply_error(q, 404, "Not Found: Could not find file_metadata %s", q->rest);
out:
	free(type);
	mount_clear(&mr);
}

void cm_route_file_metadatas(struct cm_req *q)
{
	struct mount_req mr;
	char *type = checksum_param(q), *recurse = req_query(q, "recurse"), *limit = req_query(q, "recurselimit");
	struct walk w = {.checksum_type = type, .limit = -1, .seen = json_object(), .out = json_array()};
	bool rec = recurse && (strcmp(recurse, "true") == 0 || strcmp(recurse, "remote") == 0 || strcmp(recurse, "yes") == 0);

	w.ignore = req_query_all(q, "ignore");
	if (limit && *limit)
		w.limit = atol(limit);
	if (type == NULL) {
		req_reply_error(q, 400, "unsupported checksum_type");
		goto out_noclear;
	}
	if (mount_resolve(q, &mr) < 0)
		goto out_noclear;
	if (mr.merged && mr.nbases == 0) {
		/* no module has this directory: the modulepath root, not recursed (as Puppet) */
		char *env_dir = cm_master_env_dir(q->m, q->environment), root[4096];
		snprintf(root, sizeof(root), "%s/modules", env_dir ? env_dir : q->m->opt.codedir);
		free(env_dir);
		json_t *md = metadata_of(root, root, ".", type);
		if (md == NULL) {
			snprintf(root, sizeof(root), "%s", q->m->opt.codedir);
			md = metadata_of(root, root, ".", type);
		}
		if (md)
			json_array_append_new(w.out, md);
		rec = false;
	}
	for (size_t i = 0; i < mr.nbases && !w.too_many; i++) {
		char *real = confined(mr.bases[i], mr.rel);
		json_t *md;
		struct stat st;
		if (real == NULL)
			continue;
		if (json_array_size(w.out) == 0 && (md = metadata_of(real, real, ".", type)) != NULL) {
			json_array_append_new(w.out, md);
			w.top_path = json_string_value(json_object_get(md, "path"));
		}
		w.base_real = mr.bases[i];
		if (w.top_path && rec && stat(real, &st) == 0 && S_ISDIR(st.st_mode))
			walk_dir(&w, real, "", 1);
		free(real);
		if (!mr.merged)
			break;
	}
	if (w.too_many)
		req_reply_error(q, 400, "more than %d files under %s", MAX_FILES, q->rest);
	else if (json_array_size(w.out) == 0)
		req_reply_error(q, 404, "Not Found: Could not find file_metadatas %s", q->rest);
	else {
		req_reply_json(q, 200, w.out);
		w.out = NULL;
	}
	mount_clear(&mr);
out_noclear:
	json_decref(w.out);
	json_decref(w.seen);
	for (size_t i = 0; w.ignore && w.ignore[i]; i++)
		free(w.ignore[i]);
	free(w.ignore);
	free(type);
	free(recurse);
	free(limit);
}

void cm_route_file_content(struct cm_req *q)
{
	struct mount_req mr;

	if (mount_resolve(q, &mr) < 0)
		return;
	for (size_t i = 0; i < mr.nbases; i++) {
		char *real = confined(mr.bases[i], mr.rel);
		struct stat st;
		size_t len = 0;
		char *data = real && stat(real, &st) == 0 && S_ISREG(st.st_mode) ? file_read_all(real, &len) : NULL;
		free(real);
		if (data) {
			req_reply(q, 200, "application/octet-stream", data, len);
			free(data);
			mount_clear(&mr);
			return;
		}
	}
	req_reply_error(q, 404, "Not Found: Could not find file_content %s", q->rest);
	mount_clear(&mr);
}
