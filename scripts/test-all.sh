#!/usr/bin/env bash
# Builds LvsPS and runs every test tier: unit (core codec and fakes), cmdlets (hosted
# PowerShell engine), fuzz (each decoder briefly under AFL++), Pester in real pwsh on this
# host, host (namespaces on this kernel: VRRP against keepalived), and real kernel in the lab VM
# with IPVS (dotnet lab tests, then Pester). Ends with 'N passed, N failed, N skipped' summed
# over the tiers; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS=${RESULTS:-$ROOT/out/test-results}
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
step() { echo "== $(date +%T) $*"; }

step "build: ./build.ps1 Package in pwsh (out/LvsPS, out/package/LvsPS.<version>.nupkg), then the test projects"
scripts/pwsh.sh -NoProfile -NonInteractive -File build.ps1 Package || exit 1
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

step "pwsh tier: Pester on this host (tests/Pester, examples/*.Tests.ps1; pwsh 7.6.10, Pester 5.9.1)"
scripts/pwsh.sh -NoProfile -NonInteractive -File scripts/run-pester.ps1 -ResultFile "$RESULTS/pester-host.xml"
tiers+=("Pester.Host=$RESULTS/pester-host.xml")

step "host tier: LvsPS.Host.Tests (namespaces on this kernel, keepalived as the VRRP peer; root)"
dotnet test tests/LvsPS.Host.Tests/LvsPS.Host.Tests.csproj --no-build -c Release --nologo \
  --logger "trx;LogFileName=LvsPS.Host.Tests.trx" --results-directory "$RESULTS" -v q
tiers+=("LvsPS.Host.Tests=$RESULTS/LvsPS.Host.Tests.trx")

step "real-kernel tiers: lab VM (LvsPS.Lab.Tests, then Pester tests/Pester/Lab)"
lab/run-vm.sh -o "$RESULTS/lab" -t "${LAB_TEST_TIMEOUT:-2400}" lab/guest/run-lab-tests.sh
echo "lab VM exit status: $?"
grep -E '^\s+(Failed|Skipped) ' "$RESULTS/lab/log" || true
tiers+=("LvsPS.Lab.Tests=$RESULTS/lab/results/lab.trx" "Pester.Lab=$RESULTS/lab/results/pester-lab.xml")

step summary
python3 scripts/trx-summary.py "${tiers[@]}"
