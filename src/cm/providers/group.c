/*
 * group: groupadd/groupmod/groupdel, run inside the apply root; the current
 * state is read from the root's /etc/group.
 */
#include "cm/providers/provider.h"

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The group's gid; -1 when it does not exist. */
static int group_lookup(const char *root, const char *name, gid_t *gid)
{
	char *path = cm_root_path(root, "/etc/group");
	FILE *f = path ? fopen(path, "re") : NULL;
	struct group *gr;
	int rc = -1;

	free(path);
	while (rc < 0 && f && (gr = fgetgrent(f)) != NULL)
		if (strcmp(gr->gr_name, name) == 0) {
			*gid = gr->gr_gid;
			rc = 0;
		}
	if (f)
		fclose(f);
	return rc;
}

static int group_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *name = cm_ctx_name(c), *ensure = cm_param_str(c->res, "ensure");
	json_t *gidj = json_object_get(c->res->params, "gid");
	long want_gid = json_is_integer(gidj) ? (long)json_integer_value(gidj)
			: json_is_string(gidj)	? atol(json_string_value(gidj))
						: -1;
	char gidbuf[32];
	gid_t gid = 0;
	bool exists = group_lookup(c->opt->root, name, &gid) == 0;

	snprintf(gidbuf, sizeof(gidbuf), "%ld", want_gid);
	if (ensure && strcmp(ensure, "absent") == 0) {
		if (exists && cm_change(c, "ensure", json_string("present"), json_string("absent"), "removed"))
			return cm_run_simple(c, (const char *const[]){"groupdel", name, NULL}, NULL, e);
		return 0;
	}
	if (!exists) {
		const char *argv[8] = {"groupadd"};
		size_t n = 1;
		if (ensure == NULL)
			return 0;
		if (!cm_change(c, "ensure", json_string("absent"), json_string("present"), "created"))
			return 0;
		if (want_gid >= 0) {
			argv[n++] = "-g";
			argv[n++] = gidbuf;
		}
		if (cm_param_bool(c->res, "system", false))
			argv[n++] = "-r";
		if (cm_param_bool(c->res, "allowdupe", false))
			argv[n++] = "-o";
		argv[n++] = name;
		return cm_run_simple(c, argv, NULL, e);
	}
	if (want_gid >= 0 && (long)gid != want_gid &&
	    cm_change(c, "gid", json_integer(gid), json_integer(want_gid), NULL))
		return cm_run_simple(c, (const char *const[]){"groupmod", "-g", gidbuf, name, NULL}, NULL, e);
	return 0;
}

const struct cm_provider cm_provider_group = {
	.type = "Group",
	.provider_name = "groupadd",
	.apply = group_apply,
};
