/*
 * libFuzzer target: a template's disk provisioning spec (src/hv/disk_spec.c),
 * the XML any VM administrator can put in VM.other_config:disks.
 *
 * Input: the spec's text. The parse must succeed or fail with an error
 * (never both, never neither), and a success must hold only what the
 * parser promises: at most DISK_SPEC_MAX_DISKS disks, each with a device,
 * a non-negative size and NUL-terminated fields, no two with one device.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/disk_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_disks(const struct disk_spec *s)
{
	if (s->count > DISK_SPEC_MAX_DISKS)
		abort();
	for (size_t i = 0; i < s->count; i++) {
		const struct disk_spec_disk *d = &s->disks[i];

		if (d->size < 0 || memchr(d->device, '\0', sizeof(d->device)) == NULL || d->device[0] == '\0' ||
		    memchr(d->sr, '\0', sizeof(d->sr)) == NULL || memchr(d->type, '\0', sizeof(d->type)) == NULL)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->disks[j].device, d->device) == 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = malloc(size + 1);
	struct disk_spec *s = calloc(1, sizeof(*s));
	struct err e = {0};

	if (xml == NULL || s == NULL)
		abort();
	memcpy(xml, data, size);
	xml[size] = '\0';
	int rc = disk_spec_parse(xml, s, &e);
	if ((rc == 0) == err_isset(&e))
		abort();
	if (rc == 0)
		check_disks(s);
	err_clear(&e);
	free(s);
	free(xml);
	return 0;
}
