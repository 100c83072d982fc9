#!/bin/sh
# Re-creates tests/LvsPS.Tests/Golden/*.hex: netlink bytes ipvsadm sends and the kernel's
# replies, captured on an nlmon interface inside the lab VM.
#   On the host: lab/tools/capture-golden.sh [GOLDEN_DIR]
#     boots the VM with lab/guest/capture-golden.sh (the ipvsadm commands, one pcap per
#     command), then extracts the hex files from the pcaps (kept in lab/.cache/golden-capture/)
#     with pcap-to-hex.py.
set -eu
TOOLS=$(cd "$(dirname "$0")" && pwd)
LABDIR=$(dirname "$TOOLS")
GOLDEN=${1:-$LABDIR/../tests/LvsPS.Tests/Golden}
CAP="$LABDIR/.cache/golden-capture"
rm -rf "$CAP"; mkdir -p "$CAP" "$GOLDEN"
"$LABDIR/run-vm.sh" -o "$CAP" -t 900 "$LABDIR/guest/capture-golden.sh" || { echo "capture-golden: VM run failed (see $CAP)" >&2; exit 1; }
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
