/*
 * libFuzzer target: QMP message classification (qmp_feed in src/hv/qmp.c),
 * which an event loop calls with the bytes it read: greeting, events (queued
 * while no handler is set), replies (kept only for a waiting command) or a
 * protocol error that closes the client.
 *
 * Input: bytes 0-3 seed the chunking (byte 0 bit 0: a guest-agent client
 * instead of a monitor); the rest is what QEMU sent. No socket is involved:
 * qmp_feed only parses and dispatches. Every queued event must carry an
 * "event" member; a greeting must be an object holding "QMP"; a failed
 * feed must say why, and later feeds start from a clean stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "hv/qmp.h"
#include "../fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	uint32_t seed = 0;
	size_t at = 4;

	if (!quiet) {
		log_open("fuzz", "/dev/null", LOG_LEVEL_ERROR); /* protocol errors are expected here */
		quiet = true;
	}
	if (size < 4)
		return 0;
	memcpy(&seed, data, 4);
	struct qmp *q = qmp_new(data[0] & 1 ? QMP_AGENT : QMP_MONITOR);
	while (at < size) {
		size_t piece = 1 + next_rand(&seed) % (next_rand(&seed) % 4 ? 16 : 400);
		struct err e = { 0 };
		json_t *ev;

		if (piece > size - at)
			piece = size - at;
		if (qmp_feed(q, data + at, piece, &e) < 0) {
			if (!err_isset(&e) || strcmp(err_code(&e), "QMP_PROTOCOL_ERROR") != 0)
				abort();
		} else if (err_isset(&e)) {
			abort();
		}
		err_clear(&e);
		at += piece;
		while ((ev = qmp_event_next(q)) != NULL) {
			if (!json_is_object(ev) || json_object_get(ev, "event") == NULL)
				abort();
			json_decref(ev);
		}
		const json_t *g = qmp_greeting(q);
		if (g != NULL && (!json_is_object(g) || json_object_get(g, "QMP") == NULL))
			abort();
	}
	qmp_free(q);
	return 0;
}
