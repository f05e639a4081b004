/*
 * Choosing the accelerator for the host's VMs: KVM or TCG.
 *
 * /dev/kvm opening is not proof that KVM runs guests (on some hosts it opens
 * and every guest hangs in its first instruction), so KVM is chosen only when
 * a real guest runs under it: QEMU boots a 64 KiB firmware made here whose
 * reset vector writes "OK" to the debug port 0x402 (isa-debugcon, logged to
 * a file) and halts. No "OK" within the timeout: that QEMU is killed
 * (SIGKILL: a hung KVM QEMU ignores SIGTERM) and TCG is chosen, with the
 * reason in text.
 *
 * OVCP_ACCEL=tcg or OVCP_ACCEL=kvm in the environment forces the choice
 * (tests, or an administrator who knows better); OVCP_QEMU names the QEMU
 * binary (default qemu-system-x86_64).
 */
#ifndef OVCP_HV_ACCEL_H
#define OVCP_HV_ACCEL_H

#include <stddef.h>

struct hv_accel_result {
	char accel[8];	  /* "kvm" or "tcg": what QEMU's -machine accel= gets */
	char reason[320]; /* why, for the log and the host record */
	int elapsed_ms;	  /* how long the probe took */
};

/*
 * Probe (at most about timeout_ms plus the time to kill the test QEMU) and
 * fill r. Always chooses something: 0, with r->accel "kvm" or "tcg".
 */
int hv_accel_probe(struct hv_accel_result *r, int timeout_ms);

/*
 * Run the probe guest under accel ("kvm" or "tcg") for at most timeout_ms:
 * 0 when it wrote its "OK", -1 when not (why says what happened). Exposed
 * so a test can show the guest does run under TCG.
 */
int hv_accel_try(const char *accel, int timeout_ms, char *why, size_t why_len);

#endif
