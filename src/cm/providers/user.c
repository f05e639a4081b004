/*
 * user: useradd/usermod/userdel run inside the apply root; the current state
 * comes from the root's /etc/passwd, /etc/group (supplementary groups) and
 * /etc/shadow (password hash). `groups` uses Puppet's default membership,
 * minimum: listed groups are added, others are left alone. Passwords are
 * reported redacted.
 */
#include "cm/providers/provider.h"

#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct user_now {
	bool exists;
	uid_t uid;
	gid_t gid;
	char *home, *shell, *comment, *password;
	json_t *groups; /* names */
};

static void user_now_free(struct user_now *u)
{
	free(u->home);
	free(u->shell);
	free(u->comment);
	free(u->password);
	json_decref(u->groups);
}

static void user_read(const char *root, const char *name, struct user_now *u)
{
	char *path = cm_root_path(root, "/etc/passwd");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct passwd *pw;
	struct group *gr;
	struct spwd *sp;

	free(path);
	u->groups = json_array();
	while (!u->exists && f && (pw = fgetpwent(f)) != NULL)
		if (strcmp(pw->pw_name, name) == 0) {
			u->exists = true;
			u->uid = pw->pw_uid;
			u->gid = pw->pw_gid;
			u->home = strdup(pw->pw_dir);
			u->shell = strdup(pw->pw_shell);
			u->comment = strdup(pw->pw_gecos);
		}
	if (f)
		fclose(f);
	path = cm_root_path(root, "/etc/group");
	f = path ? fopen(path, "re") : NULL;
	free(path);
	while (f && (gr = fgetgrent(f)) != NULL)
		for (char **m = gr->gr_mem; m && *m; m++)
			if (strcmp(*m, name) == 0)
				json_array_append_new(u->groups, json_string(gr->gr_name));
	if (f)
		fclose(f);
	path = cm_root_path(root, "/etc/shadow");
	f = path ? fopen(path, "re") : NULL;
	free(path);
	while (u->password == NULL && f && (sp = fgetspent(f)) != NULL)
		if (strcmp(sp->sp_namp, name) == 0)
			u->password = strdup(sp->sp_pwdp);
	if (f)
		fclose(f);
}

static bool groups_has(const json_t *groups, const char *g)
{
	size_t i;
	json_t *v;

	json_array_foreach(groups, i, v)
		if (strcmp(json_string_value(v), g) == 0)
			return true;
	return false;
}

/* Comma-joined desired groups, or NULL when unmanaged. */
static char *groups_join(const json_t *list)
{
	char *out = NULL;
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		char *more = NULL;
		if (asprintf(&more, "%s%s%s", out ? out : "", out ? "," : "", json_string_value(v)) < 0)
			break;
		free(out);
		out = more;
	}
	return out ? out : strdup("");
}

static json_t *groups_wanted(const struct cm_resource *r)
{
	json_t *g = json_object_get(r->params, "groups");

	if (g == NULL)
		return NULL;
	if (json_is_string(g)) {
		json_t *list = json_array();
		char *copy = strdup(json_string_value(g)), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(list, json_string(t));
		free(copy);
		return list;
	}
	return json_incref(g);
}

struct user_argv {
	const char *v[40];
	size_t n;
	char bufs[4][32];
};

static void argv_opt(struct user_argv *a, const char *flag, const char *value)
{
	if (value == NULL || a->n > 36)
		return;
	a->v[a->n++] = flag;
	a->v[a->n++] = value;
}

