/*
 * Local users.
 *
 * A local user is a store key "ovcp/user/<name>" holding its yescrypt hash
 * and, for everyone but root, the ref of a XenAPI subject record whose
 * `roles` say what the user may do (subject_identifier "ovcp-local:<name>").
 * root is the local superuser: pool-admin, no subject, as on XCP.
 * Hashes never leave this module: no record or event carries them.
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xapi/db.h"
#include "xapi/server.h"

#define USER_PREFIX "ovcp/user/"
#define SUBJECT_ID_PREFIX "ovcp-local:"

static bool user_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || *p == '@' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static char *password_hash(const char *password, struct err *e)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	char *out = NULL;

	if (cd == NULL || crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL) {
		err_internal(e, "cannot make a password salt");
		goto out;
	}
	const char *h = crypt_r(password, salt, cd);
	if (h == NULL || h[0] == '*') {
		err_internal(e, "cannot hash the password");
		goto out;
	}
	out = strdup(h);
out:
	free(cd);
	return out;
}

static bool password_matches(const char *password, const char *hash)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	bool ok = false;

	if (cd == NULL)
		return false;
	const char *h = crypt_r(password, hash, cd);
	if (h != NULL && h[0] != '*' && strlen(h) == strlen(hash)) {
		unsigned char diff = 0;
		for (size_t i = 0; hash[i]; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		ok = diff == 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

static json_t *user_load(struct xapi_server *srv, const char *name)
{
	char key[256], *text = NULL;
	json_t *u = NULL;

	snprintf(key, sizeof(key), USER_PREFIX "%s", name);
	if (store_get(srv->store, key, &text, NULL, NULL) == 1)
		u = json_loads(text, 0, NULL);
	free(text);
	return u;
}

bool users_exist(struct xapi_server *srv, const char *name)
{
	json_t *u = user_load(srv, name);
	bool found = u != NULL;

	json_decref(u);
	return found;
}

/* The role refs whose name_label is in the roles mask. */
static json_t *role_refs_for(struct xapi_server *srv, unsigned roles, struct err *e)
{
	const struct model_class *rc = model_class_find("role");
	json_t *refs = json_array();

	for (unsigned bit = 1; bit <= R_CC; bit <<= 1) {
		if (!(roles & bit))
			continue;
		json_t *found = db_find_by_name_label(srv->store, rc, model_roles_text(bit), e);
		if (found == NULL) {
			json_decref(refs);
			return NULL;
		}
		json_array_extend(refs, found);
		json_decref(found);
	}
	return refs;
}

int users_add(struct xapi_server *srv, const char *name, const char *password, unsigned roles,
	      char subject_ref[REF_LEN], struct err *e)
{
	const struct model_class *sc = model_class_find("subject");
	char key[256], ref[REF_LEN] = REF_NULL, *hash = NULL, *text = NULL;
	json_t *subject = NULL, *user = NULL;
	int rc = -1;

	if (!user_name_valid(name)) {
		err_set(e, "VALUE_NOT_SUPPORTED", "username", name,
			"a user name is 1-64 letters, digits and - _ . @", NULL);
		return -1;
	}
	if (users_exist(srv, name)) {
		err_set(e, "SUBJECT_ALREADY_EXISTS", NULL);
		return -1;
	}
	hash = password_hash(password, e);
	if (hash == NULL)
		return -1;
	if (roles != 0) {
		json_t *role_refs = role_refs_for(srv, roles, e);
		if (role_refs == NULL)
			goto out;
		subject = record_new_default(sc);
		json_object_set_new(subject, "subject_identifier",
				    json_sprintf(SUBJECT_ID_PREFIX "%s", name));
		json_object_set_new(subject, "other_config",
				    json_pack("{ssssss}", "subject-name", name, "subject-is-group", "false",
					      "subject-account-disabled", "false"));
		json_object_set_new(subject, "roles", role_refs);
		if (db_create(srv->store, sc, subject, NULL, ref, e) < 0)
			goto out;
	}
	user = json_pack("{ssssss}", "name", name, "hash", hash, "subject", ref);
	text = json_dumps(user, JSON_COMPACT);
	snprintf(key, sizeof(key), USER_PREFIX "%s", name);
	int prc = store_put(srv->store, key, text, STORE_EXPECT_ABSENT, NULL, e);
	if (prc != 0) {
		if (prc == 1)
			err_set(e, "SUBJECT_ALREADY_EXISTS", NULL);
		if (roles != 0)
			db_destroy(srv->store, sc, ref, NULL);
		goto out;
	}
	if (subject_ref)
		memcpy(subject_ref, ref, REF_LEN);
	log_info("local user %s added (%s)", name, roles ? model_roles_text(roles) : "superuser");
	rc = 0;
out:
	if (hash)
		explicit_bzero(hash, strlen(hash));
	free(hash);
	free(text);
	json_decref(subject);
	json_decref(user);
	return rc;
}

