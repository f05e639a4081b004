/*
 * The storage driver's glue to the XenAPI (internal to src/storage/xapi and
 * src/xapi/handlers_storage.c): records of SRs, PBDs and VDIs kept in line
 * with the files of src/storage.
 *
 * Invariants: a VDI record exists exactly while its image exists (every
 * failure path removes what it made); SR sizes are recomputed after each
 * change (physical_size and physical_utilisation from the file system,
 * virtual_allocation from the VDIs); short file operations (create, clone,
 * snapshot, revert, destroy, resize, scan) run under one lock per server,
 * long conversions (copy, import, export) run unlocked on their own
 * temp files and only rename into place.
 */
#ifndef OVCP_STORAGE_XAPI_H
#define OVCP_STORAGE_XAPI_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "xapi/server.h"
#include "xapi/storage_api.h"

#define SR_DIR_SIZE 1100
#define VDI_NAME_SIZE 256

struct storage {
	pthread_mutex_t lock;
};

/* sr.c */
void storage_lock(struct xapi_server *srv);
void storage_unlock(struct xapi_server *srv);
/* The directory of a file SR on this host (from its PBD); SR_NO_PBDS / SR_UNKNOWN_DRIVER otherwise. */
int storage_sr_dir(struct xapi_server *srv, const char *sr_ref, char dir[SR_DIR_SIZE], struct err *e);
/* Recompute the SR's sizes from the directory and its VDIs (errors are logged). */
void storage_sr_refresh(struct xapi_server *srv, const char *sr_ref);
int storage_sr_create(struct xapi_server *srv, json_t *args, char new_ref[REF_LEN], struct err *e);
int storage_sr_forget(struct xapi_server *srv, const char *sr_ref, struct err *e);
int storage_sr_destroy(struct xapi_server *srv, const char *sr_ref, struct err *e);
int storage_sr_scan(struct xapi_server *srv, const char *sr_ref, struct err *e);
int storage_pbd_plug(struct xapi_server *srv, const char *pbd_ref, bool plug, struct err *e);

/* vdi.c */
/* The record, SR directory and image name of a VDI. *rec is a new reference. */
int storage_vdi_lookup(struct xapi_server *srv, const char *vdi_ref, json_t **rec, char dir[SR_DIR_SIZE],
		       char name[VDI_NAME_SIZE], struct err *e);
/* VDI_IN_USE when a VBD of the VDI is currently attached. */
int storage_vdi_check_unused(struct xapi_server *srv, const char *vdi_ref, json_t *rec, const char *op,
			     struct err *e);
/* A VDI record for an image that exists in dir: fields (may be NULL) over the defaults. */
int storage_vdi_add_record(struct xapi_server *srv, const char *sr_ref, const char *dir, const char *uuid,
			   const char *location, int64_t virtual_size, json_t *fields, char new_ref[REF_LEN],
			   struct err *e);
/* VDI.create: the caller's record (already coerced). */
int storage_vdi_create_from_args(struct xapi_server *srv, json_t *args, char new_ref[REF_LEN], struct err *e);
int storage_vdi_resize(struct xapi_server *srv, const char *vdi_ref, int64_t size, struct err *e);
int storage_vdi_forget(struct xapi_server *srv, const char *vdi_ref, struct err *e);
/* Sizes of the record from the image. */
int storage_vdi_update(struct xapi_server *srv, const char *vdi_ref, struct err *e);
/* Copy vdi_ref's content into the existing VDI into_ref. */
int storage_vdi_copy_into(struct xapi_server *srv, const char *vdi_ref, const char *into_ref, const char *task_ref,
			  struct err *e);

#endif
