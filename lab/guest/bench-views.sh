#!/bin/sh
# Runs inside the lab VM (scripts/bench-views.sh builds and starts it): a table of SERVICES services with
# two real servers each, listed by ipvsadm -Ln and by Get-LvsVirtualService's default view in real pwsh,
# for each module folder given (e.g. the previous build and this one), TRIALS times, in one boot.
# Usage: lab/guest/bench-views.sh SERVICES TRIALS LABEL=MODULE_DIR [LABEL=MODULE_DIR ...]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export HOME=/root DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
PWSH=${PWSH:-$ROOT/.tools/pwsh/pwsh}
SERVICES=$1; TRIALS=$2; shift 2
i=0; : > /tmp/bench-views.rules
while [ "$i" -lt "$SERVICES" ]; do
  a=$((i / 250)); b=$((i % 250))
  printf -- '-A -t 10.%d.%d.1:80 -s wrr -p 20\n-a -t 10.%d.%d.1:80 -r 192.168.0.1:80 -g -w 1\n-a -t 10.%d.%d.1:80 -r 192.168.0.2:80 -g -w 1\n' \
    "$a" "$b" "$a" "$b" "$a" "$b" >> /tmp/bench-views.rules
  i=$((i + 1))
done
ipvsadm -R < /tmp/bench-views.rules
echo "table: $(ipvsadm -Ln | wc -l) lines of ipvsadm -Ln"
t=1
while [ "$t" -le "$TRIALS" ]; do
  s=$(date +%s%N); ipvsadm -Ln > /dev/null; e=$(date +%s%N)
  echo "RESULT ipvsadm  -Ln $(( (e - s) / 1000000 )) ms" >&2
  for pair in "$@"; do
    label=${pair%%=*}; dir=${pair#*=}
    s=$(date +%s%N)
    "$PWSH" -NoProfile -NonInteractive -File "$ROOT/tools/bench-views.ps1" -Module "$dir/LvsPS.psd1" -Label "$label" -Services "$SERVICES" > /dev/null
    e=$(date +%s%N)
    echo "RESULT $label whole pwsh process $(( (e - s) / 1000000 )) ms" >&2
  done
  t=$((t + 1))
done
