/*
 * The agent's HTTPS client: one libcurl easy handle per master, reused for
 * every request of a run so the TLS session and the TCP connection stay up
 * (puppetserver keeps connections alive). libcurl is the project's HTTP
 * library; on Debian it is built on GnuTLS, which takes the client
 * certificate and key as PEM files, the CA as a PEM bundle and the CRL as a
 * PEM file (CURLOPT_CRLFILE), which is all Puppet's SSL layout needs.
 *
 * Invariant: a handle made without a CA file does not verify the server;
 * only the very first certificate/ca fetch uses one, as Puppet does.
 */
#include "cm/agent/agent.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/util.h"

struct cm_http {
	CURL *curl;
	char *base; /* "https://host:port" */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t http_collect(char *data, size_t size, size_t n, void *arg)
{
	buf_add(arg, data, size * n);
	return size * n;
}

struct cm_http *cm_http_new(const char *server, int port, const char *cafile, const char *crlfile,
			    const char *certfile, const char *keyfile, int timeout, struct err *e)
{
	struct cm_http *h = calloc(1, sizeof(*h));
	bool ipv6 = strchr(server, ':') != NULL;

	if (h == NULL || (h->curl = curl_easy_init()) == NULL ||
	    asprintf(&h->base, ipv6 ? "https://[%s]:%d" : "https://%s:%d", server, port) < 0) {
		if (h)
			h->base = NULL;
		cm_http_free(h);
		err_internal(e, "cannot set up the HTTP client");
		return NULL;
	}
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, http_collect);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	if (cafile) {
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, cafile);
		curl_easy_setopt(h->curl, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
		if (crlfile)
			curl_easy_setopt(h->curl, CURLOPT_CRLFILE, crlfile);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (certfile && keyfile) {
		curl_easy_setopt(h->curl, CURLOPT_SSLCERT, certfile);
		curl_easy_setopt(h->curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(h->curl, CURLOPT_SSLKEY, keyfile);
		curl_easy_setopt(h->curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	return h;
}

void cm_http_free(struct cm_http *h)
{
	if (h == NULL)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->base);
	free(h);
}

static struct curl_slist *http_headers(const char *content_type, const char *accept)
{
	struct curl_slist *l = NULL;
	char line[256];

	snprintf(line, sizeof(line), "Accept: %s", accept ? accept : "application/json");
	l = curl_slist_append(l, line);
	if (content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		l = curl_slist_append(l, line);
	}
	l = curl_slist_append(l, "X-Puppet-Version: 7.23.0");
	l = curl_slist_append(l, "Expect:");
	return l;
}

int cm_http_request(struct cm_http *h, const char *method, const char *path, const char *content_type,
		    const char *body, size_t len, const char *accept, struct cm_http_response *r,
		    struct err *e)
{
	struct buf out = BUF_INIT;
	struct curl_slist *headers = http_headers(content_type, accept);
	char *url = NULL;
	const char *ct = NULL;
	double t0;
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (asprintf(&url, "%s%s", h->base, path) < 0) {
		curl_slist_free_all(headers);
		err_internal(e, "out of memory");
		return -1;
	}
	h->errbuf[0] = '\0';
	t0 = time_monotonic_s();
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
	}
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(headers);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	if (rc != CURLE_OK) {
		err_setf(e, "AGENT_CONNECT", "Failed to open TCP connection to %s (%s)", url,
			 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		free(url);
		buf_free(&out);
		return -1;
	}
	free(url);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	cm_agent_log("debug", "HTTP %s %.*s: %ld in %.3f s", method, (int)strcspn(path, "?"), path, r->status,
		     time_monotonic_s() - t0);
	curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &ct);
	r->content_type = ct ? strdup(ct) : NULL;
	r->len = out.len;
	r->body = out.data ? buf_steal(&out) : strdup("");
	return 0;
}

void cm_http_response_clear(struct cm_http_response *r)
{
	free(r->body);
	free(r->content_type);
	memset(r, 0, sizeof(*r));
}

char *cm_http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

char *cm_http_error_text(const struct cm_http_response *r)
{
	json_t *j = r->body ? json_loads(r->body, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	char *out = NULL;

	if (msg)
		out = strdup(msg);
	else if (r->body && r->body[0]) {
		size_t n = strcspn(r->body, "\n");
		out = strndup(r->body, n > 400 ? 400 : n);
	} else if (asprintf(&out, "HTTP %ld", r->status) < 0)
		out = NULL;
	json_decref(j);
	return out;
}
