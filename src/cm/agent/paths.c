/*
 * Where the agent keeps its files: Puppet's defaults derived from confdir
 * and vardir (ssldir = confdir/ssl, statedir = vardir/state, client_datadir
 * = vardir/client_data), each overridable on the command line.
 */
#include "cm/agent/agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *path_join(const char *a, const char *b)
{
	char *s = NULL;

	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

static int default_dir(char **dst, const char *base, const char *sub)
{
	if (*dst)
		return 0;
	*dst = path_join(base, sub);
	return *dst ? 0 : -1;
}

int cm_agent_config_finish(struct cm_agent_config *cfg, struct err *e)
{
	if (cfg->confdir == NULL)
		cfg->confdir = strdup("/etc/puppet");
	if (cfg->vardir == NULL)
		cfg->vardir = strdup("/var/cache/puppet");
	if (cfg->confdir == NULL || cfg->vardir == NULL || default_dir(&cfg->ssldir, cfg->confdir, "ssl") < 0 ||
	    default_dir(&cfg->statedir, cfg->vardir, "state") < 0 ||
	    default_dir(&cfg->client_datadir, cfg->vardir, "client_data") < 0) {
		err_internal(e, "out of memory");
		return -1;
	}
	if (cfg->splaylimit <= 0)
		cfg->splaylimit = cfg->runinterval;
	return 0;
}

void cm_agent_config_free(struct cm_agent_config *cfg)
{
	free(cfg->confdir);
	free(cfg->vardir);
	free(cfg->ssldir);
	free(cfg->statedir);
	free(cfg->client_datadir);
}

/* "%s/certs/%s.pem" style: DIR/SUB/NAME.EXT */
static char *name_path(const char *dir, const char *sub, const char *name, const char *ext)
{
	char *s = NULL;

	return asprintf(&s, "%s/%s/%s.%s", dir, sub, name, ext) < 0 ? NULL : s;
}

int cm_agent_paths_init(struct cm_agent_paths *p, const struct cm_agent_config *cfg, struct err *e)
{
	const char *ssl = cfg->ssldir, *n = cfg->certname;

	memset(p, 0, sizeof(*p));
	p->ca = path_join(ssl, "certs/ca.pem");
	p->crl = path_join(ssl, "crl.pem");
	p->cert = name_path(ssl, "certs", n, "pem");
	p->key = name_path(ssl, "private_keys", n, "pem");
	p->pubkey = name_path(ssl, "public_keys", n, "pem");
	p->csr = name_path(ssl, "certificate_requests", n, "pem");
	p->lock = path_join(cfg->statedir, "agent_catalog_run.lock");
	p->report = path_join(cfg->statedir, "last_run_report.json");
	p->summary = path_join(cfg->statedir, "last_run_summary.yaml");
	p->catalog_cache = name_path(cfg->client_datadir, "catalog", n, "json");
	p->source_cache = path_join(cfg->client_datadir, "sources");
	if (!p->ca || !p->crl || !p->cert || !p->key || !p->pubkey || !p->csr || !p->lock || !p->report ||
	    !p->summary || !p->catalog_cache || !p->source_cache) {
		cm_agent_paths_free(p);
		err_internal(e, "out of memory");
		return -1;
	}
	return 0;
}

void cm_agent_paths_free(struct cm_agent_paths *p)
{
	char **all[] = {&p->ca,   &p->crl,     &p->cert,          &p->key,          &p->pubkey, &p->csr,
			&p->lock, &p->report,  &p->summary,       &p->catalog_cache, &p->source_cache};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}
