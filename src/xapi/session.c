/*
 * Sessions.
 *
 * A session is a XenAPI session record in the store (so it survives a
 * restart of ovcpd) plus an entry in an in-memory table that makes the
 * per-call check a hash lookup. The table is a cache: an entry missing from
 * it is loaded from the store. last_active is kept in memory on every call
 * and written to the record by the periodic sweep, which also logs out
 * sessions idle for longer than the server's timeout.
 *
 * Session refs are secrets (a bearer token): they are random, unrelated to
 * the session's uuid, and session records are never sent in events.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"
#include "xapi/server.h"

#define SESSION_BUCKETS 1024
#define PERSIST_INTERVAL_S 30

struct session_entry {
	struct session_info info;
	time_t last_active;    /* wall clock, seconds */
	time_t last_persisted; /* last_active as written to the record */
	struct session_entry *next;
};

struct session_table {
	pthread_rwlock_t lock;
	struct session_entry *buckets[SESSION_BUCKETS];
};

static unsigned bucket_of(const char *ref)
{
	unsigned h = 2166136261u;

	for (; *ref; ref++)
		h = (h ^ (unsigned char)*ref) * 16777619u;
	return h % SESSION_BUCKETS;
}

struct session_table *session_table_new(void)
{
	struct session_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		abort();
	pthread_rwlock_init(&t->lock, NULL);
	return t;
}

void session_table_free(struct session_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < SESSION_BUCKETS; i++)
		while (t->buckets[i]) {
			struct session_entry *next = t->buckets[i]->next;
			free(t->buckets[i]);
			t->buckets[i] = next;
		}
	pthread_rwlock_destroy(&t->lock);
	free(t);
}

static void table_insert(struct session_table *t, const struct session_info *info, time_t last_active)
{
	struct session_entry *en = calloc(1, sizeof(*en));
	unsigned b = bucket_of(info->ref);

	if (en == NULL)
		abort();
	en->info = *info;
	en->last_active = en->last_persisted = last_active;
	pthread_rwlock_wrlock(&t->lock);
	en->next = t->buckets[b];
	t->buckets[b] = en;
	pthread_rwlock_unlock(&t->lock);
}

static bool table_remove(struct session_table *t, const char *ref)
{
	unsigned b = bucket_of(ref);
	bool found = false;

	pthread_rwlock_wrlock(&t->lock);
	for (struct session_entry **p = &t->buckets[b]; *p; p = &(*p)->next)
		if (strcmp((*p)->info.ref, ref) == 0) {
			struct session_entry *en = *p;
			*p = en->next;
			free(en);
			found = true;
			break;
		}
	pthread_rwlock_unlock(&t->lock);
	return found;
}

int session_login(struct xapi_server *srv, const char *user, const char *password, const char *originator,
		  bool trusted, char ref_out[REF_LEN], struct err *e)
{
	const struct model_class *sc = model_class_find("session");
	struct session_info info;
	char now[20];
	json_t *rec;

	if (trusted && strcmp(user, "root") == 0) {
		memset(&info, 0, sizeof(info));
		snprintf(info.user, sizeof(info.user), "root");
		snprintf(info.subject, sizeof(info.subject), REF_NULL);
		info.superuser = true;
		info.roles = ROLES_POOL_ADMIN;
	} else if (users_verify(srv, user, password, &info, e) < 0) {
		log_warn("login of %s refused", user);
		return -1;
	}
	ref_new(info.ref);
	xdatetime_now(now);
	rec = record_new_default(sc);
	json_object_set_new(rec, "this_host", json_string(srv->host_ref));
	json_object_set_new(rec, "this_user", json_string(REF_NULL));
	json_object_set_new(rec, "last_active", json_string(now));
	json_object_set_new(rec, "validation_time", json_string(now));
	json_object_set_new(rec, "is_local_superuser", json_boolean(info.superuser));
	json_object_set_new(rec, "subject", json_string(info.superuser ? REF_NULL : info.subject));
	json_object_set_new(rec, "auth_user_name", json_string(user));
	json_object_set_new(rec, "originator", json_string(originator ? originator : ""));
	json_t *perms = json_array();
	for (unsigned bit = 1; bit <= R_CC; bit <<= 1)
		if (info.roles & bit)
			json_array_append_new(perms, json_string(model_roles_text(bit)));
	json_object_set_new(rec, "rbac_permissions", perms);
	int rc = db_create(srv->store, sc, rec, info.ref, NULL, e);
	json_decref(rec);
	if (rc < 0)
		return -1;
	table_insert(srv->sessions, &info, time(NULL));
	memcpy(ref_out, info.ref, REF_LEN);
	log_info("session opened for %s%s%s", user, originator ? " by " : "", originator ? originator : "");
	return 0;
}

static int session_invalid(struct err *e, const char *ref)
{
	err_set(e, "SESSION_INVALID", ref, NULL);
	return -1;
}

