#!/usr/bin/env bash
# Installs what building and testing LvsPS needs on a fresh Debian machine with the .NET SDK:
# the lab's packages (qemu, Debian's kernel with every ip_vs module, ipvsadm, busybox, …)
# and builds the lab's initramfs and kernel image. Idempotent.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v dotnet >/dev/null || { echo "install-deps: the .NET SDK (dotnet) is required" >&2; exit 1; }
if ! command -v python3 >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3
fi
# The host test tier (tests/LvsPS.Host.Tests): keepalived as the VRRP peer, tcpdump for
# captures and the fail-over benchmark, iproute2 for namespaces, veth and bridges.
missing=()
for c in keepalived:keepalived tcpdump:tcpdump ip:iproute2 bridge:iproute2; do
  command -v "${c%%:*}" >/dev/null || missing+=("${c#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Health checks (tests/LvsPS.Host.Tests/Health, the lab's health tests): real servers to probe and fault:
# dnsmasq for DNS_CHECK, aiosmtpd for SMTP_CHECK (HTTP: python3 http.server, HTTPS: openssl s_server).
for p in dnsmasq-base=2.90-4~deb12u2 python3-aiosmtpd=1.4.3-1.1+deb12u1 openssl; do
  name=${p%%=*}; want=${p#*=}
  if [ "$name" = "$p" ]; then want=""; fi
  have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)
  if [ -z "$have" ] || { [ -n "$want" ] && [ "$have" != "$want" ]; }; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$p"
  fi
done
# Fuzzing (scripts/fuzz.sh, the CI fuzz tier): AFL++ from Debian drives the harnesses; SharpFuzz's
# instrumenter (a dotnet tool, in out/tools) adds the coverage feedback to LvsPS.Native.dll.
AFL_VERSION=4.04c-4
if [ "$(dpkg-query -W -f='${Version}' afl++ 2>/dev/null)" != "$AFL_VERSION" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "afl++=$AFL_VERSION"
fi
SHARPFUZZ_VERSION=2.3.0
if ! dotnet tool list --tool-path "$ROOT/out/tools" 2>/dev/null | grep -qi "^sharpfuzz.commandline *$SHARPFUZZ_VERSION "; then
  dotnet tool install SharpFuzz.CommandLine --version "$SHARPFUZZ_VERSION" --tool-path "$ROOT/out/tools"
fi
"$ROOT/lab/setup.sh"
