/*
 * What the storage driver offers the rest of ovcpd (the VM driver above
 * all): VDIs by ref, with their records kept true. Implemented in
 * src/storage/xapi/. Every function returns 0 or -1 with a XenAPI error.
 *
 * Attached disks: clone, snapshot, revert, resize, import and destroy refuse
 * a VDI that has a currently_attached VBD (VDI_IN_USE): a running QEMU has
 * the image open, and only it may change the chain under itself (QMP
 * blockdev-snapshot). A VM driver snapshots a running VM's disks itself, or
 * marks the VBDs detached around a paused VM's snapshot.
 */
#ifndef OVCP_XAPI_STORAGE_API_H
#define OVCP_XAPI_STORAGE_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "xapi/record.h"
#include "xapi/server.h"

/* Make the local SR (STATE/sr/local) if there is none, set the pool's default SRs, clean leftovers. */
int storage_startup(struct xapi_server *srv, struct err *e);
/* Free the storage driver's state at exit (after the VM driver stopped). */
void storage_shutdown(struct xapi_server *srv);

/*
 * The absolute path of the VDI's image and its format ("qcow2" or "raw"):
 * give QEMU the format explicitly (never let it probe). A qcow2 image may
 * have a backing chain of read-only files in the same directory.
 */
int storage_vdi_location(struct xapi_server *srv, const char *vdi_ref, char *path, size_t size, const char **format,
			 struct err *e);

/* Copy-on-write clone: both stay writable and independent. overrides: fields for the new record (may be NULL). */
int storage_vdi_clone(struct xapi_server *srv, const char *vdi_ref, json_t *overrides, char new_ref[REF_LEN],
		      struct err *e);
/* A read-only point-in-time copy: is_a_snapshot, snapshot_of, snapshot_time set. */
int storage_vdi_snapshot(struct xapi_server *srv, const char *vdi_ref, json_t *overrides, char new_ref[REF_LEN],
			 struct err *e);
/* Make vdi_ref's content equal to the snapshot's again (cheap: copy-on-write). */
int storage_vdi_revert_to(struct xapi_server *srv, const char *vdi_ref, const char *snapshot_ref, struct err *e);
/* A full copy into sr_ref; progress on task_ref (may be NULL or ""), which may cancel it. */
int storage_vdi_copy(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref,
		     char new_ref[REF_LEN], struct err *e);
/* The same, as one part of a longer task: its progress 0..1 is reported as base..base+share of the task's. */
int storage_vdi_copy_part(struct xapi_server *srv, const char *vdi_ref, const char *sr_ref, const char *task_ref,
			  double base, double share, char new_ref[REF_LEN], struct err *e);
/* A new empty VDI (suspend images: type "suspend"). */
int storage_vdi_create(struct xapi_server *srv, const char *sr_ref, const char *name, int64_t virtual_size,
		       const char *type, char new_ref[REF_LEN], struct err *e);
/* Remove the VDI's image and record (refused while attached); its unattached VBD records go too. */
int storage_vdi_destroy(struct xapi_server *srv, const char *vdi_ref, struct err *e);

#endif
