/*
 * TLS for the master: the server context (its own certificate and key, the
 * CA as the only client issuer, client certificates requested but not
 * required at the handshake) and the per-request check of a client
 * certificate against the CA and the CRL as it is on disk now.
 *
 * Why verify per request rather than in the handshake: an agent without a
 * certificate must reach the CA endpoints on the same port, and a node
 * revoked while its keep-alive connection is open must be refused at its
 * next request. The handshake still proves the client holds the key of the
 * certificate it shows (TLS CertificateVerify); the chain and revocation are
 * checked here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cm/master/master.h"
#include "common/log.h"

static int accept_any_client(int ok, X509_STORE_CTX *ctx)
{
	return 1; /* chain and CRL are checked per request: cm_master_verify_peer() */
}

SSL_CTX *cm_master_tls_context(const char *cert_path, const char *key_path, const char *ca_path, struct err *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	STACK_OF(X509_NAME) *names;

	if (ctx == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	if ((names = SSL_load_client_CA_file(ca_path)) == NULL)
		goto fail;
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, accept_any_client);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"ovcp-cm", 7);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
fail:
	err_setf(e, "TLS_ERROR", "cannot set up TLS with %s / %s: %s", cert_path, key_path,
	         ERR_reason_error_string(ERR_get_error()) ? ERR_reason_error_string(ERR_get_error()) : "unknown");
	SSL_CTX_free(ctx);
	return NULL;
}

static X509_STORE *store_build(struct cm_master *m, const char *crl_path)
{
	X509_STORE *st = X509_STORE_new();
	FILE *f = fopen(crl_path, "r");
	X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	if (st == NULL || X509_STORE_add_cert(st, m->ca->cert) != 1 || crl == NULL || X509_STORE_add_crl(st, crl) != 1) {
		log_error("tls: cannot load the CA and CRL from %s", m->ca->dir);
		X509_STORE_free(st);
		X509_CRL_free(crl);
		return NULL;
	}
	X509_CRL_free(crl);
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	X509_STORE_set_purpose(st, X509_PURPOSE_SSL_CLIENT);
	return st;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The current store, with a reference the caller drops. */
static X509_STORE *store_current(struct cm_master *m)
{
	char path[4096];
	struct stat st;
	X509_STORE *s = NULL;

	snprintf(path, sizeof(path), "%s/ca_crl.pem", m->ca->dir);
	if (stat(path, &st) != 0) {
		log_error("tls: %s: %s", path, strerror(errno));
		return NULL; /* no CRL: refuse every certificate rather than skip the check */
	}
	pthread_mutex_lock(&m->store_lock);
	if (m->store == NULL || !same_file(&st, &m->crl_stat)) {
		X509_STORE *fresh = store_build(m, path);
		if (fresh != NULL) {
			X509_STORE_free(m->store);
			m->store = fresh;
			m->crl_stat = st;
			log_debug("tls: CRL reloaded");
		}
	}
	if (m->store && X509_STORE_up_ref(m->store) == 1)
		s = m->store;
	pthread_mutex_unlock(&m->store_lock);
	return s;
}

int cm_master_verify_peer(struct cm_master *m, X509 *peer, char *cn, size_t cnlen, const char **why)
{
	X509_STORE *st = store_current(m);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	*why = "no CA store";
	if (st && ctx && X509_STORE_CTX_init(ctx, st, peer, NULL) == 1) {
		if (X509_verify_cert(ctx) == 1) {
			if (X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, (int)cnlen) > 0)
				rc = 0;
			else
				*why = "certificate without a CN";
		} else
			*why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}
