/*
 * event.from and event.inject.
 *
 * Events are the store's change log seen through the object model: every
 * change of a key "xapi/<Class>/<ref>" is an add, mod or del event of that
 * object, its id is the store revision, and the token a client passes back
 * is the revision it has read up to. Waiting is store_wait(): no polling.
 *
 * A batch reports each object once, in its latest state (as xapi does): an
 * object added then modified within the batch is one "add". An empty token,
 * or one older than the change log keeps, yields every object of the
 * subscribed classes, with valid_ref_counts for clients to reconcile.
 * Session records never appear in events (their refs are secrets).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "xapi/db.h"
#include "xapi/server.h"

#define MAX_BATCH 10000

struct subscription {
	bool all;
	bool classes[64];
	json_t *objects; /* "Class/ref" -> true for CLASS/REF entries */
};

static size_t class_index(const struct model_class *cls)
{
	return (size_t)(cls - model_classes);
}

static bool class_has_events(const struct model_class *cls)
{
	return model_class_is_stored(cls) && strcmp(cls->name, "session") != 0;
}

static int subscription_parse(json_t *classes, struct subscription *sub, struct err *e)
{
	json_t *v;
	size_t i;

	memset(sub, 0, sizeof(*sub));
	sub->objects = json_object();
	json_array_foreach(classes, i, v) {
		const char *s = json_string_value(v), *slash;
		char name[64];
		if (s == NULL)
			goto bad;
		if (strcmp(s, "*") == 0) {
			sub->all = true;
			continue;
		}
		slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		if (n >= sizeof(name))
			goto bad;
		memcpy(name, s, n);
		name[n] = '\0';
		const struct model_class *cls = model_class_find_nocase(name);
		if (cls == NULL || !class_has_events(cls))
			goto bad;
		if (slash) {
			char key[256];
			snprintf(key, sizeof(key), "%s/%s", cls->name, slash + 1);
			json_object_set_new(sub->objects, key, json_true());
		} else {
			sub->classes[class_index(cls)] = true;
		}
		continue;
bad:
		json_decref(sub->objects);
		sub->objects = NULL;
		err_set(e, "EVENT_SUBSCRIPTION_PARSE_FAILURE", s ? s : "", NULL);
		return -1;
	}
	return 0;
}

static bool subscribed(const struct subscription *sub, const struct model_class *cls, const char *ref)
{
	char key[256];

	if (!class_has_events(cls))
		return false;
	if (sub->all || sub->classes[class_index(cls)])
		return true;
	snprintf(key, sizeof(key), "%s/%s", cls->name, ref);
	return json_object_get(sub->objects, key) != NULL;
}

static bool class_subscribed(const struct subscription *sub, const struct model_class *cls)
{
	if (!class_has_events(cls))
		return false;
	if (sub->all || sub->classes[class_index(cls)])
		return true;
	const char *key;
	json_t *v;
	size_t n = strlen(cls->name);
	json_object_foreach(sub->objects, key, v) {
		if (strncmp(key, cls->name, n) == 0 && key[n] == '/')
			return true;
	}
	return false;
}

static json_t *class_name_lower(const struct model_class *cls)
{
	char name[64];
	size_t i;

	for (i = 0; cls->name[i] && i + 1 < sizeof(name); i++)
		name[i] = (char)tolower((unsigned char)cls->name[i]);
	name[i] = '\0';
	return json_string(name);
}

static json_t *event_new(uint64_t id, const struct model_class *cls, const char *op, const char *ref,
			 json_t *snapshot)
{
	char now[20];

	xdatetime_now(now);
	json_t *ev = json_object();
	json_object_set_new(ev, "id", json_integer((json_int_t)id));
	json_object_set_new(ev, "timestamp", json_string(now));
	json_object_set_new(ev, "class", class_name_lower(cls));
	json_object_set_new(ev, "operation", json_string(op));
	json_object_set_new(ev, "ref", json_string(ref));
	json_object_set_new(ev, "snapshot", snapshot ? snapshot : json_null());
	return ev;
}

struct collect {
	const struct subscription *sub;
	json_t *by_object; /* "Class/ref" -> event, latest state wins */
	json_t *order;     /* keys in first-seen order */
};

static void collect_put(struct collect *c, const struct model_class *cls, const char *ref, json_t *ev)
{
	char key[256];
	json_t *old;

	snprintf(key, sizeof(key), "%s/%s", cls->name, ref);
	old = json_object_get(c->by_object, key);
	if (old == NULL) {
		json_array_append_new(c->order, json_string(key));
	} else if (strcmp(json_string_value(json_object_get(old, "operation")), "add") == 0 &&
		   strcmp(json_string_value(json_object_get(ev, "operation")), "mod") == 0) {
		json_object_set_new(ev, "operation", json_string("add"));
	}
	json_object_set_new(c->by_object, key, ev);
}

static int collect_change(const struct store_event *sev, void *arg)
{
	struct collect *c = arg;
	const struct model_class *cls;
	const char *ref;

	if (db_key_parse(sev->key, &cls, &ref) < 0 || !subscribed(c->sub, cls, ref))
		return 0;
	const char *op = sev->kind == STORE_EVENT_DELETE ? "del" : sev->created ? "add" : "mod";
	collect_put(c, cls, ref, event_new(sev->rev, cls, op, ref, json_loads(sev->value, 0, NULL)));
	return 0;
}

