/*
 * The certificate revocation list: built by a pure function from the
 * revoked serials, stored as CADIR/ca_crl.pem. Revoking adds a serial to
 * the list already on disk (the CRL is the record of revocations, as in
 * puppetserver) and re-signs it with the next CRL number. The CRL is valid
 * for five years so that agents never meet an expired one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cm/ca/ca_internal.h"
#include "common/log.h"

X509_CRL *cm_ca_crl_build(X509 *ca_cert, EVP_PKEY *ca_key, const long long *revoked, size_t n,
                          long number, time_t now, struct err *e)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = ASN1_TIME_adj(NULL, now, -1, 0), *next = ASN1_TIME_adj(NULL, now, 0, CM_CA_VALIDITY_SECONDS);
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509V3_CTX ctx;
	X509_EXTENSION *aki = NULL;
	int bad = 0;

	if (crl == NULL || last == NULL || next == NULL || num == NULL)
		goto fail;
	bad |= !X509_CRL_set_version(crl, 1);
	bad |= !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca_cert));
	bad |= !X509_CRL_set1_lastUpdate(crl, last);
	bad |= !X509_CRL_set1_nextUpdate(crl, next);
	for (size_t i = 0; i < n && !bad; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();
		bad |= r == NULL || s == NULL || !ASN1_INTEGER_set_int64(s, revoked[i]);
		bad |= bad || !X509_REVOKED_set_serialNumber(r, s) || !X509_REVOKED_set_revocationDate(r, last);
		bad |= bad || !X509_CRL_add0_revoked(crl, r);
		if (bad)
			X509_REVOKED_free(r);
		ASN1_INTEGER_free(s);
	}
	bad |= !ASN1_INTEGER_set(num, number) || !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
	X509V3_set_ctx(&ctx, ca_cert, NULL, NULL, crl, 0);
	aki = bad ? NULL : X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	bad |= aki == NULL || !X509_CRL_add_ext(crl, aki, -1);
	if (bad || !X509_CRL_sort(crl) || !X509_CRL_sign(crl, ca_key, EVP_sha256()))
		goto fail;
	X509_EXTENSION_free(aki);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	ASN1_INTEGER_free(num);
	return crl;
fail:
	X509_EXTENSION_free(aki);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	ASN1_INTEGER_free(num);
	X509_CRL_free(crl);
	err_internal(e, "cannot build the CRL");
	return NULL;
}

X509_CRL *cm_ca_crl_load(const struct cm_ca *ca)
{
	char *pem = cm_ca_crl_pem(ca);
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	X509_CRL *crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	free(pem);
	return crl;
}

bool cm_ca_serial_revoked(struct cm_ca *ca, long long serial)
{
	X509_CRL *crl = cm_ca_crl_load(ca);
	STACK_OF(X509_REVOKED) *list = crl ? X509_CRL_get_REVOKED(crl) : NULL;
	bool found = false;

	for (int i = 0; list && i < sk_X509_REVOKED_num(list) && !found; i++)
		found = ASN1_INTEGER_get(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(list, i))) == serial;
	X509_CRL_free(crl);
	return found;
}

int cm_ca_crl_add(struct cm_ca *ca, long long serial, struct err *e)
{
	X509_CRL *old = cm_ca_crl_load(ca), *crl = NULL;
	STACK_OF(X509_REVOKED) *list = old ? X509_CRL_get_REVOKED(old) : NULL;
	int n = list ? sk_X509_REVOKED_num(list) : 0;
	long long *serials = calloc((size_t)n + 1, sizeof(long long));
	ASN1_INTEGER *num = old ? X509_CRL_get_ext_d2i(old, NID_crl_number, NULL, NULL) : NULL;
	long number = num ? ASN1_INTEGER_get(num) + 1 : 1;
	size_t count = 0;
	char *path = NULL, *pem = NULL;
	int rc = -1;

	if (serials == NULL)
		goto out;
	for (int i = 0; i < n; i++) {
		long long s = (long long)ASN1_INTEGER_get(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(list, i)));
		if (s == serial)
			serial = -1; /* already listed */
		serials[count++] = s;
	}
	if (serial > 0)
		serials[count++] = serial;
	if (ca->key == NULL) {
		err_setf(e, "CA_ERROR", "the CA key is not readable in %s", ca->dir);
		goto out;
	}
	if ((crl = cm_ca_crl_build(ca->cert, ca->key, serials, count, number, time(NULL), e)) == NULL)
		goto out;
	path = cm_ca_path(ca, NULL, "ca_crl.pem");
	pem = cm_ca_pem_crl(crl);
	rc = path ? cm_ca_write_file(path, pem, 0644, e) : -1;
out:
	ASN1_INTEGER_free(num);
	X509_CRL_free(old);
	X509_CRL_free(crl);
	free(serials);
	free(path);
	free(pem);
	return rc;
}

static int revoke_locked(struct cm_ca *ca, const char *name, struct err *e)
{
	char *pem = cm_ca_read_pem(ca, "signed", name);
	X509 *x = cm_ca_x509_parse(pem);
	int rc;

	free(pem);
	if (x == NULL) {
		err_setf(e, "NOT_FOUND", "Could not find a signed certificate for %s", name);
		return -1;
	}
	rc = cm_ca_crl_add(ca, (long long)ASN1_INTEGER_get(X509_get0_serialNumber(x)), e);
	X509_free(x);
	if (rc == 0)
		log_info("ca: revoked the certificate of %s", name);
	return rc;
}

int cm_ca_revoke(struct cm_ca *ca, const char *name, struct err *e)
{
	int rc;

	if (cm_ca_lock(ca, e) < 0)
		return -1;
	rc = revoke_locked(ca, name, e);
	cm_ca_unlock(ca);
	return rc;
}

int cm_ca_clean(struct cm_ca *ca, const char *name, struct err *e)
{
	char *cert = NULL, *req = NULL;
	bool found = false;
	struct err ignored = {0};

	if (!cm_ca_name_valid(name)) {
		err_setf(e, "NOT_FOUND", "Invalid certname %s", name);
		return -1;
	}
	if (cm_ca_lock(ca, e) < 0)
		return -1;
	cert = cm_ca_path(ca, "signed", name);
	req = cm_ca_path(ca, "requests", name);
	if (cert && access(cert, F_OK) == 0) {
		if (revoke_locked(ca, name, &ignored) < 0)
			log_warn("ca: clean %s: could not revoke first", name);
		found = unlink(cert) == 0;
	}
	if (req && unlink(req) == 0)
		found = true;
	cm_ca_unlock(ca);
	err_clear(&ignored);
	free(cert);
	free(req);
	if (!found) {
		err_setf(e, "NOT_FOUND", "Could not find files to clean for %s", name);
		return -1;
	}
	return 0;
}