int users_set_password(struct xapi_server *srv, const char *name, const char *password, struct err *e)
{
	char key[256], *text = NULL;
	json_t *u = user_load(srv, name);
	char *hash;
	int rc;

	if (u == NULL) {
		err_set(e, "SUBJECT_CANNOT_BE_RESOLVED", NULL);
		return -1;
	}
	hash = password_hash(password, e);
	if (hash == NULL) {
		json_decref(u);
		return -1;
	}
	json_object_set_new(u, "hash", json_string(hash));
	text = json_dumps(u, JSON_COMPACT);
	snprintf(key, sizeof(key), USER_PREFIX "%s", name);
	rc = store_put(srv->store, key, text, STORE_EXPECT_ANY, NULL, e) == 0 ? 0 : -1;
	free(hash);
	free(text);
	json_decref(u);
	return rc;
}

unsigned users_subject_roles(struct xapi_server *srv, const char *subject_ref)
{
	const struct model_class *sc = model_class_find("subject"), *rc = model_class_find("role");
	json_t *subject = db_get(srv->store, sc, subject_ref, NULL), *r;
	unsigned roles = 0;
	size_t i;

	if (subject == NULL)
		return 0;
	json_array_foreach(json_object_get(subject, "roles"), i, r) {
		json_t *role = db_get(srv->store, rc, json_string_value(r), NULL);
		if (role)
			roles |= model_role_parse(json_string_value(json_object_get(role, "name_label")));
		json_decref(role);
	}
	json_decref(subject);
	return roles;
}

int users_verify(struct xapi_server *srv, const char *name, const char *password, struct session_info *info,
		 struct err *e)
{
	json_t *u = user_load(srv, name);
	const char *hash = json_string_value(json_object_get(u, "hash"));
	int rc = -1;

	if (u == NULL || hash == NULL || !password_matches(password, hash)) {
		err_set(e, "SESSION_AUTHENTICATION_FAILED", name, "Authentication failure", NULL);
		goto out;
	}
	memset(info, 0, sizeof(*info));
	snprintf(info->user, sizeof(info->user), "%s", name);
	snprintf(info->subject, sizeof(info->subject), "%s", json_string_value(json_object_get(u, "subject")));
	if (ref_is_null(info->subject)) {
		info->superuser = true;
		info->roles = ROLES_POOL_ADMIN;
	} else {
		info->roles = users_subject_roles(srv, info->subject);
	}
	rc = 0;
out:
	json_decref(u);
	return rc;
}

char *users_name_of_subject(struct xapi_server *srv, const char *subject_ref)
{
	const struct model_class *sc = model_class_find("subject");
	json_t *subject = db_get(srv->store, sc, subject_ref, NULL);
	const char *id = json_string_value(json_object_get(subject, "subject_identifier"));
	char *name = NULL;

	if (id && strncmp(id, SUBJECT_ID_PREFIX, strlen(SUBJECT_ID_PREFIX)) == 0)
		name = strdup(id + strlen(SUBJECT_ID_PREFIX));
	json_decref(subject);
	return name;
}

int users_remove_by_subject(struct xapi_server *srv, const char *subject_ref, struct err *e)
{
	char key[256], *name = users_name_of_subject(srv, subject_ref);

	if (name == NULL)
		return 0; /* not a local user: only the subject goes */
	snprintf(key, sizeof(key), USER_PREFIX "%s", name);
	int rc = store_delete(srv->store, key, STORE_EXPECT_ANY, NULL, e);
	if (rc == 0) {
		session_logout_user(srv, name);
		log_info("local user %s removed", name);
	}
	free(name);
	return rc == 0 ? 0 : -1;
}
