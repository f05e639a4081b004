/*
 * libFuzzer target: the WebSocket opening handshake checks (src/console/ws.c).
 *
 * Input: up to five lines, the header values Upgrade, Connection,
 * Sec-WebSocket-Version, Sec-WebSocket-Key and Sec-WebSocket-Protocol, as an
 * HTTP server hands them over; a line that is exactly "-" (or a missing
 * line) is an absent header. An accepted handshake must have a key that
 * yields a 28-character accept value; a refused one must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELDS 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *field[FIELDS] = { 0 }, *p;
	const char *protocol = "unset";
	char accept[WS_ACCEPT_LEN];
	struct err e = { 0 };
	int n = 0;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; n < FIELDS && p != NULL; n++) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		field[n] = strcmp(p, "-") == 0 ? NULL : p;
		p = nl ? nl + 1 : NULL;
	}
	int rc = ws_handshake_check(field[0], field[1], field[2], field[3], field[4], &protocol, &e);
	if (rc == 0) {
		if (err_isset(&e) || (protocol != NULL && strcmp(protocol, "binary") != 0))
			abort();
		if (ws_accept_key(field[3], accept) != 0 || strlen(accept) != WS_ACCEPT_LEN - 1)
			abort();
		if (!ws_header_has_token(field[0], "websocket") || !ws_header_has_token(field[1], "upgrade"))
			abort();
	} else if (rc != -1 || !err_isset(&e) || strcmp(err_code(&e), "WEBSOCKET_HANDSHAKE_INVALID") != 0 ||
		   protocol != NULL) {
		abort();
	}
	err_clear(&e);
	/* any text as a key or a token list */
	for (int i = 0; i < n; i++) {
		if (field[i] != NULL) {
			(void)ws_accept_key(field[i], accept);
			for (int k = 0; k < n; k++)
				(void)ws_header_has_token(field[i], field[k] ? field[k] : "");
		}
	}
	free(text);
	return 0;
}
