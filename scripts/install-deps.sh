#!/usr/bin/env bash
# Installs what building and testing LvsPS needs on a fresh Debian machine with the .NET SDK:
# the lab's packages (qemu, Debian's kernel with every ip_vs module, ipvsadm, busybox, …),
# pwsh 7.6.10 with Pester 5.9.1 and Invoke-Build 5.14.23 (pinned, from NuGet, into .tools/),
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
# pwsh and the PowerShell modules the build and the Pester tier use, pinned, from NuGet, into
# .tools/ (ignored): .tools/pwsh/pwsh (the .NET tool 'PowerShell'), .tools/Modules/<Name>/<Version>
# (each package's tools/ folder is the module). scripts/pwsh.sh runs that pwsh with those modules.
PWSH_VERSION=7.6.10
TOOLS="$ROOT/.tools"
if [ ! -d "$TOOLS/pwsh/.store/powershell/$PWSH_VERSION" ]; then
  rm -rf "$TOOLS/pwsh"
  dotnet tool install PowerShell --version "$PWSH_VERSION" --tool-path "$TOOLS/pwsh" >/dev/null
fi
install_module() { # NAME PACKAGE VERSION
  [ -f "$TOOLS/Modules/$1/$3/$1.psd1" ] && return 0
  dotnet restore "$ROOT/scripts/pwsh-modules/PwshModules.csproj" --packages "$TOOLS/nuget" --nologo -v q >/dev/null
  local pkg; pkg="$TOOLS/nuget/$(echo "$2" | tr '[:upper:]' '[:lower:]')/$3/tools"
  [ -f "$pkg/$1.psd1" ] || { echo "install-deps: $2 $3 has no tools/$1.psd1" >&2; return 1; }
  rm -rf "$TOOLS/Modules/$1"; mkdir -p "$TOOLS/Modules/$1"
  cp -r "$pkg" "$TOOLS/Modules/$1/$3"
}
install_module Pester Pester 5.9.1
install_module InvokeBuild Invoke-Build 5.14.23
"$ROOT/lab/setup.sh"
