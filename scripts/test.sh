#!/usr/bin/env bash
# Builds leakharness and runs the whole test suite: what CI runs. Installs the system packages first (idempotent).
# The end-to-end tests (Tests/CommandTests) run the release binary and its probe library, as a user would; the suites run one at a time,
# so that tests that measure memory do not share the two cores with each other.
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
# The probe `watch` preloads into commands: libleakharness-probe.so beside the binary.
swift build -c release --product leakharness-probe
swift test --no-parallel "$@"
