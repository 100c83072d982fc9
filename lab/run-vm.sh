#!/bin/bash
# Usage: lab/run-vm.sh [-o OUTDIR] [-t TIMEOUT_S] [-m MEM_MB] [-c CPUS] SCRIPT [ARGS...]
# Boots Debian's stock kernel under QEMU (TCG: no KVM needed) with the host's / as root
# (read-only 9p + tmpfs overlay) and runs SCRIPT ARGS... as root inside it, from the same
# working directory as on the host. SCRIPT is run directly if it is executable (its #!
# line decides the interpreter), else with sh. No network device: create namespaces/veths.
# OUTDIR (default lab/.cache/out/run.XXXXXX) is /out in the guest and receives
#   log (script stdout+stderr), rc, console.log (serial console), boot-time.
# Exit status: the script's; 137 if it ran past TIMEOUT_S; 125 if the VM itself failed.
# Environment: LAB_MACHINE=microvm (default) | pc;  LAB_APPEND="extra kernel args"
#   (lab.debug prints initramfs timestamps);  LAB_KV=kernel version to boot.
set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
OUT=; MEM=${LAB_MEM:-4096}; CPUS=${LAB_CPUS:-2}; TIMEOUT=${LAB_TIMEOUT:-1800}
usage() { echo "usage: $0 [-o OUTDIR] [-t TIMEOUT_S] [-m MEM_MB] [-c CPUS] SCRIPT [ARGS...]" >&2; exit 2; }
while getopts o:t:m:c:h opt; do
  case $opt in o) OUT=$OPTARG ;; t) TIMEOUT=$OPTARG ;; m) MEM=$OPTARG ;; c) CPUS=$OPTARG ;; *) usage ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
SCRIPT=$(realpath "$1") || exit 2; shift
[ -f "$SCRIPT" ] || { echo "run-vm: no such script: $SCRIPT" >&2; exit 2; }

KV=$(lab_kv) || { echo "run-vm: no Debian kernel installed; run lab/setup.sh" >&2; exit 125; }
MACHINE=${LAB_MACHINE:-microvm}
INITRD="$LAB_CACHE/initramfs-$KV.cpio.gz"; VMLINUX="$LAB_CACHE/vmlinux-$KV"
if [ ! -s "$INITRD" ] || { [ "$MACHINE" = microvm ] && [ ! -s "$VMLINUX" ]; }; then
  "$LAB/setup.sh" >&2 || exit 125
fi

if [ -z "$OUT" ]; then mkdir -p "$LAB_CACHE/out"; OUT=$(mktemp -d "$LAB_CACHE/out/run.XXXXXX"); fi
mkdir -p "$OUT" && OUT=$(realpath "$OUT") || exit 125
rm -f "$OUT/rc" "$OUT/log" "$OUT/boot-time" "$OUT/console.log"

# The wrapper guest/init.sh runs (arguments cannot travel safely on the kernel command line).
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
ENTRY="$OUT/.lab-entry.sh"
{
  echo "cd $(q "$PWD") 2>/dev/null || cd /tmp"
  if [ -x "$SCRIPT" ]; then printf 'exec %s' "$(q "$SCRIPT")"; else printf 'exec sh %s' "$(q "$SCRIPT")"; fi
  for a in "$@"; do printf ' %s' "$(q "$a")"; done
  echo
} > "$ENTRY"

# Under TCG the guest sees the host TSC; giving its rate avoids calibrating against the
# emulated PIT, which can fail on a loaded host and leave microvm without a clock.
KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
if [ -z "$KHZ" ] && [ "$MACHINE" = microvm ]; then
  echo "run-vm: /proc/cpuinfo has no 'cpu MHz'; falling back to LAB_MACHINE=pc" >&2; MACHINE=pc
fi
case "$MACHINE" in
  microvm) MACH=(-M microvm,acpi=on,rtc=on,isa-serial=on -kernel "$VMLINUX"); P9=virtio-9p-device ;;
  pc)      MACH=(-M pc -kernel "/boot/vmlinuz-$KV"); P9=virtio-9p-pci ;;
  *) echo "run-vm: LAB_MACHINE must be microvm or pc" >&2; exit 2 ;;
esac
APPEND="console=ttyS0 quiet loglevel=3 panic=-1 reboot=t mitigations=off tsc=reliable ${KHZ:+tsc_early_khz=$KHZ}"
APPEND+=" lab.init=$LAB/guest/init.sh lab.entry=/out/.lab-entry.sh lab.timeout=$TIMEOUT ${LAB_APPEND:-}"

t0=$(date +%s.%N)
timeout -s KILL $((TIMEOUT + 180)) qemu-system-x86_64 "${MACH[@]}" \
  -accel tcg,thread=multi -cpu max -smp "$CPUS" -m "$MEM" \
  -nographic -nodefaults -no-reboot -nic none -serial stdio -monitor none \
  -initrd "$INITRD" -append "$APPEND" \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
  -device "$P9,fsdev=hostroot,mount_tag=hostroot" \
  -fsdev "local,id=out,path=$OUT,security_model=none" \
  -device "$P9,fsdev=out,mount_tag=out" \
  < /dev/null > "$OUT/console.log" 2>&1
qrc=$?
wall=$(echo "$(date +%s.%N) - $t0" | bc)
rm -f "$ENTRY"
echo "run-vm: kernel $KV on $MACHINE, boot-to-script $(cat "$OUT/boot-time" 2>/dev/null || echo ?)s, wall ${wall}s, qemu rc $qrc, out $OUT" >&2
if [ -s "$OUT/rc" ]; then exit "$(cat "$OUT/rc")"; fi
echo "run-vm: the VM failed (no rc); console.log tail:" >&2
tail -n 25 "$OUT/console.log" >&2
exit 125
