/*
 * The connection to ovcpd: JSON-RPC 2.0 over HTTP on the local unix socket,
 * or over HTTPS to a remote host, with one XenAPI session per process.
 *
 * Invariants: a password is only ever sent to a host whose certificate was
 * verified (CA file) or matched the remembered one (trust on first use: the
 * handshake is made and checked before the first request, and later
 * requests are pinned to that public key). Plain HTTP is for loopback only.
 * conn_close() always tries to log the session out.
 */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

struct conn {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	char *session;
	char pin[128];
	bool debug;
	long next_id;
};

static size_t write_body(char *data, size_t size, size_t n, void *userdata)
{
	buf_add(userdata, data, size * n);
	return size * n;
}

static bool host_is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static char *url_for(const struct conn_options *opt)
{
	struct buf b = BUF_INIT;

	if (opt->server == NULL)
		return strdup("http://localhost/jsonrpc");
	int port = opt->port ? opt->port : (opt->nossl ? 80 : 443);
	bool v6 = strchr(opt->server, ':') != NULL;
	buf_printf(&b, "%s://%s%s%s:%d/jsonrpc", opt->nossl ? "http" : "https", v6 ? "[" : "", opt->server,
		   v6 ? "]" : "", port);
	return buf_steal(&b);
}

/* The server's leaf certificate in PEM, from a handshake-only connection. */
static char *handshake_certificate(const char *url, int *status)
{
	CURL *h = curl_easy_init();
	struct curl_certinfo *ci = NULL;
	char *pem = NULL;
	CURLcode rc;

	*status = CLI_CONNECT;
	if (h == NULL)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		fprintf(stderr, "Error: cannot connect to %s: %s\n", url, curl_easy_strerror(rc));
		goto out;
	}
	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL || ci->num_of_certs < 1) {
		fprintf(stderr, "Error: %s did not present a certificate\n", url);
		goto out;
	}
	for (struct curl_slist *s = ci->certinfo[0]; s != NULL; s = s->next)
		if (strncmp(s->data, "Cert:", 5) == 0)
			pem = strdup(s->data + 5);
	if (pem == NULL)
		fprintf(stderr, "Error: could not read the certificate of %s\n", url);
	else
		*status = CLI_OK;
out:
	curl_easy_cleanup(h);
	return pem;
}

static int setup_tls(struct conn *c, const struct conn_options *opt)
{
	if (opt->insecure) {
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
		return CLI_OK;
	}
	if (opt->cafile != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, opt->cafile);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
		return CLI_OK;
	}
	int status;
	char *pem = handshake_certificate(c->url, &status);
	if (pem == NULL)
		return status;
	int port = opt->port ? opt->port : 443;
	status = trust_check(opt->server, port, pem, c->pin, sizeof(c->pin));
	free(pem);
	if (status != CLI_OK)
		return status;
	/* The chain is self-signed: what we trust is the key we checked above. */
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	if (curl_easy_setopt(c->curl, CURLOPT_PINNEDPUBLICKEY, c->pin) != CURLE_OK) {
		fprintf(stderr, "Error: this libcurl cannot pin public keys; use --cafile\n");
		return CLI_CONNECT;
	}
	return CLI_OK;
}

/* One request. 0 with *reply set, or CLI_CONNECT (printed). */
static int post(struct conn *c, const char *method, json_t *params, json_t **reply)
{
	json_t *req = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", (json_int_t)++c->next_id, "method",
				method, "params", params ? params : json_array());
	char *body = json_dumps(req, JSON_COMPACT);
	struct buf out = BUF_INIT;
	long http_status = 0;
	json_error_t jerr;
	CURLcode rc;
	int status = CLI_CONNECT;

	json_decref(req);
	if (body == NULL)
		goto out;
	if (c->debug && strcmp(method, "session.login_with_password") != 0)
		fprintf(stderr, "> %s\n", body);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &out);
	rc = curl_easy_perform(c->curl);
	if (rc != CURLE_OK) {
		if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
			fprintf(stderr, "Error: the server's key changed during the session; refusing to talk to it\n");
		else
			fprintf(stderr, "Error: cannot talk to the server: %s\n", curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &http_status);
	if (c->debug)
		fprintf(stderr, "< %ld %s\n", http_status, buf_cstr(&out));
	*reply = json_loads(buf_cstr(&out), 0, &jerr);
	if (*reply == NULL || !json_is_object(*reply)) {
		fprintf(stderr, "Error: the server sent a reply that is not JSON-RPC (HTTP %ld)\n", http_status);
		json_decref(*reply);
		*reply = NULL;
		goto out;
	}
	status = CLI_OK;
out:
	free(body);
	buf_free(&out);
	return status;
}

