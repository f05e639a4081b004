/*
 * service: systemd when the root's PID 1 is systemd (/run/systemd/system
 * exists), else Debian's init scripts (/etc/init.d/NAME, update-rc.d for
 * enable). Custom status/start/stop/restart commands override the
 * defaults; hasstatus => false falls back to looking for the process.
 * Refresh restarts a running service (or one that ensure wants running).
 */
#include "cm/providers/provider.h"

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool svc_systemd(const struct cm_res_ctx *c)
{
	char *p = cm_ctx_path(c, "/run/systemd/system");
	struct stat st;
	bool yes = p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return yes;
}

/* Run a custom command (split on spaces, run through /bin/sh -c as Puppet's does for these) */
static int svc_custom(const struct cm_res_ctx *c, const char *cmd, int *status)
{
	struct cm_run r = {.argv = (const char *const[]){"/bin/sh", "-c", cmd, NULL}, .root = c->opt->root,
			   .timeout = 300};
	char *out = NULL;
	struct err e = {0};
	int rc = cm_run(&r, status, &out, &e);

	err_clear(&e);
	free(out);
	return rc;
}

static int svc_action(const struct cm_res_ctx *c, const char *action, int *status)
{
	const char *name = cm_ctx_name(c);
	const char *custom = cm_param_str(c->res, action);
	char *script = NULL;
	const char *argv[4] = {NULL};
	struct cm_run r = {.root = c->opt->root, .timeout = 300, .argv = argv};
	char *out = NULL;
	struct err e = {0};
	int rc;

	if (custom)
		return svc_custom(c, custom, status);
	if (svc_systemd(c)) {
		argv[0] = "systemctl";
		argv[1] = strcmp(action, "status") == 0 ? "is-active" : action;
		argv[2] = name;
	} else {
		if (asprintf(&script, "/etc/init.d/%s", name) < 0)
			return -1;
		argv[0] = script;
		argv[1] = action;
	}
	rc = cm_run(&r, status, &out, &e);
	err_clear(&e);
	free(out);
	free(script);
	return rc;
}

/* hasstatus => false: look for a process whose command line contains `pattern` (default: the name). */
static bool svc_process_running(const struct cm_res_ctx *c)
{
	const char *pattern = cm_param_str(c->res, "pattern");
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool found = false;

	if (pattern == NULL)
		pattern = cm_ctx_name(c);
	while (!found && d && (de = readdir(d)) != NULL) {
		char path[300], buf[4096];
		FILE *f;
		size_t n;
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || atoi(de->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i + 1 < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		found = n > 0 && strstr(buf, pattern) != NULL;
	}
	if (d)
		closedir(d);
	return found;
}

static bool svc_running(const struct cm_res_ctx *c)
{
	int status = 1;

	if (cm_param_str(c->res, "status") == NULL && !cm_param_bool(c->res, "hasstatus", true))
		return svc_process_running(c);
	return svc_action(c, "status", &status) == 0 && status == 0;
}

static bool svc_enabled(const struct cm_res_ctx *c)
{
	char *pattern = NULL, *local;
	glob_t g;
	bool yes;
	int status = 1;

	if (svc_systemd(c)) {
		struct cm_run r = {.argv = (const char *const[]){"systemctl", "is-enabled", cm_ctx_name(c), NULL},
				   .root = c->opt->root, .timeout = 60};
		char *out = NULL;
		struct err e = {0};
		yes = cm_run(&r, &status, &out, &e) == 0 && status == 0;
		free(out);
		err_clear(&e);
		return yes;
	}
	if (asprintf(&pattern, "/etc/rc[2345].d/S[0-9][0-9]%s", cm_ctx_name(c)) < 0)
		return false;
	local = cm_ctx_path(c, pattern);
	yes = local && glob(local, 0, NULL, &g) == 0;
	if (yes)
		globfree(&g);
	free(local);
	free(pattern);
	return yes;
}

static int svc_enable(struct cm_res_ctx *c, bool on, struct err *e)
{
	const char *name = cm_ctx_name(c);

	if (svc_systemd(c))
		return cm_run_simple(c, (const char *const[]){"systemctl", on ? "enable" : "disable", name, NULL},
				     NULL, e);
	if (on && cm_run_simple(c, (const char *const[]){"update-rc.d", name, "defaults", NULL}, NULL, e) < 0)
		return -1;
	return cm_run_simple(c, (const char *const[]){"update-rc.d", name, on ? "enable" : "disable", NULL}, NULL, e);
}

static int svc_do(struct cm_res_ctx *c, const char *action, struct err *e)
{
	int status = 1;

	if (svc_action(c, action, &status) < 0 || status != 0) {
		err_setf(e, "CM_SERVICE_FAILED", "Could not %s Service[%s]: exit %d", action, cm_ctx_name(c), status);
		return -1;
	}
	return 0;
}

static int service_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *ensure = cm_param_str(c->res, "ensure");
	json_t *enable = json_object_get(c->res->params, "enable");

	c->provider_used = svc_systemd(c) ? "systemd" : "debian";
	if (ensure && (strcmp(ensure, "true") == 0))
		ensure = "running";
	if (ensure && (strcmp(ensure, "false") == 0))
		ensure = "stopped";
	if (ensure) {
		bool running = svc_running(c), want = strcmp(ensure, "running") == 0;
		if (running != want &&
		    cm_change(c, "ensure", json_string(running ? "running" : "stopped"), json_string(ensure), NULL) &&
		    svc_do(c, want ? "start" : "stop", e) < 0)
			return -1;
	}
	if (enable && !json_is_null(enable)) {
		bool want = cm_param_bool(c->res, "enable", false), is = svc_enabled(c);
		if (is != want &&
		    cm_change(c, "enable", json_string(is ? "true" : "false"), json_string(want ? "true" : "false"), NULL) &&
		    svc_enable(c, want, e) < 0)
			return -1;
	}
	return 0;
}

static int service_refresh(struct cm_res_ctx *c, struct err *e)
{
	const char *ensure = cm_param_str(c->res, "ensure");
	bool hasrestart = cm_param_str(c->res, "restart") || cm_param_bool(c->res, "hasrestart", true);

	if (!svc_running(c) && !(ensure && strcmp(ensure, "running") == 0))
		return 0;
	if (hasrestart)
		return svc_do(c, "restart", e);
	if (svc_do(c, "stop", e) < 0)
		return -1;
	return svc_do(c, "start", e);
}

const struct cm_provider cm_provider_service = {
	.type = "Service",
	.provider_name = "debian",
	.apply = service_apply,
	.refresh = service_refresh,
};
