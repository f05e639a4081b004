/*
 * The certificate authority of ovcp-cm master and ovcp-cm ca: Puppet's CA on
 * disk, in puppetserver's layout, so that a CA directory can move between
 * puppetserver and OVCP:
 *
 *   CADIR/ca_crt.pem ca_key.pem ca_crl.pem serial inventory.txt
 *   CADIR/requests/NAME.pem   pending CSRs
 *   CADIR/signed/NAME.pem     issued certificates
 *   CADIR/.lock               flock(2) taken around every change
 *
 * Invariants: every change (init, CSR stored, sign, revoke, clean) happens
 * under an exclusive flock of CADIR/.lock and writes files atomically
 * (temp + rename), so two masters and the CLI may share one CADIR on one
 * host. Nothing is cached in memory except by the caller: a reader sees the
 * files as they are now. Serial numbers only grow; the CRL always exists and
 * lists every revoked serial, with a CRL number that grows with each change.
 */
#ifndef OVCP_CM_CA_H
#define OVCP_CM_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/err.h"

#define CM_CA_VALIDITY_SECONDS (5L * 365 * 24 * 3600) /* puppetserver's ca_ttl: 5 years */

enum cm_ca_state { CM_CA_REQUESTED, CM_CA_SIGNED, CM_CA_REVOKED };

struct cm_ca {
	char *dir;
	X509 *cert;      /* CA certificate */
	EVP_PKEY *key;   /* CA private key */
	int lock_fd;     /* -1 when not locked */
};

/* Per-certificate facts, as certificate_status reports them. */
struct cm_ca_status {
	char name[256];
	enum cm_ca_state state;
	char fingerprint_sha256[96];  /* "AB:CD:..." */
	char fingerprint_sha1[64];
	long long serial;             /* 0 for a request */
	time_t not_before, not_after; /* 0 for a request */
	char **dns_alt_names;         /* "DNS:x" / "IP:y", NULL-terminated; may be NULL */
};

/* ca_store.c */
/* Open CADIR; create the CA (key of BITS bits, "CN=Puppet CA: HOST") when
 * CREATE and it does not exist yet. NULL on error. */
struct cm_ca *cm_ca_open(const char *dir, bool create, const char *host, int bits, struct err *e);
void cm_ca_free(struct cm_ca *ca);
int cm_ca_lock(struct cm_ca *ca, struct err *e);
void cm_ca_unlock(struct cm_ca *ca);
/* NULL-terminated list of names (malloc'ed) with a file in SUB ("requests"/"signed"). */
char **cm_ca_list_dir(const struct cm_ca *ca, const char *sub);
void cm_ca_strv_free(char **v);
/* Path of NAME's file in SUB: malloc'ed. */
char *cm_ca_path(const struct cm_ca *ca, const char *sub, const char *name);
/* The PEM of NAME in SUB, or NULL (errno ENOENT when absent). */
char *cm_ca_read_pem(const struct cm_ca *ca, const char *sub, const char *name);
char *cm_ca_crl_pem(const struct cm_ca *ca);
char *cm_ca_cert_pem(const struct cm_ca *ca);
/* Next serial (reads and bumps CADIR/serial; caller holds the lock). -1 on error. */
long long cm_ca_next_serial(struct cm_ca *ca, struct err *e);

/* ca_name.c: Puppet's certname rule: lower case [a-z0-9._-], no wildcards, not empty,
 * not "." or "..", at most 255 bytes. */
bool cm_ca_name_valid(const char *name);

/* ca_csr.c */
/* Validate a CSR for NAME (PEM): parses, self-signature holds, CN == NAME,
 * NAME valid. Returns the request or NULL with e set (BAD_CSR, reason). */
X509_REQ *cm_ca_csr_parse(const char *pem, size_t len, const char *name, struct err *e);
/* Store a CSR for NAME (validated); refused when NAME already has a signed
 * certificate that is not revoked. */
int cm_ca_csr_store(struct cm_ca *ca, const char *name, const char *pem, size_t len, struct err *e);
int cm_ca_csr_delete(struct cm_ca *ca, const char *name, struct err *e);

/* ca_sign.c */
/* Build and sign a certificate (pure: no files). ALT is NULL-terminated
 * "DNS:x"/"IP:y" entries or NULL. */
X509 *cm_ca_issue(X509 *ca_cert, EVP_PKEY *ca_key, X509_NAME *subject, EVP_PKEY *pub,
                  long long serial, time_t now, long validity, const char *const *alt, bool is_ca,
                  struct err *e);
/* Sign NAME's pending CSR. A CSR asking for subject alt names is refused
 * unless ALLOW_ALT (puppetserver's allow-subject-alt-names): a node must not
 * get a certificate naming the master. */
int cm_ca_sign(struct cm_ca *ca, const char *name, bool allow_alt, struct err *e);
/* The subject alt names a CSR asks for ("DNS:x", "IP:y"), NULL-terminated, or NULL. */
char **cm_ca_csr_alt_names(X509_REQ *req);
/* Make and sign a key and certificate for this host (the master's own), with
 * SANs ALT; writes KEY_PATH and CERT_PATH. Keeps existing files. */
int cm_ca_ensure_host_cert(struct cm_ca *ca, const char *name, const char *const *alt, int bits,
                           const char *key_path, const char *cert_path, struct err *e);

/* ca_crl.c */
/* Build the CRL over REVOKED serials (pure). */
X509_CRL *cm_ca_crl_build(X509 *ca_cert, EVP_PKEY *ca_key, const long long *revoked, size_t n,
                          long number, time_t now, struct err *e);
int cm_ca_revoke(struct cm_ca *ca, const char *name, struct err *e);
/* Revoke when signed and delete the certificate and any request. */
int cm_ca_clean(struct cm_ca *ca, const char *name, struct err *e);
/* Add SERIAL to the CRL (reads ca_crl.pem, re-signs with number+1; caller holds the lock). */
int cm_ca_crl_add(struct cm_ca *ca, long long serial, struct err *e);

/* ca_status.c */
int cm_ca_status_get(struct cm_ca *ca, const char *name, struct cm_ca_status *st, struct err *e);
void cm_ca_status_clear(struct cm_ca_status *st);
const char *cm_ca_state_name(enum cm_ca_state s);
/* X509 helpers */
void cm_ca_fingerprint(X509 *x, const EVP_MD *md, char *out, size_t outlen);
bool cm_ca_serial_revoked(struct cm_ca *ca, long long serial);

/* ca_autosign.c: Puppet's autosign contract. POLICY is "true", "false", a
 * file of globs (one per line, # comments) or an executable run with the
 * certname as argv[1] and the CSR on stdin (exit 0: sign). */
bool cm_ca_autosign_allows(const char *policy, const char *name, const char *csr_pem);
/* The glob file rule alone (pure): does any line of TEXT match NAME? */
bool cm_ca_autosign_globs_match(const char *text, const char *name);

/* ca_cli.c: `ovcp-cm ca ...` */
int cm_ca_cli(int argc, char **argv);

#endif
