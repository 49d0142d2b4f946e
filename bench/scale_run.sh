#!/usr/bin/env bash
# The scale run: `neardup dedup` in memory on 1M, 10M and DOCS (default 50M)
# short generated news articles, to show how time, memory and candidate pairs
# grow with the corpus. One `neardup gen --text-model ngram` dump of DOCS
# documents (256-600 byte articles from a word trigram model of Reuters, so
# that no passage repeats) is written as zstd; the smaller dumps are its first
# lines. Each is deduplicated once with 2 threads and the default options,
# and with LIMIT set once more with `--memory-limit LIMIT` (sketches and
# band search on disk, in WORK_DIR), whose clusters must be byte-identical.
# Prints a Markdown table from each run's --stats.
#
# Usage: bench/scale_run.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  where tools/neardup was built (default: build)
#   WORK_DIR   keeps the dumps for later runs (default: a temporary directory,
#              removed at exit)
#   DOCS=N     the largest run (default 50000000: 8.8 GB of zstd, 41 GB of
#              JSONL never written uncompressed, 16 GB of RAM for dedup)
#   LIMIT=SIZE also run each size with --memory-limit SIZE (e.g. 2G; at
#              50M it needs about 28 GB of temporary disk)
# Time at the default: about 15 min for gen, 8 min for the three runs.
set -euo pipefail
neardup="${1:-build}/tools/neardup"
[[ -x "$neardup" ]] || { echo "no $neardup: build first" >&2; exit 1; }
docs="${DOCS:-50000000}"
if [[ -n "${2:-}" ]]; then
  work="$2"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

dump() { echo "$work/d$1.jsonl.zst"; }
if [[ ! -s "$(dump "$docs")" ]]; then
  "$neardup" gen --docs "$docs" --text-model ngram --min-article-bytes 256 \
    --max-article-bytes 600 -o "$(dump "$docs")" --quiet
fi
sizes=()
for n in 1000000 10000000; do
  if ((n < docs)); then
    sizes+=("$n")
    if [[ ! -s "$(dump "$n")" ]]; then
      # head stops reading after N lines, so zstd -d ends on SIGPIPE (141).
      { zstd -dqc "$(dump "$docs")" || (($? == 141)); } | head -n "$n" |
        zstd -q -o "$(dump "$n")"
    fi
  fi
done
sizes+=("$docs")

field() { sed -n "s/.*\"$1\": \\([0-9.]*\\).*/\\1/p" "$2" | head -n 1; }
echo "| documents | memory limit | candidate pairs | per document |" \
  "read and sketch s | bands and verification s | total s | docs/min |" \
  "peak RSS MB | bytes per document | temporary disk GB | same clusters |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
run() {  # run N LIMIT: one dedup and its table row
  local n="$1" limit="$2" tag="$1-${2:-default}"
  local stats="$work/stats-$tag.json" clusters="$work/clusters-$tag.jsonl"
  local flags=()
  [[ -n "$limit" ]] && flags=(--memory-limit "$limit" --temp-dir "$work")
  "$neardup" dedup "$(dump "$n")" --clusters "$clusters" --stats "$stats" \
    --threads 2 --quiet "${flags[@]}"
  local same="-"
  if [[ -n "$limit" ]]; then
    same=no
    cmp -s "$clusters" "$work/clusters-$n-default.jsonl" && same=yes
    rm -f "$clusters"
  fi
  local pairs rss total temp
  pairs="$(field candidate_pairs "$stats")"
  rss="$(field peak_rss_bytes "$stats")"
  total="$(field total "$stats")"
  temp="$(field temp_peak_bytes "$stats")"
  echo "| $n | ${limit:-default} | $pairs | $((pairs / n)) |" \
    "$(field read_fingerprint "$stats") | $(field index "$stats") | $total |" \
    "$(awk -v n="$n" -v t="$total" 'BEGIN { printf "%.2fM", n / t * 60 / 1e6 }') |" \
    "$((rss / 1000000)) | $((rss / n)) |" \
    "$(awk -v b="${temp:-0}" 'BEGIN { printf "%.1f", b / 1e9 }') | $same |"
}
for n in "${sizes[@]}"; do
  run "$n" ""
  [[ -n "${LIMIT:-}" ]] && run "$n" "$LIMIT"
  rm -f "$work/clusters-$n-default.jsonl"
done
