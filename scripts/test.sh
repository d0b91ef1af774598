#!/usr/bin/env bash
# Builds leakharness and runs the whole test suite: what CI runs. Installs the system packages first (idempotent).
# The end-to-end tests (Tests/CommandTests) run the release binary, as a user would; the suites run one at a time,
# so that tests that measure memory do not share the two cores with each other. The tests run with a fresh TMPDIR,
# and the script fails when they leave anything in it.
#
#   scripts/test.sh            the whole suite
#   scripts/test.sh --tsan     the executor, pipeline and sampler tests under ThreadSanitizer (own build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = "--tsan" ]; then
  shift
  swift test --sanitize=thread --scratch-path .build-tsan --filter 'ThreadPoolTests|\.PipelineTests|SamplerTests' "$@"
  exit
fi
swift build -c release --product leakharness
swift build --build-tests
# The test binary runs by itself (SwiftPM keeps its own files in TMPDIR), with a TMPDIR of its own: whatever the tests
# leave in it fails the run.
tests="$(swift build --show-bin-path)/leakharnessPackageTests.xctest"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakharness-tests-XXXXXX")
status=0
TMPDIR="$tmp" "$tests" --testing-library swift-testing --no-parallel "$@" || status=$?
if [ -n "$(find "$tmp" -mindepth 1 -maxdepth 1 -print -quit)" ]; then
  echo "scripts/test.sh: the tests left these in TMPDIR:" >&2
  find "$tmp" -mindepth 1 -maxdepth 2 | sed "s|^$tmp/|  |" | head -50 >&2
  status=1
fi
rm -rf "$tmp"
exit "$status"
