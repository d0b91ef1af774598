#!/usr/bin/env bash
# Runs scenarios with early stopping (the default) and with --full, N times each, and counts the variant-runs whose
# early verdict and cause agree with the full run's of the same rerun. Writes OUT/agreement.md and prints it.
#
#   scripts/early-vs-full.sh [N] [OUT] [SCENARIO...]    defaults: 10, reports/runs/early-vs-full,
#                                                       document-bisection ci allocators
#
# The binary and the scenarios are copied first, so that rebuilding while it runs changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
reruns=${1:-10}
out=$(realpath -m "${2:-reports/runs/early-vs-full}")
shift $(( $# > 2 ? 2 : $# ))
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(document-bisection ci allocators)
mkdir -p "$out/bin"
cp .build/release/leakharness "$out/bin/"
cp -r scenarios "$out/"
for i in $(seq 1 "$reruns"); do
  for s in "${scenarios[@]}"; do
    for mode in early full; do
      flags=()
      [ "$mode" = full ] && flags=(--full)
      (cd "$out" && bin/leakharness run "$s" "${flags[@]}" --out "runs/$i/$mode" > /dev/null 2>> "$out/stderr.log") \
        || echo "rerun $i $s $mode: exit $?" >> "$out/stderr.log"
    done
  done
  echo "early-vs-full: rerun $i of $reruns done" >&2
done
python3 - "$out" <<'PY'
import csv, glob, os, sys
from collections import defaultdict
out = sys.argv[1]
rows = defaultdict(dict)   # (scenario, variant, rerun) -> {mode: "VERDICT/cause"}
files = defaultdict(list)  # (scenario, variant, mode) -> files done
for path in glob.glob(f"{out}/runs/*/*/*/summary.csv"):
    rerun, mode, run = path.split("/")[-4:-1]
    scenario = run.split("-", 2)[2]
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[(scenario, r["name"], rerun)][mode] = f'{r["verdict"]}/{r["cause"]}'
            files[(scenario, r["name"], mode)].append(int(float(r.get("files") or 0)))
pairs = {k: v for k, v in rows.items() if "early" in v and "full" in v}
agree = sum(v["early"] == v["full"] for v in pairs.values())
lines = [f"# Early stopping against --full\n",
         f"{agree} of {len(pairs)} variant-runs agree ({100 * agree / max(1, len(pairs)):.1f}%).\n",
         "| scenario | variant | reruns | agree | early verdicts | full verdicts | files early (median) | files full (median) |",
         "| --- | --- | ---: | ---: | --- | --- | ---: | ---: |"]
def med(v):
    v = sorted(v); return v[len(v) // 2] if v else 0
def counts(vs):
    c = defaultdict(int)
    for v in vs: c[v] += 1
    return ", ".join(f"{k} ×{n}" for k, n in sorted(c.items()))
for (s, v) in sorted({(k[0], k[1]) for k in pairs}):
    runs = [pairs[k] for k in pairs if k[0] == s and k[1] == v]
    lines.append(f"| {s} | `{v}` | {len(runs)} | {sum(r['early'] == r['full'] for r in runs)} | "
                 f"{counts(r['early'] for r in runs)} | {counts(r['full'] for r in runs)} | "
                 f"{med(files[(s, v, 'early')])} | {med(files[(s, v, 'full')])} |")
text = "\n".join(lines) + "\n"
open(f"{out}/agreement.md", "w").write(text)
print(text)
PY
