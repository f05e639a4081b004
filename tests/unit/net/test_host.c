/*
 * The network library against the real kernel, dnsmasq and nft, inside a
 * private network namespace (netns.h): bridges, taps with their owner,
 * enslaving, addresses, spawning with deadlines, dnsmasq start/stop, nft.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "net/net.h"
#include "netns.h"
#include "tap.h"

static bool in_netns;
static char run_dir[256];

static char *sys_text(const char *name, const char *attr)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	char *t = file_read_all(path, NULL);
	if (t)
		t[strcspn(t, "\n")] = '\0';
	return t;
}

/* Gone or a zombie (its reaper is init, not this test). */
static bool process_gone(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	char *t = file_read_all(path, NULL);
	const char *paren = t ? strrchr(t, ')') : NULL;
	bool gone = paren == NULL || paren[2] == 'Z' || paren[2] == 'X';
	free(t);
	return gone;
}

static int fds_open(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_bridge(void)
{
	struct err e = {0};
	struct net_link l;

	if (!in_netns) {
		TAP_SKIP("needs root for a private network namespace");
		return;
	}
	CHECK(net_bridge_ensure("ovcpbr0", 1400, &e) == 0);
	CHECK(net_bridge_ensure("ovcpbr0", 1400, &e) == 0); /* idempotent */
	CHECK(net_link_get("ovcpbr0", &l, &e) == 1);
	CHECK_STR(l.kind, "bridge");
	CHECK(l.up);
	CHECK_INT(l.mtu, 1400);
	CHECK(net_addr_ensure("ovcpbr0", 0x0a4d0001, 24, &e) == 0);
	CHECK(net_addr_ensure("ovcpbr0", 0x0a4d0001, 24, &e) == 0);
	CHECK(net_link_get("ovcpbr0", &l, &e) == 1);
	CHECK_STR(l.ipv4, "10.77.0.1");
	CHECK_INT(l.prefix, 24);
	CHECK(!l.ipv4_dynamic);
	/* "lo" is no bridge: ensuring a bridge of that name fails and leaves lo alone. */
	CHECK(net_bridge_ensure("lo", 0, &e) < 0);
	err_clear(&e);
	CHECK(net_link_get("nothere0", &l, &e) == 0);
	CHECK(net_link_delete("nothere0", &e) == 0);
	err_clear(&e);
}

static void test_tap(void)
{
	struct err e = {0};
	struct net_link l;

	if (!in_netns) {
		TAP_SKIP("needs root for a private network namespace");
		return;
	}
	int before = fds_open();
	CHECK(net_tap_create("ovcp1234abcdd0", 4242, &e) == 0);
	CHECK(net_tap_create("ovcp1234abcdd0", 4242, &e) == 0); /* an existing tap is reused */
	char *owner = sys_text("ovcp1234abcdd0", "owner");
	CHECK_STR(owner, "4242");
	free(owner);
	char *flags = sys_text("ovcp1234abcdd0", "tun_flags");
	CHECK(flags && (strtoul(flags, NULL, 16) & 0x0002)); /* IFF_TAP */
	free(flags);
	CHECK(net_link_set_mtu("ovcp1234abcdd0", 1400, &e) == 0);
	CHECK(net_link_set_master("ovcp1234abcdd0", "ovcpbr0", &e) == 0);
	CHECK(net_link_set_up("ovcp1234abcdd0", true, &e) == 0);
	CHECK(net_link_get("ovcp1234abcdd0", &l, &e) == 1);
	CHECK_STR(l.master, "ovcpbr0");
	CHECK_STR(l.kind, "tun");
	CHECK(l.up);
	CHECK(net_link_set_master("ovcp1234abcdd0", NULL, &e) == 0);
	CHECK(net_link_get("ovcp1234abcdd0", &l, &e) == 1);
	CHECK_STR(l.master, "");
	CHECK(net_link_delete("ovcp1234abcdd0", &e) == 0);
	CHECK(net_link_get("ovcp1234abcdd0", &l, &e) == 0);
	CHECK(net_tap_create("bad name", 0, &e) < 0);
	err_clear(&e);
	CHECK_INT(fds_open(), before);
}

static void test_spawn(void)
{
	struct err e = {0};
	char *ok[] = {"true", NULL}, *fail[] = {"sh", "-c", "exit 3", NULL};
	char *slow[] = {"sleep", "10", NULL}, *missing[] = {"ovcp-no-such-program", NULL};
	int before = fds_open();

	CHECK_INT(net_spawn_wait(ok, NULL, 5000, &e), 0);
	CHECK_INT(net_spawn_wait(fail, NULL, 5000, &e), 3);
	int64_t t0 = time_monotonic_ms();
	CHECK_INT(net_spawn_wait(slow, NULL, 200, &e), -1);
	CHECK(time_monotonic_ms() - t0 < 3000);
	CHECK_STR(err_code(&e), "INTERNAL_ERROR");
	err_clear(&e);
	CHECK_INT(net_spawn_wait(missing, NULL, 1000, &e), -1);
	err_clear(&e);
	CHECK_INT(fds_open(), before);
}

static void test_dnsmasq(void)
{
	struct err e = {0};
	struct net_subnet s;

	if (!in_netns || net_program_path("dnsmasq") == NULL) {
		TAP_SKIP(in_netns ? "dnsmasq is not installed (dnsmasq-base)" : "needs root");
		return;
	}
	CHECK(net_subnet_parse("10.77.0.0/24", &s, &e) == 0);
	struct net_dhcp_config c = {"ovcpbr0", s, true, false, run_dir};
	CHECK(net_dnsmasq_start(&c, &e) == 0);
	int pid = net_dnsmasq_pid(run_dir, "ovcpbr0");
	CHECK(pid > 0);
	CHECK(net_dnsmasq_start(&c, &e) == 0); /* running already: nothing new */
	CHECK_INT(net_dnsmasq_pid(run_dir, "ovcpbr0"), pid);
	CHECK_INT(net_dnsmasq_pid(run_dir, "ovcpbr9"), 0);
	CHECK(net_dnsmasq_stop(run_dir, "ovcpbr0", &e) == 0);
	CHECK_INT(net_dnsmasq_pid(run_dir, "ovcpbr0"), 0);
	CHECK(pid > 0 && process_gone(pid));
	CHECK(net_dnsmasq_stop(run_dir, "ovcpbr0", &e) == 0); /* stopped already */
	/* On an interface with no address dnsmasq cannot bind: the error comes back. */
	struct net_dhcp_config bad = {"nothere0", s, false, false, run_dir};
	CHECK(net_dnsmasq_start(&bad, &e) < 0);
	CHECK_STR(err_code(&e), "INTERNAL_ERROR");
	err_clear(&e);
}

static void test_nft(void)
{
	struct err e = {0};
	char path[300];

	if (!in_netns || net_program_path("nft") == NULL) {
		TAP_SKIP(in_netns ? "nft is not installed (nftables)" : "needs root");
		return;
	}
	snprintf(path, sizeof(path), "%s/ovcp.nft", run_dir);
	struct net_nat_network n = {"ovcpbr0", {0x0a4d0000, 24}, NULL};
	char *text = net_nft_ruleset(&n, 1);
	CHECK(net_nft_apply(text, path, &e) == 0);
	CHECK(net_nft_apply(text, path, &e) == 0); /* replaces, does not add */
	free(text);
	char *list[] = {"nft", "list", "table", "inet", "ovcp", NULL};
	CHECK_INT(net_spawn_wait(list, NULL, 5000, &e), 0);
	text = net_nft_ruleset(NULL, 0);
	CHECK(net_nft_apply(text, path, &e) == 0);
	free(text);
	CHECK(net_spawn_wait(list, NULL, 5000, &e) != 0); /* the table is gone */
	CHECK(net_ip_forward_enable(&e) == 0);
	char *fwd = file_read_all("/proc/sys/net/ipv4/ip_forward", NULL);
	CHECK(fwd && fwd[0] == '1');
	free(fwd);
	err_clear(&e);
}

int main(void)
{
	char tmpl[] = "/tmp/ovcp-net-test-XXXXXX";

	in_netns = netns_enter_private() == 0;
	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(run_dir, sizeof(run_dir), "%s", tmpl);
	TAP_RUN(test_bridge);
	TAP_RUN(test_tap);
	TAP_RUN(test_spawn);
	TAP_RUN(test_dnsmasq);
	TAP_RUN(test_nft);
	char *rm[] = {"rm", "-rf", run_dir, NULL};
	struct err e = {0};
	net_spawn_wait(rm, NULL, 10000, &e);
	err_clear(&e);
	return tap_done();
}
