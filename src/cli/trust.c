/*
 * Trust on first use for HTTPS hosts, as xe does with its known hosts.
 *
 * ~/.ovcp/known_hosts (or $OVCP_KNOWN_HOSTS) holds one line per host:
 *   HOST:PORT SHA256-FINGERPRINT
 * where the fingerprint is of the whole certificate, in colon-separated hex.
 * The first connection to a host remembers its certificate; a later one
 * with a different certificate is refused before any password is sent.
 * The file is rewritten atomically; lines of other hosts are kept as they are.
 */
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/util.h"

static char *known_hosts_path(void)
{
	const char *env = getenv("OVCP_KNOWN_HOSTS"), *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (env != NULL && *env)
		return strdup(env);
	if (home == NULL || *home == '\0')
		return NULL;
	buf_printf(&b, "%s/.ovcp/known_hosts", home);
	return buf_steal(&b);
}

/* Fingerprint (hex with colons) and the public key pin of a PEM certificate. */
static int certificate_digests(const char *pem, char *fingerprint, size_t fp_len, char *pin, size_t pin_len)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t key = NULL;
	gnutls_datum_t in = {(unsigned char *)pem, (unsigned)strlen(pem)}, der = {NULL, 0}, b64 = {NULL, 0};
	unsigned char digest[32], key_digest[32];
	size_t digest_len = sizeof(digest);
	int rc = -1;

	if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, digest, &digest_len) < 0 || digest_len != 32)
		goto out;
	if (gnutls_pubkey_init(&key) < 0 || gnutls_pubkey_import_x509(key, crt, 0) < 0 ||
	    gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der) < 0 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, key_digest) < 0)
		goto out;
	gnutls_datum_t raw = {key_digest, sizeof(key_digest)};
	if (gnutls_base64_encode2(&raw, &b64) < 0)
		goto out;
	snprintf(pin, pin_len, "sha256//%.*s", (int)b64.size, (const char *)b64.data);
	if (fp_len < 32 * 3)
		goto out;
	for (size_t i = 0; i < 32; i++)
		snprintf(fingerprint + 3 * i, fp_len - 3 * i, "%02X%s", digest[i], i == 31 ? "" : ":");
	rc = 0;
out:
	gnutls_free(der.data);
	gnutls_free(b64.data);
	if (key != NULL)
		gnutls_pubkey_deinit(key);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	return rc;
}

/* The remembered fingerprint of NAME ("host:port") in TEXT, copied to out; false if none. */
static bool known_lookup(const char *text, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, name, n) != 0 || line[n] != ' ')
			continue;
		const char *fp = line + n + 1;
		size_t fl = strcspn(fp, " \n");
		snprintf(out, len, "%.*s", (int)fl, fp);
		return true;
	}
	return false;
}

static int known_add(const char *path, const char *text, const char *name, const char *fingerprint)
{
	struct buf b = BUF_INIT;
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	int rc;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		dir_make_all(dir, 0700);
	}
	free(dir);
	if (text != NULL) {
		buf_puts(&b, text);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			buf_putc(&b, '\n');
	}
	buf_printf(&b, "%s %s\n", name, fingerprint);
	rc = file_write_atomic(path, b.data, b.len, 0600);
	buf_free(&b);
	return rc;
}

int trust_check(const char *host, int port, const char *pem, char *pin, size_t pin_len)
{
	char fingerprint[128], known[256], name[300];
	char *path = known_hosts_path(), *text = NULL;
	int status = CLI_CONNECT;

	if (certificate_digests(pem, fingerprint, sizeof(fingerprint), pin, pin_len) < 0) {
		fprintf(stderr, "Error: cannot read the certificate of %s\n", host);
		goto out;
	}
	if (path == NULL) {
		fprintf(stderr, "Error: no HOME to keep known hosts in; use --cafile\n");
		goto out;
	}
	snprintf(name, sizeof(name), "%s:%d", host, port);
	text = file_read_all(path, NULL);
	if (text != NULL && known_lookup(text, name, known, sizeof(known))) {
		if (strcmp(known, fingerprint) == 0) {
			status = CLI_OK;
			goto out;
		}
		fprintf(stderr,
			"Error: the certificate of %s has CHANGED since the last connection.\n"
			"Someone may be intercepting the connection, or the host was reinstalled.\n"
			"  remembered: %s\n  presented:  %s\n"
			"If the change is expected, remove the line for %s from %s and retry.\n",
			name, known, fingerprint, name, path);
		goto out;
	}
	if (known_add(path, text, name, fingerprint) < 0) {
		fprintf(stderr, "Error: cannot write %s\n", path);
		goto out;
	}
	fprintf(stderr, "Added %s to %s; certificate SHA-256 fingerprint %s\n", name, path, fingerprint);
	status = CLI_OK;
out:
	free(text);
	free(path);
	return status;
}
