#!/usr/bin/env bash
# The same dump through `neardup dedup` (the CLI, 2 threads) and through
# `python3 -m neardup.dask` on a LocalCluster of 2 worker processes: docs/min
# of each (wall clock of the whole command, median of RUNS), their ratio, the
# bytes the Dask run shuffled per document, and a byte-for-byte check that
# both wrote the same clusters file.
#
# Usage: bash bench/dask_vs_cli.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  the Release build (default build): BUILD_DIR/tools/neardup and
#              the Python package in BUILD_DIR/python
#   WORK_DIR   where the dump goes (default: a mktemp -d dir, removed at exit)
# Environment: BYTES (default 1G, the dump size for `neardup gen --bytes`),
# RUNS (default 3), PARTITION_BYTES (default 67108864).
# Smoke run: BYTES=20M RUNS=1 bash bench/dask_vs_cli.sh
set -euo pipefail

build=${1:-build}
neardup="$build/tools/neardup"
python=/usr/bin/python3  # Debian's, which has dask and distributed
bytes=${BYTES:-1G}
runs=${RUNS:-3}
partition_bytes=${PARTITION_BYTES:-67108864}
if [[ $# -ge 2 ]]; then
  work=$2
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
[[ -x $neardup ]] || { echo "no $neardup: build first" >&2; exit 1; }
export PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}"

dump="$work/dump.jsonl"
if [[ ! -s $dump ]]; then
  "$neardup" gen --bytes "$bytes" -o "$dump" --quiet
fi
docs=$(wc -l < "$dump")
echo "dump: $dump, $docs documents, $(du -m "$dump" | cut -f1) MB; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Prints the wall-clock seconds of the command given.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {print b - a}'
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

cli_times=() dask_times=()
for ((r = 1; r <= runs; r++)); do
  cli_times+=("$(seconds "$neardup" dedup "$dump" --threads 2 --quiet \
    --clusters "$work/cli.jsonl" --stats "$work/cli.json")")
  dask_times+=("$(seconds "$python" -m neardup.dask "$dump" --workers 2 \
    --quiet --partition-bytes "$partition_bytes" \
    --clusters "$work/dask.jsonl" --stats "$work/dask.json")")
done
cmp "$work/cli.jsonl" "$work/dask.jsonl"
cli=$(printf '%s\n' "${cli_times[@]}" | median)
dask=$(printf '%s\n' "${dask_times[@]}" | median)
shuffled=$("$python" -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["shuffle_bytes_per_document"]))' "$work/dask.json")

echo
echo "| run | seconds (median of $runs) | docs/min |"
echo "|---|---:|---:|"
awk -v d="$docs" -v c="$cli" -v k="$dask" -v s="$shuffled" 'BEGIN {
  printf "| neardup dedup --threads 2 | %.2f | %.2fM |\n", c, d * 60 / c / 1e6
  printf "| python3 -m neardup.dask --workers 2 | %.2f | %.2fM |\n\n", k, d * 60 / k / 1e6
  printf "dask / cli: %.0f%%; shuffled: %s bytes per document; clusters files identical\n", 100 * c / k, s
}'
