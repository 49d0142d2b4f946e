#!/usr/bin/env bash
# End to end: `neardup dedup NEW --against INDEX` against a plain
# `neardup dedup NEW`, with an index of an earlier crawl.
#
# Usage: bash bench/index_against.sh [NEARDUP] [WORK_DIR]
#   NEARDUP   the neardup binary (default build/tools/neardup; Release build)
#   WORK_DIR  where the dumps and the index go (default: a new mktemp -d
#             directory, removed at exit; a given directory is kept)
# Environment: OLD_DOCS (default 1000000), NEW_DOCS (default 100000),
# RUNS (default 3), THREADS (default "1 2"). Smoke run:
#   OLD_DOCS=20000 NEW_DOCS=5000 RUNS=1 bash bench/index_against.sh
#
# Steps:
#  1. `neardup gen` writes an "old" crawl of OLD_DOCS documents (--seed 11,
#     ids old-N) and a "new" crawl of NEW_DOCS documents (--seed 22, ids
#     new-N): the default 2-6 KB articles, about 4.4 KB of JSONL each (1M
#     documents: 4.4 GB; have that much free space in WORK_DIR). Both draw
#     from the bundled Reuters corpus, so some new documents have old
#     near-duplicates.
#  2. `neardup index build OLD -o INDEX --threads 2`, timed (wall clock,
#     docs/min, peak RSS from /usr/bin/time), and `neardup index info --json`
#     for the file bytes per entry.
#  3. `neardup index info INDEX` RUNS times: opening the index (mapping it and
#     verifying its checksums) is its cost, so its median wall time is the
#     open time.
#  4. For each thread count, RUNS times each, alternating:
#       neardup dedup NEW --clusters C --stats S --threads T
#       neardup dedup NEW --against INDEX --clusters C --stats S --threads T
#     The rate is docs/min of wall-clock time of the whole command (the
#     against run includes opening the index, which the stats' own
#     "seconds" leave out); peak RSS is the stats' peak_rss_bytes (the mapped
#     index counts). Medians of the runs.
# Prints Markdown tables. The page cache holds the dumps and the index (they
# are read once before timing), so disk speed is not measured.
set -euo pipefail

neardup="${1:-build/tools/neardup}"
[[ -x "$neardup" ]] || { echo "no $neardup: build first" >&2; exit 1; }
old_docs="${OLD_DOCS:-1000000}"
new_docs="${NEW_DOCS:-100000}"
runs="${RUNS:-3}"
threads_list="${THREADS:-1 2}"
if [[ $# -ge 2 ]]; then
  work="$2"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 1; }

old="$work/old.jsonl"
new="$work/new.jsonl"
index="$work/old.ndx"

# Nanoseconds since the epoch.
now() { date +%s%N; }
# The median of the numbers on stdin, one a line.
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
  }'
}
# The number after "key": in a JSON file (first occurrence).
json_number() {
  grep -o "\"$1\": *[0-9.eE+-]*" "$2" | head -n 1 | sed 's/.*: *//'
}
docs_per_min() { awk -v d="$1" -v ns="$2" 'BEGIN { printf "%.0f", d * 60e9 / ns }'; }

echo "neardup: $neardup ($("$neardup" --version)); work dir: $work" >&2
echo "old crawl: $old_docs docs, new crawl: $new_docs docs, $runs runs;" \
  "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# 1. The crawls.
start=$(now)
"$neardup" gen --docs "$old_docs" --seed 11 --id-prefix old- -o "$old" --quiet
"$neardup" gen --docs "$new_docs" --seed 22 --id-prefix new- -o "$new" --quiet
gen_ns=$(($(now) - start))
old_bytes=$(stat -c %s "$old")
new_bytes=$(stat -c %s "$new")
echo "generated in $((gen_ns / 1000000)) ms: old $((old_bytes / 1000000)) MB," \
  "new $((new_bytes / 1000000)) MB" >&2
cat "$old" "$new" >/dev/null  # into the page cache

# 2. The index of the old crawl.
rm -rf "$index"
start=$(now)
/usr/bin/time -f "%M" -o "$work/build.time" \
  "$neardup" index build "$old" -o "$index" --name old --threads 2 --quiet
