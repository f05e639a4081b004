/*
 * ovcpd: OVCP's host toolstack daemon (the xapi of OVCP).
 *
 * Start-up: options -> state directory -> store -> object model and first-
 * start records -> host certificate -> listeners. Then the main thread only
 * waits for signals (SIGTERM/SIGINT stop, SIGHUP reopens the log) and runs
 * the periodic session sweep; every other thread has signals blocked.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "console/console.h"
#include "metrics/metrics.h"
#include "daemon/http.h"
#include "daemon/tls.h"
#include "store/store.h"
#include "xapi/server.h"
#include "xapi/vm_api.h"
#include "xapi/storage_api.h"
#include "xapi/network_api.h"

#define OVCP_VERSION "0.1.0"
#define DEFAULT_STATE_DIR "/var/lib/ovcp"
#define DEFAULT_SOCKET "/run/ovcp/xapi.sock"
#define DEFAULT_LISTEN "https://0.0.0.0:443"
#define SWEEP_INTERVAL_S 10

struct options {
	bool foreground, check, debug;
	bool metrics_public; /* GET /metrics without a session */
	const char *state_dir, *socket_path, *root_password_file, *log_path, *web_root;
	const char *kernel_dir, *run_dir; /* VM driver: PV_kernel confinement, per-VM runtime dirs */
	const char *listen[16];
	size_t nlisten;
	int session_timeout;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ovcpd [-f] [-n] [--state-dir DIR] [--listen URL]... [--socket PATH]\n"
		   "             [--root-password-file FILE] [--log FILE] [--session-timeout SECONDS]\n"
		   "             [--web-root DIR] [--kernel-dir DIR] [--run-dir DIR] [--metrics-public] [--debug]\n"
		   "See ovcpd(8).\n");
}

static int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "socket", required_argument, NULL, 's' },
		{ "root-password-file", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' },
		{ "session-timeout", required_argument, NULL, 't' },
		{ "debug", no_argument, NULL, 'D' },
		{ "metrics-public", no_argument, NULL, 'M' },
		{ "web-root", required_argument, NULL, 'W' },
		{ "kernel-dir", required_argument, NULL, 'K' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->state_dir = DEFAULT_STATE_DIR;
	o->socket_path = DEFAULT_SOCKET;
	o->session_timeout = 24 * 3600;
	while ((c = getopt_long(argc, argv, "fnh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'n':
			o->check = true;
			break;
		case 'd':
			o->state_dir = optarg;
			break;
		case 'l':
			if (o->nlisten == 15) {
				fprintf(stderr, "ovcpd: too many --listen\n");
				return -1;
			}
			o->listen[o->nlisten++] = optarg;
			break;
		case 's':
			o->socket_path = optarg;
			break;
		case 'p':
			o->root_password_file = optarg;
			break;
		case 'L':
			o->log_path = optarg;
			break;
		case 't': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 30L * 24 * 3600) {
				fprintf(stderr, "ovcpd: --session-timeout: a number of seconds, 1 to 2592000\n");
				return -1;
			}
			o->session_timeout = (int)v;
			break;
		}
		case 'M':
			o->metrics_public = true;
			break;
		case 'D':
			o->debug = true;
			break;
		case 'W':
			o->web_root = optarg;
			break;
		case 'K':
			o->kernel_dir = optarg;
			break;
		case 'R':
			o->run_dir = optarg;
			break;
		case 'V':
			printf("ovcpd %s\n", OVCP_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	if (o->nlisten == 0)
		o->listen[o->nlisten++] = DEFAULT_LISTEN;
	return 0;
}

static void host_address(char *out, size_t size)
{
	struct ifaddrs *ifs, *i;

	snprintf(out, size, "127.0.0.1");
	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
			if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
				continue;
			inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)size);
			break;
		}
	freeifaddrs(ifs);
}

