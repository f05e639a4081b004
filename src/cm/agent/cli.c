/*
 * `ovcp-cm agent`: options with Puppet's names and meanings, settings from
 * confdir/puppet.conf ([main] then [agent]; the command line wins), and the
 * two modes: --onetime runs once and exits with the run's code; otherwise
 * the agent runs every runinterval (after one random splay when --splay),
 * in the background unless --no-daemonize. SIGUSR1 starts a run now,
 * SIGTERM/SIGINT stop the daemon between runs.
 */
#include "cm/agent/agent.h"

#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

const char cm_agent_usage[] =
	"agent [--onetime] [--no-daemonize] [--test] [--server HOST] [--masterport PORT]\n"
	"      [--certname NAME] [--confdir DIR] [--vardir DIR] [--ssldir DIR] [--environment ENV]\n"
	"      [--waitforcert SECONDS] [--noop] [--runinterval SECONDS] [--splay] [--splaylimit SECONDS]\n"
	"      [--detailed-exitcodes] [--verbose] [--debug] [--http-timeout SECONDS] [--no-usecacheonfailure]";

/* Strings the options and puppet.conf set; the config points into these. */
struct agent_settings {
	char *server, *certname, *environment;
	bool server_set, port_set, certname_set, environment_set, runinterval_set;
};

static volatile sig_atomic_t agent_stop, agent_wake;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		agent_wake = 1;
	else
		agent_stop = 1;
}

/* Puppet's durations: 30, "30s", "5m", "1h", "1d". -1 when malformed. */
static int parse_duration(const char *s)
{
	static const struct {
		char unit;
		int seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'y', 31536000}};
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	if (*end == '\0')
		return (int)v;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0')
			return (int)(v * units[i].seconds);
	return -1;
}

static void set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = strdup(value);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One puppet.conf key from [main] or [agent] that the command line did not set. */
static void conf_apply(struct cm_agent_config *cfg, struct agent_settings *s, const char *key, const char *value)
{
	if (strcmp(key, "server") == 0 && !s->server_set)
		set_string(&s->server, value);
	else if ((strcmp(key, "masterport") == 0 || strcmp(key, "serverport") == 0) && !s->port_set)
		cfg->port = atoi(value);
	else if (strcmp(key, "certname") == 0 && !s->certname_set)
		set_string(&s->certname, value);
	else if (strcmp(key, "environment") == 0 && !s->environment_set)
		set_string(&s->environment, value);
	else if (strcmp(key, "runinterval") == 0 && !s->runinterval_set && parse_duration(value) > 0)
		cfg->runinterval = parse_duration(value);
	else if (strcmp(key, "ssldir") == 0 && cfg->ssldir == NULL)
		cfg->ssldir = strdup(value);
}

static void conf_read(struct cm_agent_config *cfg, struct agent_settings *s)
{
	char *path = NULL, *text, *save = NULL;
	bool wanted = true; /* before any section: [main] */

	if (asprintf(&path, "%s/puppet.conf", cfg->confdir) < 0)
		return;
	text = file_read_all(path, NULL);
	free(path);
	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *l = trim(line), *eq;
		if (*l == '#' || *l == '\0')
			continue;
		if (*l == '[') {
			wanted = strcmp(l, "[main]") == 0 || strcmp(l, "[agent]") == 0;
			continue;
		}
		eq = strchr(l, '=');
		if (!wanted || eq == NULL)
			continue;
		*eq = '\0';
		conf_apply(cfg, s, trim(l), trim(eq + 1));
	}
	free(text);
}

