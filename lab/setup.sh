#!/bin/sh
# Host preparation for the IPVS kernel lab. Safe to run again: it only installs what is
# missing and only rebuilds artefacts that are absent (FORCE=1 rebuilds them).
#   - apt packages: qemu, Debian's stock kernel (it ships ip_vs and every scheduler as
#     modules), ipvsadm, busybox, capture/diagnostic tools
#   - lab/.cache/initramfs-<kver>.cpio.gz  (see build-initramfs.sh)
#   - lab/.cache/vmlinux-<kver>            (ELF kernel for the microvm machine)
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

PKGS="qemu-system-x86 linux-image-amd64 ipvsadm busybox-static iproute2 kmod cpio xz-utils zstd python3 bc curl tcpdump"
missing=
for p in $PKGS; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "lab/setup: installing:$missing"
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  # INITRD=No keeps initramfs-tools from building Debian's own initramfs for the new kernel
  # (over a minute, and the lab never uses it).
  $SUDO env INITRD=No DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
    install -y --no-install-recommends $missing
fi

KV=$(lab_kv) || { echo "lab/setup: no kernel under /boot with modules in /lib/modules" >&2; exit 1; }
mkdir -p "$LAB_CACHE"

if [ -n "${FORCE:-}" ] || [ ! -s "$LAB_CACHE/initramfs-$KV.cpio.gz" ]; then
  "$LAB/build-initramfs.sh" "$KV"
fi

# QEMU can start an uncompressed ELF vmlinux through its PVH note, skipping the in-guest
# decompression of the bzImage (slow under TCG). Debian packs it with XZ; zstd/gzip are
# handled too in case that changes.
if [ -n "${FORCE:-}" ] || [ ! -s "$LAB_CACHE/vmlinux-$KV" ]; then
  python3 - "/boot/vmlinuz-$KV" "$LAB_CACHE/vmlinux-$KV" <<'PY'
import gzip, lzma, shutil, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
blob = open(src, 'rb').read()
def xz(b): return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(b)
def zst(b): return subprocess.run(['zstd', '-dcq'], input=b, capture_output=True).stdout
def gz(b): return gzip.GzipFile(fileobj=__import__('io').BytesIO(b)).read()
for magic, fn in ((b'\xfd7zXZ\x00', xz), (b'\x28\xb5\x2f\xfd', zst), (b'\x1f\x8b\x08', gz)):
    at = blob.find(magic)
    while at >= 0:
        try:
            out = fn(blob[at:])
        except Exception:
            out = b''
        if out[:4] == b'\x7fELF':
            open(dst, 'wb').write(out)
            print(f'lab/setup: extracted {dst} ({len(out) >> 20} MiB)')
            sys.exit(0)
        at = blob.find(magic, at + 1)
sys.exit('lab/setup: no ELF kernel found inside ' + src + ' (use LAB_MACHINE=pc)')
PY
fi
echo "lab/setup: ready for kernel $KV (cache $LAB_CACHE)"
