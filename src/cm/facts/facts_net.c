/*
 * The networking fact: hostname/domain/fqdn, every interface with its IPv4
 * and IPv6 bindings, MAC and MTU, and the primary interface (the one with
 * the default route in /proc/net/route) whose ip/mac/netmask are copied to
 * the top of the fact, as Facter 4 does.
 */
#include "cm/facts/facts.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *primary_interface(void)
{
	FILE *f = fopen("/proc/net/route", "re");
	char line[512], ifname[64], *found = NULL;
	unsigned long dest;

	while (f && found == NULL && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lx", ifname, &dest) == 2 && dest == 0)
			found = strdup(ifname);
	if (f)
		fclose(f);
	return found;
}

static void sys_value(const char *ifname, const char *file, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, file);
	f = fopen(path, "re");
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static void add_binding(json_t *iface, int family, const void *addr, const void *mask)
{
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	unsigned char net[16];
	size_t len = family == AF_INET ? 4 : 16;
	const char *key = family == AF_INET ? "bindings" : "bindings6";
	json_t *list = json_object_get(iface, key);

	for (size_t i = 0; i < len; i++)
		net[i] = ((const unsigned char *)addr)[i] & ((const unsigned char *)mask)[i];
	inet_ntop(family, addr, a, sizeof(a));
	inet_ntop(family, mask, m, sizeof(m));
	inet_ntop(family, net, n, sizeof(n));
	if (list == NULL) {
		list = json_array();
		json_object_set_new(iface, key, list);
		json_object_set_new(iface, family == AF_INET ? "ip" : "ip6", json_string(a));
		json_object_set_new(iface, family == AF_INET ? "netmask" : "netmask6", json_string(m));
		json_object_set_new(iface, family == AF_INET ? "network" : "network6", json_string(n));
	}
	json_array_append_new(list, json_pack("{s:s s:s s:s}", "address", a, "netmask", m, "network", n));
}

static json_t *interfaces(void)
{
	struct ifaddrs *ifa = NULL;
	json_t *all = json_object();

	if (getifaddrs(&ifa) < 0)
		return all;
	for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
		json_t *iface = json_object_get(all, p->ifa_name);
		char buf[64];
		if (iface == NULL) {
			iface = json_object();
			json_object_set_new(all, p->ifa_name, iface);
			sys_value(p->ifa_name, "address", buf, sizeof(buf));
			if (buf[0] && strcmp(p->ifa_name, "lo") != 0)
				json_object_set_new(iface, "mac", json_string(buf));
			sys_value(p->ifa_name, "mtu", buf, sizeof(buf));
			if (buf[0])
				json_object_set_new(iface, "mtu", json_integer(atoi(buf)));
		}
		if (p->ifa_addr == NULL || p->ifa_netmask == NULL)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			add_binding(iface, AF_INET, &((struct sockaddr_in *)p->ifa_addr)->sin_addr,
				    &((struct sockaddr_in *)p->ifa_netmask)->sin_addr);
		else if (p->ifa_addr->sa_family == AF_INET6)
			add_binding(iface, AF_INET6, &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr,
				    &((struct sockaddr_in6 *)p->ifa_netmask)->sin6_addr);
	}
	freeifaddrs(ifa);
	return all;
}

/* The fully qualified name: the resolver's canonical name for the host, else the host name. */
static char *fqdn_of(const char *host)
{
	struct addrinfo hints = {.ai_flags = AI_CANONNAME}, *res = NULL;
	char *out = NULL;

	if (strchr(host, '.'))
		return strdup(host);
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res && res->ai_canonname)
		out = strdup(res->ai_canonname);
	if (res)
		freeaddrinfo(res);
	return out ? out : strdup(host);
}

void cm_facts_networking(json_t *facts)
{
	char host[256] = "";
	char *fqdn, *dot, *primary = primary_interface();
	json_t *net, *ifs = interfaces(), *pif;
	static const char *const copied[] = {"ip", "ip6", "mac", "mtu", "netmask", "netmask6", "network", "network6"};

	gethostname(host, sizeof(host) - 1);
	fqdn = fqdn_of(host);
	if ((dot = strchr(host, '.')) != NULL)
		*dot = '\0';
	dot = strchr(fqdn, '.');
	net = json_pack("{s:s s:s s:o}", "hostname", host, "fqdn", fqdn, "interfaces", ifs);
	if (dot)
		json_object_set_new(net, "domain", json_string(dot + 1));
	if (primary == NULL) { /* no default route: the first interface with an IPv4 that is not loopback */
		const char *name;
		json_t *v;
		json_object_foreach(ifs, name, v)
			if (primary == NULL && strcmp(name, "lo") != 0 && json_object_get(v, "ip"))
				primary = strdup(name);
	}
	pif = primary ? json_object_get(ifs, primary) : NULL;
	if (pif) {
		json_object_set_new(net, "primary", json_string(primary));
		for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
			if (json_object_get(pif, copied[i]))
				json_object_set(net, copied[i], json_object_get(pif, copied[i]));
	}
	json_object_set_new(facts, "networking", net);
	free(fqdn);
	free(primary);
}
