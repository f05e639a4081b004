/* The host certificate: made at first start, read at every start. */
#ifndef OVCP_DAEMON_TLS_H
#define OVCP_DAEMON_TLS_H

#include "common/err.h"

/*
 * Load DIR/host.crt and DIR/host.key, creating a self-signed ECDSA P-256
 * certificate for hostname (plus localhost, 127.0.0.1, ::1 and the given
 * address) when they do not exist. *cert_pem and *key_pem are malloc'd.
 */
int tls_host_certificate(const char *dir, const char *hostname, const char *address, char **cert_pem,
			 char **key_pem, struct err *e);

#endif
