#!/usr/bin/env bash
# Builds leakharness and runs the whole test suite: what CI runs. Installs the system packages first (idempotent).
# The end-to-end tests (Tests/CommandTests) run the release binary, as a user would; the suites run one at a time,
# so that tests that measure memory do not share the two cores with each other.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product leakharness
swift test --no-parallel "$@"
