#!/bin/sh
# Runs inside the lab VM (scripts/bench-reload.sh builds and starts it): the reload of a keepalived.conf
# of SERVICES virtual servers (2 real servers each, no checkers: the figure is the IPVS work, not the
# probes) after 1% of it changed, in one boot, each contender in its own namespace with an nlmon
# device whose capture counts the IPVS netlink requests sent:
#   diff   ipvsadm -R of the difference alone (the bound: nothing but the changes is sent; and, on
#          LvsPS's side, dlv: the reload's own changes sent alone on an open socket)
#   flush  ipvsadm -C then ipvsadm -R of the whole new table (flush and reload)
#   lvsps  Update-LvsDirector under a director started from the old file (then back, warm), and
#          Import-LvsConfiguration -Replace of the new table as an ipvsadm rules file
#   ka     keepalived 2.2.7 -C started from the old file, SIGHUP after the file changed, timed until
#          its table equals the new file's (polled from /proc/net/ip_vs: the poll sends no netlink)
# Every figure is printed as a line starting with RESULT. The 1%: of every 100 services one is
# changed, in turn: a real server's weight, the scheduler, a real server replaced, the service
# removed (and as many services added).
# Usage: lab/guest/bench-reload.sh SERVICES [KEEPALIVED_WAIT_S (0: keepalived is not run)]
#   also, for tools/bench-reload.ps1: capture-start NAME NS | capture-stop NAME | wait-equal NS FILE TIMEOUT_S
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=/tmp/bench-reload

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The table of a namespace as sorted lines (service, and service > real server), read from /proc.
table() {
  ip netns exec "$1" cat /proc/net/ip_vs | awk '
    /^(TCP|UDP|FWM)/ { s = $1 " " $2 " " $3 " " $4; print s; next }
    /^  ->/ && $2 != "RemoteAddress:Port" { print s " > " $2 " " $3 " " $4 }' | sort
}

# Prints the milliseconds until the table of NS equals FILE, or "timeout".
wait_equal() {
  s=$(now_ms)
  while :; do
    table "$1" > "$W/poll.$1"
    if cmp -s "$W/poll.$1" "$2"; then echo $(( $(now_ms) - s )); return 0; fi
    [ $(( $(now_ms) - s )) -lt $(( $3 * 1000 )) ] || { echo timeout; diff "$2" "$W/poll.$1" | head -6 | sed "s/^/wait-equal $1: /" >&2; return 1; }
    sleep 0.2
  done
}

capture_start() {
  rm -f "$W/$1.pcap"
  ip netns exec "$2" tcpdump -i nlmon0 -s 0 -U -w "$W/$1.pcap" < /dev/null > /dev/null 2> "$W/$1.tcpdump" &
  echo $! > "$W/$1.pid"
  n=0; until grep -q 'listening on' "$W/$1.tcpdump" 2>/dev/null; do
    n=$((n + 1)); [ $n -lt 300 ] || { echo "tcpdump did not start: $(cat "$W/$1.tcpdump")" >&2; return 1; }; sleep 0.1
  done
}

capture_stop() {
  sleep 0.5   # the last replies reach the tap
  pid=$(cat "$W/$1.pid"); kill -INT "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$W/$1.tcpdump")
  echo "RESULT $1 requests: $(python3 "$ROOT/lab/tools/count-requests.py" --family-id "$(cat "$W/family-id")" "$W/$1.pcap") (capture dropped ${dropped:-?})" >&2
}

case "${1:-}" in
  capture-start) capture_start "$2" "$3"; exit $? ;;
  capture-stop) capture_stop "$2"; exit $? ;;
  wait-equal) wait_equal "$2" "$3" "$4"; exit $? ;;
esac

SERVICES=${1:-10000}; KA_WAIT=${2:-900}
. "$HERE/prepare.sh"
export HOME=/root DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
PWSH=${PWSH:-$ROOT/.tools/pwsh/pwsh}
rm -rf "$W"; mkdir -p "$W"
genl ctrl get name IPVS | sed -n 's/.*ID: *\(0x[0-9a-f]*\).*/\1/p' | head -1 | xargs printf '%d\n' > "$W/family-id"