static char *default_certname(void)
{
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	for (char *p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return strdup(host);
}

enum { OPT_NO_DAEMONIZE = 256, OPT_DAEMONIZE, OPT_SPLAYLIMIT, OPT_NOCACHE, OPT_TIMEOUT, OPT_NO_SPLAY };

static int parse_args(int argc, char **argv, struct cm_agent_config *cfg, struct agent_settings *s)
{
	static const struct option longopts[] = {
		{"onetime", no_argument, NULL, 'o'},           {"no-daemonize", no_argument, NULL, OPT_NO_DAEMONIZE},
		{"daemonize", no_argument, NULL, OPT_DAEMONIZE}, {"server", required_argument, NULL, 's'},
		{"masterport", required_argument, NULL, 'p'},  {"serverport", required_argument, NULL, 'p'},
		{"confdir", required_argument, NULL, 'c'},     {"vardir", required_argument, NULL, 'V'},
		{"ssldir", required_argument, NULL, 'S'},      {"certname", required_argument, NULL, 'n'},
		{"environment", required_argument, NULL, 'E'}, {"waitforcert", required_argument, NULL, 'w'},
		{"noop", no_argument, NULL, 'N'},              {"runinterval", required_argument, NULL, 'r'},
		{"splay", no_argument, NULL, 'y'},             {"no-splay", no_argument, NULL, OPT_NO_SPLAY},
		{"splaylimit", required_argument, NULL, OPT_SPLAYLIMIT},
		{"test", no_argument, NULL, 't'},              {"detailed-exitcodes", no_argument, NULL, 'e'},
		{"verbose", no_argument, NULL, 'v'},           {"debug", no_argument, NULL, 'd'},
		{"no-usecacheonfailure", no_argument, NULL, OPT_NOCACHE},
		{"http-timeout", required_argument, NULL, OPT_TIMEOUT},
		{"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "os:p:c:V:S:n:E:w:Nr:ytevdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': cfg->onetime = true; break;
		case OPT_NO_DAEMONIZE: cfg->daemonize = false; break;
		case OPT_DAEMONIZE: cfg->daemonize = true; break;
		case 's': set_string(&s->server, optarg), s->server_set = true; break;
		case 'p': cfg->port = atoi(optarg), s->port_set = true; break;
		case 'c': set_string(&cfg->confdir, optarg); break;
		case 'V': set_string(&cfg->vardir, optarg); break;
		case 'S': set_string(&cfg->ssldir, optarg); break;
		case 'n': set_string(&s->certname, optarg), s->certname_set = true; break;
		case 'E': set_string(&s->environment, optarg), s->environment_set = true; break;
		case 'w': cfg->waitforcert = parse_duration(optarg); break;
		case 'N': cfg->noop = true; break;
		case 'r': cfg->runinterval = parse_duration(optarg), s->runinterval_set = true; break;
		case 'y': cfg->splay = true; break;
		case OPT_NO_SPLAY: cfg->splay = false; break;
		case OPT_SPLAYLIMIT: cfg->splaylimit = parse_duration(optarg); break;
		case 't': /* Puppet's --test */
			cfg->test = cfg->onetime = cfg->verbose = cfg->detailed_exitcodes = true;
			cfg->daemonize = false;
			break;
		case 'e': cfg->detailed_exitcodes = true; break;
		case 'v': cfg->verbose = true; break;
		case 'd': cfg->debug = true; break;
		case OPT_NOCACHE: cfg->use_cache_on_failure = false; break;
		case OPT_TIMEOUT: cfg->http_timeout = parse_duration(optarg); break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (optind < argc || cfg->port <= 0 || cfg->port > 65535 || cfg->waitforcert < 0 || cfg->runinterval <= 0 ||
	    cfg->splaylimit < 0 || cfg->http_timeout <= 0)
		return -1;
	return 0;
}

static unsigned random_below(unsigned limit)
{
	unsigned v = 0;

	if (limit == 0)
		return 0;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (unsigned)time(NULL) ^ (unsigned)getpid();
	return v % limit;
}

/* Sleep SECONDS unless a signal asks for a run or a stop. */
static void nap(int seconds)
{
	for (int i = 0; i < seconds * 10 && !agent_stop && !agent_wake; i++)
		usleep(100 * 1000);
	agent_wake = 0;
}

static int daemon_detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static int agent_loop(const struct cm_agent_config *cfg)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (cfg->daemonize && daemon_detach() < 0) {
		cm_agent_log("err", "Could not daemonize");
		return 1;
	}
	cm_agent_log("notice", "Starting Puppet client version 7.23.0");
	if (cfg->splay) {
		unsigned splay = random_below((unsigned)cfg->splaylimit);
		cm_agent_log("info", "Sleeping for %u seconds (splay is enabled)", splay);
		nap((int)splay);
	}
	while (!agent_stop) {
		cm_agent_run_once(cfg);
		nap(cfg->runinterval);
	}
	cm_agent_log("notice", "Caught TERM; exiting");
	return 0;
}

int cm_agent_main(int argc, char **argv, const char *usage)
{
	struct cm_agent_config cfg = {
		.port = 8140, .waitforcert = 120, .runinterval = 1800, .daemonize = true, .http_timeout = 120,
		.use_cache_on_failure = true,
	};
	struct agent_settings s = {0};
	struct err e = {0};
	int rc = parse_args(argc, argv, &cfg, &s);

	if (rc != 0) {
		fprintf(rc > 0 ? stdout : stderr, "usage: ovcp-cm %s\n", usage);
		rc = rc > 0 ? 0 : 1;
		goto out;
	}
	if (cfg.confdir == NULL)
		cfg.confdir = strdup("/etc/puppet");
	conf_read(&cfg, &s);
	if (s.certname == NULL)
		s.certname = default_certname();
	cfg.server = s.server ? s.server : "puppet";
	cfg.certname = s.certname;
	cfg.environment = s.environment;
	if (cm_agent_config_finish(&cfg, &e) < 0 || cfg.certname == NULL) {
		fprintf(stderr, "Error: %s\n", err_code(&e));
		rc = 1;
		goto out;
	}
	cm_agent_log_set(cfg.verbose, cfg.debug);
	rc = cfg.onetime ? cm_agent_run_once(&cfg) : agent_loop(&cfg);
out:
	err_clear(&e);
	cm_agent_config_free(&cfg);
	free(s.server);
	free(s.certname);
	free(s.environment);
	return rc;
}
