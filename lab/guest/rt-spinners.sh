#!/bin/sh
# rt-spinners.sh SECONDS: one SCHED_FIFO priority-10 busy loop per CPU for SECONDS (each ended by a
# timeout running at FIFO 30, above them), returning once all of them spin. Used by
# daemon-stop-race.sh to keep SCHED_OTHER tasks, a new kernel thread among them, from running.
n=$(nproc)
for cpu in $(seq 0 $((n - 1))); do
  chrt -f 30 timeout "$1" taskset -c "$cpu" chrt -f 10 sh -c 'while :; do :; done' >/dev/null 2>&1 &
done
i=0
while [ "$(pgrep -fc '^sh -c while :; do :; done$')" -lt "$n" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
