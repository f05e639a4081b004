/*
 * host: one line of /etc/hosts (or of `target`) per resource, found by its
 * name field: "IP<TAB>NAME<TAB>ALIASES...<TAB># COMMENT", Puppet's layout.
 */
#include "cm/providers/lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_entry {
	char *ip, *aliases, *comment; /* aliases space-joined */
};

static void entry_free(struct host_entry *h)
{
	free(h->ip);
	free(h->aliases);
	free(h->comment);
}

/* Parse LINE; true when its name field is NAME. */
static bool entry_parse(const char *line, const char *name, struct host_entry *h)
{
	char *copy = strdup(line), *save = NULL, *hash = strchr(copy, '#');
	char *ip, *nm;
	bool match = false;

	if (hash) {
		char *c = hash + 1;
		while (*c == ' ')
			c++;
		h->comment = strdup(c);
		*hash = '\0';
	}
	ip = strtok_r(copy, " \t", &save);
	nm = ip ? strtok_r(NULL, " \t", &save) : NULL;
	if (ip && nm && strcmp(nm, name) == 0) {
		char *a;
		match = true;
		h->ip = strdup(ip);
		h->aliases = strdup("");
		while ((a = strtok_r(NULL, " \t", &save)) != NULL) {
			char *more = NULL;
			if (asprintf(&more, "%s%s%s", h->aliases, *h->aliases ? " " : "", a) >= 0) {
				free(h->aliases);
				h->aliases = more;
			}
		}
	}
	if (!match) {
		free(h->comment);
		h->comment = NULL;
	}
	free(copy);
	return match;
}

static char *aliases_wanted(const struct cm_resource *r)
{
	json_t *a = json_object_get(r->params, "host_aliases");
	char *out = NULL;
	size_t i;
	json_t *v;

	if (a == NULL)
		return NULL;
	if (json_is_string(a))
		return strdup(json_string_value(a));
	out = strdup("");
	json_array_foreach(a, i, v) {
		char *more = NULL;
		if (asprintf(&more, "%s%s%s", out, *out ? " " : "", json_string_value(v)) >= 0) {
			free(out);
			out = more;
		}
	}
	return out;
}

static json_t *entry_line(const char *ip, const char *name, const char *aliases, const char *comment)
{
	char *line = NULL, *tabbed = strdup(aliases ? aliases : "");
	json_t *j;

	for (char *p = tabbed; p && *p; p++)
		if (*p == ' ')
			*p = '\t';
	if (asprintf(&line, "%s\t%s%s%s%s%s", ip, name, tabbed && *tabbed ? "\t" : "", tabbed ? tabbed : "",
		     comment ? "\t# " : "", comment ? comment : "") < 0)
		line = NULL;
	j = json_string(line ? line : "");
	free(line);
	free(tabbed);
	return j;
}

static int host_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *name = cm_ctx_name(c), *ensure = cm_param_str(c->res, "ensure");
	const char *target = cm_param_str(c->res, "target"), *ip = cm_param_str(c->res, "ip");
	const char *comment = cm_param_str(c->res, "comment");
	char *local = cm_ctx_path(c, target ? target : "/etc/hosts");
	char *aliases = aliases_wanted(c->res);
	json_t *lines = lines_read(local);
	struct host_entry h = {0};
	size_t i, at = CM_NONE;
	json_t *v;
	bool dirty = false;
	int rc = 0;

	json_array_foreach(lines, i, v)
		if (at == CM_NONE && entry_parse(json_string_value(v), name, &h))
			at = i;
	if (ensure && strcmp(ensure, "absent") == 0) {
		if (at != CM_NONE && cm_change(c, "ensure", json_string("present"), json_string("absent"), "removed")) {
			json_array_remove(lines, at);
			dirty = true;
		}
	} else if (at == CM_NONE) {
		if (ip == NULL) {
			err_setf(e, "CM_HOST_FAILED", "ip is a required attribute for hosts");
			rc = -1;
		} else if (cm_change(c, "ensure", json_string("absent"), json_string("present"), "created")) {
			json_array_append_new(lines, entry_line(ip, name, aliases, comment));
			dirty = true;
		}
	} else {
		bool change = false;
		if (ip && strcmp(ip, h.ip) != 0)
			change |= cm_change(c, "ip", json_string(h.ip), json_string(ip), NULL);
		if (aliases && strcmp(aliases, h.aliases) != 0)
			change |= cm_change(c, "host_aliases", json_string(h.aliases), json_string(aliases), NULL);
		if (comment && strcmp(comment, h.comment ? h.comment : "") != 0)
			change |= cm_change(c, "comment", json_string(h.comment ? h.comment : ""), json_string(comment), NULL);
		if (change) {
			json_array_set_new(lines, at, entry_line(ip ? ip : h.ip, name, aliases ? aliases : h.aliases,
								  comment ? comment : h.comment));
			dirty = true;
		}
	}
	if (dirty)
		rc = lines_write(local, lines, 0644, e);
	entry_free(&h);
	json_decref(lines);
	free(aliases);
	free(local);
	return rc;
}

const struct cm_provider cm_provider_host = {
	.type = "Host",
	.provider_name = "parsed",
	.apply = host_apply,
};
