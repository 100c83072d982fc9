#!/usr/bin/env bash
# Builds LvsPS and runs every test tier: unit (core codec and fakes), cmdlets (hosted
# PowerShell engine), fuzz (each decoder briefly under AFL++), host (namespaces on this kernel: VRRP against keepalived), and real kernel (lab VM with IPVS). Ends with 'N passed, N failed,
# N skipped' summed over the tiers; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS=${RESULTS:-$ROOT/out/test-results}
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
step() { echo "== $(date +%T) $*"; }

step build
scripts/build-module.sh || exit 1
dotnet build LvsPS.slnx -c Release --nologo -v q -clp:ErrorsOnly || exit 1

tiers=()
for proj in LvsPS.Tests LvsPS.Cmdlet.Tests; do
  [ -d "tests/$proj" ] || continue
  step "unit tier: $proj"
  dotnet test "tests/$proj/$proj.csproj" --no-build -c Release --nologo \
    --logger "trx;LogFileName=$proj.trx" --results-directory "$RESULTS" -v q
  tiers+=("$proj=$RESULTS/$proj.trx")
done

step "fuzz tier: every decoder under AFL++ for ${FUZZ_SECONDS:-6} s (scripts/fuzz.sh; a finding fails it)"
FUZZ_NO_BUILD=1 scripts/fuzz.sh all "${FUZZ_SECONDS:-6}" --trx "$RESULTS/LvsPS.Fuzz.trx"
tiers+=("LvsPS.Fuzz=$RESULTS/LvsPS.Fuzz.trx")

step "host tier: LvsPS.Host.Tests (namespaces on this kernel, keepalived as the VRRP peer; root)"
dotnet test tests/LvsPS.Host.Tests/LvsPS.Host.Tests.csproj --no-build -c Release --nologo \
  --logger "trx;LogFileName=LvsPS.Host.Tests.trx" --results-directory "$RESULTS" -v q
tiers+=("LvsPS.Host.Tests=$RESULTS/LvsPS.Host.Tests.trx")

step "real-kernel tier: lab VM"
lab/run-vm.sh -o "$RESULTS/lab" -t "${LAB_TEST_TIMEOUT:-1500}" lab/run-lab-tests.sh
echo "lab VM exit status: $?"
grep -E '^\s+(Failed|Skipped) ' "$RESULTS/lab/log" || true
tiers+=("LvsPS.Lab.Tests=$RESULTS/lab/results/lab.trx")

step summary
python3 scripts/trx-summary.py "${tiers[@]}"
