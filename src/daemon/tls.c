/*
 * The host certificate, made with GnuTLS (the TLS library libmicrohttpd
 * uses): a self-signed server certificate valid for ten years, for the
 * host's name and loopback names, as XCP makes at install time.
 */
#include "daemon/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

#define TEN_YEARS (10L * 365 * 24 * 3600)

static int add_ip(gnutls_x509_crt_t crt, const char *text)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, text, addr) == 1)
		return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, addr, 4, GNUTLS_FSAN_APPEND);
	if (inet_pton(AF_INET6, text, addr) == 1)
		return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, addr, 16, GNUTLS_FSAN_APPEND);
	return 0;
}

static int make_certificate(const char *hostname, const char *address, char **cert_pem, char **key_pem,
			    struct err *e)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t c = { 0 }, k = { 0 };
	unsigned char serial[16];
	time_t now = time(NULL);
	int rc = -1, g;

	if ((g = gnutls_x509_privkey_init(&key)) < 0 ||
	    (g = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
	    (g = gnutls_x509_crt_init(&crt)) < 0)
		goto fail;
	if (random_fill(serial, sizeof(serial)) < 0)
		goto fail;
	serial[0] &= 0x7f;
	if ((g = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (g = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
	    (g = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (g = gnutls_x509_crt_set_expiration_time(crt, now + TEN_YEARS)) < 0 ||
	    (g = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostname,
					       (unsigned)strlen(hostname))) < 0 ||
	    (g = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "OVCP", 4)) < 0 ||
	    (g = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, hostname, (unsigned)strlen(hostname),
						      GNUTLS_FSAN_APPEND)) < 0 ||
	    (g = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
						      GNUTLS_FSAN_APPEND)) < 0 ||
	    (g = add_ip(crt, "127.0.0.1")) < 0 || (g = add_ip(crt, "::1")) < 0 ||
	    (address && (g = add_ip(crt, address)) < 0) || (g = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (g = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_AGREEMENT)) < 0 ||
	    (g = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
	    (g = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (g = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (g = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &c)) < 0 ||
	    (g = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &k)) < 0)
		goto fail;
	*cert_pem = strndup((const char *)c.data, c.size);
	*key_pem = strndup((const char *)k.data, k.size);
	rc = 0;
	goto out;
fail:
	err_internal(e, "cannot make the host certificate: %s", gnutls_strerror(g));
out:
	gnutls_free(c.data);
	if (k.data)
		explicit_bzero(k.data, k.size);
	gnutls_free(k.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

int tls_host_certificate(const char *dir, const char *hostname, const char *address, char **cert_pem,
			 char **key_pem, struct err *e)
{
	char crt_path[4096], key_path[4096];

	snprintf(crt_path, sizeof(crt_path), "%s/host.crt", dir);
	snprintf(key_path, sizeof(key_path), "%s/host.key", dir);
	*cert_pem = file_read_all(crt_path, NULL);
	*key_pem = file_read_all(key_path, NULL);
	if (*cert_pem && *key_pem)
		return 0;
	free(*cert_pem);
	free(*key_pem);
	*cert_pem = *key_pem = NULL;
	if (dir_make_all(dir, 0700) < 0) {
		err_internal(e, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (make_certificate(hostname, address, cert_pem, key_pem, e) < 0)
		return -1;
	if (file_write_atomic(key_path, *key_pem, strlen(*key_pem), 0600) < 0 ||
	    file_write_atomic(crt_path, *cert_pem, strlen(*cert_pem), 0644) < 0) {
		err_internal(e, "write the host certificate in %s: %s", dir, strerror(errno));
		free(*cert_pem);
		free(*key_pem);
		*cert_pem = *key_pem = NULL;
		return -1;
	}
	log_info("made the host certificate %s for %s", crt_path, hostname);
	return 0;
}
