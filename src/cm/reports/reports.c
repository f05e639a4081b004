/*
 * SQLite report store (see reports.h). One connection, serialized mode, so
 * the master's worker threads share it; WAL and a busy timeout so another
 * master process on the same file waits instead of failing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cm/reports/reports.h"
#include "common/log.h"

struct cm_reports {
	sqlite3 *db;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS reports ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, host TEXT NOT NULL, time REAL NOT NULL, received REAL NOT NULL,"
	" status TEXT NOT NULL, environment TEXT, configuration_version TEXT, transaction_uuid TEXT,"
	" puppet_version TEXT, total INTEGER, changed INTEGER, failed INTEGER, out_of_sync INTEGER,"
	" skipped INTEGER, corrective INTEGER, run_time REAL, noop INTEGER, report TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS reports_host_time ON reports(host, time);";

static const char columns[] =
	"id, host, time, status, environment, configuration_version, transaction_uuid, puppet_version,"
	" total, changed, failed, out_of_sync, skipped, corrective, run_time, noop";

struct cm_reports *cm_reports_open(const char *path, struct err *e)
{
	struct cm_reports *r = calloc(1, sizeof(*r));
	char *msg = NULL;

	if (r == NULL)
		return NULL;
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(r->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(r->db, "PRAGMA journal_mode=WAL;", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(r->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		err_setf(e, "REPORTS_ERROR", "%s: %s", path, msg ? msg : sqlite3_errmsg(r->db));
		sqlite3_free(msg);
		cm_reports_close(r);
		return NULL;
	}
	return r;
}

void cm_reports_close(struct cm_reports *r)
{
	if (r == NULL)
		return;
	sqlite3_close(r->db);
	free(r);
}

int cm_reports_add(struct cm_reports *r, const json_t *report, struct err *e)
{
	struct cm_report_summary s;
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	struct timespec now;
	int rc = -1;

	if (cm_report_summarize(report, &s) < 0) {
		err_setf(e, "BAD_REPORT", "the report has no host or status");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	double received = (double)now.tv_sec + now.tv_nsec / 1e9;
	if (s.time < 0)
		s.time = received;
	text = json_dumps(report, JSON_COMPACT);
	if (text == NULL ||
	    sqlite3_prepare_v2(r->db,
	                       "INSERT INTO reports (host, time, received, status, environment, configuration_version,"
	                       " transaction_uuid, puppet_version, total, changed, failed, out_of_sync, skipped,"
	                       " corrective, run_time, noop, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, s.host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 2, s.time);
	sqlite3_bind_double(st, 3, received);
	sqlite3_bind_text(st, 4, s.status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, s.environment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, s.configuration_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, s.transaction_uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, s.puppet_version, -1, SQLITE_TRANSIENT);
	long counts[] = {s.total, s.changed, s.failed, s.out_of_sync, s.skipped, s.corrective};
	for (int i = 0; i < 6; i++)
		sqlite3_bind_int64(st, 9 + i, counts[i]);
	sqlite3_bind_double(st, 15, s.run_time);
	sqlite3_bind_int(st, 16, s.noop);
	sqlite3_bind_text(st, 17, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
out:
	if (rc < 0)
		err_setf(e, "REPORTS_ERROR", "cannot store the report of %s: %s", s.host, sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	free(text);
	return rc;
}

static void row_read(sqlite3_stmt *st, struct cm_report_summary *s)
{
	const char *text;

	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
#define COPY(col, field)                                                                                       \
	if ((text = (const char *)sqlite3_column_text(st, col)) != NULL)                                          \
		snprintf(s->field, sizeof(s->field), "%s", text);
	COPY(1, host)
	COPY(3, status)
	COPY(4, environment)
	COPY(5, configuration_version)
	COPY(6, transaction_uuid)
	COPY(7, puppet_version)
#undef COPY
	s->time = sqlite3_column_double(st, 2);
	s->total = (long)sqlite3_column_int64(st, 8);
	s->changed = (long)sqlite3_column_int64(st, 9);
	s->failed = (long)sqlite3_column_int64(st, 10);
	s->out_of_sync = (long)sqlite3_column_int64(st, 11);
	s->skipped = (long)sqlite3_column_int64(st, 12);
	s->corrective = (long)sqlite3_column_int64(st, 13);
	s->run_time = sqlite3_column_double(st, 14);
	s->noop = sqlite3_column_int(st, 15) != 0;
}

static int query_rows(struct cm_reports *r, const char *sql, const char *host, long limit,
                      struct cm_report_summary **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err_setf(e, "REPORTS_ERROR", "%s", sqlite3_errmsg(r->db));
		return -1;
	}
	if (host)
		sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
	if (limit > 0)
		sqlite3_bind_int64(st, host ? 2 : 1, limit);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct cm_report_summary *nv = realloc(*out, cap * sizeof(**out));
			if (nv == NULL)
				break;
			*out = nv;
		}
		row_read(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		err_setf(e, "REPORTS_ERROR", "%s", sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

int cm_reports_latest(struct cm_reports *r, struct cm_report_summary **out, size_t *n, struct err *e)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
	         "SELECT %s FROM reports WHERE id IN (SELECT (SELECT id FROM reports r2 WHERE r2.host = h.host"
	         " ORDER BY time DESC, id DESC LIMIT 1) FROM (SELECT DISTINCT host FROM reports) h) ORDER BY host",
	         columns);
	return query_rows(r, sql, NULL, 0, out, n, e);
}

int cm_reports_host(struct cm_reports *r, const char *host, size_t limit, struct cm_report_summary **out, size_t *n,
                    struct err *e)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM reports WHERE host = ? ORDER BY time DESC, id DESC LIMIT ?", columns);
	return query_rows(r, sql, host, (long)limit, out, n, e);
}

json_t *cm_reports_json(struct cm_reports *r, int64_t id)
{
	sqlite3_stmt *st = NULL;
	json_t *v = NULL;

	if (sqlite3_prepare_v2(r->db, "SELECT report FROM reports WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
	sqlite3_finalize(st);
	return v;
}
