#!/bin/sh
# Smoke test for the lab: IPVS modules, one ipvsadm service, dotnet and netns available.
set -e
. "$(dirname "$0")/prepare.sh"
echo "== kernel $(uname -r)"; head -1 /proc/net/ip_vs
lsmod | awk '/^ip_vs/ { printf "%s ", $1 } END { print "" }'
ipvsadm -A -t 10.0.0.3:80 -s wrr -p 20
ipvsadm -Sn
ip netns add lab-a && ip netns list && ip netns del lab-a
t=$(date +%s.%N); dotnet --info | head -3; echo "dotnet --info took $(echo "$(date +%s.%N) - $t" | bc)s"
echo "args:[$*]"
