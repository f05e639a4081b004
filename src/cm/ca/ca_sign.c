/*
 * Issuing certificates: the pure builder (cm_ca_issue) with puppetserver's
 * extensions, signing a stored CSR, and the master's own key and
 * certificate. Serial numbers come from CADIR/serial under the lock; every
 * issued certificate is recorded in inventory.txt as puppetserver does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cm/ca/ca_internal.h"
#include "common/log.h"
#include "common/util.h"

#define CM_CA_COMMENT "Puppet Server Internal Certificate"

X509 *cm_ca_x509_parse(const char *pem)
{
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static int add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	int ok = ext && X509_add_ext(cert, ext, -1);

	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* "DNS:a,IP:1.2.3.4" from the alt list; bare names that parse as an address become IP:. */
static char *alt_value(const char *const *alt)
{
	size_t len = 1;
	char *v, *p;

	for (size_t i = 0; alt[i]; i++)
		len += strlen(alt[i]) + 6;
	if ((v = p = calloc(1, len)) == NULL)
		return NULL;
	for (size_t i = 0; alt[i]; i++) {
		const char *a = alt[i];
		unsigned char addr[16];
		const char *prefix = "DNS:";
		if (strncmp(a, "DNS:", 4) == 0 || strncmp(a, "IP:", 3) == 0)
			prefix = "";
		else if (inet_pton(AF_INET, a, addr) == 1 || inet_pton(AF_INET6, a, addr) == 1)
			prefix = "IP:";
		p += sprintf(p, "%s%s%s", i ? "," : "", prefix, a);
	}
	return v;
}

X509 *cm_ca_issue(X509 *ca_cert, EVP_PKEY *ca_key, X509_NAME *subject, EVP_PKEY *pub,
                  long long serial, time_t now, long validity, const char *const *alt, bool is_ca,
                  struct err *e)
{
	X509 *cert = X509_new();
	X509V3_CTX ctx;
	char *altv = NULL;
	int bad = 0;

