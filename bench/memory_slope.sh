#!/usr/bin/env bash
# Peak resident memory of `neardup dedup` against the number of documents:
# dumps of 0.25M, 1M and 4M short articles (256-512 bytes, so that the text
# size does not dominate the disk use) from `neardup gen`, deduplicated with
# the default options and 2 threads. Prints a Markdown table and the slope
# (bytes per document) between the smallest and the largest run.
#
# Usage: bench/memory_slope.sh [BUILD_DIR]   (default: build; about 3 GB
# of temporary files under $TMPDIR)
set -euo pipefail
neardup="${1:-build}/tools/neardup"
[[ -x "$neardup" ]] || { echo "no $neardup: build first" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "| documents | dump MB | peak RSS MB | bytes per document |"
echo "|---:|---:|---:|---:|"
first_docs="" first_rss=""
for docs in 250000 1000000 4000000; do
  "$neardup" gen --docs "$docs" --min-article-bytes 256 \
    --max-article-bytes 512 -o "$tmp/dump.jsonl" --quiet
  "$neardup" dedup "$tmp/dump.jsonl" --clusters "$tmp/clusters.jsonl" \
    --stats "$tmp/stats.json" --threads 2 --quiet
  rss="$(sed -n 's/.*"peak_rss_bytes": \([0-9]*\).*/\1/p' "$tmp/stats.json")"
  bytes="$(stat -c %s "$tmp/dump.jsonl")"
  echo "| $docs | $((bytes / 1000000)) | $((rss / 1000000)) |" \
    "$((rss / docs)) |"
  if [[ -z "$first_docs" ]]; then first_docs="$docs" first_rss="$rss"; fi
  last_docs="$docs" last_rss="$rss"
done
echo
echo "slope: $(((last_rss - first_rss) / (last_docs - first_docs))) bytes" \
  "per document between $first_docs and $last_docs documents"
