/*
 * puppet:// file sources for the applier, fetched from the master.
 *
 * The applier resolves a `source` to a local path; for a puppet:// URI it
 * calls cm_source_fetch(), which asks the master for the source's metadata
 * (file_metadatas, recursively, so a directory comes in one request),
 * downloads each file's content (file_content) and mirrors the tree under
 * this run's source cache. A URI below a tree already mirrored (the applier
 * asks again for each child of a recursive copy) is answered from the mirror.
 *
 * Invariant: the cache directory holds only what this fetcher downloaded:
 * it is emptied when the fetcher is made and when it is freed.
 */
#include "cm/agent/agent.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

struct cm_source_fetcher {
	struct cm_http *http;
	char *environment; /* URL-escaped */
	char *cache_dir;
	json_t *mirrored;  /* URI (no trailing slash) -> local path */
	unsigned serial;
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void tree_remove(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct cm_source_fetcher *cm_source_fetcher_new(struct cm_http *h, const char *environment,
						const char *cache_dir)
{
	struct cm_source_fetcher *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->http = h;
	f->environment = cm_http_escape(environment);
	f->cache_dir = strdup(cache_dir);
	f->mirrored = json_object();
	if (f->environment == NULL || f->cache_dir == NULL || f->mirrored == NULL) {
		cm_source_fetcher_free(f);
		return NULL;
	}
	tree_remove(f->cache_dir);
	return f;
}

void cm_source_fetcher_free(struct cm_source_fetcher *f)
{
	if (f == NULL)
		return;
	if (f->cache_dir)
		tree_remove(f->cache_dir);
	free(f->environment);
	free(f->cache_dir);
	json_decref(f->mirrored);
	free(f);
}

char *cm_source_mount_path(const char *uri)
{
	const char *p;

	if (strncmp(uri, "puppet://", 9) != 0)
		return NULL;
	p = strchr(uri + 9, '/'); /* after the (usually empty) server part */
	if (p == NULL || p[1] == '\0')
		return NULL;
	p++;
	if (strstr(p, "..") != NULL)
		return NULL; /* never let a URI climb out of the cache */
	return strndup(p, strcspn(p, "?#"));
}

/* Each segment escaped, the slashes kept. */
static char *escape_path(const char *path)
{
	char *copy = strdup(path), *save = NULL, *out = NULL;
	size_t cap = 3 * strlen(path) + 2, len = 0;

	out = copy ? calloc(1, cap) : NULL;
	if (out == NULL) {
		free(copy);
		return NULL;
	}
	for (char *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		char *e = cm_http_escape(seg);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "/" : "", e ? e : "");
		free(e);
	}
	free(copy);
	return out;
}

static json_t *metadatas_get(struct cm_source_fetcher *f, const char *mount)
{
	struct cm_http_response r;
	struct err e = {0};
	char *esc = escape_path(mount), *path = NULL;
	json_t *list = NULL;

	if (esc && asprintf(&path, "/puppet/v3/file_metadatas/%s?environment=%s&recurse=true&links=manage"
			    "&checksum_type=sha256&source_permissions=ignore", esc, f->environment) >= 0 &&
	    cm_http_request(f->http, "GET", path, NULL, NULL, 0, "application/json", &r, &e) == 0) {
		if (r.status == 200)
			list = json_loads(r.body, 0, NULL);
		else if (r.status != 404) {
			char *msg = cm_http_error_text(&r);
			cm_agent_log("err", "Could not retrieve file metadata for puppet:///%s: %s", mount,
				     msg ? msg : "");
			free(msg);
		}
		cm_http_response_clear(&r);
	} else if (err_isset(&e)) {
		cm_agent_log("err", "%s", json_string_value(json_array_get(e.desc, 1)));
	}
	err_clear(&e);
	free(esc);
	free(path);
	if (list && !json_is_array(list)) {
		json_decref(list);
		list = NULL;
	}
	return list;
}

static int content_get(struct cm_source_fetcher *f, const char *mount, const char *local)
{
	struct cm_http_response r;
	struct err e = {0};
	char *esc = escape_path(mount), *path = NULL;
	int rc = -1;

	if (esc && asprintf(&path, "/puppet/v3/file_content/%s?environment=%s", esc, f->environment) >= 0 &&
	    cm_http_request(f->http, "GET", path, NULL, NULL, 0, "application/octet-stream", &r, &e) == 0) {
		if (r.status == 200)
			rc = file_write_atomic(local, r.body, r.len, 0644);
		cm_http_response_clear(&r);
	}
	err_clear(&e);
	free(esc);
	free(path);
	return rc;
}

/* Mirror one metadata entry of MOUNT under ROOT. */
static int entry_mirror(struct cm_source_fetcher *f, const char *mount, const char *root, json_t *m)
{
	const char *rel = json_string_value(json_object_get(m, "relative_path"));
	const char *type = json_string_value(json_object_get(m, "type"));
	char *local = NULL, *remote = NULL;
	int rc = -1;

	if (rel == NULL || type == NULL || strstr(rel, "..") || rel[0] == '/')
		return -1;
	if (strcmp(rel, ".") == 0 ? (local = strdup(root)) == NULL || (remote = strdup(mount)) == NULL
				  : asprintf(&local, "%s/%s", root, rel) < 0 ||
					    asprintf(&remote, "%s/%s", mount, rel) < 0)
		goto out;
	if (strcmp(type, "directory") == 0)
		rc = dir_make_all(local, 0755);
	else if (strcmp(type, "link") == 0)
		rc = symlink(json_string_value(json_object_get(m, "destination")), local);
	else {
		char *slash = strrchr(local, '/');
		*slash = '\0';
		rc = dir_make_all(local, 0755);
		*slash = '/';
		if (rc == 0)
			rc = content_get(f, remote, local);
	}
out:
	free(local);
	free(remote);
	return rc;
}

/* A URI at or below a tree mirrored earlier in this run. */
static char *mirror_lookup(struct cm_source_fetcher *f, const char *uri)
{
	const char *key;
	json_t *v;

	json_object_foreach(f->mirrored, key, v) {
		size_t n = strlen(key);
		char *path = NULL;
		if (strncmp(uri, key, n) != 0 || (uri[n] != '\0' && uri[n] != '/'))
			continue;
		if (asprintf(&path, "%s%s", json_string_value(v), uri + n) < 0)
			return NULL;
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

char *cm_source_fetch(void *fetcher, const char *uri)
{
	struct cm_source_fetcher *f = fetcher;
	char *mount, *root = NULL, *found;
	json_t *list;
	size_t i;
	json_t *m;
	int rc = 0;

	if ((found = mirror_lookup(f, uri)) != NULL)
		return found;
	if ((mount = cm_source_mount_path(uri)) == NULL)
		return NULL;
	list = metadatas_get(f, mount);
	if (list == NULL || json_array_size(list) == 0 ||
	    asprintf(&root, "%s/%u", f->cache_dir, ++f->serial) < 0) {
		json_decref(list);
		free(mount);
		return NULL;
	}
	{
		char *parent = strdup(root);
		*strrchr(parent, '/') = '\0';
		dir_make_all(parent, 0700);
		free(parent);
	}
	json_array_foreach(list, i, m)
		if (entry_mirror(f, mount, root, m) < 0)
			rc = -1;
	json_decref(list);
	free(mount);
	if (rc < 0) {
		cm_agent_log("err", "Could not retrieve %s from the master", uri);
		free(root);
		return NULL;
	}
	json_object_set_new(f->mirrored, uri, json_string(root));
	return root;
}
