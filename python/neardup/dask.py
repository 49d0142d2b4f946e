"""Dedup over a Dask cluster, with the same results as ``neardup dedup``.

The clusters, --output and --rejects files equal the CLI's byte for byte on
the same inputs and options (MinHash and SimHash, every verification and
clustering). Story mode is not distributed (NotImplementedError), nor is
stdin: the workers open the inputs by path, so every worker must see them at
the same absolute path (a shared file system).

Stages, each a task per partition (a ~64 MB line-aligned byte range of a
plain input, or a whole compressed one) or per bucket of a shuffle; the
shuffles go worker to worker, the client only fetches per-partition counts
and the output pieces it writes::

  count lines -> sketch (pass 1, the CLI's ChunkWorker) and band keys
  MinHash: band keys --shuffle by (band, key)--> bucket pairs (the CLI's cap)
           --shuffle to owner(b)--> attach sig(b) --shuffle to owner(a)-->
           estimate; borderline pairs --shuffle to owner(b), with set(a)-->
           exact Jaccard. An owner is a group of consecutive partitions, and
           there are as many buckets and groups as worker threads (more past
           8 partitions each): fewer tasks than one per partition.
  SimHash: (print, doc) --shuffle by print--> equal groups; distinct prints
           --shuffle by each table key--> pairs within max_distance
  components: union-find per pair partition, merged in a tree of tasks
  clusters: pairs and members --shuffle by component--> the CLI's
            clustering per component group --shuffle to owner(doc)--> lines

Example::

  from neardup.dask import dedup
  stats = dedup(["a.jsonl", "b.jsonl.zst"], "clusters.jsonl", workers=2)

Command line::

  /usr/bin/python3 -m neardup.dask a.jsonl --clusters c.jsonl --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import sys
import time

import numpy as np

from neardup import _stages

# The dedup options, as the CLI names them (with '_' for '-').
OPTION_NAMES = (
    "threshold", "signature_length", "bands", "rows", "fp_weight",
    "fn_weight", "shingle_words", "min_line_words", "short_text_words",
    "algo", "max_distance", "verify", "clustering", "bound_ratio",
    "text_field", "id_field", "max_line_bytes", "chunk_bytes", "mode")

_U32 = np.uint32
_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
# Partitions per bucket of the band and component shuffles, at most (about
# 60 MB of band entries of 64 MB partitions), past one per worker thread.
_BUCKET_PARTITIONS = 8


# ---- Array helpers (run on the workers) ----

def _hash_bucket(keys, n):
    """Buckets 0..n-1 of uint64 keys (Fibonacci hashing, top bits)."""
    mixed = np.multiply(keys.astype(_U64), _U64(0x9E3779B97F4A7C15))
    return ((mixed >> _U64(32)) % _U64(n)).astype(np.int64)


def _owner(docs, doc_bases):
    """The partition holding each global DocId."""
    return np.searchsorted(doc_bases, docs, side="right") - 1


def _split(bucket, n, *arrays):
    """Rows of `arrays` per bucket 0..n-1, in their order within each."""
    order = _stages.bucket_order(bucket, n)
    ends = np.cumsum(np.bincount(bucket, minlength=n))
    ordered = [a[order] for a in arrays]
    parts, start = [], 0
    for end in ends:
        parts.append(tuple(a[start:end] for a in ordered))
        start = end
    return parts, int(sum(a.nbytes for a in ordered))


def _ragged_take(values, ends, idx):
    """Items `idx` of a ragged array (values, ends) as a new one."""
    return _stages.ragged_take(values, ends, np.asarray(idx, np.int64))


def _ragged_concat(parts):
    """One ragged array of several (values, ends)."""
    values = [v for v, _ in parts]
    ends, base = [], 0
    for v, e in parts:
        ends.append(e.astype(_U64) + _U64(base))
        base += len(v)
    if not parts:
        return np.zeros(0, _U64), np.zeros(0, _U64)
    return np.concatenate(values), np.concatenate(ends)


def _ragged_split(bucket, n, values, ends, *arrays):
    """Like _split for rows that each own a ragged item (values, ends)."""
    order = _stages.bucket_order(bucket, n)
    values, ends = _ragged_take(values, ends, order)
    ordered = [a[order] for a in arrays]
    parts = _cut_ragged(bucket, n, values, ends, ordered)
    nbytes = values.nbytes + ends.nbytes + sum(a.nbytes for a in ordered)
    return parts, int(nbytes)


def _cut_ragged(bucket, n, values, ends, ordered):
    """Per bucket 0..n-1, its rows of (values, ends) and of `ordered`, all
    already in bucket order; each part's ends restart at 0."""
    counts = np.cumsum(np.bincount(bucket, minlength=n))
    parts, start = [], 0
    for end in counts:
        lo = int(ends[start - 1]) if start > 0 else 0
        hi = int(ends[end - 1]) if end > 0 else 0
        parts.append((values[lo:hi], ends[start:end] - _U64(lo)) +
                     tuple(a[start:end] for a in ordered))
        start = end
    return parts


