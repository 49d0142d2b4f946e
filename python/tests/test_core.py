"""Tests of the neardup Python module (neardup._core).

Run by ctest as `python_core` (python/CMakeLists.txt), which sets PYTHONPATH
to the build tree's package, NEARDUP_SOURCE_DIR and NEARDUP_CLI (the
`neardup` binary). By hand:
  PYTHONPATH=build/python NEARDUP_CLI=build/tools/neardup \
      /usr/bin/python3 -m pytest -q python/tests/test_core.py
"""

import ast
import inspect
import json
import os
import pickle
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import neardup
import neardup._core

SOURCE_DIR = Path(
    os.environ.get("NEARDUP_SOURCE_DIR", Path(__file__).resolve().parents[2])
)
REUTERS = SOURCE_DIR / "datasets/reuters21578/reuters21578.jsonl.zst"
CLI = os.environ.get("NEARDUP_CLI")
STUB = SOURCE_DIR / "python/neardup/_core.pyi"

# The texts of tests/golden/golden_test.cc, whose sketches are recorded in
# tests/golden/minhash.tsv and fingerprints.tsv.
GOLDEN_TEXTS = {
    "empty": "",
    "one_word": "Reuters",
    "ascii_sentence": "The Bank of England said it provided the money market "
    "with 310 mln stg assistance in the afternoon session.",
    "case_and_punct": "THE BANK OF ENGLAND SAID IT PROVIDED THE MONEY MARKET "
    "-- WITH 310 MLN STG ASSISTANCE IN THE AFTERNOON SESSION!",
    "unicode_variants": "\u201cCaf\u00e9\u201d\u00a0co\u00adoperation "
    "\uff11\uff19\uff18\uff17 Stra\u00dfe \ufb01nance",
    "cjk": "阿里巴巴禁止员工使用Claude Code编程工具",
    "cyrillic": "Центральный банк России сохранил ключевую ставку",
    "boilerplate_lines": "Skip to main content\nHome | World | Business\n"
    "The Bank of England said it provided the money market with 310 mln "
    "stg assistance in the afternoon session, taking the total help so "
    "far today to 450 mln stg, compared with a revised shortage forecast "
    "of around 700 mln stg. The central bank bought bills outright from "
    "the discount houses at established dealing rates, it said in a "
    "statement released in London on Tuesday afternoon.\n"
    "Share this article\n(c) 2026 Example News. All rights reserved.",
}


def golden_rows(name):
    lines = (SOURCE_DIR / "tests/golden" / name).read_text().splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def reuters():
    """The bundled Reuters-21578 dump's records, in input order."""
    dump = subprocess.run(
        ["zstd", "-dc", str(REUTERS)], check=True, capture_output=True
    ).stdout
    records = [json.loads(line) for line in dump.splitlines()]
    assert len(records) == 21578
    return records


@pytest.fixture(scope="module")
def reuters_sketches(reuters):
    """(signatures, empty) of every Reuters text, with the default options."""
    return neardup.Sketcher().sketch_batch([r["text"] for r in reuters])


def row_of(records):
    return {r["id"]: i for i, r in enumerate(records)}


def sketch_bytes(k=128, threshold=0.5):
    """The bytes of a MinHash sketch: K signature bytes, then 2 band check
    bytes per LSH band (core/FORMAT.md section 8). 206 at the defaults."""
    return k + 2 * neardup.optimal_lsh_params(threshold, k).bands


# ---- Sketcher ----


@pytest.mark.parametrize(
    "case,length,signature,checks,key", golden_rows("minhash.tsv")
)
def test_sketch_equals_golden_minhash_signature(case, length, signature, checks, key):
    k = int(length)
    sketch = neardup.Sketcher(signature_length=k).sketch(GOLDEN_TEXTS[case])
    if case == "empty":
        assert sketch is None  # no shingles: no sketch
        return
    # The signature, then the band checks of the default threshold's bands.
    assert sketch.dtype == np.uint8 and sketch.shape == (sketch_bytes(k),)
    assert len(checks) == 4 * neardup.optimal_lsh_params(0.5, k).bands
    assert sketch[:k].tobytes().hex() == signature, "format change: see FORMAT.md"
    assert sketch[k:].tobytes().hex() == checks, "format change: see FORMAT.md"


