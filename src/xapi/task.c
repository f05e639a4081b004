/*
 * Tasks: the worker pool behind every Async.* call.
 *
 * task_submit() writes a task record (status pending) and queues the call;
 * a worker runs it through the same dispatch path as a synchronous call and
 * writes the outcome to the record: status success with `result` holding
 * the result as an XML-RPC <value> fragment (what XenAPI clients parse, over
 * either wire), or failure with error_info, or cancelled. Every change of
 * the record is an event, so clients follow a task with event.from.
 *
 * Cancellation: a queued task is dropped and marked cancelled at once; a
 * running one is asked to stop, and handlers that take long poll
 * task_progress(), which says whether cancellation was asked.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"
#include "xapi/server.h"

struct task_job {
	char ref[REF_LEN];
	struct session_info session;
	char *method;
	json_t *args;
	struct task_job *next;
};

struct task_pool {
	struct xapi_server *srv;
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct task_job *head, *tail;
	json_t *running;   /* ref -> true while a worker runs it */
	json_t *cancelled; /* ref -> true: cancellation asked */
	bool stop;
};

static const struct model_class *task_class(void)
{
	return model_class_find("task");
}

struct finish {
	const char *status;
	json_t *result_text;
	json_t *error_info;
};

static int finish_mutator(json_t *rec, void *arg, struct err *e)
{
	struct finish *f = arg;
	char now[20];

	xdatetime_now(now);
	json_object_set_new(rec, "status", json_string(f->status));
	json_object_set_new(rec, "finished", json_string(now));
	json_object_set_new(rec, "progress", json_real(1.0));
	json_object_set_new(rec, "allowed_operations", json_array());
	json_object_set_new(rec, "current_operations", json_object());
	if (f->result_text)
		json_object_set(rec, "result", f->result_text);
	if (f->error_info)
		json_object_set(rec, "error_info", f->error_info);
	return 0;
}

static void task_finish(struct xapi_server *srv, const char *ref, const char *status, json_t *result_text,
			json_t *error_info)
{
	struct finish f = { status, result_text, error_info };
	struct err e = { 0 };

	if (db_update(srv->store, task_class(), ref, finish_mutator, &f, &e) < 0) {
		/* The client may have destroyed its task: nothing to report to. */
		log_debug("task %s: cannot record its end: %s", ref, err_code(&e));
		err_clear(&e);
	}
}

static void job_free(struct task_job *j)
{
	if (j == NULL)
		return;
	free(j->method);
	json_decref(j->args);
	free(j);
}

static void job_run(struct task_pool *p, struct task_job *j)
{
	struct err e = { 0 };
	json_t *result = NULL;
	const struct xtype *type = NULL;

	int rc = xapi_invoke(p->srv, &j->session, j->method, j->args, j->ref, &result, &type, &e);
	pthread_mutex_lock(&p->lock);
	bool cancelled = json_object_get(p->cancelled, j->ref) != NULL;
	json_object_del(p->running, j->ref);
	json_object_del(p->cancelled, j->ref);
	pthread_mutex_unlock(&p->lock);
	if (rc == 0) {
		struct buf b = BUF_INIT;
		rpc_encode_value(&b, RPC_WIRE_XML, result ? result : json_null(), type);
		json_t *text = json_string(buf_cstr(&b));
		task_finish(p->srv, j->ref, "success", text, NULL);
		json_decref(text);
		buf_free(&b);
	} else if (cancelled || strcmp(err_code(&e), "TASK_CANCELLED") == 0) {
		task_finish(p->srv, j->ref, "cancelled", NULL, e.desc);
	} else {
		task_finish(p->srv, j->ref, "failure", NULL, e.desc);
	}
	json_decref(result);
	err_clear(&e);
}

static void *worker_main(void *arg)
{
	struct task_pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->head == NULL)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop && p->head == NULL) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		struct task_job *j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		json_object_set_new(p->running, j->ref, json_true());
		pthread_mutex_unlock(&p->lock);
		job_run(p, j);
		job_free(j);
	}
}

struct task_pool *task_pool_new(struct xapi_server *srv, int workers)
{
	struct task_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->srv = srv;
	p->running = json_object();
	p->cancelled = json_object();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->threads = calloc((size_t)workers, sizeof(pthread_t));
	for (int i = 0; i < workers; i++) {
		if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		task_pool_free(p);
		return NULL;
	}
	return p;
}

void task_pool_free(struct task_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	json_decref(p->running);
	json_decref(p->cancelled);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

int task_submit(struct xapi_server *srv, const struct session_info *session, const char *method, json_t *args,
		char task_ref[REF_LEN], struct err *e)
{
	struct task_pool *p = srv->tasks;
	char now[20];
	json_t *rec = record_new_default(task_class());

	xdatetime_now(now);
	json_object_set_new(rec, "name_label", json_sprintf("Async.%s", method));
	json_object_set_new(rec, "status", json_string("pending"));
	json_object_set_new(rec, "created", json_string(now));
	json_object_set_new(rec, "resident_on", json_string(srv->host_ref));
	json_object_set_new(rec, "allowed_operations", json_pack("[s]", "cancel"));
	json_object_set_new(rec, "progress", json_real(0.0));
	int rc = db_create(srv->store, task_class(), rec, NULL, task_ref, e);
	json_decref(rec);
	if (rc < 0)
		return -1;
	struct task_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	memcpy(j->ref, task_ref, REF_LEN);
	j->session = *session;
	j->method = strdup(method);
	j->args = json_incref(args);
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int task_cancel(struct xapi_server *srv, const char *ref, struct err *e)
{
	struct task_pool *p = srv->tasks;
	struct task_job *dropped = NULL;
	bool running;

	json_t *rec = db_get(srv->store, task_class(), ref, e);
	if (rec == NULL)
		return -1;
	bool pending = strcmp(json_string_value(json_object_get(rec, "status")), "pending") == 0;
	json_decref(rec);
	if (!pending) {
		err_set(e, "OPERATION_NOT_ALLOWED", "the task has already finished", NULL);
		return -1;
	}
	pthread_mutex_lock(&p->lock);
	for (struct task_job **j = &p->head; *j; j = &(*j)->next)
		if (strcmp((*j)->ref, ref) == 0) {
			dropped = *j;
			*j = dropped->next;
			if (p->tail == dropped) {
				p->tail = NULL;
				for (struct task_job *t = p->head; t; t = t->next)
					p->tail = t;
			}
			break;
		}
	running = json_object_get(p->running, ref) != NULL;
	if (running)
		json_object_set_new(p->cancelled, ref, json_true());
	pthread_mutex_unlock(&p->lock);
	if (dropped) {
		json_t *why = json_pack("[ss]", "TASK_CANCELLED", ref);
		task_finish(srv, ref, "cancelled", NULL, why);
		json_decref(why);
		job_free(dropped);
	} else if (running) {
		json_t *v = json_string("cancelling");
		db_set_field(srv->store, task_class(), ref, "status", v, NULL);
		json_decref(v);
	}
	return 0;
}

bool task_progress(struct xapi_server *srv, const char *ref, double progress)
{
	struct task_pool *p = srv->tasks;
	bool cancel;

	if (ref == NULL || *ref == '\0')
		return false;
	json_t *v = json_real(progress);
	db_set_field(srv->store, task_class(), ref, "progress", v, NULL);
	json_decref(v);
	pthread_mutex_lock(&p->lock);
	cancel = json_object_get(p->cancelled, ref) != NULL;
	pthread_mutex_unlock(&p->lock);
	return cancel;
}
