/*
 * The CA directory: creation of the CA at first use, the lock, the serial
 * file and reading what is on disk. Everything that writes goes through
 * file_write_atomic() under the lock (see ca.h for the layout).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "cm/ca/ca_internal.h"
#include "common/log.h"
#include "common/util.h"

char *cm_ca_path(const struct cm_ca *ca, const char *sub, const char *name)
{
	char *p = NULL;

	if (sub == NULL ? asprintf(&p, "%s/%s", ca->dir, name) < 0
	                : asprintf(&p, "%s/%s/%s.pem", ca->dir, sub, name) < 0)
		return NULL;
	return p;
}

int cm_ca_lock(struct cm_ca *ca, struct err *e)
{
	char *path = cm_ca_path(ca, NULL, ".lock");
	int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;

	free(path);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		err_setf(e, "CA_ERROR", "cannot lock the CA directory %s: %s", ca->dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ca->lock_fd = fd;
	return 0;
}

void cm_ca_unlock(struct cm_ca *ca)
{
	if (ca->lock_fd >= 0) {
		flock(ca->lock_fd, LOCK_UN);
		close(ca->lock_fd);
		ca->lock_fd = -1;
	}
}

static char *pem_of(int (*writer)(BIO *, const void *), const void *obj)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (b == NULL)
		return NULL;
	if (writer(b, obj) == 1 && (n = BIO_get_mem_data(b, &data)) > 0 && (out = malloc((size_t)n + 1))) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(b);
	return out;
}

static int write_x509(BIO *b, const void *x) { return PEM_write_bio_X509(b, (X509 *)x); }
static int write_key(BIO *b, const void *k)
{
	return PEM_write_bio_PrivateKey(b, (EVP_PKEY *)k, NULL, NULL, 0, NULL, NULL);
}
static int write_crl(BIO *b, const void *c) { return PEM_write_bio_X509_CRL(b, (X509_CRL *)c); }

char *cm_ca_pem_x509(X509 *x) { return pem_of(write_x509, x); }
char *cm_ca_pem_key(EVP_PKEY *k) { return pem_of(write_key, k); }
char *cm_ca_pem_crl(X509_CRL *c) { return pem_of(write_crl, c); }

int cm_ca_write_file(const char *path, const char *text, unsigned mode, struct err *e)
{
	if (text == NULL || file_write_atomic(path, text, strlen(text), mode) < 0) {
		err_setf(e, "CA_ERROR", "cannot write %s: %s", path, text ? strerror(errno) : "no data");
		return -1;
	}
	return 0;
}

static int ca_create(struct cm_ca *ca, const char *host, int bits, struct err *e)
{
	char cn[300];
	char *path;
	X509_NAME *subj = X509_NAME_new();
	EVP_PKEY *key = EVP_RSA_gen((unsigned)bits);
	X509 *cert = NULL;
	X509_CRL *crl = NULL;
	int rc = -1;

	snprintf(cn, sizeof(cn), "Puppet CA: %s", host);
	if (subj == NULL || key == NULL ||
	    !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0)) {
		err_internal(e, "cannot make the CA key");
		goto out;
	}
	cert = cm_ca_issue(NULL, key, subj, key, 1, time(NULL), CM_CA_VALIDITY_SECONDS * 3, NULL, true, e);
	if (cert == NULL)
		goto out;
	crl = cm_ca_crl_build(cert, key, NULL, 0, 1, time(NULL), e);
	if (crl == NULL)
		goto out;
	const char *subs[] = {"requests", "signed"};
	for (size_t i = 0; i < 2; i++) {
		if ((path = cm_ca_path(ca, NULL, subs[i])) == NULL || dir_make_all(path, 0755) < 0) {
			err_setf(e, "CA_ERROR", "cannot create %s/%s", ca->dir, subs[i]);
			free(path);
			goto out;
		}
		free(path);
	}
	struct { const char *file; char *text; unsigned mode; } files[] = {
		{"ca_key.pem", cm_ca_pem_key(key), 0600},
		{"ca_crt.pem", cm_ca_pem_x509(cert), 0644},
		{"ca_crl.pem", cm_ca_pem_crl(crl), 0644},
		{"serial", strdup("0002\n"), 0644},
		{"inventory.txt", strdup(""), 0644},
	};
	rc = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path = cm_ca_path(ca, NULL, files[i].file);
		/* the certificate last: its presence means "the CA exists" */
		if (rc == 0 && (path == NULL || cm_ca_write_file(path, files[i].text, files[i].mode, e) < 0))
			rc = -1;
		free(path);
		free(files[i].text);
	}
	if (rc == 0)
		log_info("ca: created the CA in %s (%s)", ca->dir, cn);
