/*
 * Certificate requests: validation (the CSR parses, its self-signature
 * holds, its CN is the name in the URL and the name follows Puppet's rule)
 * and the pending queue CADIR/requests/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "cm/ca/ca_internal.h"
#include "common/log.h"

X509_REQ *cm_ca_csr_parse(const char *pem, size_t len, const char *name, struct err *e)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	X509_REQ *req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	char cn[300] = ""; /* printed in the error below even when the subject has no CN */
	EVP_PKEY *pub;

	BIO_free(b);
	if (!cm_ca_name_valid(name)) {
		err_setf(e, "BAD_CSR", "Certname '%s' is invalid: only lowercase letters, digits, '.', '_' and '-' "
		         "are allowed", name);
		goto fail;
	}
	if (req == NULL) {
		err_setf(e, "BAD_CSR", "the body is not a PEM certificate request for %s", name);
		goto fail;
	}
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL || X509_REQ_verify(req, pub) != 1) {
		err_setf(e, "BAD_CSR", "CSR for %s does not carry a valid signature", name);
		goto fail;
	}
	/* The length it returns is the CN's own: a CN with an embedded NUL ("node1\0x") is not "node1". */
	int cn_len = X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof(cn));
	if (cn_len < 0 || (size_t)cn_len != strlen(cn) || strcmp(cn, name) != 0) {
		err_setf(e, "BAD_CSR", "Instance name \"%s\" does not match requested key \"%s\"", cn, name);
		goto fail;
	}
	if (strchr(cn, '*') != NULL) {
		err_setf(e, "BAD_CSR", "CSR subject contains a wildcard, which is not allowed: %s", cn);
		goto fail;
	}
	return req;
fail:
	X509_REQ_free(req);
	return NULL;
}

int cm_ca_csr_store(struct cm_ca *ca, const char *name, const char *pem, size_t len, struct err *e)
{
	X509_REQ *req = cm_ca_csr_parse(pem, len, name, e);
	char *path = NULL, *cert_pem = NULL, *text = NULL;
	int rc = -1;

	if (req == NULL)
		return -1;
	if (cm_ca_lock(ca, e) < 0)
		goto out;
	cert_pem = cm_ca_read_pem(ca, "signed", name);
	if (cert_pem != NULL) {
		X509 *x = cm_ca_x509_parse(cert_pem);
		bool revoked = x && cm_ca_serial_revoked(ca, (long long)ASN1_INTEGER_get(X509_get0_serialNumber(x)));
		X509_free(x);
		if (!revoked) {
			err_setf(e, "DUPLICATE", "%s already has a signed certificate; ignoring certificate request", name);
			goto out;
		}
	}
	path = cm_ca_path(ca, "requests", name);
	text = strndup(pem, len);
	rc = path ? cm_ca_write_file(path, text, 0644, e) : -1;
	if (rc == 0)
		log_info("ca: stored certificate request for %s", name);
out:
	cm_ca_unlock(ca);
	X509_REQ_free(req);
	free(path);
	free(text);
	free(cert_pem);
	return rc;
}

int cm_ca_csr_delete(struct cm_ca *ca, const char *name, struct err *e)
{
	char *path;
	int rc;

	if (!cm_ca_name_valid(name) || (path = cm_ca_path(ca, "requests", name)) == NULL) {
		err_setf(e, "NOT_FOUND", "no certificate request for %s", name);
		return -1;
	}
	if (cm_ca_lock(ca, e) < 0) {
		free(path);
		return -1;
	}
	rc = unlink(path);
	cm_ca_unlock(ca);
	free(path);
	if (rc < 0) {
		err_setf(e, "NOT_FOUND", "no certificate request for %s", name);
		return -1;
	}
	return 0;
}
