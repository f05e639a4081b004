/*
 * The apply engine on real files in a scratch directory: ordering (catalog
 * order, relationships, autorequires, containers), cycles, failure
 * propagation, refresh at most once, noop, tags, aliases, idempotence and the
 * report's shape against a report Puppet 7.23 wrote (argv[1]).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cm/apply/apply.h"
#include "cm/apply/graph.h"
#include "cm/catalog/catalog.h"
#include "tap.h"

static char scratch[] = "/tmp/ovcp-cm-test-XXXXXX";
static const char *golden_report;

/* A catalog from a resources JSON text where @ stands for the scratch directory. */
static json_t *catalog_make(const char *resources_fmt, const char *edges)
{
	char *text = NULL, *res = NULL;
	size_t n = 0;
	json_error_t je;
	json_t *cat;

	for (const char *p = resources_fmt; *p; p++)
		n += *p == '@' ? strlen(scratch) : 1;
	res = calloc(1, n + 1);
	for (const char *p = resources_fmt; *p; p++)
		if (*p == '@')
			strcat(res, scratch);
		else
			res[strlen(res)] = *p;
	if (asprintf(&text, "{\"tags\":[],\"name\":\"testnode\",\"version\":42,\"code_id\":null,"
			    "\"catalog_uuid\":\"c0ffee00-0000-4000-8000-000000000000\",\"catalog_format\":1,"
			    "\"environment\":\"production\",\"resources\":[%s],\"edges\":[%s],\"classes\":[]}",
		     res, edges ? edges : "") < 0)
		text = NULL;
	cat = json_loads(text, 0, &je);
	if (cat == NULL)
		printf("# bad test catalog: %s\n", je.text);
	free(text);
	free(res);
	return cat;
}

static json_t *apply(const char *resources, const struct cm_apply_options *o, int *rc)
{
	struct cm_apply_options dflt = {.quiet = true};
	json_t *cat = catalog_make(resources, NULL), *report = NULL;
	struct err e = {0};

	*rc = cm_apply_catalog(cat, o ? o : &dflt, &report, &e);
	if (*rc < 0) {
		char *msg = strdup(json_string_value(json_array_get(e.desc, 1)));
		for (char *p = msg; p && *p; p++)
			*p = *p == '\n' ? ' ' : *p;
		printf("# apply: %s\n", msg);
		free(msg);
	}
	err_clear(&e);
	json_decref(cat);
	return report;
}

static bool exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	return lstat(path, &st) == 0;
}

static char *slurp(const char *rel)
{
	char path[512], *data = NULL;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	f = fopen(path, "r");
	if (f == NULL)
		return strdup("");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = calloc(1, (size_t)len + 1);
	if (fread(data, 1, (size_t)len, f) != (size_t)len)
		data[0] = '\0';
	fclose(f);
	return data;
}

static void clean(void)
{
	char *argv[] = {"rm", "-rf", scratch, NULL};
	pid_t pid = fork();

	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	mkdir(scratch, 0755);
}

/* Order of leaves by title after building the graph of RESOURCES. */
static char *order_of(const char *resources, const char *edges)
{
	json_t *j = catalog_make(resources, edges);
	struct err e = {0};
	struct cm_catalog *cat = cm_catalog_load(j, &e);
	struct cm_graph *g = cat ? cm_graph_build(cat, &e) : NULL;
	char *out = calloc(1, 4096);

	if (g && cm_graph_order(g, cat, &e) == 0)
		for (size_t k = 0; k < g->norder; k++) {
			const char *t = cat->res[g->order[k]].title;
			if (strncmp(t, scratch, strlen(scratch)) == 0)
				t += strlen(scratch);
			strcat(out, k ? " " : "");
			strcat(out, t);
		}
	else
		snprintf(out, 4096, "error: %s", json_string_value(json_array_get(e.desc, 1)));
	err_clear(&e);
	cm_graph_free(g);
	cm_catalog_free(cat);
	json_decref(j);
	return out;
}

#define FILE_RES(path, extra) "{\"type\":\"File\",\"title\":\"@" path "\",\"parameters\":{" extra "}}"
#define NOTIFY(t, extra) "{\"type\":\"Notify\",\"title\":\"" t "\",\"parameters\":{" extra "}}"