	if (cert == NULL)
		goto fail;
	bad |= !X509_set_version(cert, 2);
	bad |= !ASN1_INTEGER_set_int64(X509_get_serialNumber(cert), serial);
	bad |= !X509_set_subject_name(cert, subject);
	bad |= !X509_set_issuer_name(cert, ca_cert ? X509_get_subject_name(ca_cert) : subject);
	bad |= !X509_set_pubkey(cert, pub);
	bad |= X509_time_adj_ex(X509_getm_notBefore(cert), -1, 0, &now) == NULL; /* a day back, as puppetserver */
	bad |= X509_time_adj_ex(X509_getm_notAfter(cert), 0, validity, &now) == NULL;
	if (bad)
		goto fail;
	X509V3_set_ctx(&ctx, ca_cert ? ca_cert : cert, cert, NULL, NULL, 0);
	bad |= add_ext(cert, &ctx, NID_netscape_comment, CM_CA_COMMENT);
	if (is_ca) {
		bad |= add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE");
		bad |= add_ext(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		bad |= add_ext(cert, &ctx, NID_subject_key_identifier, "hash");
		bad |= add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always");
	} else {
		bad |= add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		bad |= add_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment");
		bad |= add_ext(cert, &ctx, NID_ext_key_usage, "critical,serverAuth,clientAuth");
		bad |= add_ext(cert, &ctx, NID_subject_key_identifier, "hash");
		bad |= add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always");
		if (alt && alt[0]) {
			altv = alt_value(alt);
			bad |= altv == NULL || add_ext(cert, &ctx, NID_subject_alt_name, altv);
		}
	}
	if (bad || !X509_sign(cert, ca_key, EVP_sha256()))
		goto fail;
	free(altv);
	return cert;
fail:
	free(altv);
	X509_free(cert);
	err_internal(e, "cannot build the certificate (serial %lld)", serial);
	return NULL;
}

char **cm_ca_csr_alt_names(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *names = NULL;
	char **v = NULL;
	int n;

	for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *x = sk_X509_EXTENSION_value(exts, i);
		if (OBJ_obj2nid(X509_EXTENSION_get_object(x)) == NID_subject_alt_name)
			names = X509V3_EXT_d2i(x);
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (names == NULL || (n = sk_GENERAL_NAME_num(names)) <= 0 || (v = calloc((size_t)n + 1, sizeof(char *))) == NULL) {
		GENERAL_NAMES_free(names);
		return NULL;
	}
	for (int i = 0, k = 0; i < n; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char buf[300], ip[64];
		if (g->type == GEN_DNS) {
			snprintf(buf, sizeof(buf), "DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
			         (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			int len = ASN1_STRING_length(g->d.iPAddress);
			/* the CSR's signer chose these bytes: inet_ntop reads 4 or 16 of them */
			if ((len != 4 && len != 16) ||
			    !inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof(ip)))
				continue;
			snprintf(buf, sizeof(buf), "IP:%s", ip);
		} else
			continue;
		v[k++] = strdup(buf);
	}
	GENERAL_NAMES_free(names);
	return v;
}

static int inventory_add(struct cm_ca *ca, X509 *cert, const char *name)
{
	char *path = cm_ca_path(ca, NULL, "inventory.txt");
	FILE *f = path ? fopen(path, "a") : NULL;
	struct tm nb, na;
	time_t tb, ta;
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	int days, secs;

	free(path);
	if (f == NULL || epoch == NULL) {
		if (f)
			fclose(f);
		ASN1_TIME_free(epoch);
		return -1;
	}
	ASN1_TIME_diff(&days, &secs, epoch, X509_get0_notBefore(cert));
	tb = (time_t)days * 86400 + secs;
	ASN1_TIME_diff(&days, &secs, epoch, X509_get0_notAfter(cert));
	ta = (time_t)days * 86400 + secs;
	ASN1_TIME_free(epoch);
	gmtime_r(&tb, &nb);
	gmtime_r(&ta, &na);
	fprintf(f, "0x%04llX %04d-%02d-%02dT%02d:%02d:%02dUTC %04d-%02d-%02dT%02d:%02d:%02dUTC /CN=%s\n",
	        (long long)ASN1_INTEGER_get(X509_get0_serialNumber(cert)), nb.tm_year + 1900, nb.tm_mon + 1,
	        nb.tm_mday, nb.tm_hour, nb.tm_min, nb.tm_sec, na.tm_year + 1900, na.tm_mon + 1, na.tm_mday,
	        na.tm_hour, na.tm_min, na.tm_sec, name);
	return fclose(f) == 0 ? 0 : -1;
}

/* Issue for NAME with PUB and ALT, write signed/NAME.pem and the inventory (lock held). */
static X509 *issue_and_store(struct cm_ca *ca, const char *name, EVP_PKEY *pub, const char *const *alt,
                             struct err *e)
{
	X509_NAME *subj = X509_NAME_new();
	long long serial;
	X509 *cert = NULL;
	char *path = NULL, *pem = NULL;

	if (ca->key == NULL) {
		err_setf(e, "CA_ERROR", "the CA key is not readable in %s", ca->dir);
		goto out;
	}
	if (subj == NULL || !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8, (const unsigned char *)name, -1, -1, 0))
		goto out;
	if ((serial = cm_ca_next_serial(ca, e)) < 0)
		goto out;
	cert = cm_ca_issue(ca->cert, ca->key, subj, pub, serial, time(NULL), CM_CA_VALIDITY_SECONDS, alt, false, e);
	if (cert == NULL)
		goto out;
	path = cm_ca_path(ca, "signed", name);
	pem = cm_ca_pem_x509(cert);
	if (path == NULL || cm_ca_write_file(path, pem, 0644, e) < 0) {
		X509_free(cert);
		cert = NULL;
		goto out;
	}
	if (inventory_add(ca, cert, name) < 0)
		log_warn("ca: cannot append to %s/inventory.txt", ca->dir);
	log_info("ca: signed certificate for %s (serial %lld)", name, serial);
out:
	X509_NAME_free(subj);
	free(path);
	free(pem);
	return cert;
}

int cm_ca_sign(struct cm_ca *ca, const char *name, bool allow_alt, struct err *e)
{
	char *pem = NULL, **alt = NULL, *req_path = NULL;
	X509_REQ *req = NULL;
	X509 *cert = NULL;
	int rc = -1;

	if (cm_ca_lock(ca, e) < 0)
		return -1;
	pem = cm_ca_read_pem(ca, "requests", name);
	if (pem == NULL) {
		err_setf(e, "NOT_FOUND", "Could not find certificate request for %s", name);
		goto out;
	}
	if ((req = cm_ca_csr_parse(pem, strlen(pem), name, e)) == NULL)
		goto out;
	alt = cm_ca_csr_alt_names(req);
	if (alt && !allow_alt) {
		err_setf(e, "BAD_CSR", "CSR '%s' contains subject alternative names (%s), which are disallowed. "
		         "Use `ovcp-cm ca sign --allow-dns-alt-names %s` to sign this request.", name, alt[0], name);
		goto out;
	}
	if (alt) { /* puppetserver puts the certname among the alt names too */
		size_t n = 0;
		while (alt[n])
			n++;
		char **nv = realloc(alt, (n + 2) * sizeof(char *));
		if (nv == NULL)
			goto out;
		alt = nv;
		if (asprintf(&alt[n], "DNS:%s", name) < 0)
			alt[n] = NULL;
		alt[n + 1] = NULL;
	}
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	if ((cert = issue_and_store(ca, name, pub, (const char *const *)alt, e)) == NULL)
		goto out;
	req_path = cm_ca_path(ca, "requests", name);
	if (req_path)
		unlink(req_path);
	rc = 0;
out:
	cm_ca_unlock(ca);
	free(pem);
	free(req_path);
	cm_ca_strv_free(alt);
	X509_REQ_free(req);
	X509_free(cert);
	return rc;
}

int cm_ca_ensure_host_cert(struct cm_ca *ca, const char *name, const char *const *alt, int bits,
                           const char *key_path, const char *cert_path, struct err *e)
{
	struct stat st;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char *pem = NULL;
	int rc = -1;

	if (stat(key_path, &st) == 0 && stat(cert_path, &st) == 0)
		return 0;
	if (cm_ca_lock(ca, e) < 0)
		return -1;
	/* another master sharing the directory may have issued it: reuse its files */
	char *signed_pem = cm_ca_read_pem(ca, "signed", name);
	char *key_text = file_read_all(key_path, NULL);
	if (signed_pem && key_text) {
		rc = cm_ca_write_file(cert_path, signed_pem, 0644, e);
		goto out;
	}
	if ((key = EVP_RSA_gen((unsigned)bits)) == NULL) {
		err_internal(e, "cannot generate a key");
		goto out;
	}
	pem = cm_ca_pem_key(key);
	if (cm_ca_write_file(key_path, pem, 0600, e) < 0)
		goto out;
	if ((cert = issue_and_store(ca, name, key, alt, e)) == NULL)
		goto out;
	free(pem);
	pem = cm_ca_pem_x509(cert);
	rc = cm_ca_write_file(cert_path, pem, 0644, e);
out:
	cm_ca_unlock(ca);
	free(signed_pem);
	free(key_text);
	free(pem);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}
