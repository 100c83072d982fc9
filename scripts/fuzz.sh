#!/usr/bin/env bash
# Coverage-guided fuzzing of LvsPS's decoders: AFL++ (Debian's afl++) drives the harnesses in
# tests/LvsPS.Fuzz through SharpFuzz, which instruments LvsPS.Native.dll for coverage.
#
#   scripts/fuzz.sh TARGET SECONDS         one target (scripts/fuzz.sh list names them)
#   scripts/fuzz.sh all SECONDS [--trx F]  every target in turn; CI runs it short (scripts/test-all.sh)
#   scripts/fuzz.sh list
#
# Each target's corpus grows in out/fuzz/TARGET/corpus and seeds the next run; the seeds come from
# the golden captures, the recorded samples, tests/LvsPS.Fuzz/Seeds and the saved findings. An
# input that breaks the decoder's contract (an undocumented exception, a hang, a crash) is a
# finding: it is replayed, copied to out/fuzz/findings/TARGET/, and the script exits 1.
# Once fixed, the input goes to tests/LvsPS.Tests/Fuzz/Findings/TARGET/ (tests/LvsPS.Fuzz/README.md).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
OUT=$ROOT/out/fuzz
BUILD=$ROOT/tests/LvsPS.Fuzz/bin/Release/net10.0
INSTRUMENTED=$OUT/bin
SHARPFUZZ=$ROOT/out/tools/sharpfuzz
EXEC_TIMEOUT_MS=${FUZZ_EXEC_TIMEOUT_MS:-5000}  # per input under AFL; a real hang never ends, a loaded machine is slow
REPLAY_TIMEOUT_S=${FUZZ_REPLAY_TIMEOUT_S:-10}  # replays (seeds, findings) call an input still running after this a hang

