/*
 * libFuzzer target: what OVCP reads back from qemu-img (src/storage/image.c):
 * `qemu-img info --output=json` (img_info_parse) and the progress lines of
 * `qemu-img convert -p` (img_progress_parse).
 *
 * Input: one text. The info parser gets it NUL-terminated, as run.c's
 * output buffer is; the progress parser gets exactly the bytes, with
 * nothing after them, as a read() chunk arrives. Parsed strings fit their
 * fields; sizes are not negative; progress is -1 or within 0..1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *chunk = malloc(size ? size : 1);
	struct img_info info;
	struct err e = { 0 };

	if (text == NULL || chunk == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (img_info_parse(text, &info, &e) == 0) {
		if (err_isset(&e) || info.virtual_size < 0 || strnlen(info.format, sizeof(info.format)) == sizeof(info.format) ||
		    strnlen(info.backing, sizeof(info.backing)) == sizeof(info.backing) ||
		    strnlen(info.backing_format, sizeof(info.backing_format)) == sizeof(info.backing_format))
			abort();
	} else if (!err_isset(&e) || strcmp(err_code(&e), "SR_BACKEND_FAILURE") != 0) {
		abort();
	}
	err_clear(&e);

	memcpy(chunk, data, size);
	double p = img_progress_parse(chunk, size);
	if (!(p == -1 || (p >= 0 && p <= 1)))
		abort();
	free(chunk);
	free(text);
	return 0;
}
