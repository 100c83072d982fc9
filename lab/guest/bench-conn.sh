#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/bench-conn.sh [ROWS SIZES BUDGET TRIALS]): Get-LvsConnection
# against ipvsadm -Lnc | grep in one boot, on a generated ROWS-row file (default 1000000) and on a
# real table grown through SIZES (default 50000,100000,200000,400000,1000000) by crafted sync
# messages; BUDGET seconds per measurement (default 600). Built on the host first (scripts/bench-conn.sh).
# The same program as bench.sh, with its "conn" command.
exec "$(cd "$(dirname "$0")" && pwd)/bench.sh" conn "$@"