usage() { sed -n '5,7p' "$0" | sed 's/^# \{0,3\}//'; exit 2; }
[ $# -ge 1 ] || usage
TARGET=$1
harness() { dotnet "$BUILD/LvsPS.Fuzz.dll" "$@"; }

prepare() {
  mkdir -p "$OUT"
  if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    dotnet build tests/LvsPS.Fuzz/LvsPS.Fuzz.csproj -c Release --nologo -v q -clp:ErrorsOnly > "$OUT/build.log" 2>&1 \
      || { cat "$OUT/build.log"; return 1; }
  fi
  command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz is missing: run scripts/install-deps.sh" >&2; return 1; }
  [ -x "$SHARPFUZZ" ] || { echo "fuzz: $SHARPFUZZ is missing: run scripts/install-deps.sh" >&2; return 1; }
  # A fresh copy each time: SharpFuzz instruments in place, and only once.
  rm -rf "$INSTRUMENTED" && cp -r "$BUILD" "$INSTRUMENTED" || return 1
  "$SHARPFUZZ" "$INSTRUMENTED/LvsPS.Native.dll" >/dev/null || { echo "fuzz: sharpfuzz could not instrument LvsPS.Native.dll" >&2; return 1; }
}

stat() { sed -n "s/^$1 *: *//p" "$2" 2>/dev/null | head -1; }

# fuzz_one TARGET SECONDS: prints one summary line; returns the number of findings (capped at 255).
fuzz_one() {
  local t=$1 seconds=$2 dir=$OUT/$1 findings=0
  rm -rf "$dir/in" "$dir/afl" && mkdir -p "$dir/in" "$dir/corpus" "$OUT/findings/$t"
  harness seeds "$t" "$dir/in" >/dev/null || { echo "fuzz $t: no seeds"; return 1; }
  cp -n "$dir/corpus/"* "$dir/in/" 2>/dev/null
  # Seeds first: one that already breaks the contract is a finding, and AFL would refuse to start.
  if ! harness replay "$t" "$dir/in" --timeout "$REPLAY_TIMEOUT_S" > "$dir/seeds.log"; then
    grep '^FINDING' "$dir/seeds.log"
    cp $(sed -n 's/^FINDING [^ ]* \(.*\): .*/\1/p' "$dir/seeds.log" | sort -u) "$OUT/findings/$t/" 2>/dev/null
    echo "fuzz $t: the seeds already break the contract (see $dir/seeds.log)"
    return 1
  fi
  local dict=()
  [ -f "tests/LvsPS.Fuzz/Dictionaries/$t.dict" ] && dict=(-x "tests/LvsPS.Fuzz/Dictionaries/$t.dict")
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
  AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_NO_WARN_INSTABILITY=1 \
    afl-fuzz -i "$dir/in" -o "$dir/afl" -t "$EXEC_TIMEOUT_MS" -m none -V "$seconds" "${dict[@]}" \
      -- dotnet "$INSTRUMENTED/LvsPS.Fuzz.dll" run "$t" > "$dir/afl.log" 2>&1
  local rc=$? stats=$dir/afl/default/fuzzer_stats
  if [ $rc -ne 0 ] || [ ! -f "$stats" ]; then
    # SharpFuzz runs every input in the one harness process: an input that hangs (AFL kills the
    # process at -t) or kills it (stack overflow) stops afl-fuzz, and AFL's .cur_input holds it.
    local last=$dir/afl/default/.cur_input
    grep -a 'PROGRAM ABORT' -A1 "$dir/afl.log" | tail -2
    if grep -aq 'fork server' "$dir/afl.log" && [ -s "$last" ]; then
      local kept=$OUT/findings/$t/stopped-the-harness-$(date +%s)
      cp "$last" "$kept"
      harness replay "$t" "$kept" --timeout "$REPLAY_TIMEOUT_S" | grep '^FINDING' | cut -c1-400
      echo "fuzz $t: the harness hung or died on an input, kept as $kept (log: $dir/afl.log)"
    else
      tail -25 "$dir/afl.log"
      echo "fuzz $t: afl-fuzz failed (exit $rc; log: $dir/afl.log)"
    fi
    return 1
  fi
  # Keep what this run discovered; the queue's ",orig:" entries are the inputs it started from.
  find "$dir/afl/default/queue" -maxdepth 1 -name 'id:*' ! -name '*,orig:*' -exec cp -n {} "$dir/corpus/" \;
  # An exception escaping the harness is a crash AFL saves, and fuzzing goes on.
  local crashes=("$dir/afl/default/crashes/"id:*)
  if [ -e "${crashes[0]}" ]; then
    findings=${#crashes[@]}
    cp "${crashes[@]}" "$OUT/findings/$t/"
    harness replay "$t" "${crashes[@]}" --timeout "$REPLAY_TIMEOUT_S" | grep '^FINDING' | cut -c1-400 | head -20
  fi
  printf 'fuzz %-16s %4ss %10s execs %8s/s  corpus %5s  coverage %7s  findings %s\n' "$t" "$seconds" \
    "$(stat execs_done "$stats")" "$(stat execs_per_sec "$stats")" "$(stat corpus_count "$stats")" "$(stat bitmap_cvg "$stats")" "$findings"
  [ $findings -gt 255 ] && findings=255
  return $findings
}

# write_trx FILE: one test per target (results in $OUT/results.tsv: target, findings, seconds, message).
write_trx() {
  python3 - "$1" "$OUT/results.tsv" <<'PY'
import sys, uuid, xml.sax.saxutils as x
out, tsv = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(tsv) if l.strip()]
passed = sum(1 for r in rows if r[1] == "0")
results = "".join(
    f'<UnitTestResult testId="{uuid.uuid4()}" testName="fuzz.{x.escape(t)}" outcome="{"Passed" if f == "0" else "Failed"}" duration="00:00:{int(s):02d}">'
    f'<Output><StdOut>{x.escape(m)}</StdOut></Output></UnitTestResult>' for t, f, s, m in rows)
open(out, "w").write(
    '<?xml version="1.0" encoding="utf-8"?>'
    '<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010" name="fuzz">'
    f'<Results>{results}</Results><ResultSummary outcome="{"Completed" if passed == len(rows) else "Failed"}">'
    f'<Counters total="{len(rows)}" executed="{len(rows)}" passed="{passed}" failed="{len(rows) - passed}" /></ResultSummary></TestRun>')
PY
}

case $TARGET in
  list) prepare >/dev/null && harness list; exit ;;
  -h|--help) usage ;;
esac
[ $# -ge 2 ] || usage
SECONDS_EACH=$2; TRX=
[ "${3:-}" = "--trx" ] && TRX=${4:?--trx needs a file}
prepare || exit 1
if [ "$TARGET" = all ]; then targets=$(harness list | awk '{print $1}'); else targets=$TARGET; fi
: > "$OUT/results.tsv"
total=0
for t in $targets; do
  line=$(fuzz_one "$t" "$SECONDS_EACH"); n=$?
  echo "$line"
  printf '%s\t%s\t%s\t%s\n' "$t" "$n" "$SECONDS_EACH" "$(echo "$line" | tail -1)" >> "$OUT/results.tsv"
  total=$((total + n))
done
[ -n "$TRX" ] && write_trx "$TRX"
if [ $total -gt 0 ]; then
  echo "fuzz: findings in out/fuzz/findings/ (reproduce: dotnet $BUILD/LvsPS.Fuzz.dll replay TARGET FILE)"
  exit 1
fi
