/*
 * External node classifiers, Puppet's exec terminus: the program gets the
 * certname as its only argument and prints YAML with optional keys
 * "classes" (a list of names, or a hash of name -> parameters or null),
 * "parameters" (top-scope variables) and "environment". A non-zero exit
 * means the node is unknown: the compile fails, as in Puppet.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <yaml.h>

#include "cm/master/node.h"
#include "common/log.h"
#include "common/proc.h"
#include "common/util.h"

#define ENC_TIMEOUT_MS 30000
#define ENC_MAX_OUTPUT (4 * 1024 * 1024)

static json_t *scalar_json(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	char *end;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(v, n);
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "yes") == 0)
		return json_true();
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "no") == 0)
		return json_false();
	if (n == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0)
		return json_null();
	long long i = strtoll(v, &end, 10);
	if (*end == '\0')
		return json_integer(i);
	double d = strtod(v, &end);
	if (*end == '\0' && strchr("0123456789-+.", v[0]))
		return json_real(d);
	return json_stringn(v, n);
}

static json_t *yaml_node(yaml_parser_t *p, yaml_event_t *ev, int depth, struct err *e);

/* The next event into EV; -1 with e set on a parse error. */
static int next_event(yaml_parser_t *p, yaml_event_t *ev, struct err *e)
{
	if (!yaml_parser_parse(p, ev)) {
		err_setf(e, "BAD_YAML", "YAML error: %s at line %zu", p->problem ? p->problem : "?",
		         p->problem_mark.line + 1);
		return -1;
	}
	return 0;
}

static json_t *yaml_sequence(yaml_parser_t *p, int depth, struct err *e)
{
	json_t *out = json_array();
	yaml_event_t ev;

	while (next_event(p, &ev, e) == 0) {
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return out;
		}
		json_t *item = yaml_node(p, &ev, depth + 1, e);
		if (item == NULL)
			break;
		json_array_append_new(out, item);
	}
	json_decref(out);
	return NULL;
}

static json_t *yaml_mapping(yaml_parser_t *p, int depth, struct err *e)
{
	json_t *out = json_object();
	yaml_event_t key, ev;

	while (next_event(p, &key, e) == 0) {
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			return out;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			err_setf(e, "BAD_YAML", "mapping keys must be scalars");
			yaml_event_delete(&key);
			break;
		}
		char *k = strndup((const char *)key.data.scalar.value, key.data.scalar.length);
		yaml_event_delete(&key);
		json_t *v = k && next_event(p, &ev, e) == 0 ? yaml_node(p, &ev, depth + 1, e) : NULL;
		if (v == NULL) {
			free(k);
			break;
		}
		json_object_set_new(out, k, v);
		free(k);
	}
	json_decref(out);
	return NULL;
}

/* The node that starts with EV (consumed). Anchors and aliases are refused. */
static json_t *yaml_node(yaml_parser_t *p, yaml_event_t *ev, int depth, struct err *e)
{
	json_t *out = NULL;

	if (depth > 64)
		err_setf(e, "BAD_YAML", "YAML nested too deep");
	else if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.anchor == NULL) {
		/* jansson refuses what JSON cannot hold: 1e999, a "\ud800" escape */
		if ((out = scalar_json(ev)) == NULL)
			err_setf(e, "BAD_YAML", "a scalar that is not a finite number or not valid UTF-8");
	} else if (ev->type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor == NULL)
		out = yaml_sequence(p, depth, e);
	else if (ev->type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor == NULL)
		out = yaml_mapping(p, depth, e);
	else
		err_setf(e, "BAD_YAML", "unsupported YAML construct (anchors and aliases are refused)");
	yaml_event_delete(ev);
	return out;
}

