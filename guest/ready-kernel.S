/*
 * ready-kernel: the smallest guest OVCP boots, for measuring what the
 * toolstack itself adds to a VM start (bench/vm_start_bench.py).
 *
 * A 32-bit multiboot (v1) image: QEMU's -kernel loads it directly (no
 * bootloader, no initrd). It writes the test guest's ready marker to COM1
 * and halts with interrupts off, so a start-to-marker time is QEMU's own
 * start-up plus the firmware, without the tens of milliseconds to seconds of
 * jitter a Linux boot under TCG adds.
 *
 * Built by guest/build-test-guest with binutils (as --32, ld -m elf_i386).
 */
	.text
	.align	4
multiboot_header:
	.long	0x1BADB002		/* magic */
	.long	0			/* flags: load by the ELF headers */
	.long	-0x1BADB002		/* checksum: magic + flags + checksum = 0 */

	.globl	_start
_start:
	mov	$marker, %esi
	mov	$0x3f8, %dx		/* COM1 data register */
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	cli
	hlt
	jmp	2b

marker:	.asciz	"OVCP-GUEST-READY\r\n"
