#!/usr/bin/env bash
# Reproduces every number of the README's "Quality" section with neardup gen,
# dedup and eval. Usage: tools/quality.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  where tools/neardup was built (default: build)
#   WORK_DIR   scratch space for dumps and clusters (default: a new temp dir)
# The shared corpora are read from $NEARDUP_SHARED_DATASETS, else
# ../shared/datasets next to the repository; runs that need an absent corpus
# are skipped with a message. Takes about 15 seconds on 2 cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
neardup="$build/tools/neardup"
[[ -x $neardup ]] || { echo "quality.sh: no $neardup; build first" >&2; exit 1; }
work=${2:-$(mktemp -d)}
mkdir -p "$work"
shared=${NEARDUP_SHARED_DATASETS:-$root/../shared/datasets}
reuters=$root/datasets/reuters21578/reuters21578.jsonl.zst

section() { printf '\n======== %s\n' "$*"; }

# Runs dedup with the given flags on a dump and scores it against its truth.
score() {  # dump truth label dedup-flags...
  local dump=$1 truth=$2 label=$3
  shift 3
  section "$label: neardup dedup $* | neardup eval"
  "$neardup" dedup -q "$dump" --clusters "$work/clusters.jsonl" "$@"
  "$neardup" eval --clusters "$work/clusters.jsonl" --truth "$truth"
}

# 1. Syndicated copies of Reuters articles: each algorithm and setting.
"$neardup" gen -q --docs 50000 -o "$work/reuters-copies.jsonl" \
  --truth "$work/reuters-copies.tsv"
g=$work/reuters-copies
score "$g.jsonl" "$g.tsv" "default (MinHash, Jaccard >= 0.5)"
score "$g.jsonl" "$g.tsv" "exact verification" --exact
score "$g.jsonl" "$g.tsv" "representative clustering" \
  --clustering representative
score "$g.jsonl" "$g.tsv" "MinHash, all lines (no line filter)" \
  --min-line-words 0
score "$g.jsonl" "$g.tsv" "SimHash, distance <= 5" --algo simhash
score "$g.jsonl" "$g.tsv" "SimHash, all lines" --algo simhash \
  --min-line-words 0

# 2. Copies of articles from corpora the defaults were not chosen on.
for source in bbc_fulltext ag_news_test ecbplus; do
  src=$shared/$source/$source.jsonl
  if [[ ! -f $src ]]; then
    section "$source: skipped, $src is absent"
    continue
  fi
  "$neardup" gen -q --docs 20000 --source "$src" \
    -o "$work/$source-copies.jsonl" --truth "$work/$source-copies.tsv"
  score "$work/$source-copies.jsonl" "$work/$source-copies.tsv" \
    "copies of $source articles, default"
done

# 3. The real corpora against the exact all-pairs Jaccard oracle at the
# default threshold.
for dump in "$reuters" "$shared/bbc_fulltext/bbc_fulltext.jsonl" \
  "$shared/ag_news_test/ag_news_test.jsonl"; do
  if [[ ! -f $dump ]]; then
    section "oracle: skipped, $dump is absent"
    continue
  fi
  for flags in "" "--exact"; do
    section "oracle, $(basename "$dump"): neardup dedup $flags"
    # shellcheck disable=SC2086  # $flags is zero or one word
    "$neardup" dedup -q "$dump" $flags --clusters "$work/clusters.jsonl"
    "$neardup" eval --clusters "$work/clusters.jsonl" --oracle "$dump" \
      --threshold 0.5
  done
done

# 4. Clough & Stevenson: answers linked to their task's source text, by reuse
# level, at the default threshold and lower ones.
clough=$shared/clough_stevenson_plagiarism/clough_stevenson_plagiarism.jsonl
if [[ -f $clough ]]; then
  for threshold in 0.5 0.3 0.2 0.1; do
    section "Clough & Stevenson, --threshold $threshold"
    "$neardup" dedup -q "$clough" --threshold "$threshold" \
      --clusters "$work/clusters.jsonl"
    "$neardup" eval --clusters "$work/clusters.jsonl" --truth "$clough" \
      --truth-kind-field /category
  done
else
  section "Clough & Stevenson: skipped, $clough is absent"
fi
echo
echo "quality.sh: outputs in $work"
