/*
 * What the network driver offers the rest of ovcpd (the VM driver, main).
 *
 * network_startup() runs once after the records exist: it describes this
 * host's interfaces as PIFs and makes the host match the network records
 * (bridges, VLAN devices, dnsmasq, NAT rules). The VM driver then asks for
 * a tap per VIF when it starts a VM, and gives it back when the VM stops.
 * Every function is safe to call from any thread; changes to the host are
 * serialised by the driver's own lock, never held across a QMP call.
 */
#ifndef OVCP_XAPI_NETWORK_API_H
#define OVCP_XAPI_NETWORK_API_H

#include "common/err.h"
#include "xapi/server.h"

#define NETWORK_IFNAME_LEN 16

/* Start the network driver: srv->network is set. 0 / -1 (only when the driver cannot run at all). */
int network_startup(struct xapi_server *srv, struct err *e);

/*
 * Make the persistent tap for a VIF of a VM: named "ovcp<VM uuid hex>d<device>"
 * (15 characters at most), owned by owner_uid so an unprivileged QEMU can
 * open it (-netdev tap,ifname=TAP,script=no,downscript=no,vhost=off), its MTU
 * the VIF's, enslaved to the bridge of the VIF's network (created when
 * missing) and up. An existing tap of that name is reused. Its name is
 * written to tap. Errors: HANDLE_INVALID (VIF or network), INTERNAL_ERROR.
 */
int network_vif_plug_tap(struct xapi_server *srv, const char *vif_ref, const char *vm_uuid, unsigned owner_uid,
			 char tap[NETWORK_IFNAME_LEN], struct err *e);

/* Delete a tap made by network_vif_plug_tap (after QEMU let go of it, or not); a missing one is fine. */
int network_vif_unplug_tap(struct xapi_server *srv, const char *tap, struct err *e);

/* The bridge of a network (created on the host when missing), for QEMU's bridge helper or checks. */
int network_bridge_of(struct xapi_server *srv, const char *network_ref, char bridge[NETWORK_IFNAME_LEN], struct err *e);

#endif