/* Rebuild a table entry from the stored record (after a restart). */
static int session_load(struct xapi_server *srv, const char *ref, struct session_info *info, time_t *last_active)
{
	const struct model_class *sc = model_class_find("session");
	json_t *rec = db_get(srv->store, sc, ref, NULL);
	time_t t;

	if (rec == NULL)
		return -1;
	memset(info, 0, sizeof(*info));
	snprintf(info->ref, sizeof(info->ref), "%s", ref);
	snprintf(info->user, sizeof(info->user), "%s", json_string_value(json_object_get(rec, "auth_user_name")));
	snprintf(info->subject, sizeof(info->subject), "%s", json_string_value(json_object_get(rec, "subject")));
	info->superuser = json_is_true(json_object_get(rec, "is_local_superuser"));
	info->roles = info->superuser ? ROLES_POOL_ADMIN : users_subject_roles(srv, info->subject);
	if (xdatetime_parse(json_string_value(json_object_get(rec, "last_active")), &t) < 0)
		t = time(NULL);
	*last_active = t;
	json_decref(rec);
	return 0;
}

static void session_destroy_record(struct xapi_server *srv, const char *ref)
{
	db_destroy(srv->store, model_class_find("session"), ref, NULL);
}

int session_check(struct xapi_server *srv, const char *ref, struct session_info *info, struct err *e)
{
	struct session_table *t = srv->sessions;
	unsigned b = bucket_of(ref);
	time_t now = time(NULL), last = 0;
	bool found = false, expired = false;

	pthread_rwlock_rdlock(&t->lock);
	for (struct session_entry *en = t->buckets[b]; en; en = en->next)
		if (strcmp(en->info.ref, ref) == 0) {
			found = true;
			expired = now - en->last_active > srv->session_idle_timeout_s;
			if (!expired) {
				en->last_active = now; /* a benign race: any writer stores "now" */
				*info = en->info;
			}
			break;
		}
	pthread_rwlock_unlock(&t->lock);
	if (found && !expired)
		return 0;
	if (!found) {
		if (strncmp(ref, REF_PREFIX, strlen(REF_PREFIX)) != 0 || session_load(srv, ref, info, &last) < 0)
			return session_invalid(e, ref);
		if (now - last <= srv->session_idle_timeout_s) {
			table_insert(t, info, now);
			return 0;
		}
	}
	table_remove(t, ref);
	session_destroy_record(srv, ref);
	log_info("session of %s expired after %d s idle", info->user, srv->session_idle_timeout_s);
	return session_invalid(e, ref);
}

int session_logout(struct xapi_server *srv, const char *ref, struct err *e)
{
	table_remove(srv->sessions, ref);
	session_destroy_record(srv, ref);
	return 0;
}

static int collect_user_sessions(const char *ref, const char *text, void *arg)
{
	json_t **a = arg;
	json_t *rec = json_loads(text, 0, NULL);

	if (rec && strcmp(json_string_value(json_object_get(rec, "auth_user_name")) ?: "",
			  json_string_value(a[1])) == 0)
		json_array_append_new(a[0], json_string(ref));
	json_decref(rec);
	return 0;
}

void session_logout_user(struct xapi_server *srv, const char *user)
{
	json_t *a[2] = { json_array(), json_string(user) }, *r;
	size_t i;

	db_list(srv->store, model_class_find("session"), collect_user_sessions, a, NULL);
	json_array_foreach(a[0], i, r)
		session_logout(srv, json_string_value(r), NULL);
	json_decref(a[0]);
	json_decref(a[1]);
}

struct sweep_state {
	struct xapi_server *srv;
	json_t *expired;
	json_t *touched; /* ref -> last_active to persist */
};

static int sweep_stored(const char *ref, const char *text, void *arg)
{
	struct sweep_state *st = arg;
	json_t *rec = json_loads(text, 0, NULL);
	time_t t, now = time(NULL);

	if (rec && xdatetime_parse(json_string_value(json_object_get(rec, "last_active")), &t) == 0 &&
	    now - t > st->srv->session_idle_timeout_s) {
		/* Idle by its record; the table may know it was used since. */
		json_array_append_new(st->expired, json_string(ref));
	}
	json_decref(rec);
	return 0;
}

void session_sweep(struct xapi_server *srv)
{
	struct session_table *tb = srv->sessions;
	struct sweep_state st = { srv, json_array(), json_object() };
	time_t now = time(NULL);
	json_t *r;
	const char *ref;
	size_t i;

	pthread_rwlock_wrlock(&tb->lock);
	for (size_t b = 0; b < SESSION_BUCKETS; b++)
		for (struct session_entry *en = tb->buckets[b]; en; en = en->next)
			if (en->last_active - en->last_persisted >= PERSIST_INTERVAL_S &&
			    now - en->last_active <= srv->session_idle_timeout_s) {
				json_object_set_new(st.touched, en->info.ref, json_integer(en->last_active));
				en->last_persisted = en->last_active;
			}
	pthread_rwlock_unlock(&tb->lock);
	json_object_foreach(st.touched, ref, r) {
		char when[20];
		xdatetime_format((time_t)json_integer_value(r), when);
		json_t *v = json_string(when);
		db_set_field(srv->store, model_class_find("session"), ref, "last_active", v, NULL);
		json_decref(v);
	}
	db_list(srv->store, model_class_find("session"), sweep_stored, &st, NULL);
	json_array_foreach(st.expired, i, r) {
		struct session_info info;
		/* session_check decides with the freshest knowledge and removes what has expired. */
		session_check(srv, json_string_value(r), &info, NULL);
	}
	json_decref(st.expired);
	json_decref(st.touched);
}
