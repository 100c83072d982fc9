#!/bin/sh
# Re-creates tests/LvsPS.Tests/Golden/*.hex: netlink bytes ipvsadm sends and the kernel's
# replies, captured on an nlmon interface inside the lab VM.
#   On the host:   lab/tools/capture-golden.sh [GOLDEN_DIR]
#     boots the VM with this same script, then extracts the hex files from the pcaps
#     (kept in lab/.cache/golden-capture/) with pcap-to-hex.py.
#   In the VM (LAB_VM=1): runs the ipvsadm commands, one pcap per command, into /out.
set -eu
TOOLS=$(cd "$(dirname "$0")" && pwd)
LABDIR=$(dirname "$TOOLS")

if [ -z "${LAB_VM:-}" ]; then
  GOLDEN=${1:-$LABDIR/../tests/LvsPS.Tests/Golden}
  CAP="$LABDIR/.cache/golden-capture"
  rm -rf "$CAP"; mkdir -p "$CAP" "$GOLDEN"
  "$LABDIR/run-vm.sh" -o "$CAP" -t 900 "$0" || { echo "capture-golden: VM run failed (see $CAP)" >&2; exit 1; }
  FAM=$(cat "$CAP/family-id")
  x() {  # x PCAP DIR CMDS OUTFILE [HEX the request must contain]
    python3 "$TOOLS/pcap-to-hex.py" --family-id "$FAM" --dir "$2" --cmd "$3" --contains "${5:-}" --summary "$CAP/$1.pcap" \
      > "$GOLDEN/$4" 2> "$CAP/$4.summary"
    [ -s "$GOLDEN/$4" ] || { echo "capture-golden: $4 is empty" >&2; exit 1; }
  }
  # genl commands (include/uapi/linux/ip_vs.h): 1 NEW_SERVICE 4 GET_SERVICE 5 NEW_DEST
  # 8 GET_DEST 15 GET_INFO
  for d in request reply; do
    x add-service-tcp  $d 1  ipvsadm-add-service-tcp-wrr-p20.$d.hex
    x add-dest-dr      $d 5  ipvsadm-add-dest-tcp-dr-w1.$d.hex
    x add-service-udp6 $d 1  ipvsadm-add-service-udp6-sh-flags.$d.hex
    x add-dest-tun-gue $d 5  ipvsadm-add-dest-tcp-tun-gue.$d.hex
    x add-service-fwm  $d 1  ipvsadm-add-service-fwmark42-mh.$d.hex
    x list             $d 4  dump-services.$d.hex
    # ipvsadm -Ln sends one GET_DEST dump per service, in service dump order, which
    # changes from boot to boot (the service hash mixes in a per-boot netns hash); pick
    # each by an attribute of its SERVICE nest: PROTOCOL=6, PROTOCOL=17, FWMARK=42.
    x list             $d 8  dump-dests-tcp.$d.hex      0600020006000000
    x list             $d 8  dump-dests-udp6.$d.hex     0600020011000000
    x list             $d 8  dump-dests-fwmark42.$d.hex 080005002a000000
    x add-service-tcp  $d 15 get-info.$d.hex
    x list-stats       $d 4  dump-services-stats.$d.hex
    x list-stats       $d 8  dump-dests-tcp-stats.$d.hex 0600020006000000
  done
  cp "$CAP/versions" "$GOLDEN/versions.txt"
  echo "capture-golden: IPVS genl family id $FAM; wrote $(ls "$GOLDEN"/*.hex | wc -l) files to $GOLDEN"
  exit 0
fi

# ---- inside the VM ----
. "$LABDIR/guest-prepare.sh"
ip link add nlmon0 type nlmon
ip link set nlmon0 up
genl ctrl get name IPVS > /out/genl-ipvs.txt
sed -n 's/.*ID: *\(0x[0-9a-f]*\).*/\1/p' /out/genl-ipvs.txt | head -1 | xargs printf '%d\n' > /out/family-id
{ echo "kernel: $(uname -r) ($(uname -v))"; echo "ipvs: $(head -1 /proc/net/ip_vs)"
  echo "ipvsadm: $(ipvsadm --version 2>&1 | head -1)"; echo "genl family IPVS id: $(cat /out/family-id)"; } > /out/versions
cat /out/versions

cap() {  # cap NAME COMMAND... : capture everything on nlmon0 while COMMAND runs
  name=$1; shift
  tcpdump -i nlmon0 -s 0 -U -Z root -w "/tmp/$name.pcap" 2> "/tmp/$name.tcpdump" &
  tp=$!
  n=0; until grep -q 'listening on' "/tmp/$name.tcpdump" 2>/dev/null; do
    n=$((n+1)); [ $n -lt 300 ] || { echo "tcpdump did not start"; cat "/tmp/$name.tcpdump"; exit 1; }; sleep 0.1
  done
  echo "## $name: $*"
  "$@"
  sleep 1
  kill -INT "$tp"; wait "$tp" || true
  grep -E 'packets (captured|dropped by kernel)' "/tmp/$name.tcpdump" | tr '\n' ' '; echo
  cp "/tmp/$name.pcap" "/out/$name.pcap"
}
cap add-service-tcp  ipvsadm -A -t 10.0.0.3:80 -s wrr -p 20
cap add-dest-dr      ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1
cap add-service-udp6 ipvsadm -A -u '[2001:db8::1]:53' -s sh -b sh-fallback,sh-port
cap add-dest-tun-gue ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.8:80 -i --tun-type gue --tun-port 6080 --tun-nocsum -w 2 -x 100 -y 10
cap add-service-fwm  ipvsadm -A -f 42 -s mh
cap list             ipvsadm -Ln
# Some traffic, so that the statistics in a second dump are not all zero: the VIP is
# local, locally originated SYNs pass IPVS's LOCAL_OUT hook and are scheduled to a real
# server behind a dummy interface (they vanish there; the counters still move).
ip link add dummy0 type dummy 2>/dev/null || { modprobe dummy; ip link add dummy0 type dummy; }
ip link set dummy0 up
ip addr add 10.0.0.1/24 dev dummy0
ip addr add 10.0.0.3/32 dev lo
curl -s -m 4 http://10.0.0.3/ >/dev/null 2>&1 || true
curl -s -m 2 http://10.0.0.3/ >/dev/null 2>&1 || true
sleep 2   # let the 2-second rate estimator run once
cap list-stats       ipvsadm -Ln --stats
ipvsadm -Ln --stats > /out/ipvsadm-Ln-stats.txt
ipvsadm -Ln --tun-info > /out/ipvsadm-Ln.txt 2>&1 || ipvsadm -Ln > /out/ipvsadm-Ln.txt
ipvsadm -Sn > /out/ipvsadm-Sn.txt
cat /out/ipvsadm-Ln.txt /out/ipvsadm-Ln-stats.txt