@pytest.mark.parametrize(
    "case,words,min_line_words,simhash,first", golden_rows("fingerprints.tsv")
)
def test_simhash_and_shingles_equal_golden(case, words, min_line_words, simhash, first):
    sketcher = neardup.Sketcher(
        algo="simhash", shingle_words=int(words), min_line_words=int(min_line_words)
    )
    text = GOLDEN_TEXTS[case]
    shingles = sketcher.shingles(text)
    assert shingles.dtype == np.uint64 and shingles.ndim == 1
    if first == "-":
        assert shingles.size == 0 and sketcher.sketch(text) is None
        return
    assert int(shingles[0]) == int(first, 16)
    assert sketcher.sketch(text) == int(simhash, 16)


def test_sketches_equal_those_of_dedups_pipeline(tmp_path, reuters, reuters_sketches):
    # dedup writes each verified pair's estimate from its own signatures: the
    # same value from the Python sketches means the same signatures.
    signatures, _ = reuters_sketches
    stats = neardup.dedup(REUTERS, pairs=tmp_path / "pairs.jsonl", threads=2)
    pairs = read_jsonl(tmp_path / "pairs.jsonl")
    assert len(pairs) == stats["verified_pairs"] > 500
    row = row_of(reuters)
    for p in pairs:
        a, b = signatures[row[p["a"]]], signatures[row[p["b"]]]
        got = neardup.estimated_similarity(a, b)
        assert abs(got - p["similarity"]) <= 5e-5, p


def test_simhashes_equal_those_of_dedups_pipeline(tmp_path, reuters):
    # (The stats' verified_pairs, 487, is not the pairs file's 473 lines
    # here: the CLI gives the same.)
    neardup.dedup(REUTERS, pairs=tmp_path / "pairs.jsonl", algo="simhash")
    pairs = read_jsonl(tmp_path / "pairs.jsonl")
    assert len(pairs) > 100
    hashes, empty = neardup.Sketcher(algo="simhash").sketch_batch(
        [r["text"] for r in reuters]
    )
    row = row_of(reuters)
    for p in pairs:
        a, b = int(hashes[row[p["a"]]]), int(hashes[row[p["b"]]])
        assert (a ^ b).bit_count() == p["distance"], p


def test_sketch_batch_equals_sketch_row_by_row(reuters):
    texts = [r["text"] for r in reuters[:300]] + ["", "!!! ---", "Reuters"]
    texts.append(texts[0].encode())  # UTF-8 bytes are texts too
    sketcher = neardup.Sketcher()
    signatures, empty = sketcher.sketch_batch(texts)
    assert signatures.dtype == np.uint8
    assert signatures.shape == (len(texts), sketch_bytes()) == (len(texts), 206)
    assert empty.dtype == np.bool_ and empty.shape == (len(texts),)
    assert signatures.flags.c_contiguous and signatures.flags.writeable
    for i, text in enumerate(texts):
        one = sketcher.sketch(text)
        if one is None:
            assert empty[i] and not signatures[i].any()
        else:
            assert not empty[i]
            np.testing.assert_array_equal(signatures[i], one, err_msg=f"text {i}")
    assert empty[-4] and empty[-3] and not empty[-2]
    np.testing.assert_array_equal(signatures[-1], signatures[0])