static const char *id_param(const struct cm_resource *r, const char *name, char *buf)
{
	json_t *v = json_object_get(r->params, name);

	if (json_is_integer(v)) {
		snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_string_value(v);
}

static int user_create(struct cm_res_ctx *c, const char *name, struct err *e)
{
	const struct cm_resource *r = c->res;
	struct user_argv a = {.v = {"useradd"}, .n = 1};
	json_t *groups = groups_wanted(r);
	char *gl = groups ? groups_join(groups) : NULL;
	int rc;

	argv_opt(&a, "-u", id_param(r, "uid", a.bufs[0]));
	argv_opt(&a, "-g", id_param(r, "gid", a.bufs[1]));
	argv_opt(&a, "-d", cm_param_str(r, "home"));
	argv_opt(&a, "-s", cm_param_str(r, "shell"));
	argv_opt(&a, "-c", cm_param_str(r, "comment"));
	argv_opt(&a, "-p", cm_param_str(r, "password"));
	if (gl && *gl)
		argv_opt(&a, "-G", gl);
	a.v[a.n++] = cm_param_bool(r, "managehome", false) ? "-m" : "-M";
	if (cm_param_bool(r, "system", false))
		a.v[a.n++] = "-r";
	if (cm_param_bool(r, "allowdupe", false))
		a.v[a.n++] = "-o";
	a.v[a.n++] = name;
	a.v[a.n] = NULL;
	rc = cm_run_simple(c, a.v, NULL, e);
	free(gl);
	json_decref(groups);
	return rc;
}

static int usermod(struct cm_res_ctx *c, const char *flag, const char *value, const char *name, struct err *e)
{
	return cm_run_simple(c, (const char *const[]){"usermod", flag, value, name, NULL}, NULL, e);
}

/* String properties compared as they are. */
static const struct {
	const char *param, *flag;
	size_t offset;
} user_strings[] = {
	{"home", "-d", offsetof(struct user_now, home)},
	{"shell", "-s", offsetof(struct user_now, shell)},
	{"comment", "-c", offsetof(struct user_now, comment)},
};

static int user_sync_ids(struct cm_res_ctx *c, const char *name, struct user_now *u, struct err *e)
{
	char buf[32];
	uid_t uid;
	gid_t gid;
	const char *want;

	want = id_param(c->res, "uid", buf);
	if (want && cm_user_uid(NULL, want, &uid) == 0 && uid != u->uid &&
	    cm_change(c, "uid", json_integer(u->uid), json_integer(uid), NULL) &&
	    usermod(c, "-u", want, name, e) < 0)
		return -1;
	want = id_param(c->res, "gid", buf);
	if (want && cm_group_gid(c->opt->root, want, &gid) < 0) {
		err_setf(e, "CM_USER_FAILED", "Could not find group %s", want);
		return -1;
	}
	if (want && gid != u->gid && cm_change(c, "gid", json_integer(u->gid), json_integer(gid), NULL) &&
	    usermod(c, "-g", want, name, e) < 0)
		return -1;
	return 0;
}

static int user_sync(struct cm_res_ctx *c, const char *name, struct user_now *u, struct err *e)
{
	json_t *groups = groups_wanted(c->res);
	const char *password = cm_param_str(c->res, "password");
	int rc = 0;

	if (user_sync_ids(c, name, u, e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(user_strings) / sizeof(user_strings[0]); i++) {
		const char *want = cm_param_str(c->res, user_strings[i].param);
		const char *have = *(char **)((char *)u + user_strings[i].offset);
		if (want && strcmp(want, have ? have : "") != 0 &&
		    cm_change(c, user_strings[i].param, json_string(have ? have : ""), json_string(want), NULL) &&
		    usermod(c, user_strings[i].flag, want, name, e) < 0)
			return -1;
	}
	if (password && strcmp(password, u->password ? u->password : "") != 0) {
		if (cm_change(c, "password", json_string("[redacted]"), json_string("[redacted]"),
			      "changed [redacted] to [redacted]") &&
		    usermod(c, "-p", password, name, e) < 0)
			return -1;
		json_object_set_new(json_array_get(c->events, json_array_size(c->events) - 1), "redacted",
				    json_true());
	}
	if (groups) {
		json_t *all = json_copy(u->groups);
		size_t i;
		json_t *g;
		bool missing = false;
		json_array_foreach(groups, i, g)
			if (!groups_has(u->groups, json_string_value(g))) {
				json_array_append(all, g);
				missing = true;
			}
		if (missing) {
			char *have = groups_join(u->groups), *want = groups_join(all);
			if (cm_change(c, "groups", json_string(have), json_string(want), NULL))
				rc = usermod(c, "-G", want, name, e);
			free(have);
			free(want);
		}
		json_decref(all);
		json_decref(groups);
	}
	return rc;
}

static int user_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *name = cm_ctx_name(c), *ensure = cm_param_str(c->res, "ensure");
	struct user_now u = {0};
	int rc = 0;

	user_read(c->opt->root, name, &u);
	if (ensure && strcmp(ensure, "absent") == 0) {
		if (u.exists && cm_change(c, "ensure", json_string("present"), json_string("absent"), "removed"))
			rc = cm_run_simple(c,
					   cm_param_bool(c->res, "managehome", false)
						   ? (const char *const[]){"userdel", "-r", name, NULL}
						   : (const char *const[]){"userdel", name, NULL},
					   NULL, e);
	} else if (!u.exists) {
		if (ensure && cm_change(c, "ensure", json_string("absent"), json_string("present"), "created"))
			rc = user_create(c, name, e);
	} else
		rc = user_sync(c, name, &u, e);
	user_now_free(&u);
	return rc;
}

/* Puppet: a user autorequires its primary group and the groups it belongs to. */
static void user_autorequire(const struct cm_resource *r, json_t *refs)
{
	json_t *groups = groups_wanted(r);
	const char *gid = cm_param_str(r, "gid");
	char *ref = NULL;
	size_t i;
	json_t *g;

	if (gid && asprintf(&ref, "Group[%s]", gid) >= 0) {
		json_array_append_new(refs, json_string(ref));
		free(ref);
	}
	json_array_foreach(groups, i, g)
		if (asprintf(&ref, "Group[%s]", json_string_value(g)) >= 0) {
			json_array_append_new(refs, json_string(ref));
			free(ref);
		}
	json_decref(groups);
}

const struct cm_provider cm_provider_user = {
	.type = "User",
	.provider_name = "useradd",
	.apply = user_apply,
	.autorequire = user_autorequire,
};
