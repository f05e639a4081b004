/*
 * `ovcp-cm ca`: puppetserver ca's verbs on the CA directory, directly on the
 * files (under the CA lock), so they work whether a master runs or not and
 * take effect at once in running masters (which re-read the CA files).
 *
 *   ovcp-cm ca [--confdir DIR | --cadir DIR] list [--all]
 *   ovcp-cm ca ... sign NAME | --all  [--allow-dns-alt-names]
 *   ovcp-cm ca ... revoke NAME...
 *   ovcp-cm ca ... clean NAME...
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cm/ca/ca.h"

#define CM_DEFAULT_CONFDIR "/etc/ovcp-cm"

struct ca_cli {
	struct cm_ca *ca;
	bool all, allow_alt;
	int nargs;
	char **args;
};

static int verb_list(struct ca_cli *c);
static int verb_sign(struct ca_cli *c);
static int verb_revoke(struct ca_cli *c);
static int verb_clean(struct ca_cli *c);

static const struct {
	const char *name;
	int (*run)(struct ca_cli *c);
	bool needs_names;
} verbs[] = {
	{"list", verb_list, false},
	{"sign", verb_sign, false},
	{"revoke", verb_revoke, true},
	{"clean", verb_clean, true},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ovcp-cm ca [--confdir DIR | --cadir DIR] list [--all]\n"
	             "       ovcp-cm ca [...] sign NAME...|--all [--allow-dns-alt-names]\n"
	             "       ovcp-cm ca [...] revoke NAME...\n"
	             "       ovcp-cm ca [...] clean NAME...\n"
	             "The CA lives in CADIR (default CONFDIR/ssl/ca, CONFDIR default " CM_DEFAULT_CONFDIR ").\n");
}

static void print_status(struct cm_ca_status *st)
{
	char nb[32] = "", na[32] = "";
	struct tm tm;

	if (st->not_after) {
		strftime(nb, sizeof(nb), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&st->not_before, &tm));
		strftime(na, sizeof(na), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&st->not_after, &tm));
	}
	printf("%-9s %-40s (SHA256) %s", cm_ca_state_name(st->state), st->name, st->fingerprint_sha256);
	for (size_t i = 0; st->dns_alt_names && st->dns_alt_names[i]; i++)
		printf("%s%s", i ? ", " : "\talt names: ", st->dns_alt_names[i]);
	if (st->serial)
		printf("\tserial %lld, %s .. %s", st->serial, nb, na);
	printf("\n");
}

static int list_sub(struct ca_cli *c, const char *sub, bool signed_too)
{
	char **names = cm_ca_list_dir(c->ca, sub);
	int rc = 0;

	for (size_t i = 0; names && names[i]; i++) {
		struct cm_ca_status st;
		struct err e = {0};
		if (cm_ca_status_get(c->ca, names[i], &st, &e) < 0) {
			fprintf(stderr, "ovcp-cm ca: %s\n", json_string_value(json_array_get(e.desc, 1)));
			err_clear(&e);
			rc = 1;
			continue;
		}
		if (signed_too || st.state == CM_CA_REQUESTED)
			print_status(&st);
		cm_ca_status_clear(&st);
	}
	cm_ca_strv_free(names);
	return rc;
}

static int verb_list(struct ca_cli *c)
{
	char **pending = cm_ca_list_dir(c->ca, "requests");
	int rc;

	if (!c->all && (pending == NULL || pending[0] == NULL))
		printf("No certificates to list\n");
	cm_ca_strv_free(pending);
	rc = list_sub(c, "requests", false);
	if (c->all)
		rc |= list_sub(c, "signed", true);
	return rc;
}

static int report(int rc, struct err *e, const char *what, const char *name)
{
	if (rc == 0)
		printf("Successfully %s %s\n", what, name);
	else
		fprintf(stderr, "ovcp-cm ca: %s\n", json_string_value(json_array_get(e->desc, 1)));
	err_clear(e);
	return rc == 0 ? 0 : 1;
}

static int verb_sign(struct ca_cli *c)
{
	char **names = c->all ? cm_ca_list_dir(c->ca, "requests") : NULL;
	char **list = c->all ? names : c->args;
	int rc = 0;

	if (!c->all && c->nargs == 0) {
		usage(stderr);
		return 1;
	}
	if (c->all && (names == NULL || names[0] == NULL))
		printf("No waiting certificate requests to sign\n");
	for (size_t i = 0; list && list[i]; i++) {
		struct err e = {0};
		rc |= report(cm_ca_sign(c->ca, list[i], c->allow_alt, &e), &e, "signed certificate request for", list[i]);
	}
	cm_ca_strv_free(names);
	return rc;
}

static int verb_revoke(struct ca_cli *c)
{
	int rc = 0;

	for (int i = 0; i < c->nargs; i++) {
		struct err e = {0};
		rc |= report(cm_ca_revoke(c->ca, c->args[i], &e), &e, "revoked certificate for", c->args[i]);
	}
	return rc;
}

static int verb_clean(struct ca_cli *c)
{
	int rc = 0;

	for (int i = 0; i < c->nargs; i++) {
		struct err e = {0};
		rc |= report(cm_ca_clean(c->ca, c->args[i], &e), &e, "cleaned files for", c->args[i]);
	}
	return rc;
}

int cm_ca_cli(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"confdir", required_argument, NULL, 'c'}, {"cadir", required_argument, NULL, 'C'},
		{"all", no_argument, NULL, 'a'},           {"allow-dns-alt-names", no_argument, NULL, 'A'},
		{"certname", required_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ca_cli c = {0};
	const char *confdir = CM_DEFAULT_CONFDIR, *cadir = NULL;
	char *path = NULL, *names[64];
	const char *verb = NULL;
	struct err e = {0};
	int ch, rc = 1, nnames = 0;

	optind = 1;
	/* verbs and names may come before or after options: collect the operands */
	while (optind < argc) {
		if ((ch = getopt_long(argc, argv, "+c:C:aAn:h", longopts, NULL)) == -1) {
			if (nnames < 63)
				names[nnames++] = argv[optind];
			optind++;
			continue;
		}
		switch (ch) {
		case 'c': confdir = optarg; break;
		case 'C': cadir = optarg; break;
		case 'a': c.all = true; break;
		case 'A': c.allow_alt = true; break;
		case 'n': if (nnames < 63) names[nnames++] = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	names[nnames] = NULL;
	if (nnames == 0) {
		usage(stderr);
		return 1;
	}
	verb = names[0];
	c.args = names + 1;
	c.nargs = nnames - 1;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].name, verb) != 0)
			continue;
		if (verbs[i].needs_names && c.nargs == 0) {
			usage(stderr);
			return 1;
		}
		if (cadir == NULL && asprintf(&path, "%s/ssl/ca", confdir) < 0)
			return 1;
		c.ca = cm_ca_open(cadir ? cadir : path, false, NULL, 0, &e);
		if (c.ca == NULL) {
			fprintf(stderr, "ovcp-cm ca: %s\n", json_string_value(json_array_get(e.desc, 1)));
			err_clear(&e);
		} else
			rc = verbs[i].run(&c);
		cm_ca_free(c.ca);
		free(path);
		return rc;
	}
	fprintf(stderr, "ovcp-cm ca: unknown action '%s'\n", verb);
	usage(stderr);
	return 1;
}