static void test_order_manifest(void)
{
	char *o = order_of(NOTIFY("c", "") "," NOTIFY("a", "") "," NOTIFY("b", ""), NULL);
	CHECK_STR(o, "c a b");
	free(o);
	o = order_of(NOTIFY("c", "\"require\":\"Notify[b]\"") "," NOTIFY("a", "") "," NOTIFY("b", "\"before\":[\"Notify[a]\"]"), NULL);
	CHECK_STR(o, "b c a");
	free(o);
}

static void test_order_autorequire(void)
{
	char *o = order_of(FILE_RES("/d/f", "\"owner\":\"alice\",\"group\":\"staff\"") "," FILE_RES("/d", "")
				   ",{\"type\":\"User\",\"title\":\"alice\",\"parameters\":{\"groups\":[\"wheel\"]}}"
				   ",{\"type\":\"Group\",\"title\":\"staff\"},{\"type\":\"Group\",\"title\":\"wheel\"}"
				   ",{\"type\":\"Exec\",\"title\":\"run\",\"parameters\":{\"command\":\"/bin/true\",\"user\":\"alice\"}}",
			   NULL);
	/* ready resources go in catalog order: the groups before the user that needs one */
	CHECK_STR(o, "/d staff wheel alice /d/f run");
	free(o);
}

static void test_order_containers(void)
{
	/* Class[B] requires Class[A]: every resource of B after every resource of A */
	char *o = order_of("{\"type\":\"Class\",\"title\":\"B\",\"parameters\":{\"require\":\"Class[a]\"}},"
			   "{\"type\":\"Class\",\"title\":\"A\"}," NOTIFY("b1", "") "," NOTIFY("a1", "") "," NOTIFY("a2", ""),
			   "{\"source\":\"Class[B]\",\"target\":\"Notify[b1]\"},{\"source\":\"Class[A]\",\"target\":\"Notify[a1]\"},"
			   "{\"source\":\"Class[A]\",\"target\":\"Notify[a2]\"}");
	CHECK_STR(o, "a1 a2 b1");
	free(o);
}

static void test_cycle(void)
{
	int rc;
	json_t *r = apply(FILE_RES("/a", "\"ensure\":\"file\",\"before\":\"File[@/b]\"") ","
			  FILE_RES("/b", "\"ensure\":\"file\",\"before\":\"File[@/a]\"") ","
			  FILE_RES("/c", "\"ensure\":\"file\""), NULL, &rc);
	char *msg = NULL;
	json_t *logs = json_object_get(r, "logs");

	CHECK_INT(rc, -1);
	CHECK_STR(json_string_value(json_object_get(r, "status")), "failed");
	CHECK(!exists("a") && !exists("b") && !exists("c"));
	if (asprintf(&msg, "Found 1 dependency cycle:\n(File[%s/a] => File[%s/b] => File[%s/a])", scratch, scratch,
		     scratch) >= 0)
		CHECK_STR(json_string_value(json_object_get(json_array_get(logs, 0), "message")), msg);
	free(msg);
	json_decref(r);
}

static void test_missing_dependency(void)
{
	char *o = order_of(NOTIFY("a", "\"require\":\"Package[nope]\""), NULL);
	CHECK_STR(o, "error: Could not find dependency Package[nope] for Notify[a]");
	free(o);
}

static json_t *status_of(json_t *report, const char *ref_fmt)
{
	char ref[512];

	snprintf(ref, sizeof(ref), ref_fmt, scratch);
	return json_object_get(json_object_get(report, "resource_statuses"), ref);
}

static void test_failure_propagation(void)
{
	int rc;
	json_t *r;

	clean();
	r = apply("{\"type\":\"Exec\",\"title\":\"fail\",\"parameters\":{\"command\":\"/bin/false\"}},"
		  FILE_RES("/after", "\"ensure\":\"file\",\"require\":\"Exec[fail]\"") ","
		  FILE_RES("/later", "\"ensure\":\"file\",\"require\":\"File[@/after]\"") ","
		  FILE_RES("/other", "\"ensure\":\"file\""), NULL, &rc);
	CHECK_INT(rc, 0);
	CHECK(json_is_true(json_object_get(status_of(r, "Exec[fail]"), "failed")));
	CHECK(json_is_true(json_object_get(status_of(r, "File[%s/after]"), "skipped")));
	CHECK(json_is_true(json_object_get(status_of(r, "File[%s/later]"), "skipped")));
	CHECK(!exists("after") && !exists("later") && exists("other"));
	CHECK_STR(json_string_value(json_object_get(r, "status")), "failed");
	json_decref(r);
}

