/*
 * package: Debian's dpkg and apt. The installed state comes from dpkg-query;
 * installs go through apt-get (noninteractive, keeping existing
 * configuration files) or `dpkg -i` when the resource names a .deb `source`.
 * ensure: present/installed, latest, absent, purged, or a version.
 */
#include "cm/providers/provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pkg_now {
	char *version; /* NULL when not installed */
	bool config_files; /* removed, configuration files left */
};

static void pkg_query(const struct cm_res_ctx *c, const char *name, struct pkg_now *now)
{
	struct cm_run r = {.argv = (const char *const[]){"dpkg-query", "-W", "-f", "${Status}\t${Version}\n", name,
							  NULL},
			   .root = c->opt->root, .timeout = 60};
	char *out = NULL;
	int status;
	struct err e = {0};

	now->version = NULL;
	now->config_files = false;
	if (cm_run(&r, &status, &out, &e) == 0 && status == 0) {
		char *tab = strchr(out, '\t');
		if (tab && strncmp(out, "install ok installed", 20) == 0) {
			tab[strcspn(tab, "\n")] = '\0';
			now->version = strdup(tab + 1);
		} else if (strstr(out, "config-files"))
			now->config_files = true;
	}
	err_clear(&e);
	free(out);
}

/* apt's candidate version, NULL when apt knows none. */
static char *pkg_candidate(const struct cm_res_ctx *c, const char *name)
{
	char *out = NULL, *cand = NULL, *p;

	if (cm_run_simple(c, (const char *const[]){"apt-cache", "policy", name, NULL}, &out, &(struct err){0}) < 0)
		return NULL;
	p = strstr(out, "Candidate: ");
	if (p) {
		p += strlen("Candidate: ");
		cand = strndup(p, strcspn(p, "\n"));
		if (strcmp(cand, "(none)") == 0) {
			free(cand);
			cand = NULL;
		}
	}
	free(out);
	return cand;
}

static int pkg_install(struct cm_res_ctx *c, const char *name, const char *version, struct err *e)
{
	const char *source = cm_param_str(c->res, "source");
	char *spec = NULL;
	int rc;

	if (source)
		return cm_run_simple(c, (const char *const[]){"dpkg", "--force-confold", "-i", source, NULL}, NULL, e);
	if (version && asprintf(&spec, "%s=%s", name, version) < 0)
		return -1;
	rc = cm_run_simple(c,
			   (const char *const[]){"apt-get", "-q", "-y", "-o", "DPkg::Options::=--force-confold",
						 "--allow-downgrades", "install", spec ? spec : name, NULL},
			   NULL, e);
	free(spec);
	return rc;
}

static bool is_plain_present(const char *ensure)
{
	return strcmp(ensure, "present") == 0 || strcmp(ensure, "installed") == 0;
}

static int package_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *name = cm_ctx_name(c), *ensure = cm_param_str(c->res, "ensure");
	struct pkg_now now;
	int rc = 0;

	if (ensure == NULL)
		ensure = "present";
	pkg_query(c, name, &now);
	if (strcmp(ensure, "absent") == 0 || strcmp(ensure, "purged") == 0) {
		bool purge = strcmp(ensure, "purged") == 0;
		if (now.version || (purge && now.config_files)) {
			if (cm_change(c, "ensure", json_string(now.version ? now.version : "absent"),
				      json_string(ensure), "removed"))
				rc = cm_run_simple(c, (const char *const[]){"dpkg", purge ? "--purge" : "--remove",
									    name, NULL},
						   NULL, e);
		}
	} else if (is_plain_present(ensure)) {
		if (now.version == NULL &&
		    cm_change(c, "ensure", json_string(now.config_files ? "absent" : "purged"),
			      json_string("present"), "created"))
			rc = pkg_install(c, name, NULL, e);
	} else if (strcmp(ensure, "latest") == 0) {
		char *cand = pkg_candidate(c, name);
		if (now.version == NULL) {
			if (cm_change(c, "ensure", json_string("purged"), json_string("latest"), "created"))
				rc = pkg_install(c, name, NULL, e);
		} else if (cand && strcmp(cand, now.version) != 0 &&
			   cm_change(c, "ensure", json_string(now.version), json_string(cand), NULL))
			rc = pkg_install(c, name, NULL, e);
		free(cand);
	} else if (now.version == NULL || strcmp(now.version, ensure) != 0) {
		if (cm_change(c, "ensure", json_string(now.version ? now.version : "purged"), json_string(ensure),
			      now.version ? NULL : "created"))
			rc = pkg_install(c, name, ensure, e);
	}
	free(now.version);
	return rc;
}

const struct cm_provider cm_provider_package = {
	.type = "Package",
	.provider_name = "apt",
	.apply = package_apply,
};
