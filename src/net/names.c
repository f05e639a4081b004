/*
 * Pure naming for the network driver: interface names (bridges, taps,
 * VLAN devices), MAC addresses and IPv4 subnets. No system calls except
 * net_mac_generate's random bytes.
 *
 * Invariant: every name produced fits IFNAMSIZ (15 characters).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "net/net.h"

bool net_ifname_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= NET_IFNAME_LEN || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-' && name[i] != '.')
			return false;
	return true;
}

static bool name_taken(const char *name, const char *const *taken, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (taken[i] && strcmp(taken[i], name) == 0)
			return true;
	return false;
}

int net_name_pick(const char *prefix, const char *const *taken, size_t n, char out[NET_IFNAME_LEN])
{
	for (unsigned i = 0; i <= n; i++) { /* n names cannot take all of n + 1 candidates */
		int len = snprintf(out, NET_IFNAME_LEN, "%s%u", prefix, i);
		if (len < 0 || len >= NET_IFNAME_LEN)
			return -1;
		if (!name_taken(out, taken, n))
			return 0;
	}
	return -1;
}

int net_name_number(const char *name)
{
	size_t n = strlen(name), i = n;

	while (i > 0 && isdigit((unsigned char)name[i - 1]))
		i--;
	if (i == n || n - i > 6)
		return -1;
	return atoi(name + i);
}

static bool small_decimal(const char *s, size_t max_digits)
{
	size_t n = strlen(s);

	if (n == 0 || n > max_digits || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int net_tap_name(const char *vm_uuid, const char *device, char out[NET_IFNAME_LEN])
{
	char hex[16];
	size_t h = 0;

	if (!small_decimal(device, 4))
		return -1;
	/* "ovcp" + hex + "d" + device <= 15 characters. */
	size_t want = 15 - 4 - 1 - strlen(device);
	if (want > 8)
		want = 8;
	for (const char *p = vm_uuid; *p && h < want; p++)
		if (isxdigit((unsigned char)*p))
			hex[h++] = (char)tolower((unsigned char)*p);
	if (h < want || want < 4)
		return -1;
	hex[h] = '\0';
	char buf[40];
	snprintf(buf, sizeof(buf), "ovcp%sd%s", hex, device);
	memcpy(out, buf, strlen(buf) + 1); /* <= 15 characters by the arithmetic above */
	return 0;
}

int net_vlan_device_name(const char *parent, int tag, char out[NET_IFNAME_LEN])
{
	char buf[64];

	if (tag < 0 || tag > 4094 || !net_ifname_valid(parent))
		return -1;
	snprintf(buf, sizeof(buf), "%s.%d", parent, tag);
	if (strlen(buf) < NET_IFNAME_LEN) {
		memcpy(out, buf, strlen(buf) + 1);
		return 0;
	}
	/* A long parent name: the tag and a hash of the parent (FNV-1a, 24 bits). */
	uint32_t h = 2166136261u;
	for (const char *p = parent; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, sizeof(buf), "vl%d.%06x", tag, (unsigned)(h & 0xffffffu));
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

void net_mac_from_bytes(const unsigned char b[6], char out[NET_MAC_LEN])
{
	/* Locally administered (bit 1) and unicast (bit 0 clear), as xapi's random MACs. */
	unsigned first = (b[0] & 0xfcu) | 0x02u;

	snprintf(out, NET_MAC_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", first, b[1], b[2], b[3], b[4], b[5]);
}

int net_mac_generate(char out[NET_MAC_LEN])
{
	unsigned char b[6];

	if (random_fill(b, sizeof(b)) < 0)
		return -1;
	net_mac_from_bytes(b, out);
	return 0;
}

bool net_mac_parse(const char *text, char out[NET_MAC_LEN])
{
	unsigned v[6];
	char sep = 0;

	if (text == NULL || strlen(text) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *p = text + i * 3;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return false;
		if (i < 5) {
			if (p[2] != ':' && p[2] != '-')
				return false;
			if (sep && p[2] != sep)
				return false;
			sep = p[2];
		}
		char pair[3] = {p[0], p[1], '\0'};
		v[i] = (unsigned)strtoul(pair, NULL, 16);
	}
	snprintf(out, NET_MAC_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
	return true;
}

int net_ip_parse(const char *text, uint32_t *ip)
{
	struct in_addr a;

	if (text == NULL || inet_pton(AF_INET, text, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

void net_ip_format(uint32_t ip, char out[NET_IP_LEN])
{
	snprintf(out, NET_IP_LEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

uint32_t net_subnet_netmask(const struct net_subnet *s)
{
	return s->prefix == 0 ? 0 : 0xffffffffu << (32 - s->prefix);
}

int net_subnet_parse(const char *text, struct net_subnet *s, struct err *e)
{
	char addr[NET_IP_LEN];
	const char *slash = text ? strchr(text, '/') : NULL;
	char *end;
	uint32_t ip;

	if (slash == NULL || (size_t)(slash - text) >= sizeof(addr))
		goto bad;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	long prefix = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || prefix < 8 || prefix > 30 || net_ip_parse(addr, &ip) < 0)
		goto bad;
	s->prefix = (int)prefix;
	s->network = ip;
	if ((ip & ~net_subnet_netmask(s)) != 0)
		goto bad;
	return 0;
bad:
	err_set(e, "INVALID_VALUE", "ovcp-subnet", text ? text : "",
		"an IPv4 network with a prefix of 8 to 30 and no host bits, like 10.77.0.0/24", NULL);
	return -1;
}

void net_subnet_format(const struct net_subnet *s, char *out, size_t size)
{
	char ip[NET_IP_LEN];

	net_ip_format(s->network, ip);
	snprintf(out, size, "%s/%d", ip, s->prefix);
}

uint32_t net_subnet_gateway(const struct net_subnet *s)
{
	return s->network + 1;
}

void net_subnet_dhcp_range(const struct net_subnet *s, uint32_t *first, uint32_t *last)
{
	uint32_t broadcast = s->network | ~net_subnet_netmask(s);

	if (s->prefix <= 24) {
		*first = s->network + 100;
		*last = s->network + 200;
	} else {
		*first = net_subnet_gateway(s) + 1;
		*last = broadcast - 1;
	}
}
