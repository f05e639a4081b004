/*
 * Disk images through qemu-img: create, overlay, resize, measure, convert,
 * and `qemu-img info --output=json` parsed into a struct.
 *
 * Formats are always named (-f / -F / -O): an image's format is never
 * probed, so a raw disk whose guest wrote a qcow2 header stays raw. Errors
 * come back as XenAPI errors: ENOSPC from qemu-img is SR_FULL, anything
 * else SR_BACKEND_FAILURE with qemu-img's message.
 */
#ifndef OVCP_STORAGE_IMAGE_H
#define OVCP_STORAGE_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

struct img_info {
	char format[16];
	int64_t virtual_size;
	int64_t actual_size;
	char backing[256];        /* the backing file name as stored in the image; "" for none */
	char backing_format[16];
	bool has_data_file;       /* qcow2 with an external data file */
	bool corrupt;
};

/* The qemu driver names OVCP accepts on the wire ("vhd" is qemu's "vpc"); NULL if unknown. */
const char *img_format_driver(const char *wire_name);

/* Parse the JSON that `qemu-img info --output=json` prints (pure). 0 / -1 with e. */
int img_info_parse(const char *json_text, struct img_info *info, struct err *e);
/* Parse the last "(N/100%)" of `qemu-img convert -p` output into 0..1; -1 when none (pure). */
double img_progress_parse(const char *text, size_t len);

int img_info(const char *path, const char *format, struct img_info *info, struct err *e);
int img_create(const char *path, const char *format, int64_t size, struct err *e);
/* A qcow2 overlay of size bytes on backing_name (a file name in the same directory; not opened). */
int img_create_overlay(const char *path, const char *backing_name, int64_t size, struct err *e);
int img_resize(const char *path, const char *format, int64_t size, struct err *e);
/* The bytes a full qcow2 copy of the image (with its backing chain) needs. */
int img_measure(const char *path, const char *format, int64_t *required, struct err *e);

/* Progress of a conversion (0..1); return true to cancel it. */
typedef bool (*img_progress_fn)(double progress, void *arg);
/*
 * Convert src (with its backing chain) to a new standalone image dst.
 * -1 with e on failure, with ["TASK_CANCELLED"] when progress asked to stop;
 * dst may be left behind: the caller removes it.
 */
int img_convert(const char *src, const char *src_format, const char *dst, const char *dst_format,
		img_progress_fn progress, void *arg, struct err *e);

#endif