json_t *cm_yaml_to_json(const char *yaml, size_t len, struct err *e)
{
	yaml_parser_t p;
	yaml_event_t ev;
	json_t *doc = NULL;

	if (!yaml_parser_initialize(&p)) {
		err_internal(e, "libyaml");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
	/* stream start, document start, node */
	for (int i = 0; i < 2; i++) {
		if (next_event(&p, &ev, e) < 0)
			goto out;
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end) {
			doc = json_object(); /* an empty document: nothing classified */
			goto out;
		}
	}
	if (next_event(&p, &ev, e) == 0)
		doc = yaml_node(&p, &ev, 0, e);
out:
	yaml_parser_delete(&p);
	return doc;
}

void cm_node_class_clear(struct cm_node_class *nc)
{
	json_decref(nc->classes);
	json_decref(nc->parameters);
	free(nc->environment);
	memset(nc, 0, sizeof(*nc));
}

int cm_enc_parse(const char *yaml, size_t len, struct cm_node_class *out, struct err *e)
{
	json_t *doc = cm_yaml_to_json(yaml, len, e), *classes, *params, *env, *v;
	const char *k;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (doc == NULL)
		return -1;
	if (!json_is_object(doc)) {
		err_setf(e, "BAD_ENC", "the classifier's output is not a YAML hash");
		goto fail;
	}
	out->classes = json_object();
	out->parameters = json_object();
	classes = json_object_get(doc, "classes");
	if (json_is_array(classes)) {
		json_array_foreach(classes, i, v)
			if (!json_is_string(v) || json_object_set_new(out->classes, json_string_value(v), json_object()) < 0) {
				err_setf(e, "BAD_ENC", "classes must be names");
				goto fail;
			}
	} else if (json_is_object(classes)) {
		json_object_foreach(classes, k, v) {
			if (!json_is_null(v) && !json_is_object(v)) {
				err_setf(e, "BAD_ENC", "the parameters of class %s must be a hash", k);
				goto fail;
			}
			json_object_set_new(out->classes, k, json_is_null(v) ? json_object() : json_incref(v));
		}
	} else if (classes && !json_is_null(classes)) {
		err_setf(e, "BAD_ENC", "classes must be a list or a hash");
		goto fail;
	}
	params = json_object_get(doc, "parameters");
	if (json_is_object(params))
		json_object_update(out->parameters, params);
	env = json_object_get(doc, "environment");
	if (json_is_string(env))
		out->environment = strdup(json_string_value(env));
	json_decref(doc);
	return 0;
fail:
	json_decref(doc);
	cm_node_class_clear(out);
	return -1;
}

/* The watch on the classifier's output: stop it once it has said too much. */
static bool enc_too_long(const char *chunk, size_t len, void *arg)
{
	size_t *total = arg;

	(void)chunk;
	*total += len;
	return *total > ENC_MAX_OUTPUT;
}

int cm_enc_run(const char *program, const char *certname, struct cm_node_class *out, struct err *e)
{
	char *argv[] = {(char *)program, (char *)certname, NULL};
	size_t total = 0;
	/* stderr stays the master's; program is a path, as for posix_spawn (no PATH search) */
	struct proc_opts o = {.out = PROC_IO_PIPE, .err = PROC_IO_FD, .err_fd = 2, .out_max = ENC_MAX_OUTPUT,
			      .timeout_ms = ENC_TIMEOUT_MS, .search_path = "", .watch = enc_too_long,
			      .watch_arg = &total};
	struct proc_result r;
	struct err why = {0};
	int rc = -1;

	if (proc_run(argv, &o, &r, &why) < 0) {
		const char *msg = json_string_value(json_array_get(why.desc, 1));

		err_setf(e, "ENC_FAILED", "the node classifier %s: %s", program, msg ? msg : "cannot run");
		err_clear(&why);
		return -1;
	}
	if (r.timed_out)
		err_setf(e, "ENC_FAILED", "the node classifier %s timed out for %s", program, certname);
	else if (r.stopped)
		err_setf(e, "ENC_FAILED", "the node classifier's output is too large");
	else if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
		err_setf(e, "ENC_FAILED", "the node classifier %s failed for %s (status %d)", program, certname,
		         WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1);
	else
		rc = cm_enc_parse(r.out.data, r.out.len, out, e);
	proc_result_free(&r);
	return rc;
}
