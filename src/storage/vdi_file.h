/*
 * VDI images in a file SR directory (see sr_dir.h for the layout), by
 * plain names: no records here.
 *
 * Copy-on-write (clone, snapshot, revert): the source's current image is
 * frozen as a new hidden base (a hard link, base-<uuid>.qcow2), and each
 * side gets a fresh, empty qcow2 overlay on it: the source keeps its file
 * name (so its location never changes) and the new VDI gets its own. Both
 * stay writable and independent; the base is never written again. One
 * overlay is made by qemu-img and the other is a byte copy of it (qcow2
 * images carry no identity of their own), which keeps a clone at one
 * qemu-img run whatever the disk's size.
 *
 * Crash safety: new files are made under .tmp- names and renamed into
 * place; the source's image is replaced by rename(2), so at any moment its
 * name holds either the old image or the new overlay. A crash leaves at
 * most temps (removed at start) and an unused base (removed by sr_dir_gc).
 *
 * Only qcow2 images take part in copy-on-write; a raw image (adopted by
 * SR.scan) can be copied, resized and exported, not cloned.
 */
#ifndef OVCP_STORAGE_VDI_FILE_H
#define OVCP_STORAGE_VDI_FILE_H

#include <stdint.h>

#include "common/err.h"
#include "storage/image.h"

/* A new empty image (name's format) of size bytes; info of the result. */
int vdi_file_create(const char *dir, const char *name, int64_t size, struct img_info *info, struct err *e);
/* Clone src (qcow2) into the new image new_name. */
int vdi_file_clone(const char *dir, const char *src, const char *new_name, struct err *e);
/* Make name's content equal to snap's again (both qcow2, same directory). */
int vdi_file_revert(const char *dir, const char *name, const char *snap, struct err *e);
/* Remove an image and the bases nothing uses any more. */
int vdi_file_destroy(const char *dir, const char *name, struct err *e);
/* Grow (or, for raw, set) the virtual size. */
int vdi_file_resize(const char *dir, const char *name, int64_t size, struct err *e);
/* Info of an image, with its backing file checked to be a base of dir. */
int vdi_file_info(const char *dir, const char *name, struct img_info *info, struct err *e);
/*
 * A full, standalone copy of src_dir/src into dst_dir/dst_name (qcow2):
 * refused with SR_FULL when dst_dir has not the room; otherwise converted
 * under a temp name and renamed into place (replacing dst_name if it
 * exists). progress may cancel. Nothing is left behind on failure.
 */
int vdi_file_copy(const char *src_dir, const char *src, const char *dst_dir, const char *dst_name,
		  img_progress_fn progress, void *arg, struct err *e);
/*
 * Replace name's content by the image at tmp_path (format: a qemu driver),
 * checked first (no backing file, no external data file, no larger than
 * max_size); the result is a standalone qcow2 of max_size bytes.
 */
int vdi_file_import(const char *dir, const char *name, const char *tmp_path, const char *format, int64_t max_size,
		    img_progress_fn progress, void *arg, struct err *e);
/* name's content converted to format into an unlinked temp file: *fd open for reading and its size. */
int vdi_file_export(const char *dir, const char *name, const char *format, int *fd, int64_t *size,
		    struct err *e);

#endif
