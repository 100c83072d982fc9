# Sourced by the host-side lab scripts (they all live in lab/). Defines LAB, LAB_CACHE and
# lab_kv, which names the Debian kernel the VM boots.
LAB=$(cd "$(dirname "$0")" && pwd)
LAB_CACHE=${LAB_CACHE:-$LAB/.cache}
# LAB_KV if set, else the newest /boot/vmlinuz-* that also has a /lib/modules tree. The
# kernel the host itself runs does not matter (it normally has no IPVS at all).
lab_kv() {
  if [ -n "${LAB_KV:-}" ]; then echo "$LAB_KV"; return 0; fi
  for k in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -rV); do
    [ -d "/lib/modules/$k" ] && { echo "$k"; return 0; }
  done
  return 1
}