def test_sketch_batch_shapes_and_dtypes():
    texts = (f"word{i} and another sentence of several words" for i in range(5))
    signatures, empty = neardup.Sketcher(signature_length=64).sketch_batch(texts)
    assert signatures.shape == (5, sketch_bytes(64)) and not empty.any()
    sketcher = neardup.Sketcher(bands=10, rows=3)  # 128 + 2 * 10 bytes
    signatures, empty = sketcher.sketch_batch(["a b c", ""])
    assert signatures.shape == (2, 148) and empty.tolist() == [False, True]
    assert not signatures[1].any()
    index = neardup.Index(bands=10, rows=3)
    index.add_batch(["x", "y"], "s", signatures, empty)  # the index's rows
    assert [m.key for m in index.query(signatures[0])] == ["x"]
    hashes, empty = neardup.Sketcher(algo="simhash").sketch_batch(["a b c", ""])
    assert hashes.dtype == np.uint64 and hashes.shape == (2,)
    assert empty.tolist() == [False, True] and hashes[1] == 0
    signatures, empty = neardup.Sketcher().sketch_batch([])
    assert signatures.shape == (0, 206) and empty.shape == (0,)


def test_sketch_batch_rejects_bad_texts():
    sketcher = neardup.Sketcher()
    with pytest.raises(TypeError, match="sequence of str"):
        sketcher.sketch_batch("not a list")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        sketcher.sketch_batch(["fine", 42])
    with pytest.raises(neardup.CorruptionError, match=r"texts\[1\]"):
        sketcher.sketch_batch(["fine", b"caf\xe9 latin-1"])
    with pytest.raises(ValueError):  # CorruptionError is a ValueError
        sketcher.sketch(b"\xff\xfe")


def test_sketcher_properties_and_pickle():
    sketcher = neardup.Sketcher(threshold=0.7, shingle_words=4)
    assert sketcher.algorithm == "minhash" and sketcher.signature_length == 128
    assert sketcher.options["threshold"] == 0.7
    assert sketcher.options["shingle_words"] == 4
    copy = pickle.loads(pickle.dumps(sketcher))
    text = GOLDEN_TEXTS["boilerplate_lines"]
    np.testing.assert_array_equal(copy.sketch(text), sketcher.sketch(text))
    assert copy.options == sketcher.options
    assert "minhash" in repr(sketcher)


# ---- Options ----


def test_default_options_are_every_keyword():
    defaults = neardup.default_options()
    assert defaults["threshold"] == 0.5 and defaults["algo"] == "minhash"
    assert defaults["verify"] == "borderline" and defaults["clustering"] == "bounded"
    assert neardup.Sketcher(**defaults).options == defaults
    assert neardup.Index(**defaults).options["threshold"] == 0.5


def test_unknown_option_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="'treshold'.*did you mean 'threshold'"):
        neardup.Sketcher(treshold=0.5)
    with pytest.raises(TypeError, match="'colour'"):
        neardup.dedup(REUTERS, colour="red")
    with pytest.raises(TypeError, match="both 'algo' and 'algorithm'"):
        neardup.Sketcher(algo="minhash", algorithm="simhash")


def test_out_of_range_option_is_a_value_error_with_the_status_message():
    with pytest.raises(ValueError, match=r"shingle_words must be in \[1, 16\]"):
        neardup.Sketcher(shingle_words=0)
    with pytest.raises(ValueError, match="threshold must be in"):
        neardup.Index(threshold=1.5)
    with pytest.raises(ValueError, match="bands and rows"):
        neardup.dedup(REUTERS, bands=40, rows=4)
    with pytest.raises(ValueError, match="out of range"):
        neardup.Sketcher(shingle_words=2**40)
    with pytest.raises(ValueError, match="mode copies"):
        neardup.Sketcher(mode="story")
    with pytest.raises(ValueError, match="'borderline', 'estimate', 'exact'"):
        neardup.dedup(REUTERS, verify="sometimes")


def test_option_types():
    with pytest.raises(TypeError, match="threshold"):
        neardup.Sketcher(threshold="0.5")
    with pytest.raises(TypeError, match="shingle_words"):
        neardup.Sketcher(shingle_words=2.5)
    with pytest.raises(TypeError, match="shingle_words"):
        neardup.Sketcher(shingle_words=True)
    sketcher = neardup.Sketcher(
        shingle_words=np.int64(4), threshold=np.float32(0.5), algorithm="SimHash"
    )
    assert sketcher.options["shingle_words"] == 4 and sketcher.algorithm == "simhash"
    assert neardup.Sketcher(idf=Path("model.idf")).options["idf"] == "model.idf"


