/*
 * Golden tests of the configuration texts: dnsmasq's argv and the nft
 * ruleset are pure functions of the networks. Each case's output is
 * compared with golden/NAME; OVCP_GOLDEN_UPDATE=1 rewrites the files
 * (read every diff before committing one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "net/net.h"
#include "tap.h"

static const char *golden_dir = "golden";

static void golden_check(const char *name, const char *got)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", golden_dir, name);
	if (getenv("OVCP_GOLDEN_UPDATE")) {
		CHECK(file_write_atomic(path, got, strlen(got), 0644) == 0);
		return;
	}
	char *want = file_read_all(path, NULL);
	CHECK(want != NULL);
	if (want && strcmp(want, got) != 0) {
		printf("# %s differs; got:\n", name);
		for (const char *p = got; *p;) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);
			printf("#   %.*s\n", len, p);
			p += len + (nl != NULL);
		}
		CHECK(!"golden mismatch");
	}
	free(want);
}

static struct net_subnet subnet(const char *text)
{
	struct net_subnet s = {0, 0};
	struct err e = {0};

	CHECK(net_subnet_parse(text, &s, &e) == 0);
	err_clear(&e);
	return s;
}

/* One argument a line. */
static void argv_golden(const char *name, const struct net_dhcp_config *c)
{
	struct net_argv a = {0};
	char text[8192] = "";

	CHECK(net_dnsmasq_argv(c, &a) == 0);
	for (size_t i = 0; i < a.n; i++) {
		strncat(text, a.v[i], sizeof(text) - strlen(text) - 2);
		strcat(text, "\n");
	}
	CHECK(a.v[a.n] == NULL);
	golden_check(name, text);
	net_argv_free(&a);
}

static void test_dnsmasq_nat(void)
{
	struct net_dhcp_config c = {"ovcpbr0", subnet("10.77.0.0/24"), true, true, "/var/lib/ovcp/net"};

	argv_golden("dnsmasq-nat.args", &c);
}

static void test_dnsmasq_isolated(void)
{
	struct net_dhcp_config c = {"ovcpbr3", subnet("192.168.50.16/28"), false, false, "/var/lib/ovcp/net"};

	argv_golden("dnsmasq-isolated.args", &c);
}

static void test_dnsmasq_refuses_bad_bridge(void)
{
	struct net_dhcp_config c = {"bad bridge", subnet("10.0.0.0/24"), false, false, "/x"};
	struct net_argv a = {0};

	CHECK(net_dnsmasq_argv(&c, &a) < 0);
	net_argv_free(&a);
}

static void test_nft_empty(void)
{
	char *text = net_nft_ruleset(NULL, 0);

	CHECK(text != NULL);
	if (text)
		golden_check("nft-empty.nft", text);
	free(text);
}

static void test_nft_two(void)
{
	/* Out of order on purpose: the ruleset is sorted by bridge. */
	struct net_nat_network nets[] = {
	    {"ovcpbr2", subnet("172.20.0.0/16"), NULL},
	    {"ovcpbr0", subnet("10.77.0.0/24"), "eth0"},
	};
	char *text = net_nft_ruleset(nets, 2);

	CHECK(text != NULL);
	if (text)
		golden_check("nft-two.nft", text);
	free(text);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		golden_dir = argv[1];
	TAP_RUN(test_dnsmasq_nat);
	TAP_RUN(test_dnsmasq_isolated);
	TAP_RUN(test_dnsmasq_refuses_bad_bridge);
	TAP_RUN(test_nft_empty);
	TAP_RUN(test_nft_two);
	return tap_done();
}
