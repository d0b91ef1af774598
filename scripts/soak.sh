#!/usr/bin/env bash
# A long run of the harness itself (not in CI): `run --full` of the fixed loop for SOAK_MINUTES, then `watch` of a long
# command for SOAK_MINUTES. Reports the parent's RSS over time, the sample rows against the expected count, the
# analysis time (`leakharness report` of the run directory) and the peak disk use of the shards (TMPDIR).
#
#   scripts/soak.sh                       10 + 10 minutes, release build first
#   SOAK_MINUTES=2 scripts/soak.sh        shorter
#   SOAK_RATE=600 SOAK_FILES_PER_PASS=20000   files/s assumed to size the run, files per pass
#   SOAK_SKIP_BUILD=1                     use the existing .build/release/leakharness (and its test programs)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${SOAK_MINUTES:-10}
rate=${SOAK_RATE:-600}
per_pass=${SOAK_FILES_PER_PASS:-20000}
poll=${SOAK_POLL_S:-5}
if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
  swift build -c release --product leakharness >&2
  swift build -c release --product leakharness-probe >&2
  # The command watched: the test program `grow` (Tests/TestPrograms).
  swift build -c release --product leakharness-test-programs >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/leakharness-soak-XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait; rm -rf "$work"' EXIT
# A copy of the binary, so that a rebuild during the soak changes nothing; its own TMPDIR, so its disk use is ours.
cp .build/release/leakharness "$work/leakharness"
# watch preloads the probe library from beside the executable.
cp .build/release/libleakharness-probe.so "$work/"
cp .build/release/leakharness-test-programs "$work/"
bin="$work/leakharness"
mkdir "$work/tmp" "$work/out"
export TMPDIR="$work/tmp"

seconds=$((minutes * 60))
passes=$(( (seconds * rate + per_pass - 1) / per_pass ))
[ "$passes" -ge 3 ] || passes=3
cat > "$work/soak-fixed.yaml" <<EOF
name: soak-fixed
description: Soak - the fixed loop for about $minutes minutes.
base: {submit: batched, futures: release, consume: write, results: drop, writer: close, workers: 2, shard-size: 25,
       files: $per_pass, passes: $passes, settle: 2, time-limit-s: $((seconds * 4))}
variants:
  fixed: {expect: STABLE}
EOF

kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# poll PID LABEL SAMPLES_GLOB: one line per poll (seconds, parent RSS kB, TMPDIR kB, current pass) into $work/LABEL.tsv
poll() {
  local pid=$1 label=$2 glob=$3 start now rss disk pass csv
  start=$(date +%s)
  : > "$work/$label.tsv"
  while kill -0 "$pid" 2>/dev/null; do
    now=$(( $(date +%s) - start ))
    rss=$(kb "$pid" VmRSS)
    disk=$( (du -sk "$TMPDIR" 2>/dev/null || true) | cut -f1)
    csv=$(ls $glob 2>/dev/null | head -1 || true)
    pass=0
    if [ -n "$csv" ]; then pass=$( (tail -n 1 "$csv" || true) | cut -d, -f3); fi
    if [ -n "$rss" ]; then printf '%s\t%s\t%s\t%s\n' "$now" "$rss" "${disk:-0}" "${pass:-0}" >> "$work/$label.tsv"; fi
    sleep "$poll"
  done
}

# rss_table LABEL: the parent's RSS every minute, and its range after the first minute
rss_table() {
  awk -F'\t' '
    { if ($1 >= next_t) { printf "  %4d s  %7.1f MB\n", $1, $2 / 1024; next_t = $1 + 60 }
      if ($1 >= 60) { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
      if (first == "") first = $2; last = $2 }
    END { printf "  parent RSS: first %.1f MB, last %.1f MB, range after the first minute %.1f-%.1f MB\n",
                 first / 1024, last / 1024, min / 1024, max / 1024 }' "$work/$1.tsv"
}

# rows CSV INTERVAL_MS: rows against the span / interval, and gaps over twice the interval
rows() {
  awk -F, -v iv="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "t_ms") c = i; next }
    { t = $c + 0; if (n > 0 && t - prev > 2 * iv) gaps++; if (n == 0) t0 = t; prev = t; n++ }
    END { expected = int((prev - t0) / iv) + 1
          printf "  sample rows: %d over %.1f s, expected %d at %d ms (%.2f%%), gaps over %d ms: %d\n",
                 n, (prev - t0) / 1000, expected, iv, 100 * n / expected, 2 * iv, gaps + 0 }' "$1"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== run: fixed loop, $per_pass files x $passes passes (sized for $minutes min at $rate files/s)"
t0=$(date +%s.%N)
"$bin" run "$work/soak-fixed.yaml" --full --out "$work/out" > "$work/run.out" 2> "$work/run.err" &
pid=$!
poll "$pid" run "$work/out/*/samples/fixed.csv"
wait "$pid" || echo "  run exited with status $?"
pid=
t1=$(date +%s.%N)
dir=$(tail -n 1 "$work/run.out")
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  wall %.1f s\n", b - a }'
rss_table run
rows "$dir/samples/fixed.csv" 50
start=$(date +%s.%N); "$bin" report "$dir" > /dev/null; end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "  analysis (leakharness report of the run directory): %.2f s\n", b - a }'
awk -F'\t' '$4 > 0 { if ($3 > peak[$4]) peak[$4] = $3; if ($3 > all) all = $3; if ($4 > np) np = $4 }
  END { printf "  peak disk use (TMPDIR): %.0f MB; per pass:", all / 1024
        for (p = 1; p <= np; p++) printf " %.0f", peak[p] / 1024; print " MB" }' "$work/run.tsv"
grep -h '"verdict"' "$dir/summary.json" | head -1 | sed 's/^ */  /'
echo "  left in TMPDIR after the run: $(ls -A "$TMPDIR" | wc -l) entries"

echo "== watch: grow --free for $minutes min"
t0=$(date +%s.%N)
"$bin" watch --out "$work/out" -- "$work/leakharness-test-programs" grow --mb-per-s 5 --free --seconds "$seconds" \
  > /dev/null 2> "$work/watch.err" &
pid=$!
poll "$pid" watch "$work/out/*-watch/samples/*.csv"
wait "$pid" || echo "  watch exited with status $?"
pid=
t1=$(date +%s.%N)
dir=$(tail -n 1 "$work/watch.err")
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  wall %.1f s\n", b - a }'
rss_table watch
rows "$(ls "$dir"/samples/*.csv | head -1)" 100
start=$(date +%s.%N); "$bin" report "$dir" > /dev/null; end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "  analysis (leakharness report of the run directory): %.2f s\n", b - a }'
grep -h '"verdict"' "$dir/summary.json" | head -1 | sed 's/^ */  /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