# ---- Index ----


def test_index_round_trip(tmp_path, reuters, reuters_sketches):
    ids = [r["id"] for r in reuters[:3000]]
    signatures, empty = (a[:3000] for a in reuters_sketches)
    index = neardup.Index(threads=2)
    index.add_batch(ids, "reuters", signatures, empty)
    assert len(index) == 3000
    found = index.query_batch(signatures, empty)
    for i in range(3000):
        if empty[i]:
            assert found[i] == []
        else:  # every document finds itself first, or a copy of itself
            assert found[i][0].similarity == 1.0
            assert any(m.key == ids[i] and m.entry == i for m in found[i])
            assert all(m.source == "reuters" for m in found[i])
    for i in range(0, 3000, 101):
        sketch = None if empty[i] else signatures[i]
        assert index.query(sketch) == found[i]
        assert index.query(reuters[i]["text"]) == found[i]  # a text works too
        assert index.query(sketch, limit=1) == found[i][:1]

    index.save(tmp_path / "ix")
    reopened = neardup.Index.open(tmp_path / "ix")
    assert len(reopened) == 3000 and reopened.query_batch(signatures, empty) == found
    assert reopened.query_or_add("new", "feed-2", reuters[5000]["text"]) == []
    again = reopened.query_or_add("again", "feed-2", reuters[5000]["text"])
    assert again[0].key == "new"
    reopened.save()
    info = neardup.Index.open(str(tmp_path / "ix"), threads=1).info()
    assert info["entries"] == 3001 and len(info["runs"]) == 2
    assert info["sources"] == {"reuters": 3000, "feed-2": 1}
    assert info["empty_entries"] == int(empty.sum())
    assert info["options"]["bands"] == 39 and info["options"]["rows"] == 3
    reopened.compact()
    reopened.save()
    assert len(neardup.Index.open(tmp_path / "ix").info()["runs"]) == 1


def test_index_matches_are_dedups_estimate_pairs(tmp_path, reuters, reuters_sketches):
    # README "Ingestion jobs": the index finds exactly the pairs that
    # `dedup --verify estimate` verifies.
    signatures, empty = reuters_sketches
    index = neardup.Index(threads=2)
    index.add_batch([r["id"] for r in reuters], "reuters", signatures, empty)
    found = set()
    for i, matches in enumerate(index.query_batch(signatures, empty)):
        found |= {(min(i, m.entry), max(i, m.entry)) for m in matches if m.entry != i}
    neardup.dedup(REUTERS, pairs=tmp_path / "pairs.jsonl", verify="estimate")
    row = row_of(reuters)
    pairs = {(row[p["a"]], row[p["b"]]) for p in read_jsonl(tmp_path / "pairs.jsonl")}
    assert len(pairs) > 500 and found == pairs


def test_index_open_errors(tmp_path):
    index = neardup.Index()
    index.add("a", "s", GOLDEN_TEXTS["boilerplate_lines"])
    index.save(tmp_path / "ix")
    with pytest.raises(ValueError, match="shingle_words"):
        neardup.Index.open(tmp_path / "ix", shingle_words=5)
    with pytest.raises(ValueError, match="threshold"):
        neardup.Index.open(tmp_path / "ix", threshold=0.8)
    missing = tmp_path / "missing.ndx"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        neardup.Index.open(missing)
    with pytest.raises(ValueError, match="already holds an index"):
        neardup.Index().save(tmp_path / "ix")
    with pytest.raises(RuntimeError, match="never saved"):
        neardup.Index().save()
    run = next(p for p in (tmp_path / "ix").iterdir() if p.name != "MANIFEST")
    run.write_bytes(run.read_bytes()[:-9])
    with pytest.raises(neardup.CorruptionError, match=re.escape(run.name)):
        neardup.Index.open(tmp_path / "ix")


