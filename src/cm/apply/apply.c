/*
 * The transaction: evaluate the ordered leaves of the graph one by one.
 *
 * Per resource, in order: skipped when --tags leaves it out; skipped when a
 * resource it depends on failed or was itself skipped for that reason;
 * otherwise its provider syncs it (or, in noop, only reports). A resource
 * with successful events sends one event along each refresh edge; a
 * resource that received events is refreshed once, after its own sync, and
 * a successful refresh sends a "restarted" event onwards, as Puppet does.
 * State per resource lives in struct apply_state and is never revisited:
 * the order guarantees every predecessor is final.
 */
#include "cm/apply/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cm/apply/graph.h"
#include "cm/apply/report.h"
#include "cm/providers/provider.h"

enum res_state { RES_PENDING, RES_DONE, RES_FAILED, RES_SKIPPED_DEP, RES_SKIPPED_TAGS };

struct apply_state {
	const struct cm_catalog *cat;
	const struct cm_graph *g;
	const struct cm_apply_options *opt;
	json_t *report, *logs, *statuses;
	enum res_state *state;
	int *events_in;    /* refresh events received (success) */
	int *noop_in;      /* refresh events that would have been received (noop) */
};

static bool tags_match(const struct cm_apply_options *opt, const struct cm_resource *r)
{
	if (opt->tags == NULL || opt->tags[0] == NULL)
		return true;
	for (size_t i = 0; opt->tags[i]; i++)
		if (cm_resource_tagged(r, opt->tags[i]))
			return true;
	return false;
}

/* Puppet's path segments: "Stage[main]", classes by title ("Apache"), others by reference. */
static json_t *containment_path(const struct cm_catalog *cat, const struct cm_resource *r)
{
	json_t *path = json_array();

	for (size_t i = r->index; i != CM_NONE; i = cat->res[i].parent) {
		const struct cm_resource *x = &cat->res[i];
		if (strcmp(x->type, "Class") == 0) {
			const char *open = strchr(x->ref, '[');
			json_array_insert_new(path, 0, json_stringn(open + 1, strlen(open + 1) - 1));
		} else
			json_array_insert_new(path, 0, json_string(x->ref));
	}
	return path;
}

static char *path_string(const json_t *segments)
{
	size_t i, len = 1;
	json_t *v;
	char *s;

	json_array_foreach(segments, i, v)
		len += strlen(json_string_value(v)) + 1;
	s = calloc(1, len);
	if (s == NULL)
		return NULL;
	json_array_foreach(segments, i, v) {
		strcat(s, "/");
		strcat(s, json_string_value(v));
	}
	return s;
}

static bool deps_failed(struct apply_state *st, struct cm_res_ctx *c, size_t i)
{
	const struct cm_graph_list *in = &st->g->in[i];
	bool failed = false;

	for (size_t k = 0; k < in->len; k++) {
		enum res_state s = st->state[in->v[k].to];
		if (s != RES_FAILED && s != RES_SKIPPED_DEP)
			continue;
		cm_log(c, "notice", NULL, "Dependency %s has failures: %s", st->cat->res[in->v[k].to].ref,
		       s == RES_FAILED ? "true" : "false");
		failed = true;
	}
	if (failed)
		cm_log(c, "warning", NULL, "Skipping because of failed dependencies");
	return failed;
}

/* Mark the event in progress failed with Puppet's wording and log the error. */
static void sync_failed(struct cm_res_ctx *c, struct err *e)
{
	json_t *last = json_array_get(c->events, json_array_size(c->events) - 1);
	const char *reason = json_string_value(json_array_get(e->desc, 1));

	if (reason == NULL)
		reason = err_code(e);
	if (last && strcmp(json_string_value(json_object_get(last, "status")), "success") == 0) {
		char *prev = json_dumps(json_object_get(last, "previous_value"), JSON_ENCODE_ANY);
		char *want = json_dumps(json_object_get(last, "desired_value"), JSON_ENCODE_ANY);
		char *msg = NULL;
		const char *prop = json_string_value(json_object_get(last, "property"));
		if (asprintf(&msg, "change from %s to %s failed: %s", prev, want, reason) < 0)
			msg = NULL;
		json_object_set_new(last, "status", json_string("failure"));
		json_object_set_new(last, "message", json_string(msg ? msg : reason));
		cm_log(c, "err", prop, "%s", msg ? msg : reason);
		free(msg);
		free(prev);
		free(want);
	} else
		cm_log(c, "err", NULL, "Could not evaluate: %s", reason);
}

static void send_events(struct apply_state *st, size_t i, bool noop)
{
	const struct cm_graph_list *out = &st->g->out[i];

	for (size_t k = 0; k < out->len; k++)
		if (out->v[k].refresh) {
			if (noop)
				st->noop_in[out->v[k].to]++;
			else
				st->events_in[out->v[k].to]++;
		}
}

static int event_count(const json_t *events, const char *status)
{
	size_t i;
	json_t *ev;
	int n = 0;

	json_array_foreach(events, i, ev)
		n += strcmp(json_string_value(json_object_get(ev, "status")), status) == 0;
	return n;
}

