/*
 * cron: one job per resource in the user's crontab
 * (/var/spool/cron/crontabs/USER below the root), marked by the comment line
 * "# Puppet Name: TITLE" as Puppet does, followed by its environment lines
 * and the job line. cron notices the spool directory's mtime change.
 */
#include "cm/providers/lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const cron_times[] = {"minute", "hour", "monthday", "month", "weekday"};

/* A time field: "*" when absent; arrays join with commas. */
static char *cron_field(const struct cm_resource *r, const char *name)
{
	json_t *v = json_object_get(r->params, name);
	char *out = NULL;
	size_t i;
	json_t *x;

	if (v == NULL || json_is_null(v))
		return strdup("*");
	if (!json_is_array(v))
		return json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
	json_array_foreach(v, i, x) {
		char *one = json_is_string(x) ? strdup(json_string_value(x)) : json_dumps(x, JSON_ENCODE_ANY);
		char *more = NULL;
		if (asprintf(&more, "%s%s%s", out ? out : "", out ? "," : "", one) >= 0) {
			free(out);
			out = more;
		}
		free(one);
	}
	return out ? out : strdup("*");
}

/* The record lines this resource wants (comment, environment, job). */
static json_t *cron_record(const struct cm_resource *r, const char *command)
{
	json_t *rec = json_array(), *env = json_object_get(r->params, "environment");
	const char *special = cm_param_str(r, "special");
	char *line = NULL;
	size_t i;
	json_t *v;

	if (asprintf(&line, "# Puppet Name: %s", r->title) >= 0)
		json_array_append_new(rec, json_string(line));
	free(line);
	line = NULL;
	if (json_is_string(env))
		json_array_append(rec, env);
	json_array_foreach(env, i, v)
		json_array_append(rec, v);
	if (special) {
		if (asprintf(&line, "@%s %s", special, command) < 0)
			line = NULL;
	} else {
		char *f[5];
		for (i = 0; i < 5; i++)
			f[i] = cron_field(r, cron_times[i]);
		if (asprintf(&line, "%s %s %s %s %s %s", f[0], f[1], f[2], f[3], f[4], command) < 0)
			line = NULL;
		for (i = 0; i < 5; i++)
			free(f[i]);
	}
	json_array_append_new(rec, json_string(line ? line : ""));
	free(line);
	return rec;
}

/* Index and length of the record named TITLE in LINES; *len 0 when absent. */
static size_t cron_find(const json_t *lines, const char *title, size_t *len)
{
	char *marker = NULL;
	size_t i, n = json_array_size(lines);

	*len = 0;
	if (asprintf(&marker, "# Puppet Name: %s", title) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(json_string_value(json_array_get(lines, i)), marker) == 0)
			break;
	free(marker);
	if (i == n)
		return n;
	*len = 1;
	while (i + *len < n) {
		const char *l = json_string_value(json_array_get(lines, i + *len));
		size_t name = strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		bool env = name > 0 && l[name] == '=';
		(*len)++;
		if (!env) /* the job line ends the record */
			break;
	}
	return i;
}

static int cron_write(struct cm_res_ctx *c, const char *local, const char *user, json_t *lines, struct err *e)
{
	uid_t uid = 0;
	gid_t gid = 0;

	if (lines_write(local, lines, 0600, e) < 0)
		return -1;
	cm_user_uid(c->opt->root, user, &uid);
	if (cm_group_gid(c->opt->root, "crontab", &gid) < 0)
		gid = 0;
	if (chown(local, uid, gid) < 0) {
		err_setf(e, "CM_CRON_FAILED", "Could not chown crontab of %s", user);
		return -1;
	}
	return 0;
}

static int cron_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *ensure = cm_param_str(c->res, "ensure");
	const char *user = cm_param_str(c->res, "target");
	const char *command = cm_param_str(c->res, "command");
	char *path = NULL, *local;
	json_t *lines, *want;
	size_t at, len;
	int rc = 0;
	bool dirty = false;

	if (user == NULL)
		user = cm_param_str(c->res, "user");
	if (user == NULL)
		user = "root";
	if (asprintf(&path, "/var/spool/cron/crontabs/%s", user) < 0)
		return -1;
	local = cm_ctx_path(c, path);
	lines = lines_read(local);
	at = cron_find(lines, c->res->title, &len);
	if (ensure && strcmp(ensure, "absent") == 0) {
		if (len > 0 && cm_change(c, "ensure", json_string("present"), json_string("absent"), "removed")) {
			for (size_t k = 0; k < len; k++)
				json_array_remove(lines, at);
			dirty = true;
		}
	} else if (command == NULL) {
		err_setf(e, "CM_CRON_FAILED", "Cron[%s]: command is required", c->res->title);
		rc = -1;
	} else {
		bool same;
		want = cron_record(c->res, command);
		same = len > 0 && len == json_array_size(want);
		for (size_t k = 0; same && k < len; k++)
			same = json_equal(json_array_get(lines, at + k), json_array_get(want, k));
		if (!same) {
			json_t *old = len > 0 ? json_array_get(lines, at + len - 1) : NULL;
			bool act = len == 0
					   ? cm_change(c, "ensure", json_string("absent"), json_string("present"), "created")
					   : cm_change(c, "command", json_incref(old),
						       json_incref(json_array_get(want, json_array_size(want) - 1)), NULL);
			if (act) {
				for (size_t k = 0; k < len; k++)
					json_array_remove(lines, at);
				for (size_t k = 0; k < json_array_size(want); k++)
					json_array_insert(lines, at + k, json_array_get(want, k));
				dirty = true;
			}
		}
		json_decref(want);
	}
	if (dirty)
		rc = cron_write(c, local, user, lines, e);
	json_decref(lines);
	free(local);
	free(path);
	return rc;
}

static void cron_autorequire(const struct cm_resource *r, json_t *refs)
{
	const char *user = cm_param_str(r, "user");
	char *ref = NULL;

	if (user && asprintf(&ref, "User[%s]", user) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
}

const struct cm_provider cm_provider_cron = {
	.type = "Cron",
	.provider_name = "crontab",
	.apply = cron_apply,
	.autorequire = cron_autorequire,
};
