"""Tiny BIOS-bootable images for the full-virtualization tests: a raw disk
whose MBR boot sector prints a marker on COM1 and halts, and an El Torito
(no-emulation) ISO whose boot image does the same.

The code is hand-assembled 16-bit real mode (listing below), so no assembler
is needed. It runs unchanged from a disk (the BIOS loads the MBR at 0000:7C00)
and from a CD (a no-emulation boot image is loaded at 07C0:0000): its first
instruction is a far jump that makes CS = 07C0, and the message is addressed
from CS.

    offset  bytes            instruction
    0000    EA 05 00 C0 07   jmp  0x07c0:0x0005     ; normalise CS:IP
    0005    FA               cli                    ; no interrupts: hlt stays
    0006    FC               cld                    ; lodsb counts up
    0007    0E               push cs
    0008    1F               pop  ds                ; DS = CS = 0x07c0
    0009    BA FB 03         mov  dx, 0x3fb         ; COM1 line control register
    000C    B0 03            mov  al, 3             ; 8 data bits, no parity, DLAB off
    000E    EE               out  dx, al
    000F    BE 2C 00         mov  si, msg           ; msg at offset 0x2c
    0012    AC         next: lodsb                  ; al = [ds:si++]
    0013    84 C0            test al, al
    0015    74 12            jz   done              ; NUL ends the message
    0017    88 C4            mov  ah, al
    0019    BA FD 03   wait: mov  dx, 0x3fd         ; COM1 line status register
    001C    EC               in   al, dx
    001D    A8 20            test al, 0x20          ; transmit holding register empty?
    001F    74 F8            jz   wait
    0021    88 E0            mov  al, ah
    0023    BA F8 03         mov  dx, 0x3f8         ; COM1 transmit holding register
    0026    EE               out  dx, al
    0027    EB E9            jmp  next
    0029    F4         done: hlt
    002A    EB FD            jmp  done
    002C               msg:  db   marker, 13, 10, 0

Run as a script to write the images: bootimg.py disk OUT MARKER | iso OUT MARKER.
"""
import os
import shutil
import subprocess
import sys
import tempfile

MiB = 1 << 20

_CODE = bytes.fromhex(
    "EA 05 00 C0 07"      # jmp 0x07c0:0x0005
    "FA FC 0E 1F"         # cli; cld; push cs; pop ds
    "BA FB 03 B0 03 EE"   # mov dx,0x3fb; mov al,3; out dx,al
    "BE 2C 00"            # mov si,msg
    "AC 84 C0 74 12"      # next: lodsb; test al,al; jz done
    "88 C4"               # mov ah,al
    "BA FD 03 EC A8 20 74 F8"  # wait: mov dx,0x3fd; in al,dx; test al,0x20; jz wait
    "88 E0 BA F8 03 EE EB E9"  # mov al,ah; mov dx,0x3f8; out dx,al; jmp next
    "F4 EB FD"            # done: hlt; jmp done
)
_MSG_OFFSET = 0x2C


def boot_sector(marker):
    """512 bytes: the code, the marker (CR LF NUL) and the 0x55AA signature."""
    assert len(_CODE) == _MSG_OFFSET, "listing and bytes disagree"
    body = _CODE + marker.encode("ascii") + b"\r\n\0"
    if len(body) > 510:
        raise ValueError("marker too long for a boot sector")
    return body + bytes(510 - len(body)) + b"\x55\xaa"


def write_disk(path, marker, size=MiB):
    """A raw disk image of size bytes whose MBR prints marker."""
    with open(path, "wb") as f:
        f.write(boot_sector(marker))
        f.truncate(size)
    return path


def iso_tool():
    """xorriso or genisoimage (argv prefix), or None when neither is installed."""
    if shutil.which("xorriso"):
        return ["xorriso", "-as", "mkisofs"]
    if shutil.which("genisoimage"):
        return ["genisoimage"]
    return None


def write_iso(path, marker):
    """An El Torito no-emulation bootable ISO (padded to whole MiB) whose boot image prints marker."""
    tool = iso_tool()
    if tool is None:
        raise FileNotFoundError("neither xorriso nor genisoimage is installed")
    with tempfile.TemporaryDirectory(prefix="ovcp-iso-") as tree:
        with open(os.path.join(tree, "boot.bin"), "wb") as f:
            f.write(boot_sector(marker) + bytes(2048 - 512))  # 4 x 512-byte sectors: -boot-load-size 4
        with open(os.path.join(tree, "README"), "w") as f:
            f.write("OVCP BIOS boot test medium\n")
        r = subprocess.run(tool + ["-quiet", "-V", "OVCPBOOT", "-b", "boot.bin", "-no-emul-boot",
                                   "-boot-load-size", "4", "-o", path, tree],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (tool[0], r.returncode, r.stderr))
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate((size + MiB - 1) // MiB * MiB)
    return path


def main(argv):
    if len(argv) != 4 or argv[1] not in ("disk", "iso"):
        print("usage: %s disk|iso OUT MARKER" % argv[0], file=sys.stderr)
        return 2
    (write_disk if argv[1] == "disk" else write_iso)(argv[2], argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
