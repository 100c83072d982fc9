#!/bin/sh
# Runs inside the lab VM (booted by lab/tools/capture-golden.sh): the ipvsadm commands whose
# netlink bytes become tests/LvsPS.Tests/Golden/, one nlmon pcap per command, into /out.
set -eu
. "$(cd "$(dirname "$0")" && pwd)/prepare.sh"
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
