/*
 * The file type, split in two files: file.c syncs one path (ensure, content,
 * mode, owner, group, target); file_source.c resolves sources and expands
 * recursive directory copies into generated resources.
 */
#ifndef OVCP_CM_PROVIDER_FILE_H
#define OVCP_CM_PROVIDER_FILE_H

#include "cm/providers/provider.h"

/* Local path of a source URI, NULL when it does not exist. */
char *file_source_resolve(const struct cm_res_ctx *c, const char *uri);
/* The first existing source of the resource: its URI and local path (new strings). */
int file_source_pick(const struct cm_res_ctx *c, char **uri, char **local, struct err *e);
/* Generate and evaluate one File per entry below PATH (from SRC_LOCAL when given). */
int file_recurse(struct cm_res_ctx *c, const char *path, const char *src_uri, const char *src_local,
		 struct err *e);

#endif