/* A service started in this run is not restarted again (Puppet's "Unscheduling refresh"). */
static bool refresh_unscheduled(struct cm_res_ctx *c)
{
	size_t i;
	json_t *ev;

	if (strcmp(c->res->type, "Service") != 0)
		return false;
	json_array_foreach(c->events, i, ev) {
		const char *prop = json_string_value(json_object_get(ev, "property"));
		if (prop && strcmp(prop, "ensure") == 0 &&
		    strcmp(json_string_value(json_object_get(ev, "status")), "success") == 0) {
			cm_log(c, "info", NULL, "Unscheduling refresh on %s", c->res->ref);
			return true;
		}
	}
	return false;
}

/* Puppet records a refresh as an event without a property, named "refresh". */
static void refresh_event(struct cm_res_ctx *c, const char *status, const char *fmt, int n)
{
	char msg[128];

	snprintf(msg, sizeof(msg), fmt, n, n == 1 ? "" : "s");
	json_array_append_new(c->events,
			      json_pack("{s:b s:n s:n s:n s:n s:s s:s s:s s:o s:b s:b}", "audited", false,
					"property", "previous_value", "desired_value", "historical_value",
					"message", msg, "name", "refresh", "status", status, "time",
					cm_report_time_now(), "redacted", false, "corrective_change", false));
	cm_log(c, "notice", NULL, "%s", msg);
}

static void refresh(struct apply_state *st, struct cm_res_ctx *c, const struct cm_provider *p,
		    json_t *status)
{
	size_t i = c->res->index;
	struct err e = {0};

	if (st->noop_in[i] > 0 || (c->noop && st->events_in[i] > 0)) {
		int n = st->noop_in[i] + st->events_in[i];
		refresh_event(c, "noop", "Would have triggered 'refresh' from %d event%s", n);
		send_events(st, i, true);
		return;
	}
	if (st->events_in[i] == 0 || p->refresh == NULL || refresh_unscheduled(c))
		return;
	if (p->refresh(c, &e) < 0) {
		const char *reason = json_string_value(json_array_get(e.desc, 1));
		cm_log(c, "err", NULL, "Failed to call refresh: %s", reason ? reason : err_code(&e));
		json_object_set_new(status, "failed_to_restart", json_true());
		err_clear(&e);
		return;
	}
	refresh_event(c, "success", "Triggered 'refresh' from %d event%s", st->events_in[i]);
	json_object_set_new(status, "restarted", json_true());
	send_events(st, i, false);
}

static void status_finish(json_t *status, struct cm_res_ctx *c, double elapsed)
{
	int success = event_count(c->events, "success"), noop = event_count(c->events, "noop");
	int failure = event_count(c->events, "failure");
	int n = (int)json_array_size(c->events);

	json_object_set_new(status, "provider_used",
			    c->provider_used ? json_string(c->provider_used) : json_null());
	json_object_set_new(status, "evaluation_time", json_real(elapsed));
	json_object_set_new(status, "changed", json_boolean(success > 0));
	json_object_set_new(status, "out_of_sync", json_boolean(success + noop + failure > 0));
	json_object_set_new(status, "change_count", json_integer(success));
	json_object_set_new(status, "out_of_sync_count", json_integer(n));
	json_object_set(status, "events", c->events);
}

/* Evaluate resource R (a catalog leaf or a generated one) and record its status. */
static void evaluate(struct apply_state *st, const struct cm_resource *r, bool generated,
		     struct cm_res_ctx *parent)
{
	json_t *cpath = containment_path(st->cat, r);
	char *path = NULL;
	json_t *status = cm_report_status_new(r, json_incref(cpath));
	const struct cm_provider *p = cm_provider_find(r->type);
	struct cm_res_ctx c = {.cat = st->cat, .res = r, .opt = st->opt, .events = json_array(),
			       .logs = st->logs, .tags = r->tags, .apply = st};
	struct err e = {0};
	double t0 = cm_report_clock();

