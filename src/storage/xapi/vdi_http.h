/*
 * The disk import/export HTTP routes (stream routes of src/daemon/http.c),
 * as xapi's:
 *   PUT /import_raw_vdi?session_id=&vdi=&format=raw|qcow2|vhd[&task_id=]
 *   GET /export_raw_vdi?session_id=&vdi=&format=raw|qcow2|vhd[&task_id=]
 * vdi is a VDI ref (or uuid). An import needs the roles of VDI.create, an
 * export those of VDI.copy. Errors answer with an HTTP status (401 session,
 * 403 role, 404 unknown VDI, 409 in use, 507 SR full, 400 bad input) and the
 * XenAPI error as a JSON array in the body; an import's task (given, or made
 * for it and named in the Task-id reply header) carries progress, then the
 * outcome.
 */
#ifndef OVCP_STORAGE_VDI_HTTP_H
#define OVCP_STORAGE_VDI_HTTP_H

#include "daemon/http_route.h"

enum MHD_Result storage_http_import(struct http_call *call, const char *upload, size_t *upload_size);
enum MHD_Result storage_http_export(struct http_call *call, const char *upload, size_t *upload_size);

#endif
