#!/usr/bin/env bash
# Reproduces every number of the README's "Quality" section with neardup gen,
# dedup and eval. Usage: tools/quality.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  where tools/neardup was built (default: build)
#   WORK_DIR   scratch space for dumps and clusters (default: a new temp dir)
# The shared corpora are read from $NEARDUP_SHARED_DATASETS, else
# ../shared/datasets next to the repository; runs that need an absent corpus
# are skipped with a message. Takes about a minute on 2 cores.
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

# 1. Real news first: the exact all-pairs Jaccard oracle at the default
# threshold and the labelled pairs of datasets/labels, for the defaults and
# the settings they were chosen against. One line per corpus and setting:
# oracle recall, co-clustered pairs >= t and >= t/2, largest cluster, and
# precision and recall on the labelled pairs.
labels=$root/datasets/labels/real_news_pairs.tsv
real_row() {  # dump corpus label dedup-flags...
  local dump=$1 corpus=$2 label=$3
  shift 3
  # The oracle shingles as dedup does: pass the text options on.
  local oracle_flags=()
  for flag in "$@"; do
    case $flag in --short-text-words=*) oracle_flags+=("$flag") ;; esac
  done
  "$neardup" dedup -q "$dump" --clusters "$work/clusters.jsonl" "$@"
  "$neardup" eval --clusters "$work/clusters.jsonl" --oracle "$dump" \
    --threshold 0.5 "${oracle_flags[@]}" >"$work/oracle.txt"
  "$neardup" eval --clusters "$work/clusters.jsonl" --pair-labels "$labels" \
    --pair-labels-corpus "$corpus" >"$work/labels.txt"
  awk -v corpus="$corpus" -v label="$label" '
    FNR == 1 { file++ }
    file == 1 && /LSH recall/ { recall = $(NF - 1) }
    file == 1 && /precision \(co-clustered/ { at_t = $(NF - 1) }
    file == 1 && /precision at t\/2/ { at_half = $(NF - 1) }
    file == 1 && /largest cluster/ { largest = $NF }
    file == 2 && /^  precision/ { lp = $NF }
    file == 2 && /^  recall/ { lr = $NF }
    END {
      printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, corpus,
        recall, at_t, at_half, largest, lp, lr
    }' "$work/oracle.txt" "$work/labels.txt"
}
section "real news: oracle (exact Jaccard >= 0.5) and labelled pairs"
echo "| setting | corpus | oracle recall | co-clustered >= t | >= t/2 | largest cluster | labelled precision | labelled recall |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
settings=(
  "default|"
  "--verify estimate|--verify=estimate"
  "--verify exact|--verify=exact"
  "--clustering components|--clustering=components"
  "--clustering representative|--clustering=representative"
  "--bound-ratio 0.4|--bound-ratio=0.4"
  "--bound-ratio 0.6|--bound-ratio=0.6"
  "--short-text-words 0|--short-text-words=0"
  "--short-text-words 0 --clustering components|--short-text-words=0 --clustering=components"
  "--short-text-words 15|--short-text-words=15"
  "--short-text-words 25|--short-text-words=25"
  "--short-text-words 30|--short-text-words=30"
  "before issue 9: --verify estimate --clustering components --short-text-words 0|--verify=estimate --clustering=components --short-text-words=0"
)
for setting in "${settings[@]}"; do
  label=${setting%%|*}
  # shellcheck disable=SC2206  # the flags are words without spaces
  flags=(${setting#*|})
  for corpus in reuters21578 bbc_fulltext ag_news_test; do
    if [[ $corpus == reuters21578 ]]; then
      dump=$reuters
    else
      dump=$shared/$corpus/$corpus.jsonl
    fi
    if [[ ! -f $dump ]]; then
      echo "| $label | $corpus | skipped: $dump is absent | | | | | |"
      continue
    fi
    real_row "$dump" "$corpus" "$label" "${flags[@]}"
  done
done

# 2. Syndicated copies of Reuters articles: each algorithm and setting.
"$neardup" gen -q --docs 50000 -o "$work/reuters-copies.jsonl" \
  --truth "$work/reuters-copies.tsv"
g=$work/reuters-copies
score "$g.jsonl" "$g.tsv" "default (MinHash, Jaccard >= 0.5)"
score "$g.jsonl" "$g.tsv" "estimated verification" --verify estimate
score "$g.jsonl" "$g.tsv" "exact verification" --verify exact
score "$g.jsonl" "$g.tsv" "connected components" --clustering components
score "$g.jsonl" "$g.tsv" "representative clustering" \
  --clustering representative
score "$g.jsonl" "$g.tsv" "MinHash, all lines (no line filter)" \
  --min-line-words 0
score "$g.jsonl" "$g.tsv" "SimHash, distance <= 5" --algo simhash
score "$g.jsonl" "$g.tsv" "SimHash, all lines" --algo simhash \
  --min-line-words 0

# 3. Copies of articles from corpora the defaults were not chosen on.
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

# 4. Clough & Stevenson: answers linked to their task's source text, by reuse
# level, at the default threshold and lower ones.
clough=$shared/clough_stevenson_plagiarism/clough_stevenson_plagiarism.jsonl
if [[ -f $clough ]]; then
  for clustering in bounded components; do
    for threshold in 0.5 0.3 0.2 0.1; do
      section "Clough & Stevenson, --threshold $threshold --clustering $clustering"
      "$neardup" dedup -q "$clough" --threshold "$threshold" \
        --clustering "$clustering" --clusters "$work/clusters.jsonl"
      "$neardup" eval --clusters "$work/clusters.jsonl" --truth "$clough" \
        --truth-kind-field /category
    done
  done
else
  section "Clough & Stevenson: skipped, $clough is absent"
fi
echo
echo "quality.sh: outputs in $work"
