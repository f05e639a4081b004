/*
 * The master's one call into the compiler (src/cm/eval, cm_compile): the
 * environment's manifests and modules, the agent's facts, trusted facts
 * from the verified certificate, and the node's classification.
 *
 * Classification reaches the compiler as Puppet code and variables: the
 * classes are declared by a generated file evaluated after the main
 * manifest's files (a per-compile directory of links to them plus that
 * file), and the parameters become top-scope variables (passed with the
 * facts; they win over facts of the same name, as node parameters do).
 * Code is read from disk at each compile, so edits apply at the next run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm/master/node.h"
#include "common/log.h"
#include "common/util.h"

#ifdef OVCP_HAVE_CM_COMPILE
#include "cm/eval/compile.h"
#endif

char *cm_master_env_dir(struct cm_master *m, const char *environment)
{
	char *dir = NULL;
	struct stat st;

	if (asprintf(&dir, "%s/environments/%s", m->opt.codedir, environment) < 0)
		return NULL;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return NULL;
	}
	return dir;
}

static json_t *trusted_of(const char *certname)
{
	const char *dot = strchr(certname, '.');
	json_t *t = json_pack("{s:s, s:s, s:{}, s:s%}", "authenticated", "remote", "certname", certname, "extensions",
	                      "hostname", certname, dot ? (size_t)(dot - certname) : strlen(certname));

	json_object_set_new(t, "domain", dot ? json_string(dot + 1) : json_null());
	return t;
}

/* A directory of links to MANIFEST's .pp files plus zzzz_ovcp_classification.pp
 * holding CODE; malloc'ed path, removed by dir_remove(). */
static char *manifest_with_code(const char *manifest, const char *code, struct err *e)
{
	char tmpl[] = "/tmp/ovcp-cm-node-XXXXXX", path[4096];
	struct stat st;
	char *dir = mkdtemp(tmpl);

	if (dir == NULL) {
		err_internal(e, "mkdtemp: %s", strerror(errno));
		return NULL;
	}
	if (stat(manifest, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(manifest);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			if (n <= 3 || strcmp(de->d_name + n - 3, ".pp") != 0)
				continue;
			char target[4096];
			snprintf(target, sizeof(target), "%s/%s", manifest, de->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (symlink(target, path) < 0)
				log_warn("compile: symlink %s: %s", path, strerror(errno));
		}
		if (d)
			closedir(d);
	} else if (stat(manifest, &st) == 0) {
		snprintf(path, sizeof(path), "%s/site.pp", dir);
		if (symlink(manifest, path) < 0)
			log_warn("compile: symlink %s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/zzzz_ovcp_classification.pp", dir);
	if (file_write_atomic(path, code, strlen(code), 0644) < 0) {
		err_internal(e, "cannot write %s", path);
		return NULL;
	}
	return strdup(dir);
}

static void dir_remove(char *dir)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	char path[4096];

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	if (dir)
		rmdir(dir);
	free(dir);
}

#ifdef OVCP_HAVE_CM_COMPILE
static int compile_call(const char *manifest, const char *const *modulepath, size_t nmod, const char *certname,
                        json_t *facts, json_t *trusted, const char *environment, const char *env_dir,
                        json_t **catalog, struct err *e)
{
	struct cm_compile_options o = {
		.manifest = manifest, .modulepath = modulepath, .modulepath_count = nmod, .node = certname,
		.facts = facts, .trusted = trusted, .environment = environment, .environment_dir = env_dir,
	};
	struct cm_diag d = {0};
	int rc = cm_compile(&o, catalog, &d);

	if (rc < 0)
		err_setf(e, "COMPILE_FAILED", "%s", d.error ? d.error : "compilation failed");
	for (size_t i = 0; i < d.nmessages; i++)
		log_info("compile %s: %s", certname, d.messages[i]);
	cm_diag_clear(&d);
	return rc;
}
#else
/* Until src/cm/eval exists: a fixed catalog, enough for the protocol. */
static int compile_call(const char *manifest, const char *const *modulepath, size_t nmod, const char *certname,
                        json_t *facts, json_t *trusted, const char *environment, const char *env_dir,
                        json_t **catalog, struct err *e)
{
	char uuid[UUID_STR_LEN];

	uuid_generate_str(uuid);
	*catalog = json_pack(
		"{s:[s,s], s:s, s:I, s:n, s:s, s:i, s:s, s:[{s:s,s:s,s:[s],s:b,s:{s:s}}, {s:s,s:s,s:[s],s:b},"
		" {s:s,s:s,s:[s,s],s:b,s:{s:s}}], s:[{s:s,s:s},{s:s,s:s}], s:[s]}",
		"tags", "settings", "class", "name", certname, "version", (json_int_t)time(NULL), "code_id",
		"catalog_uuid", uuid, "catalog_format", 1, "environment", environment, "resources",
		"type", "Stage", "title", "main", "tags", "stage", "exported", 0, "parameters", "name", "main",
		"type", "Class", "title", "main", "tags", "class", "exported", 0,
		"type", "Notify", "title", "ovcp-cm master placeholder", "tags", "notify", "class", "exported", 0,
		"parameters", "message", "compiled without src/cm/eval",
		"edges", "source", "Stage[main]", "target", "Class[main]", "source", "Class[main]", "target",
		"Notify[ovcp-cm master placeholder]", "classes", "settings");
	return *catalog ? 0 : -1;
}
#endif

int cm_master_compile(struct cm_master *m, const char *certname, const char *environment, json_t *facts,
                      const struct cm_node_class *nc, json_t **catalog, struct err *e)
{
	char *env_dir = cm_master_env_dir(m, environment), *manifest = NULL, *tmpdir = NULL;
	char *modules = NULL, *base_modules = NULL;
	json_t *vars = json_deep_copy(facts ? facts : json_object());
	json_t *trusted = trusted_of(certname);
	struct buf code = BUF_INIT;
	int rc = -1;

	*catalog = NULL;
	if (env_dir == NULL) {
		err_setf(e, "NOT_FOUND", "Could not find environment '%s'", environment);
		goto out;
	}
	if (asprintf(&manifest, "%s/manifests", env_dir) < 0 || asprintf(&modules, "%s/modules", env_dir) < 0 ||
	    asprintf(&base_modules, "%s/modules", m->opt.codedir) < 0)
		goto out;
	if (nc && nc->parameters)
		json_object_update(vars, nc->parameters);
	if (nc && nc->classes && json_object_size(nc->classes) > 0) {
		if (cm_puppet_declare_classes(nc->classes, &code, e) < 0 ||
		    (tmpdir = manifest_with_code(manifest, buf_cstr(&code), e)) == NULL)
			goto out;
	}
	const char *modulepath[] = {modules, base_modules};
	rc = compile_call(tmpdir ? tmpdir : manifest, modulepath, 2, certname, vars, trusted, environment, env_dir,
	                  catalog, e);
out:
	dir_remove(tmpdir);
	buf_free(&code);
	json_decref(vars);
	json_decref(trusted);
	free(env_dir);
	free(manifest);
	free(modules);
	free(base_modules);
	return rc;
}
