#!/usr/bin/env bash
# VRRP fail-over benchmark on this host (root, keepalived): LvsPS vs keepalived as the backup of a
# keepalived master, timed from packet timestamps. Env: VRRP_BENCH_TRIALS (5), VRRP_BENCH_ONLY
# (a scenario substring, e.g. "v3 0.01"). Prints and writes out/vrrp-bench.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
dotnet build tests/LvsPS.Host.Tests -c Release --nologo -v q -clp:ErrorsOnly
VRRP_BENCH=1 dotnet test tests/LvsPS.Host.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~FailoverBenchmark" --logger "console;verbosity=detailed" \
  | grep -E '^ *(\||v[23] |Fail-over)' || true
cat out/vrrp-bench.md
