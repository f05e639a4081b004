/* qemu-img, driven with argv arrays: see image.h. */
#include "storage/image.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "storage/run.h"

#define QEMU_IMG "qemu-img"
#define SHORT_TIMEOUT_MS 120000

static const struct {
	const char *wire, *driver;
} formats[] = {
	{ "qcow2", "qcow2" },
	{ "raw", "raw" },
	{ "vhd", "vpc" },
};

const char *img_format_driver(const char *wire_name)
{
	for (size_t i = 0; wire_name && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].wire, wire_name) == 0)
			return formats[i].driver;
	return NULL;
}

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int img_info_parse(const char *json_text, struct img_info *info, struct err *e)
{
	json_error_t jerr;
	json_t *root = json_loads(json_text, 0, &jerr);

	memset(info, 0, sizeof(*info));
	if (!json_is_object(root)) {
		err_set(e, "SR_BACKEND_FAILURE", "qemu-img info", "the output is not a JSON object", NULL);
		json_decref(root);
		return -1;
	}
	json_t *vsize = json_object_get(root, "virtual-size"), *fmt = json_object_get(root, "format");
	if (!json_is_integer(vsize) || json_integer_value(vsize) < 0 || !json_is_string(fmt)) {
		err_set(e, "SR_BACKEND_FAILURE", "qemu-img info", "no format or virtual-size", NULL);
		json_decref(root);
		return -1;
	}
	info->virtual_size = json_integer_value(vsize);
	copy_str(info->format, sizeof(info->format), fmt);
	json_t *asize = json_object_get(root, "actual-size");
	info->actual_size = json_is_integer(asize) ? json_integer_value(asize) : 0;
	copy_str(info->backing, sizeof(info->backing), json_object_get(root, "backing-filename"));
	copy_str(info->backing_format, sizeof(info->backing_format), json_object_get(root, "backing-filename-format"));
	json_t *data = json_object_get(json_object_get(root, "format-specific"), "data");
	info->has_data_file = json_object_get(data, "data-file") != NULL;
	info->corrupt = json_is_true(json_object_get(data, "corrupt"));
	json_decref(root);
	return 0;
}

double img_progress_parse(const char *text, size_t len)
{
	double last = -1;

	for (size_t i = 0; i < len; i++) {
		if (text[i] != '(')
			continue;
		double pct;
		char tail[8], window[32];
		/* "(45.00/100%)"; text is a read() chunk: no NUL after it, so sscanf gets a terminated copy */
		size_t n = len - i < sizeof(window) - 1 ? len - i : sizeof(window) - 1;
		memcpy(window, text + i, n);
		window[n] = '\0';
		if (sscanf(window, "(%lf/100%7[%)]", &pct, tail) == 2 && strcmp(tail, "%)") == 0 && pct >= 0 &&
		    pct <= 100)
			last = pct / 100.0;
	}
	return last;
}

