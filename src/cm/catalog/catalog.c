/*
 * Catalog loading and reference lookup: see catalog.h for the invariants.
 */
#include "cm/catalog/catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *cm_catalog_read_file(const char *path, struct err *e)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	json_t *data;

	if (j == NULL) {
		err_setf(e, "CATALOG_INVALID", "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	data = json_object_get(j, "data");
	if (json_is_string(json_object_get(j, "document_type")) && json_is_object(data)) {
		json_incref(data);
		json_decref(j);
		return data;
	}
	return j;
}

char *cm_type_canonical(const char *type)
{
	char *s = strdup(type);
	bool start = true;

	if (s == NULL)
		return NULL;
	for (char *p = s; *p; p++) {
		if (*p == ':') {
			start = true;
			continue;
		}
		*p = start ? (char)toupper((unsigned char)*p) : (char)tolower((unsigned char)*p);
		start = false;
	}
	return s;
}

static char *ref_build(const char *type, const char *title)
{
	char *t = cm_type_canonical(type);
	char *ref = NULL;
	char *ti = NULL;

	if (t == NULL)
		return NULL;
	/* Class titles are class names and are canonicalised like types. */
	if (strcmp(t, "Class") == 0)
		ti = cm_type_canonical(title);
	if (asprintf(&ref, "%s[%s]", t, ti ? ti : title) < 0)
		ref = NULL;
	free(t);
	free(ti);
	return ref;
}

char *cm_ref_canonical(const char *ref)
{
	const char *open = strchr(ref, '[');
	size_t len = strlen(ref);
	char *type, *title, *out;

	if (open == NULL || open == ref || len < 3 || ref[len - 1] != ']')
		return NULL;
	type = strndup(ref, (size_t)(open - ref));
	title = strndup(open + 1, len - (size_t)(open - ref) - 2);
	/* Tolerate quoted titles: File['/a'] */
	if (title && strlen(title) >= 2 && (title[0] == '\'' || title[0] == '"') &&
	    title[strlen(title) - 1] == title[0]) {
		memmove(title, title + 1, strlen(title) - 2);
		title[strlen(title) - 2] = '\0';
	}
	out = (type && title) ? ref_build(type, title) : NULL;
	free(type);
	free(title);
	return out;
}

const char *cm_type_namevar(const char *type)
{
	static const struct {
		const char *type, *namevar;
	} namevars[] = {{"File", "path"}, {"Exec", "command"}};

	for (size_t i = 0; i < sizeof(namevars) / sizeof(namevars[0]); i++)
		if (strcmp(namevars[i].type, type) == 0)
			return namevars[i].namevar;
	return "name";
}

const char *cm_param_str(const struct cm_resource *r, const char *name)
{
	return json_string_value(json_object_get(r->params, name));
}

bool cm_param_bool(const struct cm_resource *r, const char *name, bool dflt)
{
	json_t *v = json_object_get(r->params, name);
	const char *s;

	if (v == NULL || json_is_null(v))
		return dflt;
	if (json_is_boolean(v))
		return json_is_true(v);
	s = json_string_value(v);
	if (s == NULL)
		return dflt;
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
		return true;
	if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
		return false;
	return dflt;
}

bool cm_resource_tagged(const struct cm_resource *r, const char *tag)
{
	size_t i;
	json_t *t;
	const char *type_tag = r->type;

	json_array_foreach(r->tags, i, t)
		if (json_is_string(t) && strcasecmp(json_string_value(t), tag) == 0)
			return true;
	/* A resource is always tagged with its type and title. */
	return strcasecmp(type_tag, tag) == 0 || strcasecmp(r->title, tag) == 0;
}

static bool type_is_container(const char *type, const char *kind)
{
	static const char *const containers[] = {"Stage", "Class", "Node", "Component", "Whit"};

	for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
		if (strcmp(containers[i], type) == 0)
			return true;
	/* defined_type instances hold the resources they declare */
	return kind != NULL && strcmp(kind, "defined_type") == 0;
}

static int catalog_alias(struct cm_catalog *cat, size_t i, const char *name, struct err *e)
{
	char *ref = ref_build(cat->res[i].type, name);
	json_t *have;
	int rc = 0;

	if (ref == NULL)
		return 0;
	have = json_object_get(cat->by_ref, ref);
	if (have != NULL && (size_t)json_integer_value(have) != i) {
		err_setf(e, "CATALOG_INVALID", "Cannot alias %s to %s; resource %s already declared",
			 cat->res[i].ref, name, ref);
		rc = -1;
	} else if (have == NULL)
		json_object_set_new(cat->by_ref, ref, json_integer((json_int_t)i));
	free(ref);
	return rc;
}

static int catalog_aliases(struct cm_catalog *cat, size_t i, struct err *e)
{
	struct cm_resource *r = &cat->res[i];
	json_t *alias = json_object_get(r->params, "alias");
	const char *namevar = cm_param_str(r, cm_type_namevar(r->type));
	size_t k;
	json_t *a;

	if (namevar && strcmp(namevar, r->title) != 0 && catalog_alias(cat, i, namevar, e) < 0)
		return -1;
	if (json_is_string(alias))
		return catalog_alias(cat, i, json_string_value(alias), e);
	json_array_foreach(alias, k, a)
		if (json_is_string(a) && catalog_alias(cat, i, json_string_value(a), e) < 0)
			return -1;
	return 0;
}

static int catalog_resource(struct cm_catalog *cat, size_t i, json_t *jr, struct err *e)
{
	struct cm_resource *r = &cat->res[i];
	const char *type = json_string_value(json_object_get(jr, "type"));
	const char *title = json_string_value(json_object_get(jr, "title"));
	json_t *params = json_object_get(jr, "parameters");
	json_t *tags = json_object_get(jr, "tags");

	if (!json_is_object(jr) || type == NULL || title == NULL) {
		err_setf(e, "CATALOG_INVALID", "resource %zu: needs string type and title", i);
		return -1;
	}
	if (params != NULL && !json_is_object(params)) {
		err_setf(e, "CATALOG_INVALID", "resource %s[%s]: parameters must be an object", type, title);
		return -1;
	}
	if (params == NULL) {
		params = json_object();
		json_object_set_new(jr, "parameters", params);
	}
	if (!json_is_array(tags)) {
		tags = json_array();
		json_object_set_new(jr, "tags", tags);
	}
	r->index = i;
	r->parent = CM_NONE;
	r->type = cm_type_canonical(type);
	r->title = strdup(title);
	r->ref = ref_build(type, title);
	r->params = params;
	r->tags = tags;
	r->file = json_string_value(json_object_get(jr, "file"));
	r->line = (int)json_integer_value(json_object_get(jr, "line"));
	if (r->type == NULL || r->title == NULL || r->ref == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	r->container = type_is_container(r->type, json_string_value(json_object_get(jr, "kind")));
	if (json_object_get(cat->by_ref, r->ref) != NULL) {
		err_setf(e, "CATALOG_INVALID", "Duplicate declaration: %s is already declared", r->ref);
		return -1;
	}
	return json_object_set_new(cat->by_ref, r->ref, json_integer((json_int_t)i));
}

static int catalog_edges(struct cm_catalog *cat, json_t *edges, struct err *e)
{
	size_t i;
	json_t *edge;

	json_array_foreach(edges, i, edge) {
		const char *src = json_string_value(json_object_get(edge, "source"));
		const char *dst = json_string_value(json_object_get(edge, "target"));
		size_t s = src ? cm_catalog_find(cat, src) : CM_NONE;
		size_t d = dst ? cm_catalog_find(cat, dst) : CM_NONE;

		if (s == CM_NONE || d == CM_NONE) {
			err_setf(e, "CATALOG_INVALID", "edge %zu: unknown resource %s", i,
				 s == CM_NONE ? (src ? src : "(none)") : dst);
			return -1;
		}
		if (d == s || cat->res[d].parent != CM_NONE) {
			err_setf(e, "CATALOG_INVALID", "edge %zu: %s is contained twice", i, cat->res[d].ref);
			return -1;
		}
		cat->res[d].parent = s;
		/* Anything that contains resources is a container, whatever its kind said. */
		cat->res[s].container = true;
	}
	return 0;
}

struct cm_catalog *cm_catalog_load(json_t *json, struct err *e)
{
	struct cm_catalog *cat = calloc(1, sizeof(*cat));
	json_t *resources = json_object_get(json, "resources");
	json_t *edges = json_object_get(json, "edges");
	size_t i;
	json_t *jr;

	if (cat == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	if (!json_is_object(json) || !json_is_array(resources) || (edges && !json_is_array(edges))) {
		err_set(e, "CATALOG_INVALID", "a catalog is an object with a resources array and an edges array",
			NULL);
		free(cat);
		return NULL;
	}
	cat->json = json_incref(json);
	cat->by_ref = json_object();
	cat->name = json_string_value(json_object_get(json, "name"));
	cat->environment = json_string_value(json_object_get(json, "environment"));
	cat->version = json_object_get(json, "version");
	cat->n = json_array_size(resources);
	cat->res = calloc(cat->n ? cat->n : 1, sizeof(*cat->res));
	if (cat->res == NULL)
		goto fail;
	json_array_foreach(resources, i, jr)
		if (catalog_resource(cat, i, jr, e) < 0)
			goto fail;
	for (i = 0; i < cat->n; i++)
		if (catalog_aliases(cat, i, e) < 0)
			goto fail;
	if (edges && catalog_edges(cat, edges, e) < 0)
		goto fail;
	return cat;
fail:
	if (!err_isset(e))
		err_internal(e, "out of memory");
	cm_catalog_free(cat);
	return NULL;
}

void cm_catalog_free(struct cm_catalog *cat)
{
	if (cat == NULL)
		return;
	for (size_t i = 0; i < cat->n && cat->res; i++) {
		free(cat->res[i].type);
		free(cat->res[i].title);
		free(cat->res[i].ref);
	}
	free(cat->res);
	json_decref(cat->by_ref);
	json_decref(cat->json);
	free(cat);
}

size_t cm_catalog_find(const struct cm_catalog *cat, const char *ref)
{
	json_t *idx = json_object_get(cat->by_ref, ref);
	char *canon;

	if (idx != NULL)
		return (size_t)json_integer_value(idx);
	canon = cm_ref_canonical(ref);
	if (canon == NULL)
		return CM_NONE;
	idx = json_object_get(cat->by_ref, canon);
	free(canon);
	return idx ? (size_t)json_integer_value(idx) : CM_NONE;
}
