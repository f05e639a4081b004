/*
 * Helpers shared by the ca_*.c files only: PEM encoding and atomic writes.
 */
#ifndef OVCP_CM_CA_INTERNAL_H
#define OVCP_CM_CA_INTERNAL_H

#include "cm/ca/ca.h"

/* ca_store.c: PEM text of an object (malloc'ed) or NULL. */
char *cm_ca_pem_x509(X509 *x);
char *cm_ca_pem_key(EVP_PKEY *k);
char *cm_ca_pem_crl(X509_CRL *c);
int cm_ca_write_file(const char *path, const char *text, unsigned mode, struct err *e);
/* ca_crl.c: the CRL on disk, parsed (NULL when unreadable). */
X509_CRL *cm_ca_crl_load(const struct cm_ca *ca);
/* ca_sign.c: X509 from PEM text. */
X509 *cm_ca_x509_parse(const char *pem);

#endif
