/*
 * libFuzzer target: what the CA reads from an agent's certificate request
 * (src/cm/ca): the certname rule (ca_name.c), the CSR validation
 * (cm_ca_csr_parse: PEM, self-signature, CN == certname), the subject alt
 * names of a stored request (cm_ca_csr_alt_names, read when signing and
 * listing) and the autosign glob rule against the requested name.
 *
 * Input: the first line is the certname from the URL, the rest the PEM body.
 * A request that passes validation has a valid name and a CN that is exactly
 * that name, byte for byte. The alt names are read from any request that
 * parses, signed or not, since a node signs its own CSR with a key of its
 * choosing: the signature proves nothing about the contents.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "cm/ca/ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The CN of req, whole (with any NUL inside): its length, -1 when absent. */
static int cn_length(X509_REQ *req)
{
	X509_NAME *subject = X509_REQ_get_subject_name(req);
	int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);

	if (i < 0)
		return -1;
	return ASN1_STRING_length(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t name_len = nl ? (size_t)(nl - data) : size;
	char *name = strndup((const char *)data, name_len);
	const char *pem = nl ? (const char *)nl + 1 : "";
	size_t pem_len = nl ? size - name_len - 1 : 0;
	struct err e = { 0 };

	if (name == NULL)
		abort();
	bool valid = cm_ca_name_valid(name);
	if (valid && (strlen(name) == 0 || strlen(name) > 255 || strchr(name, '/') != NULL || strchr(name, '*') != NULL))
		abort();

	X509_REQ *req = cm_ca_csr_parse(pem, pem_len, name, &e);
	if (req != NULL) {
		if (!valid || err_isset(&e) || cn_length(req) != (int)strlen(name))
			abort(); /* accepted for a name its CN is not */
		X509_REQ_free(req);
	} else if (!err_isset(&e) || strcmp(err_code(&e), "BAD_CSR") != 0) {
		abort();
	}
	err_clear(&e);

	BIO *b = BIO_new_mem_buf(pem, (int)pem_len);
	req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (req != NULL) {
		char **alt = cm_ca_csr_alt_names(req);
		for (size_t i = 0; alt && alt[i]; i++)
			if (strncmp(alt[i], "DNS:", 4) != 0 && strncmp(alt[i], "IP:", 3) != 0)
				abort();
		cm_ca_strv_free(alt);
		X509_REQ_free(req);
	}

	char *globs = strndup(pem, pem_len);
	if (globs == NULL)
		abort();
	(void)cm_ca_autosign_globs_match(globs, name);
	free(globs);
	free(name);
	return 0;
}