/* Split a reply into result or error array (v1 and v2 shapes). */
static int reply_split(json_t *reply, json_t **result, json_t **error)
{
	json_t *err = json_object_get(reply, "error");

	if (err == NULL || json_is_null(err)) {
		if (result != NULL)
			*result = json_incref(json_object_get(reply, "result"));
		if (result != NULL && *result == NULL)
			*result = json_null();
		return CLI_OK;
	}
	if (json_is_array(err)) {
		*error = json_incref(err);
	} else {
		json_t *arr = json_array();
		json_t *msg = json_object_get(err, "message"), *data = json_object_get(err, "data");
		json_array_append_new(arr,
				      json_string(json_is_string(msg) ? json_string_value(msg) : "INTERNAL_ERROR"));
		if (json_is_array(data))
			json_array_extend(arr, data);
		*error = arr;
	}
	return CLI_API;
}

int conn_call_raw(struct conn *c, const char *method, json_t *params, json_t **result, json_t **error)
{
	json_t *all = json_array(), *reply = NULL;
	int status;

	if (result != NULL)
		*result = NULL;
	*error = NULL;
	json_array_append_new(all, json_string(c->session ? c->session : ""));
	if (params != NULL) {
		json_array_extend(all, params);
		json_decref(params);
	}
	status = post(c, method, all, &reply);
	if (status != CLI_OK)
		return status;
	status = reply_split(reply, result, error);
	json_decref(reply);
	return status;
}

int conn_call(struct conn *c, const char *method, json_t *params, json_t **result)
{
	json_t *error = NULL, *res = NULL;
	int status = conn_call_raw(c, method, params, &res, &error);

	if (status == CLI_API)
		errors_print(error);
	json_decref(error);
	if (result != NULL)
		*result = res;
	else
		json_decref(res);
	return status;
}

static int login(struct conn *c, const struct conn_options *opt)
{
	const char *user = opt->server ? opt->user : "root";
	const char *password = opt->server ? opt->password : "";
	json_t *reply = NULL, *result = NULL, *error = NULL;
	int status =
	    post(c, "session.login_with_password", json_pack("[s, s, s, s]", user, password, "2.21", "ovcp"), &reply);

	if (status != CLI_OK)
		return status;
	status = reply_split(reply, &result, &error);
	json_decref(reply);
	if (status == CLI_API) {
		errors_print(error);
		json_decref(error);
		return CLI_API;
	}
	if (!json_is_string(result)) {
		fprintf(stderr, "Error: the server did not return a session\n");
		json_decref(result);
		return CLI_CONNECT;
	}
	c->session = strdup(json_string_value(result));
	json_decref(result);
	return CLI_OK;
}

struct conn *conn_open(const struct conn_options *opt, int *status)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->curl = curl_easy_init()) == NULL) {
		free(c);
		*status = CLI_CONNECT;
		return NULL;
	}
	c->debug = opt->debug;
	c->url = url_for(opt);
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	*status = CLI_OK;
	if (opt->server == NULL) {
		curl_easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, opt->socket_path);
	} else if (opt->nossl) {
		if (!host_is_loopback(opt->server)) {
			fprintf(stderr,
				"Error: --nossl is only allowed for a loopback host (127.0.0.1, ::1, localhost)\n");
			*status = CLI_USAGE;
		}
	} else {
		*status = setup_tls(c, opt);
	}
	if (*status == CLI_OK)
		*status = login(c, opt);
	if (*status != CLI_OK) {
		conn_close(c);
		return NULL;
	}
	return c;
}

void conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->session != NULL) {
		json_t *reply = NULL;
		if (post(c, "session.logout", json_pack("[s]", c->session), &reply) == CLI_OK)
			json_decref(reply);
	}
	curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	free(c->url);
	free(c->session);
	free(c);
}

const char *conn_session_ref(const struct conn *c)
{
	return c->session ? c->session : "";
}

/* ---- raw streams (HTTP CONNECT) ----------------------------------------- */

struct conn_stream {
	CURL *curl;
	curl_socket_t fd;
	char pending[4096]; /* bytes that came with the CONNECT answer */
	size_t n_pending, off_pending;
};