/* The first line of qemu-img's message, for an error parameter. */
static void first_line(const char *text, char *out, size_t size)
{
	size_t n = strcspn(text, "\n");

	if (n >= size)
		n = size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* Map a finished qemu-img run to 0 or a XenAPI error. */
static int run_outcome(const char *what, struct storage_run_result *r, struct err *e)
{
	char msg[512];

	if (r->status == 0 && !r->stopped)
		return 0;
	first_line(r->errout.len ? r->errout.data : "killed", msg, sizeof(msg));
	log_warn("qemu-img %s: %s", what, msg);
	if (strstr(r->errout.data ? r->errout.data : "", "No space left on device"))
		err_set(e, "SR_FULL", "", "", NULL);
	else
		err_set(e, "SR_BACKEND_FAILURE", what, msg, NULL);
	return -1;
}

static int run_img(const char *what, const char *const argv[], struct storage_run_result *r, struct err *e)
{
	struct storage_run_opts o = { NULL, NULL, SHORT_TIMEOUT_MS };

	if (storage_run(argv, &o, r, e) < 0)
		return -1;
	return run_outcome(what, r, e);
}

int img_info(const char *path, const char *format, struct img_info *info, struct err *e)
{
	const char *argv[] = { QEMU_IMG, "info", "-U", "--output=json", "-f", format, path, NULL };
	struct storage_run_result r;
	int rc = run_img("info", argv, &r, e);

	if (rc == 0)
		rc = img_info_parse(r.out.data ? r.out.data : "", info, e);
	storage_run_result_free(&r);
	return rc;
}

int img_create(const char *path, const char *format, int64_t size, struct err *e)
{
	char sz[32];
	snprintf(sz, sizeof(sz), "%" PRId64, size);
	const char *argv[] = { QEMU_IMG, "create", "-q", "-f", format, path, sz, NULL };
	struct storage_run_result r;
	int rc = run_img("create", argv, &r, e);

	storage_run_result_free(&r);
	return rc;
}

int img_create_overlay(const char *path, const char *backing_name, int64_t size, struct err *e)
{
	char sz[32];
	snprintf(sz, sizeof(sz), "%" PRId64, size);
	/* -u: the backing file is not opened; it is named relative to the overlay's directory. */
	const char *argv[] = { QEMU_IMG, "create", "-q", "-u", "-f", "qcow2", "-F", "qcow2", "-b", backing_name,
			       path, sz, NULL };
	struct storage_run_result r;
	int rc = run_img("create", argv, &r, e);

	storage_run_result_free(&r);
	return rc;
}

int img_resize(const char *path, const char *format, int64_t size, struct err *e)
{
	char sz[32];
	snprintf(sz, sizeof(sz), "%" PRId64, size);
	const char *argv[] = { QEMU_IMG, "resize", "-q", "-f", format, path, sz, NULL };
	struct storage_run_result r;
	int rc = run_img("resize", argv, &r, e);

	storage_run_result_free(&r);
	return rc;
}

int img_measure(const char *path, const char *format, int64_t *required, struct err *e)
{
	const char *argv[] = { QEMU_IMG, "measure", "-U", "--output=json", "-f", format, "-O", "qcow2", path, NULL };
	struct storage_run_result r;
	int rc = run_img("measure", argv, &r, e);

	if (rc == 0) {
		json_t *root = json_loads(r.out.data ? r.out.data : "", 0, NULL);
		json_t *req = json_object_get(root, "required");
		if (json_is_integer(req)) {
			*required = json_integer_value(req);
		} else {
			err_set(e, "SR_BACKEND_FAILURE", "measure", "no required size in the output", NULL);
			rc = -1;
		}
		json_decref(root);
	}
	storage_run_result_free(&r);
	return rc;
}

struct convert_watch {
	img_progress_fn fn;
	void *arg;
	bool cancelled;
};

static bool on_convert_output(const char *chunk, size_t len, void *arg)
{
	struct convert_watch *w = arg;
	double p = img_progress_parse(chunk, len);

	if (p >= 0 && w->fn && w->fn(p, w->arg))
		w->cancelled = true;
	return w->cancelled;
}

int img_convert(const char *src, const char *src_format, const char *dst, const char *dst_format,
		img_progress_fn progress, void *arg, struct err *e)
{
	struct convert_watch w = { progress, arg, false };
	struct storage_run_opts o = { on_convert_output, &w, 0 };
	const char *opts = strcmp(dst_format, "vpc") == 0 ? "subformat=dynamic,force_size=on" : NULL;
	const char *argv[16];
	size_t n = 0;
	struct storage_run_result r;

	argv[n++] = QEMU_IMG;
	argv[n++] = "convert";
	argv[n++] = "-p";
	argv[n++] = "-f";
	argv[n++] = src_format;
	argv[n++] = "-O";
	argv[n++] = dst_format;
	if (opts) {
		argv[n++] = "-o";
		argv[n++] = opts;
	}
	argv[n++] = src;
	argv[n++] = dst;
	argv[n] = NULL;
	if (storage_run(argv, &o, &r, e) < 0)
		return -1;
	int rc = 0;
	if (w.cancelled) {
		err_set(e, "TASK_CANCELLED", "", NULL);
		rc = -1;
	} else {
		rc = run_outcome("convert", &r, e);
	}
	storage_run_result_free(&r);
	return rc;
}
