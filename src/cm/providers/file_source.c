/*
 * file sources: resolving `source` (puppet:///modules/NAME/PATH through the
 * modulepath, then any puppet:// URI through the options' source_fetch
 * callback, file:///PATH and absolute paths below the apply root) and the
 * recursive copy of a source directory, which generates one File resource per
 * entry, evaluated right after the directory itself like Puppet's generated
 * resources.
 */
#include "cm/providers/file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *source_in_modulepath(const char *modulepath, const char *rest)
{
	const char *slash = strchr(rest, '/');
	char *mp, *save = NULL, *dir, *found = NULL;

	if (slash == NULL || modulepath == NULL)
		return NULL;
	mp = strdup(modulepath);
	for (dir = strtok_r(mp, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand = NULL;
		struct stat st;
		if (asprintf(&cand, "%s/%.*s/files%s", dir, (int)(slash - rest), rest, slash) < 0)
			break;
		if (stat(cand, &st) == 0)
			found = cand;
		else
			free(cand);
	}
	free(mp);
	return found;
}

char *file_source_resolve(const struct cm_res_ctx *c, const char *uri)
{
	static const char modules[] = "puppet:///modules/";
	struct stat st;
	char *path;

	if (strncmp(uri, "puppet://", 9) == 0) {
		path = strncmp(uri, modules, sizeof(modules) - 1) == 0
			       ? source_in_modulepath(c->opt->modulepath, uri + sizeof(modules) - 1)
			       : NULL;
		if (path == NULL && c->opt->source_fetch)
			path = c->opt->source_fetch(c->opt->source_fetch_arg, uri);
		return path;
	}
	if (strncmp(uri, "file://", 7) == 0)
		uri += 7;
	if (uri[0] != '/')
		return NULL;
	path = cm_ctx_path(c, uri);
	if (path && stat(path, &st) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* The first source that exists: `source` may be a list, as in Puppet. */
int file_source_pick(const struct cm_res_ctx *c, char **uri, char **local, struct err *e)
{
	json_t *src = json_object_get(c->res->params, "source");
	json_t *list = json_is_array(src) ? json_incref(src) : json_pack("[O]", src);
	size_t i;
	json_t *v;

	*uri = *local = NULL;
	json_array_foreach(list, i, v) {
		char *p = json_is_string(v) ? file_source_resolve(c, json_string_value(v)) : NULL;
		if (p) {
			*uri = strdup(json_string_value(v));
			*local = p;
			break;
		}
	}
	json_decref(list);
	if (*local == NULL) {
		char *txt = json_dumps(src, JSON_ENCODE_ANY);
		err_setf(e, "CM_FILE_FAILED", "Could not retrieve information from environment source(s) %s",
			 txt ? txt : "?");
		free(txt);
		return -1;
	}
	return 0;
}

static int names_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of DIR (without . and ..); NULL-terminated. */
static char **dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char **more;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		more = realloc(names, (n + 2) * sizeof(*names));
		if (more == NULL)
			break;
		names = more;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (names == NULL)
		names = calloc(1, sizeof(*names));
	else
		qsort(names, n, sizeof(*names), names_compare);
	if (names)
		names[n] = NULL;
	return names;
}

static const char *const inherited[] = {"mode", "owner", "group", "force", "replace", "noop", "links"};

static int generate_child(struct cm_res_ctx *c, const char *dest, const char *src_uri, bool is_dir,
			  struct err *e)
{
	json_t *params = json_object(), *res;
	int rc;

	for (size_t i = 0; i < sizeof(inherited) / sizeof(inherited[0]); i++) {
		json_t *v = json_object_get(c->res->params, inherited[i]);
		if (v)
			json_object_set(params, inherited[i], v);
	}
	if (src_uri) {
		json_object_set_new(params, "ensure", json_string(is_dir ? "directory" : "file"));
		json_object_set_new(params, "source", json_string(src_uri));
	}
	json_object_set_new(params, "path", json_string(dest));
	if (is_dir) /* the child directory recurses itself */
		json_object_set_new(params, "recurse", json_true());
	res = json_pack("{s:s s:s s:o}", "type", "File", "title", dest, "parameters", params);
	rc = cm_ctx_generate(c, res, e);
	json_decref(res);
	return rc;
}

int file_recurse(struct cm_res_ctx *c, const char *path, const char *src_uri, const char *src_local,
		 struct err *e)
{
	const char *walk_dir = src_local;
	char *dest_local = cm_ctx_path(c, path);
	char **names;
	int rc = 0;

	if (walk_dir == NULL) /* recurse without source: manage what exists */
		walk_dir = dest_local;
	names = dir_entries(walk_dir);
	for (size_t i = 0; names && names[i]; i++) {
		char *child = NULL, *child_uri = NULL, *child_local = NULL;
		struct stat st;
		if (asprintf(&child, "%s/%s", path, names[i]) < 0 ||
		    asprintf(&child_local, "%s/%s", walk_dir, names[i]) < 0 ||
		    (src_uri && asprintf(&child_uri, "%s/%s", src_uri, names[i]) < 0) ||
		    lstat(child_local, &st) < 0) {
			rc = -1;
		} else if (generate_child(c, child, child_uri, S_ISDIR(st.st_mode), e) < 0)
			rc = -1;
		free(child);
		free(child_uri);
		free(child_local);
		free(names[i]);
	}
	free(names);
	free(dest_local);
	return rc;
}