/* Send all of data (the socket is non-blocking under curl). */
static int stream_send_all(struct conn_stream *s, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(s->curl, p, len, &sent);

		if (rc == CURLE_AGAIN) {
			struct pollfd pf = {.fd = s->fd, .events = POLLOUT};
			poll(&pf, 1, 1000);
			continue;
		}
		if (rc != CURLE_OK) {
			fprintf(stderr, "Error: writing the stream: %s\n", curl_easy_strerror(rc));
			return -1;
		}
		p += sent;
		len -= sent;
	}
	return 0;
}

/* Read the CONNECT answer up to its blank line; keep what follows. */
static int stream_read_answer(struct conn_stream *s, const char *path)
{
	char head[4096];
	size_t n = 0;

	for (;;) {
		size_t got = 0;
		CURLcode rc = curl_easy_recv(s->curl, head + n, sizeof(head) - 1 - n, &got);

		if (rc == CURLE_AGAIN) {
			struct pollfd pf = {.fd = s->fd, .events = POLLIN};
			if (poll(&pf, 1, 30000) <= 0)
				break;
			continue;
		}
		if (rc != CURLE_OK || got == 0)
			break;
		n += got;
		head[n] = '\0';
		char *end = strstr(head, "\r\n\r\n");
		if (end != NULL) {
			int code = 0;

			sscanf(head, "HTTP/%*s %d", &code);
			if (code != 200) {
				char *eol = strstr(head, "\r\n");
				fprintf(stderr, "Error: the server refused %s: %.*s\n", path, (int)(eol - head), head);
				return CLI_API;
			}
			s->n_pending = n - (size_t)(end + 4 - head);
			memcpy(s->pending, end + 4, s->n_pending);
			return CLI_OK;
		}
		if (n == sizeof(head) - 1)
			break;
	}
	fprintf(stderr, "Error: no answer to CONNECT %s\n", path);
	return CLI_CONNECT;
}

struct conn_stream *conn_stream_open(struct conn *c, const char *path, int *status)
{
	struct conn_stream *s = calloc(1, sizeof(*s));
	char *req = NULL;
	long sock = -1;

	*status = CLI_CONNECT;
	if (s == NULL || (s->curl = curl_easy_duphandle(c->curl)) == NULL) {
		fprintf(stderr, "Error: out of memory\n");
		free(s);
		return NULL;
	}
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(s->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
	CURLcode rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK) {
		fprintf(stderr, "Error: cannot connect for %s: %s\n", path, curl_easy_strerror(rc));
		goto fail;
	}
	curl_socket_t active = CURL_SOCKET_BAD;
	if (curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &active) != CURLE_OK || active == CURL_SOCKET_BAD) {
		fprintf(stderr, "Error: no socket for %s\n", path);
		goto fail;
	}
	sock = (long)active;
	s->fd = (curl_socket_t)sock;
	if (asprintf(&req, "CONNECT %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path) < 0) {
		req = NULL;
		goto fail;
	}
	if (stream_send_all(s, req, strlen(req)) < 0) {
		fprintf(stderr, "Error: cannot send CONNECT %s\n", path);
		goto fail;
	}
	if ((*status = stream_read_answer(s, path)) != CLI_OK)
		goto fail;
	free(req);
	return s;
fail:
	free(req);
	conn_stream_close(s);
	return NULL;
}

int conn_stream_fd(const struct conn_stream *s)
{
	return (int)s->fd;
}

long conn_stream_read(struct conn_stream *s, void *buf, size_t len)
{
	size_t got = 0;

	if (s->off_pending < s->n_pending) {
		size_t n = s->n_pending - s->off_pending;

		if (n > len)
			n = len;
		memcpy(buf, s->pending + s->off_pending, n);
		s->off_pending += n;
		return (long)n;
	}
	CURLcode rc = curl_easy_recv(s->curl, buf, len, &got);
	if (rc == CURLE_AGAIN)
		return -2;
	if (rc != CURLE_OK) {
		fprintf(stderr, "Error: reading the stream: %s\n", curl_easy_strerror(rc));
		return -1;
	}
	return (long)got;
}

int conn_stream_write(struct conn_stream *s, const void *data, size_t len)
{
	return stream_send_all(s, data, len);
}

void conn_stream_close(struct conn_stream *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s);
}