static void test_refresh_once(void)
{
	int rc;
	json_t *r;
	char *count;
	const char *res = FILE_RES("/one", "\"content\":\"1\",\"notify\":\"Exec[count]\"") ","
		FILE_RES("/two", "\"content\":\"2\",\"notify\":\"Exec[count]\"") ","
		"{\"type\":\"Exec\",\"title\":\"count\",\"parameters\":{\"command\":\"echo r >> @/count\","
		"\"provider\":\"shell\",\"refreshonly\":true}},"
		"{\"type\":\"Exec\",\"title\":\"subscribed\",\"parameters\":{\"command\":\"echo s >> @/subscribed\","
		"\"provider\":\"shell\",\"refreshonly\":true,\"subscribe\":\"File[@/two]\",\"noop\":false}}";

	clean();
	r = apply(res, NULL, &rc);
	count = slurp("count");
	CHECK_STR(count, "r\n");
	free(count);
	CHECK(exists("subscribed"));
	json_decref(r);
	/* second run: nothing changed, so nothing refreshes */
	r = apply(res, NULL, &rc);
	count = slurp("count");
	CHECK_STR(count, "r\n");
	free(count);
	CHECK_STR(json_string_value(json_object_get(r, "status")), "unchanged");
	json_decref(r);
}

static void test_noop(void)
{
	struct cm_apply_options o = {.quiet = true, .noop = true};
	int rc;
	json_t *r, *ev;

	clean();
	r = apply(FILE_RES("/n", "\"content\":\"x\",\"notify\":\"Exec[e]\"") ","
		  "{\"type\":\"Exec\",\"title\":\"e\",\"parameters\":{\"command\":\"/usr/bin/touch @/ran\",\"refreshonly\":true}}",
		  &o, &rc);
	CHECK(!exists("n") && !exists("ran"));
	ev = json_array_get(json_object_get(status_of(r, "File[%s/n]"), "events"), 0);
	CHECK_STR(json_string_value(json_object_get(ev, "status")), "noop");
	CHECK(json_is_true(json_object_get(r, "noop")) && json_is_true(json_object_get(r, "noop_pending")));
	CHECK_STR(json_string_value(json_object_get(r, "status")), "unchanged");
	ev = json_array_get(json_object_get(status_of(r, "Exec[e]"), "events"), 0);
	CHECK_STR(json_string_value(json_object_get(ev, "message")), "Would have triggered 'refresh' from 1 event");
	json_decref(r);
	/* the noop metaparameter alone */
	r = apply(FILE_RES("/m", "\"content\":\"x\",\"noop\":true") "," FILE_RES("/k", "\"content\":\"x\""), NULL, &rc);
	CHECK(!exists("m") && exists("k"));
	json_decref(r);
}

static void test_tags(void)
{
	const char *tags[] = {"web", NULL};
	struct cm_apply_options o = {.quiet = true, .tags = tags};
	int rc;
	json_t *r;

	clean();
	r = apply("{\"type\":\"File\",\"title\":\"@/web\",\"tags\":[\"file\",\"web\"],\"parameters\":{\"ensure\":\"file\"}},"
		  "{\"type\":\"File\",\"title\":\"@/db\",\"tags\":[\"file\",\"db\"],\"parameters\":{\"ensure\":\"file\"}}",
		  &o, &rc);
	CHECK(exists("web") && !exists("db"));
	CHECK(json_is_true(json_object_get(status_of(r, "File[%s/db]"), "skipped")));
	json_decref(r);
}

static void test_alias(void)
{
	char *o = order_of(FILE_RES("/x", "\"require\":\"File[cfg]\"") "," FILE_RES("/y", "\"alias\":\"cfg\""), NULL);
	CHECK_STR(o, "/y /x");
	free(o);
}

