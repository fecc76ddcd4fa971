#!/usr/bin/env bash
# Builds the small test guests offline from Debian packages, into
# guests/out (cached: a second run does nothing). No root needed except to
# apt-get the tools. Outputs:
#   vmlinux         Debian's kernel, uncompressed (QEMU boots it directly via PVH)
#   initrd.img      busybox initramfs: prints "VLAB-GUEST-READY" on the serial
#                   console and the screen, keeps shells on both, brings up
#                   networking (user-mode addresses) and answers ACPI power-off only
#                   when booted with vlab.acpi=1
#   boot.iso        the same kernel + initramfs, bootable from CD-ROM (GRUB)
set -euo pipefail
cd "$(dirname "$0")"
out=$PWD/out
mkdir -p "$out"
[ -f "$out/.complete" ] && [ "$out/.complete" -nt build.sh ] && [ "$out/.complete" -nt init ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
kver=${kpkg#linux-image-}
echo "guest kernel: $kver" >&2
apt-get download "$kpkg" busybox-static >/dev/null
dpkg -x linux-image-*.deb kernel
dpkg -x busybox-static_*.deb bb
/sbin/depmod -b kernel "$kver"

# Uncompressed vmlinux from vmlinuz: find the xz stream and unpack it.
python3 - kernel/boot/vmlinuz-"$kver" "$out/vmlinux" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
magic = b'\xfd7zXZ\x00'
pos = data.find(magic)
while pos != -1:
    try:
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ, memlimit=None)
        out = d.decompress(data[pos:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out)
            sys.exit(0)
    except lzma.LZMAError:
        pass
    pos = data.find(magic, pos + 1)
sys.exit("no xz-compressed ELF kernel found")
PY
cp kernel/boot/vmlinuz-"$kver" "$out/vmlinuz"

# The initramfs tree.
root=$work/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,www}
cp bb/bin/busybox "$root/bin/busybox"
for m in virtio_pci virtio_blk virtio_net virtio_console virtio_balloon button evdev bochs ext4; do
  for f in $(/sbin/modprobe -d kernel -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}'); do
    rel=/lib/modules/${f#*/lib/modules/}
    mkdir -p "$root$(dirname "$rel")"
    cp "$f" "$root$rel"
  done
done
# Keep only the modules we copied in the dependency list busybox reads.
mkdir -p "$root/lib/modules/$kver"
cp kernel/lib/modules/"$kver"/modules.{dep,alias,builtin,order} "$root/lib/modules/$kver/" 2>/dev/null || true
find "$root/lib/modules" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null || true
sed -i 's/\.ko\.xz/.ko/g' "$root/lib/modules/$kver/modules.dep"
cp "$OLDPWD/init" "$root/init"
chmod 755 "$root/init"
echo "vlab test guest" > "$root/www/index.html"

# A newc cpio without root: device nodes are entries in the archive.
python3 - "$root" "$out/initrd.img.tmp" <<'PY'
import os, sys, stat
root, dest = sys.argv[1], sys.argv[2]
ino = [1000]
def entry(name, mode, data=b'', rdev=(0, 0), nlink=1):
    ino[0] += 1
    name_b = name.encode() + b'\0'
    hdr = '070701' + ''.join('%08X' % v for v in (
        ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
    buf = hdr.encode() + name_b
    buf += b'\0' * ((4 - len(buf) % 4) % 4)
    buf += data
    buf += b'\0' * ((4 - len(data) % 4) % 4)
    return buf
out = bytearray()
for dirpath, dirs, files in os.walk(root):
    dirs.sort(); files.sort()
    rel = os.path.relpath(dirpath, root)
    if rel != '.':
        out += entry(rel, stat.S_IFDIR | 0o755, nlink=2)
    for f in files:
        p = os.path.join(dirpath, f)
        r = os.path.normpath(os.path.join(rel, f))
        mode = os.stat(p).st_mode
        out += entry(r, stat.S_IFREG | (mode & 0o777), open(p, 'rb').read())
for name, major, minor in [('dev/console', 5, 1), ('dev/ttyS0', 4, 64), ('dev/tty1', 4, 1), ('dev/null', 1, 3)]:
    out += entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))
out += entry('TRAILER!!!', 0)
open(dest, 'wb').write(bytes(out))
PY
gzip -9 -n < "$out/initrd.img.tmp" > "$out/initrd.img"
rm "$out/initrd.img.tmp"

# Bootable ISO with GRUB (BIOS) over the same kernel and initramfs.
if command -v grub-mkrescue >/dev/null; then
  iso=$work/iso
  mkdir -p "$iso/boot/grub"
  cp "$out/vmlinuz" "$iso/boot/vmlinuz"
  cp "$out/initrd.img" "$iso/boot/initrd.img"
  cat > "$iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "vlab test guest" {
  linux /boot/vmlinuz console=ttyS0 console=tty1 quiet panic=-1 no_timer_check clocksource=hpet vlab.boot=cdrom
  initrd /boot/initrd.img
}
CFG
  grub-mkrescue -o "$out/boot.iso" "$iso" >/dev/null 2>&1
fi
touch "$out/.complete"
ls -la "$out" >&2
