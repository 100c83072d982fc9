#!/bin/sh
# PID 1 of the lab VM, reached by switch_root from the initramfs. The root file system is
# the host's / (read-only 9p) under a tmpfs overlay; /out is run-vm.sh's output folder.
# Kernel command line: lab.entry=FILE (the wrapper run-vm.sh wrote; it runs the user's
# script with its arguments) and lab.timeout=SECONDS.
# Leaves in /out: log (script stdout+stderr), rc (its exit status), boot-time. Powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 LAB_VM=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false
say() { echo "lab-vm: $*" > /dev/console; }

# What systemd would normally provide.
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/netns /run/lock /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname labvm
ip link set lo up

ENTRY=; TIMEOUT=1800
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    lab.entry=*) ENTRY=${arg#lab.entry=} ;;
    lab.timeout=*) TIMEOUT=${arg#lab.timeout=} ;;
  esac
done
UP=$(cut -d' ' -f1 /proc/uptime)
echo "$UP" > /out/boot-time
say "uptime at script start ${UP}s (kernel $(uname -r))"

if [ -n "$ENTRY" ] && [ -f "$ENTRY" ]; then
  # The script's output goes live to the console and into /out/log through a fifo, so
  # that daemons the script leaves behind (still holding its stdout) cannot block us.
  mkfifo /run/lab-log
  tee /out/log < /run/lab-log > /dev/console &
  TEE=$!
  timeout -s KILL "$TIMEOUT" sh "$ENTRY" > /run/lab-log 2>&1 < /dev/null
  rc=$?
  [ "$rc" = 137 ] && say "script killed after ${TIMEOUT}s"
  # Kill what is left (user processes only; kernel threads have no exe link).
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" = 1 ] || [ "$pid" = "$TEE" ] || [ ! -e "$d/exe" ] || kill -9 "$pid" 2>/dev/null
  done
  n=0; while kill -0 "$TEE" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
  kill -9 "$TEE" 2>/dev/null
else
  say "nothing to run (lab.entry=$ENTRY)"; rc=127
fi
echo "$rc" > /out/rc
say "uptime at script end $(cut -d' ' -f1 /proc/uptime)s, rc=$rc"
sync; umount /out 2>/dev/null
# The host's poweroff is systemctl; busybox's -f variant calls reboot(2) directly. QEMU
# runs with -no-reboot and the kernel with panic=-1, so a reboot or panic also ends it.
busybox poweroff -f; sleep 5; busybox reboot -f