def test_index_sketch_arguments():
    text = GOLDEN_TEXTS["boilerplate_lines"]
    sketch = neardup.Sketcher().sketch(text)
    index = neardup.Index()
    index.add("none", "s", None)  # a text without shingles
    index.add("text", "s", text)
    index.add("sketch", "s", sketch)
    assert len(index) == 3 and index.info()["empty_entries"] == 1
    assert index.query(None) == [] and index.query("") == []
    assert [m.key for m in index.query(sketch)] == ["text", "sketch"]
    match = index.query(sketch)[0]
    assert match == neardup.Match("text", "s", 1.0, 0, 1)
    assert (match.key, match.source, match.similarity) == ("text", "s", 1.0)
    with pytest.raises(ValueError, match=r"\(206,\) \(K = 128.* 78 band check"):
        index.query(sketch[:64])
    with pytest.raises(ValueError, match="K = 128"):  # a bare signature
        index.add("signature", "s", sketch[:128])
    changed = sketch.copy()
    changed[128:] ^= 0xFF  # every band's check differs: no band matches
    assert index.query(changed) == []
    changed[:128] ^= 0xFF  # and equal checks with other bytes do not either
    changed[128:] = sketch[128:]
    assert index.query(changed) == []
    with pytest.raises(TypeError, match="uint8"):
        index.query(sketch.astype(np.int64))
    with pytest.raises(TypeError, match="uint8"):
        index.query(12345)
    with pytest.raises(ValueError, match=r"\(n, 206\)"):
        index.add_batch(["a"], "s", sketch[None, :128], [False])
    with pytest.raises(ValueError, match="2 keys and 1 signatures"):
        index.add_batch(["a", "b"], "s", sketch[None, :], [False])
    with pytest.raises(ValueError, match=r"empty: expected shape \(1,\)"):
        index.add_batch(["a"], "s", sketch[None, :], [False, True])


def test_simhash_index():
    texts = [GOLDEN_TEXTS["boilerplate_lines"], GOLDEN_TEXTS["cyrillic"], ""]
    sketcher = neardup.Sketcher(algo="simhash")
    hashes, empty = sketcher.sketch_batch(texts)
    index = neardup.Index(algo="simhash")
    index.add_batch(["a", "b", "c"], "s", hashes, empty)
    assert [m.key for m in index.query(sketcher.sketch(texts[0]))] == ["a"]
    assert index.query(np.uint64(hashes[1]))[0].distance == 0
    assert index.query_batch(hashes, empty)[2] == []
    with pytest.raises(ValueError, match="2\\*\\*64"):
        index.query(-1)
    with pytest.raises(TypeError, match="uint64"):
        index.add_batch(["x"], "s", hashes[:1].astype(np.int64), [False])


# ---- dedup ----