def _strings_concat(parts):
    """One (bytes, ends) of several."""
    blob, ends, base = [], [], 0
    for b, e in parts:
        blob.append(b)
        ends.append(e.astype(_U64) + _U64(base))
        base += len(b)
    if not parts:
        return b"", np.zeros(0, _U64)
    return b"".join(blob), np.concatenate(ends)


def _strings_split(bucket, n, blob, ends, *arrays):
    """Like _split for rows that each own a string of (blob, ends)."""
    order = _stages.bucket_order(bucket, n)
    blob, ends = _stages.gather_strings(blob, ends, order.astype(np.int64))
    ordered = [a[order] for a in arrays]
    parts = _cut_ragged(bucket, n, blob, ends, ordered)
    return parts, len(blob) + ends.nbytes + sum(a.nbytes for a in ordered)


def _cat(parts, i, dtype):
    arrays = [p[i] for p in parts]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype)


# ---- Tasks (run on the workers; module-level so that they pickle) ----

def _bucket(result, i):
    return result[0][i]


def _info(result):
    return result[1]


def _reads(result):
    return result[2]


def _plan(path, name, partition_bytes, multiple):
    """Line-aligned ranges of about equal size, none past partition_bytes
    (plus a line), as many as a multiple of `multiple` (the worker threads):
    no small remainder, no last wave with idle workers."""
    try:
        size = os.path.getsize(path)
        parts = max(-(-size // max(partition_bytes, 1)), 1)
        parts = -(-parts // multiple) * multiple
        compressed, size, bounds = _stages.plan_input(path, -(-size // parts))
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "no such file", name) from None
    return compressed, size, bounds.tolist()


def _count(place):
    return _stages.count_lines(place)


def _sketch(options, place, bands, rows, n_out):
    """(MinHash) the partition's band entries per bucket, with DocIds local
    to the partition (the band shuffle's map, fused), and its sketch."""
    sketch = _stages.sketch_partition(options, place)
    if not bands:
        return [], {"bytes": 0}, sketch
    keys, docs = _stages.band_entries(sketch["sketches"],
                                      sketch["band_checks"], sketch["empty"],
                                      bands, rows)
    buckets, nbytes = _split(_hash_bucket(keys, n_out), n_out, keys, docs)
    return buckets, {"bytes": nbytes}, sketch


def _sketch_of(result):
    return result[2]


def _meta(sketch):
    return {"lines": sketch["lines"], "documents": len(sketch["id_ends"]),
            "empty": int(sketch["empty"].sum()),
            "rejected_by_reason": sketch["rejected_by_reason"]}


def _rejects(sketch):
    return sketch["rejects"]


def _band_reduce(parts, doc_bases, group_bases, n_groups):
    """Bucket pairs of one bucket of every partition's band entries, per
    owner group of b."""
    docs = _cat([(p[1] + _U32(doc_bases[k]),) for k, p in enumerate(parts)],
                0, _U32)
    pairs = _stages.bucket_pairs(_cat(parts, 0, _U64), docs)
    owner_b = _owner((pairs & _MASK32).astype(_U32), group_bases)
    buckets, nbytes = _split(owner_b, n_groups, pairs)
    return buckets, {"bytes": nbytes}


def _group_signatures(sketches):
    """The signatures of an owner group's partitions, in DocId order."""
    if len(sketches) == 1:
        return sketches[0]["sketches"]
    return np.concatenate([s["sketches"] for s in sketches])


def _group_shingle_sets(options, places, sketches, local):
    """The shingle sets of a group's documents `local` (ascending, from the
    group's first document), read per partition."""
    sets, start = [], 0
    for place, sketch in zip(places, sketches):
        end = start + len(sketch["id_ends"])
        lo, hi = np.searchsorted(local, [start, end])
        if hi > lo:
            sets.append(_shingle_sets(options, place, sketch,
                                      local[lo:hi] - start))
        start = end
    return _ragged_concat(sets)


def _attach_b(sketches, doc_base, parts, doc_bases, n_parts):
    """At the owner group of b: each distinct candidate, for the owner group
    of a, with the signatures of its b's, each sent once per destination."""
    signatures = _group_signatures(sketches)
    pairs = np.unique(_cat(parts, 0, _U64))
    a = (pairs >> _U64(32)).astype(_U32)
    b = (pairs & _MASK32).astype(_U32)
    buckets, _ = _split(_owner(a, doc_bases), n_parts, a, b)
    out, nbytes = [], 0
    for a_d, b_d in buckets:
        distinct, which = np.unique(b_d, return_inverse=True)
        sigs = signatures[distinct.astype(np.int64) - doc_base]
        which = which.astype(np.int64)
        out.append((a_d, b_d, which, sigs))
        nbytes += a_d.nbytes + b_d.nbytes + which.nbytes + sigs.nbytes
    return out, {"bytes": int(nbytes), "candidates": len(pairs)}


def _shingle_sets(options, place, sketch, local):
    """The shingle sets of the partition's documents `local` (ascending)."""
    lines = sketch["doc_lines"][local] - _U64(place[4])
    return _stages.read_shingle_sets(options, place, lines,
                                     sketch["offsets"][local])


def _verify_a(options, bounds, sketches, doc_base, places, parts, doc_bases,
              n_parts):
    """At the owner group of a: estimates; borderline pairs go on with
    set(a)."""
    length = bounds["signature_length"]
    a, b = _cat(parts, 0, _U32), _cat(parts, 1, _U32)
    # Each part's b signatures, once each; `row_b` indexes their concatenation.
    sigs_b = np.concatenate([p[3] for p in parts]) if parts else np.zeros(
        (0, length), np.uint8)
    starts = np.cumsum([0] + [len(p[3]) for p in parts[:-1]])
    row_b = _cat([(p[2] + np.int64(start),) for p, start in zip(parts, starts)],
                 0, np.int64)
    local_a = a.astype(np.int64) - doc_base
    equal = _stages.equal_rows_indexed(_group_signatures(sketches), local_a,
                                       sigs_b, row_b)
    keep = bounds["keep"]
    if keep > 0:
        kept = (equal >= keep) if keep <= length else np.zeros(len(a), bool)
        a, b, equal, local_a = a[kept], b[kept], equal[kept], local_a[kept]
    sure = equal >= bounds["sure"]
    verified = (a[sure], b[sure])
    border = ~sure
    a, b, local_a = a[border], b[border], local_a[border]
    wanted, which = np.unique(local_a, return_inverse=True)
    values, ends = _group_shingle_sets(options, places, sketches, wanted)
    buckets, nbytes = _ragged_split_pairs(values, ends, which, a, b,
                                          doc_bases, n_parts)
    info = {"bytes": nbytes, "borderline": len(a), "reads": len(wanted)}
    return buckets, info, verified


def _ragged_split_pairs(values, ends, which, a, b, doc_bases, n_parts):
    """Buckets by owner(b) of pairs (a, b), each with set `which`."""
    pair_values, pair_ends = _ragged_take(values, ends, which)
    return _ragged_split(_owner(b, doc_bases), n_parts, pair_values,
                         pair_ends, a, b)


def _verified(result):
    return result[2]  # the pairs a map task decided on its own


def _verify_b(options, threshold, sketches, doc_base, places, parts):
    """At the owner group of b: exact Jaccard of the borderline pairs."""
    a_values, a_ends = _ragged_concat([(p[0], p[1]) for p in parts])
    a, b = _cat(parts, 2, _U32), _cat(parts, 3, _U32)
    wanted, which = np.unique(b.astype(np.int64) - doc_base,
                              return_inverse=True)
    values, ends = _group_shingle_sets(options, places, sketches, wanted)
    b_values, b_ends = _ragged_take(values, ends, which)
    accept = _stages.exact_accept(a_values, a_ends, b_values, b_ends,
                                  threshold).astype(bool)
    return a[accept], b[accept], len(wanted)


def _simhash_map(sketch, doc_base, n_out):
    keep = sketch["empty"] == 0
    prints = sketch["sketches"][keep]
    docs = (np.nonzero(keep)[0] + doc_base).astype(_U32)
    buckets, nbytes = _split(_hash_bucket(prints, n_out), n_out, prints, docs)
    return buckets, {"bytes": nbytes}


def _simhash_groups(parts, max_distance, blocks, n_out):
    """Equal fingerprints; the distinct ones shuffled by table key."""
    g = _stages.group_equal_fingerprints(_cat(parts, 0, _U64),
                                         _cat(parts, 1, _U32))
    tables, keys = _stages.table_entries(max_distance, blocks, g["unique"])
    per = len(tables) // max(len(g["unique"]), 1)
    prints = np.repeat(g["unique"], per)
    firsts = np.repeat(g["first_doc"], per)
    buckets, nbytes = _split(_hash_bucket(keys, n_out), n_out, tables,
                             prints, firsts)
    info = {"bytes": nbytes, "distinct": len(g["unique"])}
    return buckets, info, (g["pair_a"], g["pair_b"])


def _simhash_tables(parts, max_distance, blocks):
    return _stages.table_pairs(max_distance, blocks,
                               _cat(parts, 0, np.uint16),
                               _cat(parts, 1, _U64), _cat(parts, 2, _U32))


def _forest_of_pairs(pairs):
    return _stages.star_forest(pairs[0], pairs[1])


def _merge_forests(x, y):
    return _stages.star_forest(np.concatenate([x[0], y[0]]),
                               np.concatenate([x[1], y[1]]))


def _components(forest):
    """(members, component) of every paired document, sorted by member."""
    nodes, roots = forest
    heads = np.unique(roots)
    members = np.concatenate([nodes, heads])
    comps = np.concatenate([roots, heads])
    order = np.argsort(members, kind="stable")
    return members[order], comps[order]


def _component_of(docs, comp):
    """Each doc's component, and whether it is paired at all."""
    members, comps = comp
    if len(members) == 0:
        return np.zeros(len(docs), _U32), np.zeros(len(docs), bool)
    idx = np.minimum(np.searchsorted(members, docs), len(members) - 1)
    return comps[idx], members[idx] == docs


def _route_pairs(pairs, comp, n_groups):
    a, b = pairs[0], pairs[1]
    c, _ = _component_of(a, comp)
    buckets, nbytes = _split(_hash_bucket(c, n_groups), n_groups, a, b)
    return buckets, {"bytes": nbytes}


def _route_members(sketch, doc_base, comp, n_groups):
    n = len(sketch["id_ends"])
    docs = (np.arange(n, dtype=np.int64) + doc_base).astype(_U32)
    c, paired = _component_of(docs, comp)
    local = np.nonzero(paired)[0]
    ids, ends = _stages.gather_strings(sketch["ids"], sketch["id_ends"],
                                       local.astype(np.int64))
    buckets, nbytes = _strings_split(_hash_bucket(c[local], n_groups),
                                     n_groups, ids, ends, docs[local],
                                     sketch["sketches"][local])
    return buckets, {"bytes": nbytes}


def _cluster_group(options, pair_parts, member_parts, doc_bases, n_parts):
    """Clusters of whole components; per member its representative."""
    ids, id_ends = _strings_concat([(p[0], p[1]) for p in member_parts])
    docs = _cat(member_parts, 2, _U32)
    sketches = np.concatenate([p[3] for p in member_parts])
    order = np.argsort(docs, kind="stable")
    docs, sketches = docs[order], np.ascontiguousarray(sketches[order])
    ids, id_ends = _stages.gather_strings(ids, id_ends, order.astype(np.int64))
    rep, measure = _stages.cluster_components(
        options, docs, sketches.view(np.uint8).reshape(-1),
        _cat(pair_parts, 0, _U32), _cat(pair_parts, 1, _U32))
    is_self = (rep == np.arange(len(rep))).astype(np.uint8)
    rep_ids, rep_ends = _stages.gather_strings(ids, id_ends,
                                               rep.astype(np.int64))
    owner = _owner(docs, doc_bases)
    local = (docs - doc_bases[owner]).astype(_U32)
    buckets, nbytes = _strings_split(owner, n_parts, rep_ids, rep_ends,
                                     local, is_self, measure)
    largest = int(np.bincount(rep).max()) if len(rep) else 0
    return buckets, {"bytes": nbytes, "duplicates": int(len(rep) -
                                                        is_self.sum()),
                     "largest": largest}


def _updates(parts):
    """One partition's cluster updates, sorted by document."""
    rep_ids, rep_ends = _strings_concat([(p[0], p[1]) for p in parts])
    members = _cat(parts, 2, _U32)
    order = np.argsort(members, kind="stable")
    rep_ids, rep_ends = _stages.gather_strings(rep_ids, rep_ends,
                                               order.astype(np.int64))
    return (members[order], _cat(parts, 3, np.uint8)[order],
            _cat(parts, 4, _U32)[order], rep_ids, rep_ends)


def _clusters_text(sketch, parts, simhash, length):
    members, is_self, measure, rep_ids, rep_ends = _updates(parts)
    return _stages.format_clusters(sketch["ids"], sketch["id_ends"], simhash,
                                   length, members, is_self, measure, rep_ids,
                                   rep_ends)


def _output_text(options, place, sketch, parts):
    members, is_self, _, _, _ = _updates(parts)
    kept = np.ones(len(sketch["id_ends"]), bool)
    kept[members[is_self == 0]] = False
    lines = sketch["doc_lines"][kept] - _U64(place[4])
    return _stages.partition_lines(options, place, lines)


# ---- The driver (runs on the client) ----

class _Job:
    """One dedup run: a method per stage, each submitting tasks."""

    def __init__(self, client, paths, options, partition_bytes):
        self.c = client
        self.paths = paths
        self.options = options
        self.partition_bytes = partition_bytes
        self.d = _stages.describe(options)
        self.stats = {"shuffle_bytes": {}}

    def submit(self, fn, *args):
        return self.c.submit(fn, *args, pure=False)

    def shuffle(self, maps, n_out):
        """Per output bucket, the futures of that bucket of every map."""
        return [[self.submit(_bucket, m, b) for m in maps]
                for b in range(n_out)]

    def measure(self, stage, maps):
        infos = self.c.gather([self.submit(_info, m) for m in maps])
        self.stats["shuffle_bytes"][stage] = sum(i["bytes"] for i in infos)
        return infos

    def plan(self):
        plans = self.c.gather([
            self.submit(_plan, os.path.abspath(p), p, self.partition_bytes,
                        self.threads())
            for p in self.paths])
        self.parts = []  # (input, begin, end)
        for i, (_, _, bounds) in enumerate(plans):
            for begin, end in zip(bounds[:-1], bounds[1:]):
                self.parts.append((i, begin, end))
        places = [self._place(i, begin, end, 0, 0)
                  for i, begin, end in self.parts]
        counts = self.c.gather([self.submit(_count, p) for p in places])
        self.places, line, file_line = [], 0, 0
        for k, (i, begin, end) in enumerate(self.parts):
            if k == 0 or self.parts[k - 1][0] != i:
                file_line = 0
            self.places.append(self._place(i, begin, end, line, file_line))
            line += counts[k]
            file_line += counts[k]
        self.line_counts = counts
        self.stats["partitions"] = len(self.parts)

    def _place(self, i, begin, end, first_line, first_file_line):
        return (os.path.abspath(self.paths[i]), self.paths[i], begin, end,
                first_line, first_file_line)

    def sketch(self):
        minhash = self.d["algo"] == "minhash"
        bands, rows = (self.d["bands"], self.d["rows"]) if minhash else (0, 0)
        self.sketched = [self.submit(_sketch, self.options, p, bands, rows,
                                     self.n_buckets())
                         for p in self.places]
        self.sketches = [self.submit(_sketch_of, s) for s in self.sketched]
        metas = self.c.gather([self.submit(_meta, s) for s in self.sketches])
        for k, m in enumerate(metas):
            if m["lines"] != self.line_counts[k]:
                raise OSError(f"{self.places[k][1]}: changed during the run")
        docs = [m["documents"] for m in metas]
        self.doc_bases = np.concatenate(([0], np.cumsum(docs)[:-1])).astype(
            np.int64)
        self.documents = int(sum(docs))
        if self.documents >= 2**32 - 1:
            raise ValueError("more than 2^32 - 1 documents in one run")
        names = _stages.reject_reason_names()
        by_reason = np.sum([m["rejected_by_reason"] for m in metas], axis=0)
        self.stats.update(
            lines_read=int(sum(m["lines"] for m in metas)),
            documents=self.documents,
            lines_rejected=int(by_reason.sum()),
            rejected_by_reason={n: int(v) for n, v in zip(names, by_reason)},
            empty_documents=int(sum(m["empty"] for m in metas)))

    def threads(self):
        """The worker threads of the cluster, when first asked."""
        if not hasattr(self, "_threads"):
            self._threads = max(sum(self.c.nthreads().values()), 1)
        return self._threads

    def n_buckets(self):
        """Buckets of the band and component shuffles: one per worker
        thread, or more past _BUCKET_PARTITIONS partitions each, never more
        than the partitions (fewer buckets, fewer getitem tasks)."""
        if not hasattr(self, "_n_buckets"):
            wanted = max(self.threads(),
                         -(-len(self.places) // _BUCKET_PARTITIONS))
            self._n_buckets = max(1, min(len(self.places), wanted))
        return self._n_buckets

    def owner_groups(self):
        """Runs of consecutive partitions, as many as buckets: the pair
        stages' owners of documents (fewer owners, fewer getitem tasks)."""
        n, parts = self.n_buckets(), len(self.places)
        firsts = [k * parts // n for k in range(n)] + [parts]
        groups = [range(firsts[g], firsts[g + 1]) for g in range(n)]
        bases = self.doc_bases[firsts[:-1]]
        return ([[self.sketches[k] for k in g] for g in groups],
                [[self.places[k] for k in g] for g in groups], bases)

    def minhash_pairs(self):
        d, n = self.d, self.n_buckets()
        sketches, places, bases = self.owner_groups()
        reduces = [self.submit(_band_reduce, ins, self.doc_bases, bases, n)
                   for ins in self.shuffle(self.sketched, n)]
        attached = [self.submit(_attach_b, s, int(bases[g]), ins, bases, n)
                    for g, (s, ins) in enumerate(
                        zip(sketches, self.shuffle(reduces, n)))]
        estimated = [self.submit(_verify_a, self.options, d, s, int(bases[g]),
                                 places[g], ins, bases, n)
                     for g, (s, ins) in enumerate(
                         zip(sketches, self.shuffle(attached, n)))]
        exact = [self.submit(_verify_b, self.options, d["threshold"], s,
                             int(bases[g]), places[g], ins)
                 for g, (s, ins) in enumerate(
                     zip(sketches, self.shuffle(estimated, n)))]
        pairs = [self.submit(_verified, e) for e in estimated] + exact
        self.pair_stages = (reduces, attached, estimated, exact)
        return pairs

    def minhash_stats(self):
        """The pair stages' stats (gathered once later stages are queued)."""
        reduces, attached, estimated, exact = self.pair_stages
        self.measure("bands", self.sketched)
        self.measure("candidates", reduces)
        candidates = self.measure("signatures", attached)
        border = self.measure("borderline", estimated)
        reads = self.c.gather([self.submit(_reads, e) for e in exact])
        self.stats.update(
            candidate_pairs=sum(i["candidates"] for i in candidates),
            exact_pairs=sum(i["borderline"] for i in border),
            exact_reads=sum(i["reads"] for i in border) + sum(reads))

    def simhash_pairs(self):
        n = self.n_buckets()
        max_distance = self.d["max_distance"]
        blocks = _stages.simhash_blocks(max_distance, self.documents)
        maps = [self.submit(_simhash_map, s, int(self.doc_bases[k]), n)
                for k, s in enumerate(self.sketches)]
        groups = [self.submit(_simhash_groups, ins, max_distance, blocks, n)
                  for ins in self.shuffle(maps, n)]
        tables = [self.submit(_simhash_tables, ins, max_distance, blocks)
                  for ins in self.shuffle(groups, n)]
        pairs = [self.submit(_verified, g) for g in groups] + tables
        self.measure("fingerprints", maps)
        infos = self.measure("tables", groups)
        self.stats["distinct_fingerprints"] = sum(i["distinct"] for i in infos)
        return pairs

    def components(self, pairs):
        level = [self.submit(_forest_of_pairs, p) for p in pairs]
        while len(level) > 1:
            merged = [self.submit(_merge_forests, x, y)
                      for x, y in zip(level[0::2], level[1::2])]
            level = merged + level[len(merged) * 2:]
        return self.submit(_components, level[0])

    def cluster(self, pairs):
        comp = self.components(pairs)
        n, parts = self.n_buckets(), len(self.places)
        routed_pairs = [self.submit(_route_pairs, p, comp, n) for p in pairs]
        routed_members = [
            self.submit(_route_members, s, int(self.doc_bases[k]), comp, n)
            for k, s in enumerate(self.sketches)]
        groups = [self.submit(_cluster_group, self.options, p, m,
                              self.doc_bases, parts)
                  for p, m in zip(self.shuffle(routed_pairs, n),
                                  self.shuffle(routed_members, n))]
        self.updates = self.shuffle(groups, parts)
        self.clustered = (pairs, routed_pairs, routed_members, groups)

    def cluster_stats(self):
        """The clustering's stats (after the writing tasks are submitted, so
        that they do not wait for the client)."""
        pairs, routed_pairs, routed_members, groups = self.clustered
        if self.d["algo"] != "simhash":
            self.minhash_stats()
        self.measure("pairs", routed_pairs)
        self.measure("members", routed_members)
        infos = self.measure("clusters", groups)
        duplicates = sum(i["duplicates"] for i in infos)
        self.stats.update(
            verified_pairs=sum(self.c.gather(
                [self.submit(_pair_count, p) for p in pairs])),
            duplicates=duplicates,
            clusters=self.documents - duplicates,
            largest_cluster=max([i["largest"] for i in infos] +
                                [1 if self.documents else 0]))

    def write(self, sinks):
        """Each output's pieces, fetched and appended in partition order."""
        simhash = self.d["algo"] == "simhash"
        length = self.d["signature_length"]
        pieces = {
            "clusters": lambda k: self.submit(
                _clusters_text, self.sketches[k], self.updates[k], simhash,
                length),
            "output": lambda k: self.submit(
                _output_text, self.options, self.places[k], self.sketches[k],
                self.updates[k]),
            "rejects": lambda k: self.submit(_rejects, self.sketches[k])}
        texts = {name: [pieces[name](k) for k in range(len(self.places))]
                 for name in sinks}
        self.cluster_stats()
        for name, sink in sinks.items():
            futures = texts[name]
            while futures:
                sink.append(futures.pop(0).result())
        for sink in sinks.values():
            sink.commit()

    def run(self, sinks):
        start = time.monotonic()
        self.plan()
        self.sketch()
        if self.d["algo"] == "simhash":
            pairs = self.simhash_pairs()
        else:
            pairs = self.minhash_pairs()
        self.cluster(pairs)
        self.write(sinks)
        total = sum(self.stats["shuffle_bytes"].values())
        self.stats["shuffle_bytes_per_document"] = (
            total / self.documents if self.documents else 0.0)
        self.stats["seconds"] = time.monotonic() - start
        return self.stats


def _pair_count(pairs):
    return len(pairs[0])


@contextlib.contextmanager
def _connect(client, workers, scheduler=None):
    """The given client, one to `scheduler`, or a LocalCluster's."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster
    if scheduler:
        with Client(scheduler) as c:
            yield c
        return
    with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                      dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as c:
        yield c


def _dedup_options(given):
    """The options for _stages, as neardup._core names them."""
    options = {}
    for name, value in given.items():
        name = "algo" if name == "algorithm" else name  # as neardup._core
        if value is None or name == "threads":  # speed only: one per worker
            continue
        if name == "idf" or name.startswith("story_"):
            raise NotImplementedError(f"{name}: story mode is not "
                                      "distributed; use neardup dedup")
        options[name] = value
    return options


def _check(paths, options):
    """The inputs and options, checked before any cluster is started."""
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ValueError("no inputs")
    if "-" in paths:
        raise ValueError("stdin ('-') is not supported by neardup.dask: the "
                         "workers read the inputs by path")
    options = _dedup_options(options)
    described = _stages.describe(options)  # ValueError, TypeError
    if described["mode"] == "story":
        raise NotImplementedError("story mode is not distributed; use "
                                  "neardup dedup --mode story")
    return paths, options, described


def dedup(paths, clusters, output=None, rejects=None, stats=None, client=None,
          workers=2, partition_bytes=64 << 20, **options) -> dict:
    """Dedups JSONL `paths` on a Dask cluster, as ``neardup dedup`` would.

    Writes the clusters file `clusters` (and, if given, the representatives'
    lines to `output`, compressed by a .gz/.zst extension as the CLI does,
    the rejected lines to `rejects` and the returned stats as JSON to
    `stats`), each atomically. `client`: a distributed.Client; None starts a
    LocalCluster of `workers` processes for the call. Plain inputs are cut
    into line-aligned ranges of about `partition_bytes`; compressed ones are
    one partition each. `options`: the CLI's dedup options with '_' for '-'
    (threshold, signature_length, bands, rows, shingle_words, min_line_words,
    short_text_words, algo, max_distance, verify, clustering, bound_ratio,
    text_field, id_field, ...); the CLI's defaults otherwise.

    Returns the stats: documents, lines_read, lines_rejected (by reason),
    candidate_pairs, verified_pairs, clusters, duplicates, largest_cluster,
    shuffle_bytes per stage and per document, seconds.

    Raises FileNotFoundError naming a missing input, ValueError for bad
    options or stdin ('-'), TypeError for an unknown option,
    NotImplementedError for story mode. Bad lines are rejected lines.
    """
    paths, options, described = _check(paths, options)
    with contextlib.ExitStack() as stack:
        sinks = {}
        for name, path, compress in (("clusters", clusters, False),
                                     ("output", output, True),
                                     ("rejects", rejects, False)):
            if path:
                sinks[name] = _stages.Sink(os.fspath(path), compress)
        try:
            c = stack.enter_context(_connect(client, workers))
            result = _Job(c, paths, options, partition_bytes).run(sinks)
        except BaseException:
            sinks.clear()  # removes their temporary files
            raise
    result.update(mode=described["mode"], algo=described["algo"],
                  clustering=described["clustering"], inputs=len(paths))
    if described["algo"] == "minhash":
        result.update(verify=described["verify"],
                      threshold=described["threshold"],
                      bands=described["bands"], rows=described["rows"])
    if stats:
        sink = _stages.Sink(os.fspath(stats), False)
        sink.append((json.dumps(result, indent=2) + "\n").encode())
        sink.commit()
    return result


# ---- Command line ----

def _parser():
    p = argparse.ArgumentParser(
        prog="python3 -m neardup.dask",
        description="neardup dedup on a Dask cluster: the same clusters, "
        "--output and --rejects files, byte for byte.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help=".jsonl, .jsonl.gz or .jsonl.zst files (not stdin)")
    p.add_argument("--clusters", required=True, help="clusters file")
    p.add_argument("--output", help="representatives' lines (.gz/.zst "
                   "compress)")
    p.add_argument("--rejects", help="one JSON line per rejected line")
    p.add_argument("--stats", help="the run's stats as JSON")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2,
                       help="start a LocalCluster of N worker processes "
                       "(default 2)")
    where.add_argument("--scheduler", help="address of a running Dask "
                       "scheduler, e.g. tcp://host:8786")
    p.add_argument("--partition-bytes", type=int, default=64 << 20,
                   help="bytes per partition of a plain input")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary")
    options = p.add_argument_group("dedup options (as neardup dedup)")
    for name, kind in (("threshold", float), ("signature_length", int),
                       ("bands", int), ("rows", int), ("fp_weight", float),
                       ("fn_weight", float), ("shingle_words", int),
                       ("min_line_words", int), ("short_text_words", int),
                       ("max_distance", int), ("bound_ratio", float),
                       ("text_field", str), ("id_field", str),
                       ("max_line_bytes", int), ("chunk_bytes", int)):
        options.add_argument("--" + name.replace("_", "-"), dest=name,
                             type=kind)
    options.add_argument("--algo", choices=("minhash", "simhash"))
    options.add_argument("--verify",
                         choices=("borderline", "estimate", "exact"))
    options.add_argument("--exact", dest="verify", action="store_const",
                         const="exact", help="the same as --verify exact")
    options.add_argument("--clustering",
                         choices=("bounded", "components", "representative"))
    options.add_argument("--mode", choices=("copies", "story"))
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    options = {name: getattr(args, name) for name in OPTION_NAMES}
    try:
        _check(args.inputs, options)
        with _connect(None, args.workers, args.scheduler) as client:
            stats = dedup(args.inputs, args.clusters, output=args.output,
                          rejects=args.rejects, stats=args.stats,
                          client=client, partition_bytes=args.partition_bytes,
                          **options)
    except (OSError, ValueError, TypeError, NotImplementedError) as e:
        print(f"neardup.dask: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{stats['documents']} documents, {stats['clusters']} clusters, "
              f"{stats['duplicates']} duplicates, {stats['lines_rejected']} "
              f"rejected lines in {stats['seconds']:.1f} s; "
              f"{stats['shuffle_bytes_per_document']:.0f} bytes shuffled per "
              f"document", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run as the importable module, so that the tasks pickle by reference.
    import neardup.dask as _module
    sys.exit(_module.main())
