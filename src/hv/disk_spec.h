/*
 * A template's disk provisioning spec: the XML that VM.other_config:disks
 * holds and VM.provision turns into VDIs and VBDs, read as xapi reads it
 * (xapi_templates.ml):
 *
 *   <provision>
 *     <disk device="0" size="8589934592" sr="SR-UUID" bootable="true" type="system"/>
 *   </provision>
 *
 * device is the VBD's userdevice, size the virtual size in bytes (plain
 * decimal digits: "16M" is refused, as xapi's Int64.of_string refuses it),
 * sr an SR uuid ("" or absent: the pool's default SR), bootable "true" or
 * anything else for false, type a VDI type (absent or unknown: "system").
 *
 * The whole spec is checked before the caller makes anything: XML that is
 * not well-formed, a DOCTYPE (no DTD is ever loaded), a root other than a
 * bare <provision>, anything in it but <disk/> elements, a disk without
 * device or size, a bad size, or two disks with one device fail the parse
 * with INTERNAL_ERROR and a message saying which disk and why.
 * Pure: no I/O, safe from several threads at once.
 */
#ifndef OVCP_HV_DISK_SPEC_H
#define OVCP_HV_DISK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define DISK_SPEC_DEVICE_SIZE 16
#define DISK_SPEC_SR_SIZE     256
#define DISK_SPEC_TYPE_SIZE   16
#define DISK_SPEC_MAX_DISKS   64

struct disk_spec_disk {
	char device[DISK_SPEC_DEVICE_SIZE]; /* VBD.userdevice */
	int64_t size;			    /* bytes */
	char sr[DISK_SPEC_SR_SIZE];	    /* SR uuid, "" for the pool's default SR */
	bool bootable;
	char type[DISK_SPEC_TYPE_SIZE]; /* VDI type */
};

struct disk_spec {
	size_t count;
	struct disk_spec_disk disks[DISK_SPEC_MAX_DISKS];
};

/* Parse xml into *out (count 0 for an empty <provision/>); -1 with INTERNAL_ERROR. */
int disk_spec_parse(const char *xml, struct disk_spec *out, struct err *e);

#endif
