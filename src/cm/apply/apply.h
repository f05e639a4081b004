/*
 * Applying a catalog: the entry point shared by `ovcp-cm apply --catalog` and,
 * later, `ovcp-cm apply site.pp` (compile, then this).
 *
 * cm_apply_catalog() builds the resource graph (containment, relationship
 * metaparameters, autorequires), orders it, evaluates each resource through
 * its provider, propagates refresh events and failures, and returns a report
 * in Puppet's format 12. A catalog that cannot be applied at all (invalid,
 * unknown relationship target, dependency cycle) applies nothing: -1 with the
 * reason in E, and still a report (status "failed") in *REPORT.
 */
#ifndef OVCP_CM_APPLY_H
#define OVCP_CM_APPLY_H

#include <jansson.h>
#include <stdbool.h>

#include "common/err.h"

struct cm_apply_options {
	bool noop;                /* report what would change, change nothing */
	const char *const *tags;  /* NULL-terminated; NULL or empty: every resource */
	const char *root;         /* NULL or "/": the real system; else every path lives under it
				     and commands run chrooted into it */
	const char *modulepath;   /* colon-separated directories for puppet:///modules/ sources */
	const char *digest;       /* "sha256" (Puppet 7's default) or "md5"; NULL: sha256 */
	bool quiet;               /* do not print logs on the terminal */
	bool debug;               /* print debug and info logs too */
	/* puppet:// sources the modulepath does not have: a local copy of URI (a file or a tree)
	   as a new string, NULL when there is none. `ovcp-cm agent` fetches them from its master. */
	char *(*source_fetch)(void *arg, const char *uri);
	void *source_fetch_arg;
};

/* Apply CATALOG (not stolen). *REPORT receives a new report object (caller frees). */
int cm_apply_catalog(json_t *catalog, const struct cm_apply_options *opt, json_t **report, struct err *e);

/* Write REPORT as pretty JSON to PATH (parent directories created). */
int cm_report_write(const json_t *report, const char *path, struct err *e);

#endif
