/*
 * Accelerator probe: see accel.h.
 *
 * The probe guest is a 64 KiB BIOS image. The CPU starts in real mode at
 * F000:FFF0 (the image's last 16 bytes), which jumps to the image's start:
 *
 *   start: cli
 *          lgdtl %cs:gdt_desc          ; flat 32-bit code and data segments
 *          mov %cr0,%eax; or $1,%eax; mov %eax,%cr0
 *          ljmpl $0x08, $pm            ; protected mode, no paging
 *   pm:    mov $0x10,%ax; mov %ax,%ds; mov %ax,%es; mov %ax,%ss
 *          mov $0x100000,%edi; mov $6144,%ecx
 *   1:     movl $0x4f564350,(%edi); add $4096,%edi; loop 1b   ; touch 24 MiB
 *          mov $0x402,%dx; mov $'O',%al; out %al,%dx; mov $'K',%al; out %al,%dx
 *   2:     hlt; jmp 2b
 *
 * Touching thousands of fresh guest pages is the point: on the host this
 * was written on, KVM runs real-mode code and SeaBIOS normally but every
 * first touch of a guest page costs milliseconds (a Linux guest needs
 * minutes to decompress its kernel), so a probe that only executes a few
 * instructions would wrongly choose KVM. Healthy KVM and TCG both finish
 * this in well under 100 ms after QEMU starts.
 * Every file the probe makes lives in a fresh temporary directory that is
 * removed on every path, and its QEMU is always reaped.
 */
#include "hv/accel.h"

#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "common/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BIOS_SIZE	   (64 * 1024)
#define PROBE_MARK	   "OK"
#define DEFAULT_TIMEOUT_MS 3000

/* the code above, assembled (GNU as --32), placed at offset 0 */
/* clang-format off */
static const unsigned char probe_code[] = {
	0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x68, 0x00, 0x0f, 0x20, 0xc0, 0x66, 0x83, 0xc8, 0x01, 0x0f,
	0x22, 0xc0, 0x66, 0xea, 0x1a, 0x00, 0xff, 0xff, 0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8,
	0x8e, 0xc0, 0x8e, 0xd0, 0xbf, 0x00, 0x00, 0x10, 0x00, 0xb9, 0x00, 0x18, 0x00, 0x00, 0xc7, 0x07,
	0x50, 0x43, 0x56, 0x4f, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00, 0xe2, 0xf2, 0x66, 0xba, 0x02, 0x04,
	0xb0, 0x4f, 0xee, 0xb0, 0x4b, 0xee, 0xf4, 0xeb, 0xfd, 0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00,
	/* gdt at 0x50: null, code 0x08 (base 0, 4 GiB, 32-bit), data 0x10 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
	/* gdt_desc at 0x68: limit 23, base 0xffff0050 */
	0x17, 0x00, 0x50, 0x00, 0xff, 0xff,
};
/* clang-format on */

/* at F000:FFF0: jmp near to IP 0 (0x0000 - 0xfff3 = 0x000d) */
static const unsigned char reset_vector[] = {0xe9, 0x0d, 0x00};

struct probe_dir {
	char dir[PATH_MAX - 32];
	char bios[PATH_MAX], out[PATH_MAX], log[PATH_MAX];
};

static int probe_dir_make(struct probe_dir *p)
{
	const char *tmp = getenv("TMPDIR");
	unsigned char *image;
	int rc;

	if (snprintf(p->dir, sizeof(p->dir), "%s/ovcp-accel-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
		(int)sizeof(p->dir) ||
	    mkdtemp(p->dir) == NULL)
		return -1;
	snprintf(p->bios, sizeof(p->bios), "%s/bios.bin", p->dir);
	snprintf(p->out, sizeof(p->out), "%s/debugcon.out", p->dir);
	snprintf(p->log, sizeof(p->log), "%s/qemu.log", p->dir);
	image = calloc(1, BIOS_SIZE);
	if (image == NULL)
		abort();
	memset(image, 0xf4, BIOS_SIZE); /* hlt everywhere else */
	memcpy(image, probe_code, sizeof(probe_code));
	memcpy(image + BIOS_SIZE - 16, reset_vector, sizeof(reset_vector));
	rc = file_write_atomic(p->bios, image, BIOS_SIZE, 0600);
	free(image);
	return rc;
}

static void probe_dir_remove(struct probe_dir *p)
{
	unlink(p->bios);
	unlink(p->out);
	unlink(p->log);
	rmdir(p->dir);
}

static bool file_has_mark(const char *path)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, PROBE_MARK) != NULL;
}