struct snapshot_arg {
	struct collect *c;
	const struct model_class *cls;
	uint64_t rev;
};

static int collect_object(const char *ref, const char *text, void *arg)
{
	struct snapshot_arg *a = arg;

	if (subscribed(a->c->sub, a->cls, ref))
		collect_put(a->c, a->cls, ref, event_new(a->rev, a->cls, "add", ref, json_loads(text, 0, NULL)));
	return 0;
}

/* Every current object of the subscribed classes; returns the revision the listing is at least as new as. */
static int collect_snapshot(struct xapi_server *srv, struct collect *c, uint64_t *token, struct err *e)
{
	uint64_t rev = store_revision(srv->store);

	for (size_t i = 0; i < model_class_count; i++) {
		struct snapshot_arg a = { c, &model_classes[i], rev };
		if (!class_subscribed(c->sub, a.cls))
			continue;
		if (db_list(srv->store, a.cls, collect_object, &a, e) < 0)
			return -1;
	}
	*token = rev;
	return 0;
}

static json_t *valid_ref_counts(struct xapi_server *srv, const struct subscription *sub, struct err *e)
{
	json_t *counts = json_object();

	for (size_t i = 0; i < model_class_count; i++) {
		const struct model_class *cls = &model_classes[i];
		if (!class_subscribed(sub, cls))
			continue;
		int64_t n = db_count(srv->store, cls, e);
		if (n < 0) {
			json_decref(counts);
			return NULL;
		}
		json_t *name = class_name_lower(cls);
		json_object_set_new(counts, json_string_value(name), json_integer(n));
		json_decref(name);
	}
	return counts;
}

static int token_parse(const char *token, uint64_t *rev)
{
	char *end;

	if (*token == '\0')
		return 1; /* from the beginning */
	errno = 0;
	unsigned long long v = strtoull(token, &end, 10);
	if (errno || *end != '\0' || !isdigit((unsigned char)*token))
		return -1;
	*rev = v;
	return 0;
}

int event_from(struct xapi_server *srv, json_t *classes, const char *token, double timeout, json_t **batch,
	       struct err *e)
{
	struct subscription sub;
	uint64_t after = 0, upto = 0;
	int64_t deadline;
	int rc = -1, tk;

	tk = token_parse(token, &after);
	if (tk < 0) {
		err_set(e, "EVENT_FROM_TOKEN_PARSE_FAILURE", token, NULL);
		return -1;
	}
	if (subscription_parse(classes, &sub, e) < 0)
		return -1;
	if (timeout < 0 || timeout != timeout)
		timeout = 0;
	if (timeout > 3600)
		timeout = 3600;
	deadline = time_monotonic_ms() + (int64_t)(timeout * 1000.0);
	struct collect c = { &sub, json_object(), json_array() };
	for (;;) {
		int changes = 1;
		if (tk == 0)
			changes = store_changes(srv->store, after, DB_PREFIX, MAX_BATCH, collect_change, &c, &upto, e);
		if (changes < 0)
			goto out;
		if (changes == 1) { /* an empty token, or one the change log no longer reaches */
			if (collect_snapshot(srv, &c, &upto, e) < 0)
				goto out;
			if (tk == 0)
				tk = 1;
		}
		int64_t left = deadline - time_monotonic_ms();
		if (json_array_size(c.order) > 0 || left <= 0 || srv->stopping)
			break;
		after = upto;
		tk = 0;
		if (store_wait(srv->store, after, (int)(left > 1000 ? 1000 : left)) < 0)
			break;
	}
	json_t *events = json_array(), *k;
	size_t i;
	json_array_foreach(c.order, i, k)
		json_array_append(events, json_object_get(c.by_object, json_string_value(k)));
	json_t *counts = valid_ref_counts(srv, &sub, e);
	if (counts == NULL) {
		json_decref(events);
		goto out;
	}
	*batch = json_object();
	json_object_set_new(*batch, "events", events);
	json_object_set_new(*batch, "valid_ref_counts", counts);
	json_object_set_new(*batch, "token", json_sprintf("%020llu", (unsigned long long)upto));
	rc = 0;
out:
	json_decref(c.by_object);
	json_decref(c.order);
	json_decref(sub.objects);
	return rc;
}

int event_inject(struct xapi_server *srv, const char *cls_name, const char *ref, char **token, struct err *e)
{
	const struct model_class *cls = model_class_find_nocase(cls_name);
	uint64_t rev = 0;

	if (cls == NULL || !class_has_events(cls)) {
		err_set(e, "EVENT_SUBSCRIPTION_PARSE_FAILURE", cls_name, NULL);
		return -1;
	}
	if (db_touch(srv->store, cls, ref, &rev, e) < 0)
		return -1;
	/* The token just before the injected change, so that event.from returns it. */
	if (asprintf(token, "%020llu", (unsigned long long)(rev ? rev - 1 : 0)) < 0)
		return -1;
	return 0;
}