@pytest.mark.skipif(not CLI, reason="NEARDUP_CLI is not set")
@pytest.mark.parametrize(
    "options,flags",
    [
        ({}, []),
        (
            {"threshold": 0.6, "clustering": "components", "verify": "exact"},
            ["--threshold", "0.6", "--clustering", "components", "--verify", "exact"],
        ),
        (
            {"algo": "simhash", "max_distance": 4},
            ["--algo", "simhash", "--max-distance", "4"],
        ),
        # Sketches and band search on disk in Python, in memory on the CLI.
        ({"memory_limit": 2 << 20}, []),
    ],
)
def test_dedup_writes_the_clusters_file_of_the_cli(tmp_path, options, flags):
    stats = neardup.dedup(
        [REUTERS], clusters=tmp_path / "py.jsonl", threads=2, **options
    )
    subprocess.run(
        [CLI, "dedup", str(REUTERS), "--clusters", str(tmp_path / "cli.jsonl"),
         "--threads", "2", "--quiet", *flags],
        check=True,
    )
    assert stats["documents"] == 21578 and stats["lines_rejected"] == 0
    assert stats["documents"] == stats["clusters"] + stats["duplicates"]
    assert stats.get("spilled", False) == ("memory_limit" in options)
    assert (tmp_path / "py.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()


def test_dedup_stats_and_outputs(tmp_path):
    stats = neardup.dedup(
        str(REUTERS), output=tmp_path / "out.jsonl", stats=tmp_path / "stats.json",
        threshold=0.7,
    )
    assert stats["documents"] == 21578 and stats["jaccard_threshold"] == 0.7
    params = neardup.optimal_lsh_params(0.7)
    assert (stats["bands"], stats["rows"]) == (params.bands, params.rows)
    written = json.loads((tmp_path / "stats.json").read_text())
    assert written["clusters"] == stats["clusters"]
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(lines) == stats["clusters"]


def test_dedup_missing_input_raises_file_not_found_naming_it(tmp_path):
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        neardup.dedup([REUTERS, missing])
    with pytest.raises(ValueError, match="input path"):
        neardup.dedup([])


def test_dedup_bad_line_is_a_rejected_line(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        '{"id": "a", "text": "the first of three records"}\n'
        '{"id": "b", "text": "cut off\n'
        '{"id": "c", "title": "no text"}\n'
        '{"id": "d", "text": "the first of three records"}\n'
    )
    stats = neardup.dedup(dump, rejects=tmp_path / "rejects.jsonl", threads=1)
    assert stats["lines_read"] == 4 and stats["documents"] == 2
    assert stats["lines_rejected"] == 2
    assert stats["rejected_by_reason"]["bad_json"] == 1
    assert stats["rejected_by_reason"]["missing_field"] == 1
    assert stats["duplicates"] == 1
    rejects = read_jsonl(tmp_path / "rejects.jsonl")
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (2, "bad_json"), (3, "missing_field")]
    assert rejects[0]["input"] == str(dump)


# ---- Helpers ----


def test_lsh_helpers():
    assert neardup.optimal_lsh_params(0.5)[:2] == (39, 3)  # README "neardup tune"
    params = neardup.optimal_lsh_params(0.5, signature_length=128)
    assert isinstance(params, tuple) and params.bands == 39
    assert params.false_negative_area < 0.001 < params.false_positive_area
    assert neardup.s_curve(0.5, 39, 3) == pytest.approx(1 - (1 - 0.5**3) ** 39)
    curve = neardup.s_curve(np.array([0.0, 0.5, 1.0]), 39, 3)
    assert curve.dtype == np.float64 and curve.shape == (3,)
    assert curve[0] == 0 and curve[2] == 1
    with pytest.raises(ValueError, match="threshold"):
        neardup.optimal_lsh_params(1.0)
    with pytest.raises(ValueError, match="bands and rows"):
        neardup.s_curve(0.5, 0, 3)


def test_estimated_similarity():
    sketcher = neardup.Sketcher()
    a = sketcher.sketch(GOLDEN_TEXTS["boilerplate_lines"])
    edited = GOLDEN_TEXTS["boilerplate_lines"].replace("Tuesday", "Monday")
    b = sketcher.sketch(edited)
    assert neardup.estimated_similarity(a, a) == 1.0
    assert 0.8 < neardup.estimated_similarity(a, b) < 1.0
    assert neardup.estimated_similarity(a, None) == 0.0
    with pytest.raises(ValueError, match="differ in length"):
        neardup.estimated_similarity(a, b[:64])
    with pytest.raises(TypeError, match="bit_count"):
        neardup.estimated_similarity(1, 2)