out:
	X509_NAME_free(subj);
	EVP_PKEY_free(key);
	X509_free(cert);
	X509_CRL_free(crl);
	return rc;
}

static int ca_load(struct cm_ca *ca, struct err *e)
{
	char *cp = cm_ca_path(ca, NULL, "ca_crt.pem"), *kp = cm_ca_path(ca, NULL, "ca_key.pem");
	FILE *f;

	if (cp && (f = fopen(cp, "r"))) {
		ca->cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (kp && (f = fopen(kp, "r"))) {
		ca->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	free(cp);
	free(kp);
	if (ca->cert == NULL) {
		err_setf(e, "CA_ERROR", "no CA certificate in %s", ca->dir);
		return -1;
	}
	return 0;
}

struct cm_ca *cm_ca_open(const char *dir, bool create, const char *host, int bits, struct err *e)
{
	struct cm_ca *ca = calloc(1, sizeof(*ca));
	struct stat st;
	char *crt;

	if (ca == NULL || (ca->dir = strdup(dir)) == NULL) {
		free(ca);
		err_internal(e, "out of memory");
		return NULL;
	}
	ca->lock_fd = -1;
	if (create && dir_make_all(dir, 0750) < 0) {
		err_setf(e, "CA_ERROR", "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	crt = cm_ca_path(ca, NULL, "ca_crt.pem");
	bool exists = crt && stat(crt, &st) == 0;
	free(crt);
	if (!exists && create) {
		if (cm_ca_lock(ca, e) < 0)
			goto fail;
		crt = cm_ca_path(ca, NULL, "ca_crt.pem");
		exists = crt && stat(crt, &st) == 0; /* another process may have won */
		free(crt);
		int rc = exists ? 0 : ca_create(ca, host, bits, e);
		cm_ca_unlock(ca);
		if (rc < 0)
			goto fail;
	}
	if (ca_load(ca, e) < 0)
		goto fail;
	return ca;
fail:
	cm_ca_free(ca);
	return NULL;
}

void cm_ca_free(struct cm_ca *ca)
{
	if (ca == NULL)
		return;
	cm_ca_unlock(ca);
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca->dir);
	free(ca);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cm_ca_list_dir(const struct cm_ca *ca, const char *sub)
{
	char *path = cm_ca_path(ca, NULL, sub);
	DIR *d = path ? opendir(path) : NULL;
	char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	struct dirent *de;

	free(path);
	if (d == NULL || v == NULL) {
		if (d)
			closedir(d);
		return v;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".pem") != 0)
			continue;
		char **nv = realloc(v, (n + 2) * sizeof(char *));
		if (nv == NULL)
			break;
		v = nv;
		v[n++] = strndup(de->d_name, len - 4);
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(char *), cmp_str);
	return v;
}

void cm_ca_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char *cm_ca_read_pem(const struct cm_ca *ca, const char *sub, const char *name)
{
	char *path, *text;

	if (!cm_ca_name_valid(name)) {
		errno = ENOENT;
		return NULL;
	}
	path = cm_ca_path(ca, sub, name);
	text = path ? file_read_all(path, NULL) : NULL;
	free(path);
	return text;
}

char *cm_ca_crl_pem(const struct cm_ca *ca)
{
	char *path = cm_ca_path(ca, NULL, "ca_crl.pem");
	char *text = path ? file_read_all(path, NULL) : NULL;

	free(path);
	return text;
}

char *cm_ca_cert_pem(const struct cm_ca *ca)
{
	return cm_ca_pem_x509(ca->cert);
}

long long cm_ca_next_serial(struct cm_ca *ca, struct err *e)
{
	char *path = cm_ca_path(ca, NULL, "serial");
	char *text = path ? file_read_all(path, NULL) : NULL;
	long long serial = text ? strtoll(text, NULL, 16) : 0;
	char next[32];

	free(text);
	if (serial <= 0) {
		err_setf(e, "CA_ERROR", "bad or missing serial file in %s", ca->dir);
		free(path);
		return -1;
	}
	snprintf(next, sizeof(next), "%04llX\n", serial + 1);
	if (cm_ca_write_file(path, next, 0644, e) < 0)
		serial = -1;
	free(path);
	return serial;
}
