#!/usr/bin/env bash
# The phases of a keepalived.conf reload (issue 13) on the host, no kernel needed: read, statements, the whole read,
# plan and reload over the in-memory IPVS, which counts the dumps and batches the kernel's client would send
# (tools/LvsPS.Bench/ReloadBench.cs). The VM's figures against ipvsadm and keepalived: scripts/bench-reload.sh.
# Usage: scripts/bench-reload-phases.sh [SERVICES (10000)] [TRIALS (5)]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
dotnet build tools/LvsPS.Bench -c Release --nologo -v q -clp:ErrorsOnly
dotnet tools/LvsPS.Bench/bin/Release/net10.0/LvsPS.Bench.dll reload "$@"