/* STATE/host-uuid: this host's identity, made once. */
static int host_uuid(const char *state, char uuid[UUID_STR_LEN])
{
	char path[4096];
	char *text;

	snprintf(path, sizeof(path), "%s/host-uuid", state);
	text = file_read_all(path, NULL);
	if (text) {
		text[strcspn(text, "\r\n")] = '\0';
		bool ok = uuid_is_valid(text);
		if (ok)
			memcpy(uuid, text, UUID_STR_LEN);
		else
			log_error("%s does not hold a uuid", path);
		free(text);
		return ok ? 0 : -1;
	}
	uuid_generate_str(uuid);
	char line[UUID_STR_LEN + 1];
	snprintf(line, sizeof(line), "%s\n", uuid);
	if (file_write_atomic(path, line, strlen(line), 0644) < 0) {
		log_error("write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The root password for the first start: from the file given, or generated into STATE/root-password. */
static char *root_password(const struct options *o)
{
	char path[4096], *text;

	if (o->root_password_file) {
		text = file_read_all(o->root_password_file, NULL);
		if (text == NULL) {
			log_error("read %s: %s", o->root_password_file, strerror(errno));
			return NULL;
		}
		text[strcspn(text, "\r\n")] = '\0';
		return text;
	}
	snprintf(path, sizeof(path), "%s/root-password", o->state_dir);
	text = file_read_all(path, NULL);
	if (text) {
		text[strcspn(text, "\r\n")] = '\0';
		return text;
	}
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char rnd[20];
	char pw[sizeof(rnd) + 2];
	if (random_fill(rnd, sizeof(rnd)) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(rnd); i++)
		pw[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	pw[sizeof(rnd)] = '\n';
	pw[sizeof(rnd) + 1] = '\0';
	if (file_write_atomic(path, pw, strlen(pw), 0600) < 0) {
		log_error("write %s: %s", path, strerror(errno));
		return NULL;
	}
	log_info("generated the root password into %s", path);
	pw[sizeof(rnd)] = '\0';
	return strdup(pw);
}

static int check_listeners(const struct options *o, struct listen_spec *specs, size_t *n, bool *need_tls)
{
	struct err e = { 0 };

	*n = 0;
	*need_tls = false;
	for (size_t i = 0; i < o->nlisten; i++) {
		if (listen_spec_parse(o->listen[i], &specs[*n], &e) < 0) {
			fprintf(stderr, "ovcpd: %s\n", json_string_value(json_array_get(e.desc, 1)));
			err_clear(&e);
			return -1;
		}
		*need_tls |= specs[*n].tls;
		(*n)++;
	}
	if (o->socket_path && *o->socket_path) {
		specs[*n] = (struct listen_spec){ .unix_socket = true };
		snprintf(specs[*n].host, sizeof(specs[*n].host), "%s", o->socket_path);
		(*n)++;
	}
	return 0;
}

static int run(const struct options *o, const struct listen_spec *specs, size_t nspecs, bool need_tls)
{
	char uuid[UUID_STR_LEN], hostname[256], address[64], url[4200], tls_dir[4200];
	struct err e = { 0 };
	struct xapi_server xs;
	struct store *store = NULL;
	struct http_server *http = NULL;
	char *cert = NULL, *key = NULL, *password = NULL;
	int rc = 1;
	sigset_t sigs;

	if (dir_make_all(o->state_dir, 0700) < 0) {
		log_error("state directory %s: %s", o->state_dir, strerror(errno));
		return 1;
	}
	if (strrchr(o->socket_path, '/')) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(o->socket_path, '/') - o->socket_path),
			 o->socket_path);
		if (*dir && dir_make_all(dir, 0755) < 0) {
			log_error("socket directory %s: %s", dir, strerror(errno));
			return 1;
		}
	}
	if (host_uuid(o->state_dir, uuid) < 0)
		return 1;
	if (gethostname(hostname, sizeof(hostname)) < 0)
		snprintf(hostname, sizeof(hostname), "localhost");
	host_address(address, sizeof(address));

	/* Signals go to the main thread only: block them before any thread starts. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	snprintf(url, sizeof(url), "sqlite:%s/ovcp.db", o->state_dir);
	store = store_open(url, &e);
	if (store == NULL)
		goto fail;
	if (xapi_server_init(&xs, store, &e) < 0)
		goto fail;
	xs.session_idle_timeout_s = o->session_timeout;
	password = root_password(o);
	struct host_identity id = { uuid, hostname, address, OVCP_VERSION };
	xs.state_dir = o->state_dir;
	if (password == NULL || xapi_server_bootstrap(&xs, &id, password, &e) < 0)
		goto fail_server;
	/* Drivers start here, after the records exist, one call each (storage, network, VMs). */
	if (storage_startup(&xs, &e) < 0)
		goto fail_server;
	if (network_startup(&xs, &e) < 0)
		goto fail_server;
	if (vm_manager_start(&xs, &(struct vm_manager_options){ o->kernel_dir, o->run_dir, NULL }, &e) < 0)
		goto fail_server;
	if (metrics_start(&xs, &(struct metrics_options){ o->metrics_public, o->state_dir }, &e) < 0)
		goto fail_server;
	if (need_tls) {
		snprintf(tls_dir, sizeof(tls_dir), "%s/tls", o->state_dir);
		if (tls_host_certificate(tls_dir, hostname, address, &cert, &key, &e) < 0)
			goto fail_server;
	}
	http = http_server_start(&xs, specs, nspecs, cert, key, o->web_root, &e);
	if (http == NULL)
		goto fail_server;
	log_info("ovcpd %s ready: host %s (%s)", OVCP_VERSION, hostname, uuid);
	for (;;) {
		struct timespec ts = { SWEEP_INTERVAL_S, 0 };
		int sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("stopping on signal %d", sig);
			break;
		}
		if (sig == SIGHUP) {
			log_reopen();
			log_info("log reopened");
		}
		if (sig < 0 && errno == EAGAIN)
			session_sweep(&xs);
	}
	xs.stopping = true;
	console_stop(); /* upgraded connections are closed by their owner first */
	http_server_stop(http);
	rc = 0;
fail_server:
	metrics_stop(&xs);
	vm_manager_stop(&xs); /* after the metrics sampler, which queries QEMU through it */
	storage_shutdown(&xs);
	xapi_server_fini(&xs);
fail:
	if (err_isset(&e)) {
		char *text = json_dumps(e.desc, JSON_COMPACT);
		log_error("cannot start: %s", text);
		free(text);
	}
	err_clear(&e);
	store_close(store);
	if (password)
		explicit_bzero(password, strlen(password));
	free(password);
	free(cert);
	if (key)
		explicit_bzero(key, strlen(key));
	free(key);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct listen_spec specs[17];
	size_t nspecs;
	bool need_tls;

	if (options_parse(argc, argv, &o) < 0 || check_listeners(&o, specs, &nspecs, &need_tls) < 0)
		return 2;
	if (o.check) {
		printf("configuration OK\n");
		return 0;
	}
	if (log_open("ovcpd", o.log_path, o.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO) < 0)
		return 1;
	if (!o.foreground && daemon(1, o.log_path ? 0 : 1) < 0) {
		log_error("daemon: %s", strerror(errno));
		return 1;
	}
	int rc = run(&o, specs, nspecs, need_tls);
	log_close();
	return rc;
}
