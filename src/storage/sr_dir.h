/*
 * A file SR: one directory holding the images of its VDIs.
 *
 * Layout (every name is a plain file name, never a path):
 *   <name>.qcow2 / <name>.raw   the image of one VDI (its leaf); OVCP names
 *                               its own <vdi-uuid>.qcow2; SR.scan adopts
 *                               other safe names it finds
 *   base-<uuid>.qcow2           a frozen, read-only image shared by the
 *                               leaves made by clone/snapshot/revert; no
 *                               VDI record; removed by sr_dir_gc() once no
 *                               image names it as its backing file
 *   .tmp-*                      work in progress; removed at start and scan
 * Anything else in the directory is ignored and never touched.
 *
 * Invariants: a name from a record or a caller reaches the file system only
 * through sr_path_join(), which refuses anything but a safe name; an image
 * may only have a base of the same directory as its backing file
 * (sr_dir_check_backing), so no image reaches outside its SR.
 */
#ifndef OVCP_STORAGE_SR_DIR_H
#define OVCP_STORAGE_SR_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum sr_entry_kind { SR_ENTRY_OTHER, SR_ENTRY_IMAGE, SR_ENTRY_BASE, SR_ENTRY_TEMP };

/* Pure: [A-Za-z0-9_-][A-Za-z0-9._-]*, at most 200 bytes, no "..". */
bool sr_name_is_safe(const char *name);
/* Pure: what a directory entry is. */
enum sr_entry_kind sr_name_kind(const char *name);
/* Pure: the format of an image by its name ("qcow2" or "raw"); NULL if not an image name. */
const char *sr_name_format(const char *name);
/* dir + "/" + name when name is safe; -1 with ["VDI_LOCATION_INVALID"...] otherwise. */
int sr_path_join(const char *dir, const char *name, char *out, size_t size, struct err *e);
/* Pure: is dir an absolute, normalised path (no "." or ".." parts, no "//", not "/")? */
bool sr_dir_path_is_valid(const char *dir);

/* Make the directory (and parents), or adopt an existing one that is empty (unless may_be_used). */
int sr_dir_prepare(const char *dir, bool may_be_used, struct err *e);

struct sr_usage {
	int64_t physical_size; /* the file system's size */
	int64_t free;          /* bytes available to us */
	int64_t utilisation;   /* bytes allocated to images and bases */
};
int sr_dir_usage(const char *dir, struct sr_usage *u, struct err *e);
/* The allocated bytes of one file (st_blocks * 512); 0 if it is gone. */
int64_t sr_file_allocated(const char *path);

typedef int (*sr_dir_entry_fn)(const char *name, enum sr_entry_kind kind, void *arg);
/* Call fn for each entry of a known kind (images, bases, temps); fn returning -1 stops. */
int sr_dir_list(const char *dir, sr_dir_entry_fn fn, void *arg, struct err *e);
void sr_dir_clean_temps(const char *dir);
/* Is the image's backing file (if any) a base of this directory? */
int sr_dir_check_backing(const char *dir, const char *backing, struct err *e);
/* Remove the bases that no image or base of the directory uses. */
void sr_dir_gc(const char *dir);
/* Remove every image, base and temp, then the directory if it is then empty. */
int sr_dir_remove_all(const char *dir, struct err *e);
/* A fresh temp name ".tmp-<uuid>-<tag>" into out. */
void sr_temp_name(const char *tag, char *out, size_t size);

#endif
