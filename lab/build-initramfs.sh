#!/bin/sh
# Usage: build-initramfs.sh [KVER]
# Writes lab/.cache/initramfs-<KVER>.cpio.gz: a static busybox plus the few modules of the
# Debian kernel needed to reach the host's file system (virtio transports, 9p, overlayfs).
# Its /init:
#   1. insmods those modules (dependency order worked out here with modprobe --show-depends),
#   2. mounts the 9p share "hostroot" (the host's /, read-only) as the lower layer of an
#      overlayfs whose upper layer is a tmpfs, so the guest may write anywhere and the
#      host never changes,
#   3. mounts the writable 9p share "out" on /out,
#   4. switch_roots into the program named by lab.init= (lab/guest/init.sh).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
KV=${1:-$(lab_kv)}
OUTF="$LAB_CACHE/initramfs-$KV.cpio.gz"
BB=$(command -v busybox || echo /bin/busybox)
file -L "$BB" 2>/dev/null | grep -q 'dynamically linked' && { echo "build-initramfs: $BB is not static (install busybox-static)" >&2; exit 1; }

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/bin" "$ROOT/lib/lab" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/lower" "$ROOT/rw" "$ROOT/root"
cp "$BB" "$ROOT/bin/busybox"
for applet in sh mount umount insmod switch_root mkdir cat grep sleep cut; do ln -s busybox "$ROOT/bin/$applet"; done

# Modules, dependencies first, each once, decompressed (busybox insmod reads plain .ko).
: > "$ROOT/lib/lab/modules"
for want in virtio_mmio virtio_pci 9pnet_virtio 9p overlay; do
  modprobe -S "$KV" --show-depends "$want" | while read -r kind path _; do
    [ "$kind" = insmod ] || continue            # "builtin NAME": nothing to load
    name=$(basename "$path"); name=${name%%.ko*}
    grep -qx "$name" "$ROOT/lib/lab/modules" && continue
    case "$path" in
      *.ko)     cp "$path" "$ROOT/lib/lab/$name.ko" ;;
      *.ko.xz)  xz -dc "$path" > "$ROOT/lib/lab/$name.ko" ;;
      *.ko.zst) zstd -dcq "$path" > "$ROOT/lib/lab/$name.ko" ;;
      *.ko.gz)  gzip -dc "$path" > "$ROOT/lib/lab/$name.ko" ;;
      *) echo "build-initramfs: unexpected module file $path" >&2; exit 1 ;;
    esac
    echo "$name" >> "$ROOT/lib/lab/modules"
  done
done

cat > "$ROOT/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# no /dev/console existed when the kernel started us: attach to it now
exec </dev/console >/dev/console 2>&1
stamp() { grep -qw lab.debug /proc/cmdline && echo "lab-initramfs: $(cut -d' ' -f1 /proc/uptime)s $*"; }
rescue() { echo "lab-initramfs: $*; dropping to a shell"; exec sh; }
stamp begin
for m in $(cat /lib/lab/modules); do insmod /lib/lab/$m.ko || echo "lab-initramfs: insmod $m failed"; done
stamp modules
NEXT=/bin/sh
for arg in $(cat /proc/cmdline); do case "$arg" in lab.init=*) NEXT=${arg#lab.init=} ;; esac; done
# the virtio device may still be probing: retry for up to ~5 s
n=0
while ! mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower 2>/dev/null; do
  n=$((n+1)); [ $n -le 50 ] || rescue "cannot mount the 9p share hostroot"; sleep 0.1
done
mount -t tmpfs -o mode=755 labrw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /root || rescue "overlay mount failed"
mkdir -p /root/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /root/out 2>/dev/null || echo "lab-initramfs: no 9p share 'out'"
for fs in proc sys dev; do mount -o move /$fs /root/$fs || echo "lab-initramfs: cannot move /$fs"; done
stamp "switch_root $NEXT"
exec switch_root /root "$NEXT"
INIT
chmod 755 "$ROOT/init"
mkdir -p "$LAB_CACHE"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUTF.tmp"
mv "$OUTF.tmp" "$OUTF"
echo "build-initramfs: $OUTF ($(du -h "$OUTF" | cut -f1); modules: $(tr '\n' ' ' < "$ROOT/lib/lab/modules"))"