	if (generated && parent) {
		json_array_remove(cpath, json_array_size(cpath) - 1);
		json_array_append_new(cpath, json_string(r->ref));
		json_object_set(status, "containment_path", cpath);
	}
	path = path_string(cpath);
	c.path = path ? path : r->ref;
	c.noop = st->opt->noop || cm_param_bool(r, "noop", false);
	c.provider_used = p ? p->provider_name : NULL;
	if (!generated && !tags_match(st->opt, r)) {
		st->state[r->index] = RES_SKIPPED_TAGS;
		json_object_set_new(status, "skipped", json_true());
	} else if (!generated && deps_failed(st, &c, r->index)) {
		st->state[r->index] = RES_SKIPPED_DEP;
		json_object_set_new(status, "skipped", json_true());
	} else if (p == NULL) {
		cm_log(&c, "err", NULL, "Could not evaluate: no provider for resource type %s", r->type);
		json_object_set_new(status, "failed", json_true());
		if (!generated)
			st->state[r->index] = RES_FAILED;
	} else if (p->apply(&c, &e) < 0) {
		sync_failed(&c, &e);
		err_clear(&e);
		json_object_set_new(status, "failed", json_true());
		if (!generated)
			st->state[r->index] = RES_FAILED;
		else if (parent)
			parent->generated = -1;
	} else if (!generated) {
		st->state[r->index] = RES_DONE;
	}
	if (generated && parent && event_count(c.events, "success") > 0 && parent->generated >= 0)
		parent->generated++;
	if (!generated && c.generated < 0) {
		json_object_set_new(status, "failed", json_true());
		st->state[r->index] = RES_FAILED;
	}
	if (!generated && st->state[r->index] == RES_DONE) {
		if (event_count(c.events, "success") > 0 || c.generated > 0)
			send_events(st, r->index, false);
		else if (event_count(c.events, "noop") > 0)
			send_events(st, r->index, true);
		if (p)
			refresh(st, &c, p, status);
	}
	status_finish(status, &c, cm_report_clock() - t0);
	json_object_set_new(st->statuses, r->ref, status);
	json_decref(c.events);
	json_decref(cpath);
	free(path);
}

int cm_ctx_generate(struct cm_res_ctx *c, json_t *resource_json, struct err *e)
{
	struct apply_state *st = c->apply;
	struct cm_resource r = {0};
	const char *type = json_string_value(json_object_get(resource_json, "type"));
	const char *title = json_string_value(json_object_get(resource_json, "title"));

	if (type == NULL || title == NULL) {
		err_internal(e, "generated resource without type or title");
		return -1;
	}
	r.type = cm_type_canonical(type);
	r.title = strdup(title);
	if (asprintf(&r.ref, "%s[%s]", r.type, title) < 0)
		r.ref = NULL;
	r.params = json_object_get(resource_json, "parameters");
	r.tags = c->res->tags;
	r.index = c->res->index;
	r.parent = c->res->parent;
	if (r.type && r.title && r.ref && r.params)
		evaluate(st, &r, true, c);
	free(r.type);
	free(r.title);
	free(r.ref);
	return 0;
}

static json_t *apply_times(double eval, double application)
{
	return json_pack("{s:f s:f s:f}", "config_retrieval", 0.0, "transaction_evaluation", eval,
			 "catalog_application", application);
}

/* The resources that do not take part (containers) are still reported by Puppet only when they
 * are Schedules or Filebuckets; ovcp-cm reports leaves only. */
static void apply_run(struct apply_state *st)
{
	for (size_t k = 0; k < st->g->norder; k++)
		evaluate(st, &st->cat->res[st->g->order[k]], false, NULL);
}

static int apply_fail(json_t *report, bool quiet, struct err *e, double t0)
{
	const char *msg = json_string_value(json_array_get(e->desc, 1));

	cm_report_log(json_object_get(report, "logs"), quiet, "err", "Puppet", NULL,
		      msg ? msg : err_code(e));
	cm_report_finish(report, apply_times(0, cm_report_clock() - t0), false);
	return -1;
}

int cm_apply_catalog(json_t *catalog, const struct cm_apply_options *opt, json_t **report, struct err *e)
{
	struct apply_state st = {.opt = opt};
	struct cm_catalog *cat = NULL;
	struct cm_graph *g = NULL;
	double t0 = cm_report_clock(), t1;
	mode_t old_umask = umask(022);
	int rc = -1;

	*report = cm_report_new(catalog, opt->noop);
	st.report = *report;
	st.logs = json_object_get(*report, "logs");
	st.statuses = json_object_get(*report, "resource_statuses");
	cat = cm_catalog_load(catalog, e);
	if (cat == NULL || (g = cm_graph_build(cat, e)) == NULL || cm_graph_order(g, cat, e) < 0) {
		rc = apply_fail(*report, opt->quiet, e, t0);
		goto out;
	}
	st.cat = cat;
	st.g = g;
	st.state = calloc(cat->n + 1, sizeof(*st.state));
	st.events_in = calloc(cat->n + 1, sizeof(int));
	st.noop_in = calloc(cat->n + 1, sizeof(int));
	if (st.state == NULL || st.events_in == NULL || st.noop_in == NULL) {
		err_internal(e, "out of memory");
		rc = apply_fail(*report, opt->quiet, e, t0);
		goto out;
	}
	t1 = cm_report_clock();
	apply_run(&st);
	{
		double now = cm_report_clock();
		char msg[128];
		snprintf(msg, sizeof(msg), "Applied catalog in %.2f seconds", now - t0);
		cm_report_log(st.logs, opt->quiet, "notice", "Puppet", NULL, msg);
		cm_report_finish(*report, apply_times(now - t1, now - t0), true);
	}
	rc = 0;
out:
	umask(old_umask);
	free(st.state);
	free(st.events_in);
	free(st.noop_in);
	cm_graph_free(g);
	cm_catalog_free(cat);
	return rc;
}
