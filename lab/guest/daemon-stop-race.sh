#!/bin/sh
# Runs inside the lab VM (scripts/daemon-stop-race.sh boots it): a sync daemon stopped before its
# kernel thread first ran. stop_sync_thread then returns kthread_stop's -EINTR and netlink_rcv_skb
# sends no answer at all, so a client that waits for the ACK waits forever. The thread is kept
# from running by starving it: SCHED_FIFO spinners (priority 10, one per CPU, RT throttling off for
# their 12 s, each ended by a timeout at FIFO 30) while this script and the clients run at FIFO 20
# and kthreadd at FIFO 40 (so creating the thread is immediate; the new thread is SCHED_OTHER).
# Each client starts and stops in one process (ipvsadm -R reads both commands), so the stop comes
# before the thread could run. The stop blocks until the spinners end (kthread_stop waits for the
# thread to exit); then ipvsadm waits for an answer that never comes (killed at 25 s: rc 124) and
# Stop-LvsSyncDaemon returns. threads_started < stops shows the rounds that hit the race.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export NO_COLOR=1 PSModulePath="$ROOT/out" DOTNET_CLI_TELEMETRY_OPTOUT=1
ROUNDS=${1:-3}
if [ "$(chrt -p $$ | grep -c FIFO)" = 0 ]; then exec chrt -f 20 "$0" "$@"; fi
rt_runtime=$(cat /proc/sys/kernel/sched_rt_runtime_us)
echo -1 > /proc/sys/kernel/sched_rt_runtime_us
ip netns add race && ip -n race link set lo up
kthreadd_policy=$(chrt -p 2 | head -1)
chrt -f -p 40 2
daemons() { ip netns exec race ipvsadm -L --daemon; }
# The thread prints "sync thread started" when it first runs: a stop before that is the race.
ran() { echo "threads_started=$(dmesg | grep -c 'sync thread started: state = MASTER') stops=$(dmesg | grep -c 'stopping master sync thread')"; }

for i in $(seq 1 "$ROUNDS"); do
  "$HERE/rt-spinners.sh" 12
  chrt -f 20 ip netns exec race sh -c '
    s=$(date +%s%N)
    printf "%s\n" "--start-daemon master --mcast-interface lo --syncid 5" "--stop-daemon master" | timeout 25 ipvsadm -R
    rc=$?; e=$(date +%s%N)
    echo "RESULT ipvsadm round='"$i"' stop_rc=$rc stop_ms=$(( (e - s) / 1000000 ))"'
  sleep 12 # the spinners end
  echo "RESULT ipvsadm round=$i daemons_after=$(daemons | wc -l) $(ran)"
  daemons | grep -q . && ip netns exec race ipvsadm --stop-daemon master
done

# pwsh starts for seconds under emulation: the spinners begin once the module is loaded.
export SPIN="$HERE/rt-spinners.sh"
for i in $(seq 1 "$ROUNDS"); do
  chrt -f 20 "$ROOT/scripts/pwsh.sh" -NoProfile -NonInteractive -Command '
    Import-Module LvsPS
    Get-LvsSyncDaemon -NetworkNamespace race | Out-Null
    & $env:SPIN 12
    Start-LvsSyncDaemon Master lo -SyncId 5 -NetworkNamespace race
    $w = [Diagnostics.Stopwatch]::StartNew()
    $outcome = try { Stop-LvsSyncDaemon Master -NetworkNamespace race -ErrorAction Stop; "ok" } catch { $_.FullyQualifiedErrorId }
    "RESULT LvsPS round='"$i"' stop={0} stop_ms={1}" -f $outcome, $w.ElapsedMilliseconds'
  sleep 13
  echo "RESULT LvsPS round=$i daemons_after=$(daemons | wc -l) $(ran)"
done
chrt -o -p 0 2 || echo "kthreadd was: $kthreadd_policy"
echo "$rt_runtime" > /proc/sys/kernel/sched_rt_runtime_us
ip netns del race
