#!/usr/bin/env python3
"""Draws the pairs of real_news_pairs.tsv, before labelling.

Reads, per corpus, the pairs TSV of `neardup eval --oracle DUMP --threshold 0.5
--pairs FILE` (header: id_a id_b jaccard co_clustered cluster_a cluster_b),
keeps the co-clustered pairs (co_clustered = 1), and draws a sample stratified
by exact Jaccard band. Writes a TSV with the header of real_news_pairs.tsv
(corpus id_a id_b jaccard label note) and empty label and note columns, for
the annotator to fill in.

Usage:
  datasets/labels/sample_real_news_pairs.py PAIRS_DIR [OUTPUT]

PAIRS_DIR holds <corpus>.pairs.tsv for every corpus of CORPORA; OUTPUT
defaults to stdout. Python 3 standard library only.

Quotas: each corpus has a target; the bands share it as evenly as they can
(one pair to each band in turn, skipping bands that have no pair left), so a
band smaller than its share is taken whole and the rest goes to the others.
Each corpus draws with its own random.Random(SEED), so the sample of one
corpus does not depend on the others or on their order.
"""

import csv
import os
import random
import sys

SEED = 2026

# Corpus name and the number of pairs to draw from it.
CORPORA = [
    ("reuters21578", 150),
    ("bbc_fulltext", 50),
    ("ag_news_test", 50),
]

# Bands of exact Jaccard: [lower, upper), the last one closed at 1.
BANDS = [(0.0, 0.25), (0.25, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0)]


def band_of(jaccard):
    """Index into BANDS of a Jaccard value in [0, 1]."""
    for index, (lower, upper) in enumerate(BANDS):
        if lower <= jaccard < upper:
            return index
    return len(BANDS) - 1  # 1.0 belongs to the last band


def read_co_clustered(path):
    """The co-clustered pairs of a pairs TSV: (id_a, id_b, jaccard text)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [(r["id_a"], r["id_b"], r["jaccard"]) for r in rows
                if r["co_clustered"] == "1"]


def quotas(sizes, target):
    """Shares `target` among bands of `sizes` pairs, one at a time in turn."""
    taken = [0] * len(sizes)
    left = min(target, sum(sizes))
    while left > 0:
        for index, size in enumerate(sizes):
            if left > 0 and taken[index] < size:
                taken[index] += 1
                left -= 1
    return taken


def sample_corpus(pairs, target):
    """The drawn pairs of one corpus, by band, each band sorted by id."""
    by_band = [[] for _ in BANDS]
    for pair in sorted(pairs):  # a fixed order before drawing
        by_band[band_of(float(pair[2]))].append(pair)
    rng = random.Random(SEED)
    drawn = []
    for band, count in zip(by_band, quotas([len(b) for b in by_band], target)):
        drawn.extend(sorted(rng.sample(band, count)))
    return drawn


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    pairs_dir = argv[1]
    out = open(argv[2], "w", encoding="utf-8") if len(argv) == 3 else sys.stdout
    out.write("corpus\tid_a\tid_b\tjaccard\tlabel\tnote\n")
    for corpus, target in CORPORA:
        pairs = read_co_clustered(os.path.join(pairs_dir, corpus + ".pairs.tsv"))
        for id_a, id_b, jaccard in sample_corpus(pairs, target):
            out.write(f"{corpus}\t{id_a}\t{id_b}\t{jaccard}\t\t\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main(sys.argv)