# old.conf/new.conf (keepalived), old.rules/new.rules (ipvsadm -R), diff.rules (the change alone).
awk -v n="$SERVICES" -v w="$W" 'BEGIN {
  head = "global_defs {\n  router_id bench\n}\n"; printf "%s", head > (w "/old.conf"); printf "%s", head > (w "/new.conf")
  added = 0
  for (i = 0; i < n; i++) {
    vip = sprintf("10.%d.%d.1", int(i / 250), i % 250)
    kind = (i % 100 == 50) ? int(i / 100) % 4 : -1
    vs(w "/old.conf", w "/old.rules", vip, "wrr", 1, "192.168.0.2")
    if (kind == 3) {
      print "-D -t " vip ":80" > (w "/diff.rules")
      nvip = sprintf("10.200.%d.1", added++)
      vs(w "/new.conf", w "/new.rules", nvip, "wrr", 1, "192.168.0.2")
      vs("/dev/null", w "/diff.rules", nvip, "wrr", 1, "192.168.0.2")
      continue
    }
    vs(w "/new.conf", w "/new.rules", vip, kind == 1 ? "rr" : "wrr", kind == 0 ? 2 : 1, kind == 2 ? "192.168.0.3" : "192.168.0.2")
    if (kind == 0) print "-e -t " vip ":80 -r 192.168.0.1:80 -g -w 2" > (w "/diff.rules")
    if (kind == 1) print "-E -t " vip ":80 -s rr" > (w "/diff.rules")
    if (kind == 2) { print "-a -t " vip ":80 -r 192.168.0.3:80 -g -w 1" > (w "/diff.rules"); print "-d -t " vip ":80 -r 192.168.0.2:80" > (w "/diff.rules") }
  }
}
function vs(conf, rules, vip, sched, w1, second) {
  printf "virtual_server %s 80 {\n  protocol TCP\n  lb_algo %s\n  lb_kind DR\n  real_server 192.168.0.1 80 {\n    weight %d\n  }\n  real_server %s 80 {\n    weight 1\n  }\n}\n", vip, sched, w1, second > conf
  printf "-A -t %s:80 -s %s\n-a -t %s:80 -r 192.168.0.1:80 -g -w %d\n-a -t %s:80 -r %s:80 -g -w 1\n", vip, sched, vip, w1, vip, second > rules
}'
echo "RESULT files: $SERVICES services, old.conf $(wc -l < "$W/old.conf") lines, diff.rules $(wc -l < "$W/diff.rules") commands" >&2

for ns in ref diff flush lvs dlv imp ka; do
  ip netns add "br-$ns"; ip -n "br-$ns" link set lo up
  ip -n "br-$ns" link add nlmon0 type nlmon; ip -n "br-$ns" link set nlmon0 up
done
ip netns exec br-ref ipvsadm -R < "$W/old.rules"; table br-ref > "$W/old.table"
ip netns exec br-ref ipvsadm -C; ip netns exec br-ref ipvsadm -R < "$W/new.rules"; table br-ref > "$W/new.table"
echo "RESULT tables: old $(wc -l < "$W/old.table") lines, new $(wc -l < "$W/new.table") lines, $(diff "$W/old.table" "$W/new.table" | grep -c '^[<>]') differ" >&2
for ns in diff flush dlv imp; do ip netns exec "br-$ns" ipvsadm -R < "$W/old.rules"; done

# (d) the difference alone, (c) flush and reload with ipvsadm.
s=$(now_ms); ip netns exec br-diff ipvsadm -R < /dev/null; e=$(now_ms)
echo "RESULT base   ipvsadm -R of nothing (the cost of starting ipvsadm in the VM): $((e - s)) ms" >&2
capture_start diff br-diff
s=$(now_ms); ip netns exec br-diff ipvsadm -R < "$W/diff.rules"; e=$(now_ms)
echo "RESULT diff   ipvsadm -R of the difference alone: $((e - s)) ms; table equals new: $(wait_equal br-diff "$W/new.table" 5)" >&2
capture_stop diff
capture_start flush br-flush
s=$(now_ms); ip netns exec br-flush ipvsadm -C; ip netns exec br-flush ipvsadm -R < "$W/new.rules"; e=$(now_ms)
echo "RESULT flush  ipvsadm -C + ipvsadm -R of the new table: $((e - s)) ms; table equals new: $(wait_equal br-flush "$W/new.table" 5)" >&2
capture_stop flush

# (a) LvsPS, and (c) Import-LvsConfiguration -Replace: one pwsh process.
"$PWSH" -NoProfile -NonInteractive -File "$ROOT/tools/bench-reload.ps1" -Module "$ROOT/out/LvsPS/LvsPS.psd1" -Work "$W" -Guest "$HERE/bench-reload.sh"

# (b) keepalived 2.2.7: started from old.conf, SIGHUP once new.conf is in place (KEEPALIVED_WAIT_S 0: skipped).
[ "$KA_WAIT" -gt 0 ] || { echo "RESULT ka     skipped (KEEPALIVED_WAIT_S 0)" >&2; exit 0; }
cp "$W/old.conf" "$W/keepalived.conf"
s=$(now_ms)
setsid ip netns exec br-ka keepalived -C -n -l -D -f "$W/keepalived.conf" -p "$W/k.pid" -c "$W/c.pid" -r "$W/v.pid" < /dev/null > "$W/ka.log" 2>&1 &
ka=$!
echo "RESULT ka     start from old.conf until the table equals it: $(wait_equal br-ka "$W/old.table" "$KA_WAIT") ms (from $s)" >&2
cp "$W/new.conf" "$W/keepalived.conf"
capture_start ka br-ka
s=$(now_ms); kill -HUP "$ka"
r=$(wait_equal br-ka "$W/new.table" "$KA_WAIT")
echo "RESULT ka     SIGHUP reload until the table equals new.conf: $r ms" >&2
capture_stop ka
[ "$r" != timeout ] || tail -20 "$W/ka.log"
kill -KILL "$ka" 2>/dev/null