@pytest.mark.parametrize("k", [128, 64])
def test_sketcher_similarity_reads_the_signature(k):
    sketcher = neardup.Sketcher(signature_length=k)
    a = sketcher.sketch(GOLDEN_TEXTS["boilerplate_lines"])
    edited = GOLDEN_TEXTS["boilerplate_lines"].replace("Tuesday", "Monday")
    b = sketcher.sketch(edited)
    assert a.shape == b.shape == (sketch_bytes(k),)
    expected = neardup.estimated_similarity(a, b, signature_length=k)
    assert 0.8 < expected < 1.0
    assert sketcher.similarity(a, b) == expected
    assert sketcher.similarity(a, a) == 1.0 and sketcher.similarity(a, None) == 0.0
    # Only the first K bytes count: not the band checks; bare signatures work.
    c = b.copy()
    c[k:] ^= 0xFF
    assert sketcher.similarity(a, c) == expected
    assert neardup.estimated_similarity(a[:k], b[:k], signature_length=k) == expected
    with pytest.raises(ValueError, match="fewer than signature_length"):
        sketcher.similarity(a[: k - 1], b[: k - 1])
    with pytest.raises(ValueError, match="fewer than signature_length"):
        neardup.estimated_similarity(a[:k], b[:k], signature_length=k + 1)
    with pytest.raises(ValueError, match="differ in length"):
        sketcher.similarity(a, b[:k])
    with pytest.raises(ValueError, match="signature_length must be"):
        neardup.estimated_similarity(a, b, signature_length=0)
    with pytest.raises(TypeError, match="bit_count"):
        neardup.Sketcher(algo="simhash").similarity(1, 2)
    # Without signature_length only the default layout is read, so check
    # bytes of other options cannot slip into the comparison.
    if k == 128:
        assert neardup.estimated_similarity(a, b) == expected
        assert neardup.estimated_similarity(a[:k], b[:k]) == expected
    else:
        with pytest.raises(ValueError, match="not of the default options"):
            neardup.estimated_similarity(a, b)


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", neardup.__version__)
    if CLI:
        out = subprocess.run([CLI, "--version"], capture_output=True, text=True)
        assert neardup.__version__ in out.stdout


# ---- The GIL ----


def released_gil(call, attempts=50):
    """Whether another thread ran Python code while `call()` ran, in any of
    `attempts` tries.

    With a switch interval of 1000 s, a thread that holds the GIL keeps it
    until it blocks or ends. The worker sets `started`, then makes the call:
    the main thread gets the GIL in that window only if the call releases
    it; otherwise it sees `finished`. A call that keeps the GIL is never
    caught; one that releases it is caught once the main thread is awake
    before the call ends, which a short call under load can miss, hence the
    tries."""
    return any(_released_gil_once(call) for _ in range(attempts))


def _released_gil_once(call):
    started = threading.Event()
    finished = False

    def worker():
        nonlocal finished
        started.set()
        call()
        finished = True

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        started.wait()
        seen_finished = finished
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    return not seen_finished


def test_released_gil_detects_a_call_that_keeps_it():
    assert not released_gil(lambda: sum(range(100000)))
    assert not released_gil(lambda: neardup.Sketcher().sketch("keeps the GIL"))


def test_heavy_calls_release_the_gil(tmp_path, reuters, reuters_sketches):
    texts = [r["text"] for r in reuters[:2000]]
    signatures, empty = (a[:2000] for a in reuters_sketches)
    sketcher = neardup.Sketcher()
    index = neardup.Index(threads=2)
    assert released_gil(lambda: sketcher.sketch_batch(texts))
    assert released_gil(lambda: index.add_batch(texts, "s", signatures, empty))
    assert released_gil(lambda: index.query_batch(signatures, empty))
    assert released_gil(lambda: index.save(tmp_path / "ix"))
    index.add_batch(texts, "t", signatures, empty)  # a second run to merge
    assert released_gil(index.compact)
    assert released_gil(lambda: neardup.Index.open(tmp_path / "ix"))
    assert released_gil(lambda: neardup.dedup(REUTERS, threads=2))
    assert released_gil(lambda: neardup.optimal_lsh_params(0.5))


def test_sketch_batch_in_two_threads(reuters):
    texts = [r["text"] for r in reuters[:4000]]
    expected = neardup.Sketcher().sketch_batch(texts)
    results = [None, None]

    def work(i):
        results[i] = neardup.Sketcher().sketch_batch(texts)  # one per thread

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for signatures, empty in results:
        np.testing.assert_array_equal(signatures, expected[0])
        np.testing.assert_array_equal(empty, expected[1])


