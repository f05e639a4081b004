/*
 * The state of one name in the CA, as certificate_status and `ca list`
 * show it: requested (a CSR waits), signed, or revoked (its serial is on
 * the CRL). A signed certificate wins over a pending request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cm/ca/ca_internal.h"

static const char *const state_names[] = {
	[CM_CA_REQUESTED] = "requested", [CM_CA_SIGNED] = "signed", [CM_CA_REVOKED] = "revoked",
};

const char *cm_ca_state_name(enum cm_ca_state s)
{
	return state_names[s];
}

static void fingerprint_bytes(const unsigned char *md, unsigned n, char *out, size_t outlen)
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n && off + 4 <= outlen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%s%02X", i ? ":" : "", md[i]);
}

void cm_ca_fingerprint(X509 *x, const EVP_MD *md, char *out, size_t outlen)
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (X509_digest(x, md, buf, &n) != 1)
		n = 0;
	fingerprint_bytes(buf, n, out, outlen);
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static int status_from_csr(struct cm_ca_status *st, const char *pem, struct err *e)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	BIO_free(b);
	if (req == NULL) {
		err_setf(e, "CA_ERROR", "unreadable request for %s", st->name);
		return -1;
	}
	st->state = CM_CA_REQUESTED;
	if (X509_REQ_digest(req, EVP_sha256(), buf, &n) == 1)
		fingerprint_bytes(buf, n, st->fingerprint_sha256, sizeof(st->fingerprint_sha256));
	if (X509_REQ_digest(req, EVP_sha1(), buf, &n) == 1)
		fingerprint_bytes(buf, n, st->fingerprint_sha1, sizeof(st->fingerprint_sha1));
	st->dns_alt_names = cm_ca_csr_alt_names(req);
	X509_REQ_free(req);
	return 0;
}

static char **cert_alt_names(X509 *x)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int n = names ? sk_GENERAL_NAME_num(names) : 0;
	char **v = n > 0 ? calloc((size_t)n + 1, sizeof(char *)) : NULL;

	for (int i = 0, k = 0; v && i < n; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char buf[300];
		if (g->type != GEN_DNS)
			continue;
		snprintf(buf, sizeof(buf), "DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
		         (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		v[k++] = strdup(buf);
	}
	GENERAL_NAMES_free(names);
	return v;
}

int cm_ca_status_get(struct cm_ca *ca, const char *name, struct cm_ca_status *st, struct err *e)
{
	char *pem;
	X509 *x;

	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	if ((pem = cm_ca_read_pem(ca, "signed", name)) == NULL) {
		if ((pem = cm_ca_read_pem(ca, "requests", name)) == NULL) {
			err_setf(e, "NOT_FOUND", "Could not find certificate or request for %s", name);
			return -1;
		}
		int rc = status_from_csr(st, pem, e);
		free(pem);
		return rc;
	}
	x = cm_ca_x509_parse(pem);
	free(pem);
	if (x == NULL) {
		err_setf(e, "CA_ERROR", "unreadable certificate for %s", name);
		return -1;
	}
	st->serial = (long long)ASN1_INTEGER_get(X509_get0_serialNumber(x));
	st->state = cm_ca_serial_revoked(ca, st->serial) ? CM_CA_REVOKED : CM_CA_SIGNED;
	st->not_before = asn1_to_time(X509_get0_notBefore(x));
	st->not_after = asn1_to_time(X509_get0_notAfter(x));
	cm_ca_fingerprint(x, EVP_sha256(), st->fingerprint_sha256, sizeof(st->fingerprint_sha256));
	cm_ca_fingerprint(x, EVP_sha1(), st->fingerprint_sha1, sizeof(st->fingerprint_sha1));
	st->dns_alt_names = cert_alt_names(x);
	X509_free(x);
	return 0;
}

void cm_ca_status_clear(struct cm_ca_status *st)
{
	cm_ca_strv_free(st->dns_alt_names);
	st->dns_alt_names = NULL;
}