build_ns=$(($(now) - start))
build_rss_kb=$(tail -n 1 "$work/build.time")
"$neardup" index info "$index" --json >"$work/info.json"
entries=$(json_number entries "$work/info.json")
file_bytes=$(json_number file_bytes "$work/info.json")
[[ "$entries" == "$old_docs" ]] || {
  echo "index holds $entries entries, expected $old_docs" >&2
  exit 1
}

# 3. Open time: index info maps the run files and verifies their checksums.
: >"$work/open.ns"
for ((r = 0; r < runs; r++)); do
  start=$(now)
  "$neardup" index info "$index" >/dev/null
  echo $(($(now) - start)) >>"$work/open.ns"
done
open_ns=$(median <"$work/open.ns")

# 4. dedup, plain and against the index.
# run_dedup KIND THREADS: appends "wall_ns peak_rss_bytes" to $work/KIND-T.
run_dedup() {
  local kind="$1" t="$2" args=()
  [[ "$kind" == against ]] && args=(--against "$index")
  local start end
  start=$(now)
  "$neardup" dedup "$new" "${args[@]}" --clusters "$work/clusters.jsonl" \
    --stats "$work/stats.json" --threads "$t" --quiet
  end=$(now)
  local documents matches
  documents=$(json_number documents "$work/stats.json")
  [[ "$documents" == "$new_docs" ]] || {
    echo "dedup read $documents documents, expected $new_docs" >&2
    exit 1
  }
  if [[ "$kind" == against ]]; then
    matches=$(json_number index_matches "$work/stats.json")
    echo "$matches" >"$work/matches"
    json_number match "$work/stats.json" >>"$work/match-s-$t"
  fi
  echo "$((end - start)) $(json_number peak_rss_bytes "$work/stats.json")" \
    >>"$work/$kind-$t"
}

for t in $threads_list; do
  rm -f "$work/plain-$t" "$work/against-$t" "$work/match-s-$t"
  for ((r = 0; r < runs; r++)); do
    run_dedup plain "$t"
    run_dedup against "$t"
  done
done

# Tables.
echo
echo "| index of the old crawl | |"
echo "|---|---:|"
echo "| entries | $entries |"
echo "| build time (index build, 2 threads) | $(awk -v ns="$build_ns" 'BEGIN { printf "%.1f s", ns / 1e9 }') |"
echo "| build docs/min | $(docs_per_min "$old_docs" "$build_ns") |"
echo "| build peak RSS | $((build_rss_kb * 1024 / 1000000)) MB |"
echo "| file bytes | $file_bytes ($(awk -v b="$file_bytes" -v e="$entries" 'BEGIN { printf "%.1f", b / e }') B/entry) |"
echo "| open (index info, median of $runs) | $(awk -v ns="$open_ns" 'BEGIN { printf "%.0f ms", ns / 1e6 }') |"
echo
echo "new crawl: $new_docs docs, $((new_bytes / 1000000)) MB;" \
  "$(cat "$work/matches") matched an old document"
echo
echo "| threads | plain docs/min | against docs/min | against / plain | plain peak RSS MB | against peak RSS MB | match stage s |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for t in $threads_list; do
  plain_ns=$(cut -d' ' -f1 "$work/plain-$t" | median)
  against_ns=$(cut -d' ' -f1 "$work/against-$t" | median)
  plain_rss=$(cut -d' ' -f2 "$work/plain-$t" | median)
  against_rss=$(cut -d' ' -f2 "$work/against-$t" | median)
  match_s=$(median <"$work/match-s-$t")
  awk -v t="$t" -v d="$new_docs" -v p="$plain_ns" -v a="$against_ns" \
    -v pr="$plain_rss" -v ar="$against_rss" -v m="$match_s" 'BEGIN {
      printf "| %d | %.0f | %.0f | %.0f%% | %.0f | %.0f | %.2f |\n",
        t, d * 60e9 / p, d * 60e9 / a, 100 * p / a, pr / 1e6, ar / 1e6, m
    }'
done
echo
echo "docs/min: new-crawl documents per minute of wall-clock time of the whole"
echo "command, median of $runs runs; match stage: the stats' seconds.match"
echo "(the index queries) of the against runs, median"
