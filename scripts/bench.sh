#!/usr/bin/env bash
# Runs `leakharness bench` on a release build and compares it with reports/bench-baseline.json,
# warning (never failing) on a figure that moved by more than 20%. Not part of CI's gate: machines are noisy.
# Usage: scripts/bench.sh [--update-baseline] [other bench flags, e.g. --corpus DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [[ "${1:-}" == "--update-baseline" ]]; then update=1; shift; fi
swift build -c release --product leakharness >&2
# The probe library watch preloads (bench measures its cost): libleakharness-probe.so beside the binary.
swift build -c release --product leakharness-probe >&2
baseline=reports/bench-baseline.json
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -f "$baseline" && $update == 0 ]]; then
    .build/release/leakharness bench --json --baseline "$baseline" "$@" > "$out"
else
    .build/release/leakharness bench --json "$@" > "$out"
fi
cat "$out"
if [[ $update == 1 ]]; then
    cp "$out" "$baseline"
    echo "wrote $baseline" >&2
fi
exit 0
