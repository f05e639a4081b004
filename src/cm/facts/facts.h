/*
 * The facts collector: Facter 4's structured core facts (same names and
 * shapes: os, kernel, networking, memory, processors, identity, ...), read
 * from /proc, /sys, uname, getifaddrs and /etc, without spawning Facter.
 * Each top-level fact is one row of a table; a collector that cannot read
 * its source leaves its fact out rather than inventing a value.
 */
#ifndef OVCP_CM_FACTS_H
#define OVCP_CM_FACTS_H

#include <jansson.h>

/* All facts as one new object. */
json_t *cm_facts_collect(void);

/* facts_net.c: the networking fact (interfaces, primary, ip, mac...) into FACTS. */
void cm_facts_networking(json_t *facts);
/* "1.94 GiB", Facter's human-readable sizes, as a new JSON string. */
json_t *cm_facts_human_bytes(double bytes);

#endif
