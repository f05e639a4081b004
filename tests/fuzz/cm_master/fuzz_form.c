/*
 * libFuzzer target: the catalog POST body (src/cm/master/form.c), an
 * application/x-www-form-urlencoded form whose "facts" field holds the facts
 * JSON URL-encoded a second time.
 *
 * Input: the request body. Facts come back as an object or not at all (with
 * the reason); a decoded field never holds a NUL; decoding never grows a
 * string and decoding in place agrees with cm_form_get.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cm/master/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = { "facts", "facts_format", "environment", "transaction_uuid",
				      "static_catalog", "checksum_type", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size + 1);
	struct err e = { 0 };

	if (body == NULL)
		abort();
	memcpy(body, data, size);
	body[size] = '\0';

	json_t *facts = cm_form_facts(body, &e);
	if ((facts == NULL) != err_isset(&e) || (facts != NULL && !json_is_object(facts)))
		abort();
	if (facts == NULL && strcmp(err_code(&e), "BAD_FACTS") != 0)
		abort();
	json_decref(facts);
	err_clear(&e);

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *v = cm_form_get(body, fields[i]);
		if (v != NULL && strlen(v) > size)
			abort();
		free(v);
	}

	/* the whole body as one value: decoding shrinks or keeps, never grows */
	size_t before = strlen(body);
	char *copy = strdup(body);
	if (copy == NULL)
		abort();
	long n = cm_form_decode(copy);
	if (n > (long)before || (n >= 0 && copy[n] != '\0'))
		abort();
	free(copy);
	free(body);
	return 0;
}