def test_a_sketcher_in_use_refuses_another_thread(reuters):
    sketcher = neardup.Sketcher()
    texts = [r["text"] for r in reuters[:2000]]
    started = threading.Event()
    errors = []

    def worker():
        started.set()
        sketcher.sketch_batch(texts)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)  # see released_gil()
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        started.wait()
        try:
            sketcher.sketch("while the batch runs")
        except RuntimeError as e:
            errors.append(str(e))
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors and "one Sketcher per thread" in errors[0]
    assert sketcher.sketch("afterwards") is not None


def test_index_queries_run_while_a_batch_query_runs(reuters, reuters_sketches):
    signatures, empty = reuters_sketches
    index = neardup.Index(threads=1)
    index.add_batch([r["id"] for r in reuters], "r", signatures, empty)
    expected = index.query(signatures[0])
    results = []
    thread = threading.Thread(
        target=lambda: results.append(index.query_batch(signatures, empty))
    )
    thread.start()
    for i in range(50):  # concurrent readers
        assert index.query(signatures[0]) == expected
    index.add("late", "r", None)  # a writer waits for the batch
    thread.join()
    assert len(results[0]) == len(reuters) and len(index) == len(reuters) + 1


# ---- README and stub ----


def readme_example():
    source = (Path(__file__).parent / "readme_example.py").read_text()
    begin = "# ---- README example begins ----\n"
    end = "# ---- README example ends ----"
    start = source.index(begin) + len(begin)
    return source[start : source.index(end)]


def test_readme_example_runs(tmp_path, reuters, capsys):
    from readme_example import run_example

    story = reuters[0]["text"]
    incoming = [
        ("a", story),
        ("b", reuters[1]["text"]),
        ("c", story + "\nCocoa prices rose 2 pct on the news."),
        ("d", ""),
    ]
    run_example(REUTERS, tmp_path, incoming)
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"21578 documents in \d+ clusters", out[0])
    assert out[1:] == [
        "a new", "b new", "c near-duplicate of a", "d new", "[1, 1, 1, 0]"]
    assert len(neardup.Index.open(tmp_path / "seen.ndx")) == 3  # a, b, d
    assert len((tmp_path / "clusters.jsonl").read_text().splitlines()) == 21578


def test_readme_shows_the_example_verbatim():
    readme = (SOURCE_DIR / "README.md").read_text()
    assert readme_example() in readme, "README.md must show readme_example.py"


def runtime_doc(obj):
    doc = inspect.getdoc(obj) or ""
    first, sep, rest = doc.partition("\n\n")
    if sep and re.match(r"^[\w.]+\(.*\) ->", first):  # pybind11's signature
        doc = rest
    return doc


def stub_definitions():
    """(qualified name, docstring) of each class and def of the stub."""
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            yield node.name, ast.get_docstring(node), node
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", ast.get_docstring(item), item


def test_stub_declares_the_module():
    declared = {name for name, _, _ in stub_definitions()}
    public = {n for n in dir(neardup._core) if not n.startswith("_")}
    assert public <= declared
    assert set(neardup.__all__) == public | {"__version__"}
    for name in declared:
        owner, _, member = name.rpartition(".")
        if owner and member not in ("__init__", "__getstate__", "__setstate__"):
            assert hasattr(getattr(neardup._core, owner), member), name


def test_stub_docstrings_equal_the_modules():
    runtime = set(dir(neardup._core))
    for name, doc, _ in stub_definitions():
        owner, _, member = name.rpartition(".")
        if doc is None or (owner or member) not in runtime:
            continue  # no docstring, or a stub-only type (Options)
        obj = neardup._core
        if owner:
            obj = inspect.getattr_static(getattr(obj, owner), member)
            obj = getattr(obj, "__func__", obj)
        else:
            obj = getattr(obj, member)
        assert runtime_doc(obj) == doc, f"{name}: _core.pyi and core_module.cc differ"


def test_stub_options_are_default_options():
    node = next(n for name, _, n in stub_definitions() if name == "Options")
    keys = {s.target.id for s in node.body if isinstance(s, ast.AnnAssign)}
    assert keys == set(neardup.default_options()) | {"algorithm"}
