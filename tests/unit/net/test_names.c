/* Pure naming of the network driver: MACs, interface names, subnets (src/net/names.c). */
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"

static void test_mac_from_bytes(void)
{
	char mac[NET_MAC_LEN];

	net_mac_from_bytes((const unsigned char[]){0xff, 0x01, 0x02, 0x03, 0x04, 0x05}, mac);
	CHECK_STR(mac, "fe:01:02:03:04:05"); /* multicast bit cleared, local bit set */
	net_mac_from_bytes((const unsigned char[]){0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}, mac);
	CHECK_STR(mac, "02:aa:bb:cc:dd:ee");
}

static void test_mac_generate(void)
{
	char macs[64][NET_MAC_LEN];

	for (int i = 0; i < 64; i++) {
		CHECK(net_mac_generate(macs[i]) == 0);
		unsigned first = (unsigned)strtoul(macs[i], NULL, 16);
		CHECK((first & 2) && !(first & 1));
		CHECK(strlen(macs[i]) == 17);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(macs[i], macs[j]) != 0);
	}
}

static void test_mac_parse(void)
{
	char mac[NET_MAC_LEN];

	CHECK(net_mac_parse("52:54:00:AB:cd:EF", mac));
	CHECK_STR(mac, "52:54:00:ab:cd:ef");
	CHECK(net_mac_parse("52-54-00-ab-cd-ef", mac));
	CHECK_STR(mac, "52:54:00:ab:cd:ef");
	CHECK(!net_mac_parse("52:54-00:ab:cd:ef", mac));
	CHECK(!net_mac_parse("52:54:00:ab:cd", mac));
	CHECK(!net_mac_parse("52:54:00:ab:cd:eg", mac));
	CHECK(!net_mac_parse("", mac));
	CHECK(!net_mac_parse(NULL, mac));
}

static void test_tap_name(void)
{
	char tap[NET_IFNAME_LEN];

	CHECK(net_tap_name("3F2504E0-4F89-11D3-9A0C-0305E82C3301", "0", tap) == 0);
	CHECK_STR(tap, "ovcp3f2504e0d0");
	CHECK(net_tap_name("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "12", tap) == 0);
	CHECK_STR(tap, "ovcp3f2504e0d12");
	CHECK(strlen(tap) <= 15);
	CHECK(net_tap_name("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "123", tap) == 0);
	CHECK_STR(tap, "ovcp3f2504ed123");
	CHECK(net_tap_name("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "1234", tap) == 0);
	CHECK_STR(tap, "ovcp3f2504d1234");
	CHECK(net_tap_name("3f2504e0-4f89", "12345", tap) < 0);
	CHECK(net_tap_name("3f2504e0-4f89", "eth0", tap) < 0);
	CHECK(net_tap_name("3f2504e0-4f89", "01", tap) < 0);
	CHECK(net_tap_name("3f2504e0-4f89", "", tap) < 0);
	CHECK(net_tap_name("3f2", "0", tap) < 0);
}

static void test_vlan_name(void)
{
	char dev[NET_IFNAME_LEN];

	CHECK(net_vlan_device_name("eth1", 100, dev) == 0);
	CHECK_STR(dev, "eth1.100");
	CHECK(net_vlan_device_name("enp0s31f6", 4094, dev) == 0);
	CHECK_STR(dev, "enp0s31f6.4094");
	CHECK(net_vlan_device_name("enx001122334455", 7, dev) == 0);
	CHECK_STR(dev, "vl7.e40114");
	CHECK(net_vlan_device_name("eth1", 4095, dev) < 0);
	CHECK(net_vlan_device_name("eth1", -1, dev) < 0);
}

static void test_name_pick(void)
{
	const char *taken[] = {"ovcpbr0", "eth0", "ovcpbr1", "ovcpbr3"};
	char name[NET_IFNAME_LEN];

	CHECK(net_name_pick("ovcpbr", taken, 4, name) == 0);
	CHECK_STR(name, "ovcpbr2");
	CHECK(net_name_pick("xenbr", taken, 4, name) == 0);
	CHECK_STR(name, "xenbr0");
	CHECK(net_name_pick("ovcpbr", NULL, 0, name) == 0);
	CHECK_STR(name, "ovcpbr0");
	CHECK(net_name_pick("averyverylongpfx", NULL, 0, name) < 0);
	CHECK_INT(net_name_number("eth12"), 12);
	CHECK_INT(net_name_number("eth"), -1);
}

static void test_ifname_valid(void)
{
	CHECK(net_ifname_valid("ovcpbr0"));
	CHECK(net_ifname_valid("eth1.100"));
	CHECK(net_ifname_valid("abcdefghijklmno"));
	CHECK(!net_ifname_valid("abcdefghijklmnop"));
	CHECK(!net_ifname_valid(""));
	CHECK(!net_ifname_valid("."));
	CHECK(!net_ifname_valid("br 0"));
	CHECK(!net_ifname_valid("br/0"));
	CHECK(!net_ifname_valid(NULL));
}

static void test_subnet(void)
{
	struct net_subnet s;
	struct err e = {0};
	char text[32], ip[NET_IP_LEN];
	uint32_t first, last;

	CHECK(net_subnet_parse("10.77.0.0/24", &s, &e) == 0);
	CHECK_INT(s.prefix, 24);
	net_subnet_format(&s, text, sizeof(text));
	CHECK_STR(text, "10.77.0.0/24");
	net_ip_format(net_subnet_gateway(&s), ip);
	CHECK_STR(ip, "10.77.0.1");
	net_ip_format(net_subnet_netmask(&s), ip);
	CHECK_STR(ip, "255.255.255.0");
	net_subnet_dhcp_range(&s, &first, &last);
	net_ip_format(first, ip);
	CHECK_STR(ip, "10.77.0.100");
	net_ip_format(last, ip);
	CHECK_STR(ip, "10.77.0.200");

	CHECK(net_subnet_parse("172.20.0.0/16", &s, &e) == 0);
	net_subnet_dhcp_range(&s, &first, &last);
	net_ip_format(first, ip);
	CHECK_STR(ip, "172.20.0.100");

	CHECK(net_subnet_parse("192.168.5.16/28", &s, &e) == 0);
	net_subnet_dhcp_range(&s, &first, &last);
	net_ip_format(first, ip);
	CHECK_STR(ip, "192.168.5.18");
	net_ip_format(last, ip);
	CHECK_STR(ip, "192.168.5.30");

	const char *bad[] = {"10.77.0.1/24",  "10.77.0.0",    "10.77.0.0/",
			     "10.77.0.0/31",  "10.0.0.0/7",   "10.77.0/24",
			     "10.77.0.0/24x", "300.1.1.0/24", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(net_subnet_parse(bad[i], &s, &e) < 0);
		CHECK_STR(err_code(&e), "INVALID_VALUE");
		err_clear(&e);
	}
}

int main(void)
{
	TAP_RUN(test_mac_from_bytes);
	TAP_RUN(test_mac_generate);
	TAP_RUN(test_mac_parse);
	TAP_RUN(test_tap_name);
	TAP_RUN(test_vlan_name);
	TAP_RUN(test_name_pick);
	TAP_RUN(test_ifname_valid);
	TAP_RUN(test_subnet);
	return tap_done();
}