/* The first line of QEMU's log, for a reason text. */
static void first_log_line(const char *path, char *out, size_t len)
{
	char *text = file_read_all(path, NULL);

	out[0] = '\0';
	if (text == NULL)
		return;
	snprintf(out, len, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
}

static const char *qemu_binary(void)
{
	const char *b = getenv("OVCP_QEMU");

	return b && *b ? b : "qemu-system-x86_64";
}

/* Spawn the probe guest and watch for its mark. 0 marked, -1 not (why set). */
static int run_probe_guest(struct probe_dir *p, const char *accel, int timeout_ms, char *why, size_t why_len)
{
	char accel_opt[32], bios_opt[PATH_MAX + 8], chardev_opt[PATH_MAX + 32];
	/* clang-format off */
	char *argv[] = {
		(char *)qemu_binary(), "-machine", accel_opt, "-m", "32", "-nodefaults", "-no-user-config",
		"-display", "none", "-bios", bios_opt, "-chardev", chardev_opt,
		"-device", "isa-debugcon,iobase=0x402,chardev=dbg", NULL,
	};
	/* clang-format on */
	struct err e = {0};
	int64_t deadline;
	int log_fd, status, rc = -1;
	pid_t pid;

	snprintf(accel_opt, sizeof(accel_opt), "pc,accel=%s", accel);
	snprintf(bios_opt, sizeof(bios_opt), "%s", p->bios);
	snprintf(chardev_opt, sizeof(chardev_opt), "file,id=dbg,path=%s", p->out);
	log_fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log_fd < 0 || proc_spawn_tied(argv, log_fd, &pid, &e) < 0) {
		snprintf(why, why_len, "cannot run %s", argv[0]);
		if (log_fd >= 0)
			close(log_fd);
		err_clear(&e);
		return -1;
	}
	close(log_fd);
	deadline = time_monotonic_ms() + timeout_ms;
	for (;;) {
		if (file_has_mark(p->out)) {
			rc = 0;
			break;
		}
		if (proc_wait(pid, 0, &status) == 1) {
			char line[200];

			first_log_line(p->log, line, sizeof(line));
			snprintf(why, why_len, "QEMU with accel=%s exited at once (%s)", accel,
				 line[0] ? line : "no message");
			return -1; /* reaped already */
		}
		if (time_monotonic_ms() >= deadline) {
			snprintf(why, why_len, "a test guest made no progress in %d ms under accel=%s", timeout_ms,
				 accel);
			break;
		}
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	/* SIGKILL straight away: the probe guest keeps no state, and a hung KVM QEMU ignores SIGTERM */
	if (proc_stop(pid, 0) < 0)
		log_error("%s: could not reap probe QEMU pid %d", __func__, (int)pid);
	return rc;
}

int hv_accel_try(const char *accel, int timeout_ms, char *why, size_t why_len)
{
	struct probe_dir p;
	int rc;

	if (probe_dir_make(&p) < 0) {
		snprintf(why, why_len, "cannot make a temporary directory: %s", strerror(errno));
		return -1;
	}
	rc = run_probe_guest(&p, accel, timeout_ms, why, why_len);
	probe_dir_remove(&p);
	if (rc == 0)
		snprintf(why, why_len, "a test guest ran under accel=%s", accel);
	return rc;
}

static void choose(struct hv_accel_result *r, const char *accel, const char *reason, int64_t start)
{
	snprintf(r->accel, sizeof(r->accel), "%s", accel);
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	r->elapsed_ms = (int)(time_monotonic_ms() - start);
}

int hv_accel_probe(struct hv_accel_result *r, int timeout_ms)
{
	int64_t start = time_monotonic_ms();
	const char *forced = getenv("OVCP_ACCEL");
	char why[256], reason[sizeof(r->reason)];
	int fd;

	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	if (forced != NULL && (strcmp(forced, "tcg") == 0 || strcmp(forced, "kvm") == 0)) {
		snprintf(reason, sizeof(reason), "forced by OVCP_ACCEL=%s", forced);
		choose(r, forced, reason, start);
		return 0;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, sizeof(reason), "cannot open /dev/kvm (%s); using TCG", strerror(errno));
		choose(r, "tcg", reason, start);
		return 0;
	}
	close(fd);
	if (hv_accel_try("kvm", timeout_ms, why, sizeof(why)) == 0) {
		choose(r, "kvm", "/dev/kvm opens and a test guest ran under KVM", start);
		return 0;
	}
	snprintf(reason, sizeof(reason), "/dev/kvm present but %s; using TCG", why);
	choose(r, "tcg", reason, start);
	log_warn("%s: %s", __func__, reason);
	return 0;
}
