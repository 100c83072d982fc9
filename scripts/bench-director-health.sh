#!/usr/bin/env bash
# Issue 12 on the host (root; not a CI test, ~1 min): a director with SERVICES (default 1000) checked
# virtual servers (TCP_CHECK, delay_loop 1) in a network namespace of its own, against listeners there
# (one port each, accept and close), IPVS in memory. Prints threads, start time, CPU %, RSS, probes/s
# (tools/LvsPS.Bench/DirectorHealthBench.cs). Args: SERVICES WINDOW (seconds measured, default 20) SHAPE
# (services: SERVICES virtual servers of one real server each, the default; one: one virtual server with
# SERVICES real servers, the lab bench's shape).
# BENCH_DLL=path/LvsPS.Bench.dll runs another build (say, of an older commit) instead of building this one;
# BENCH_WRAP prefixes the command (say "strace -f -c -o FILE" to count system calls).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVICES=${1:-1000}
WINDOW=${2:-20}
SHAPE=${3:-services}
NS=lvsps-bench-dh-$$
DLL=${BENCH_DLL:-}
if [ -z "$DLL" ]; then
  dotnet build "$ROOT/tools/LvsPS.Bench" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
  DLL=$ROOT/tools/LvsPS.Bench/bin/Release/net10.0/LvsPS.Bench.dll
fi
ulimit -n "$(ulimit -Hn)"
ip netns add "$NS"
LISTENER=
cleanup() { [ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip -n "$NS" link set lo up
READY=$(mktemp)
ip netns exec "$NS" python3 -u -c '
import asyncio, sys
async def close(reader, writer):
    writer.close()
async def main(first, count):
    for port in range(first, first + count):
        await asyncio.start_server(close, "127.0.0.1", port, backlog=64)
    print("ready", flush=True)
    await asyncio.Event().wait()
asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
' 20000 "$SERVICES" >"$READY" 2>&1 &
LISTENER=$!
for _ in $(seq 100); do grep -q ready "$READY" && break; sleep 0.1; done
grep -q ready "$READY" || { cat "$READY"; echo "the listeners did not start" >&2; exit 1; }
rm -f "$READY"
${BENCH_WRAP:-} dotnet "$DLL" director-health "$NS" "$SERVICES" "$WINDOW" "$SHAPE"
