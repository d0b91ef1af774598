#!/usr/bin/env bash
# Records the real part of the truth set: reruns of every variant of the scenarios whose verdicts the harness
# promises, then packs their samples, labelled by each variant's expect:, into Tests/TruthSet/real-series.jsonl.gz.
# By hand (about an hour for 10 reruns on 2 cores), not in CI; `leakharness evaluate` reads the packed file. Every
# pass runs (--full): `evaluate` cuts the series where early stopping would have ended them.
#
#   scripts/record-truth-set.sh [RERUNS] [RAW_DIR]
#
# With RAW_DIR the run directories are kept there; without it they go to a temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
reruns="${1:-10}"
if [ -n "${2:-}" ]; then
  raw="$2"
  mkdir -p "$raw"
else
  raw=$(mktemp -d "${TMPDIR:-/tmp}/leakharness-truth-XXXXXX")
  trap 'rm -rf "$raw"' EXIT
fi
swift build -c release --product leakharness >/dev/null
bin=.build/release/leakharness
for i in $(seq 1 "$reruns"); do
  out="$raw/rerun-$(printf %02d "$i")"
  mkdir -p "$out"
  "$bin" bisect document-bisection --full --out "$out" >"$out/bisect.log" 2>&1 || true
  for s in ci arena-retention sorted-fragmentation allocators result-retention writer-without-close; do
    "$bin" run "$s" --full --out "$out" >"$out/$s.log" 2>&1 || true
  done
  echo "rerun $i of $reruns recorded in $out" >&2
done
"$bin" evaluate pack "$raw" --out Tests/TruthSet/real-series.jsonl.gz