static void test_file_idempotent(void)
{
	int rc;
	json_t *r;
	struct stat st;
	char *c;
	char path[512];
	const char *res = FILE_RES("/dir", "\"ensure\":\"directory\",\"mode\":\"0750\"") ","
		FILE_RES("/dir/f", "\"content\":\"hello\\n\",\"mode\":\"0640\"") ","
		FILE_RES("/dir/l", "\"ensure\":\"link\",\"target\":\"f\"") ","
		FILE_RES("/gone", "\"ensure\":\"absent\"");

	clean();
	c = NULL;
	snprintf(path, sizeof(path), "%s/gone", scratch);
	fclose(fopen(path, "w"));
	r = apply(res, NULL, &rc);
	CHECK_STR(json_string_value(json_object_get(r, "status")), "changed");
	json_decref(r);
	snprintf(path, sizeof(path), "%s/dir/f", scratch);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	c = slurp("dir/f");
	CHECK_STR(c, "hello\n");
	free(c);
	CHECK(!exists("gone") && exists("dir/l"));
	r = apply(res, NULL, &rc);
	CHECK_STR(json_string_value(json_object_get(r, "status")), "unchanged");
	json_decref(r);
	/* drift is corrected with Puppet's messages */
	chmod(path, 0600);
	r = apply(res, NULL, &rc);
	{
		json_t *ev = json_array_get(json_object_get(status_of(r, "File[%s/dir/f]"), "events"), 0);
		CHECK_STR(json_string_value(json_object_get(ev, "message")), "mode changed '0600' to '0640'");
		CHECK_STR(json_string_value(json_object_get(ev, "name")), "mode_changed");
	}
	json_decref(r);
}

/* Every key of A (recursively through objects; arrays by their first element) exists in B. */
static void keys_match(const json_t *a, const json_t *b, const char *where)
{
	const char *k;
	json_t *v;

	if (strcmp(where, ".resource_statuses") == 0) /* keyed by resource: compared one by one below */
		return;
	if (json_is_object(a)) {
		json_object_foreach((json_t *)a, k, v) {
			char sub[256];
			if (json_object_get(b, k) == NULL) {
				printf("# missing key %s.%s\n", where, k);
				tap_current_failed = 1;
				continue;
			}
			snprintf(sub, sizeof(sub), "%s.%s", where, k);
			keys_match(v, json_object_get(b, k), sub);
		}
	}
}

static void test_report_shape(void)
{
	json_error_t je;
	json_t *golden = json_load_file(golden_report, 0, &je), *r, *gst = NULL, *ost;
	int rc;
	const char *k;

	if (golden == NULL) {
		TAP_SKIP("golden report not readable");
		return;
	}
	clean();
	r = apply(FILE_RES("/f", "\"content\":\"hi\"") "," NOTIFY("n", ""), NULL, &rc);
	keys_match(golden, r, "");
	/* one status and one event, key by key, in Puppet's order */
	json_object_foreach(json_object_get(golden, "resource_statuses"), k, gst)
		break;
	ost = status_of(r, "File[%s/f]");
	keys_match(gst, ost, "status");
	keys_match(json_array_get(json_object_get(gst, "events"), 0), json_array_get(json_object_get(ost, "events"), 0),
		   "event");
	CHECK_INT(json_integer_value(json_object_get(r, "report_format")), 12);
	for (const char *const *m = (const char *const[]){"resources", "time", "changes", "events", NULL}; *m; m++) {
		json_t *gv = json_object_get(json_object_get(json_object_get(golden, "metrics"), *m), "values");
		json_t *ov = json_object_get(json_object_get(json_object_get(r, "metrics"), *m), "values");
		size_t i;
		json_t *x;
		json_array_foreach(gv, i, x) {
			const char *name = json_string_value(json_array_get(x, 0));
			bool found = false;
			size_t j;
			json_t *y;
			json_array_foreach(ov, j, y)
				found |= strcmp(json_string_value(json_array_get(y, 0)), name) == 0;
			if (!found)
				printf("# metric %s.%s missing\n", *m, name);
			CHECK(found);
		}
	}
	json_decref(golden);
	json_decref(r);
}

int main(int argc, char **argv)
{
	golden_report = argc > 1 ? argv[1] : "tests/golden/cm/catalog/puppet7-report.json";
	if (mkdtemp(scratch) == NULL)
		return 1;
	TAP_RUN(test_order_manifest);
	TAP_RUN(test_order_autorequire);
	TAP_RUN(test_order_containers);
	TAP_RUN(test_alias);
	TAP_RUN(test_missing_dependency);
	TAP_RUN(test_cycle);
	TAP_RUN(test_failure_propagation);
	TAP_RUN(test_refresh_once);
	TAP_RUN(test_noop);
	TAP_RUN(test_tags);
	TAP_RUN(test_file_idempotent);
	TAP_RUN(test_report_shape);
	clean();
	rmdir(scratch);
	return tap_done();
}
