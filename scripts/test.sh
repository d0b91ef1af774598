#!/usr/bin/env bash
# Builds leakharness and runs the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product leakharness
swift test --parallel --num-workers 1 "$@"
