"""Type stubs of neardup._core, the compiled core of the neardup package.

Shapes: n is the number of texts of a batch; K is the signature_length
option (default 128), the bytes of a MinHash signature; bands is the LSH
bands of the options (39 at the defaults). A sketch is a (K + 2*bands,)
uint8 array (MinHash: the signature, then 2 check bytes per band,
core/FORMAT.md section 8), an int in [0, 2**64) (SimHash), or None for a
text without shingles.
"""

import os
from typing import Any, Iterable, Literal, NamedTuple, TypedDict, Union, Unpack

import numpy as np
import numpy.typing as npt

StrPath = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]
Text = Union[str, bytes]
Sketch = Union[npt.NDArray[np.uint8], int, None]

__version__: str

class Options(TypedDict, total=False):
    """The keyword options of Sketcher, Index, Index.open and dedup: the
    command line's names (dedup --help), defaults in default_options().
    Ranges are checked when the object is made (ValueError)."""

    # JSON pointers (RFC 6901) to a record's text and id.
    text_field: str  # "/text"
    id_field: str  # "/id"; absent or null: the 0-based line number
    max_line_bytes: int  # 64 MiB; longer lines are rejected (too_long)
    duplicate_ids: str  # "keep" (counted) | "reject" (duplicate_id)
    # Shingles: words per shingle (1-16); lines with fewer words are left out
    # (0-1000, 0 keeps all); texts with fewer words are one shingle (0-1000).
    shingle_words: int  # 3
    min_line_words: int  # 12
    short_text_words: int  # 20
    mode: Literal["copies", "story"]  # dedup only; "story" needs no Sketcher
    algo: Literal["minhash", "simhash"]  # "minhash"
    algorithm: Literal["minhash", "simhash"]  # the same as algo
    # MinHash: Jaccard threshold in (0, 1); signature entries (16-1024, one
    # byte each); LSH bands x rows (0 x 0: derived from the threshold with
    # the S-curve weights fp_weight and fn_weight).
    threshold: float  # 0.5
    signature_length: int  # 128
    bands: int  # 0
    rows: int  # 0
    fp_weight: float  # 0.01
    fn_weight: float  # 0.99
    # dedup: how candidate pairs are decided and clustered.
    verify: Literal["borderline", "estimate", "exact"]  # "borderline"
    clustering: Literal["bounded", "components", "representative"]  # "bounded"
    bound_ratio: float  # 0.5, in [0, 1]
    # SimHash: largest Hamming distance of near-duplicates, 0-8.
    max_distance: int  # 5
    # Story mode (README "Story mode"): an IDF model file, the average-linkage
    # threshold (mean cosine), salient terms per document, and the rest of
    # neardup::StoryOptions.
    idf: str  # ""
    story_similarity: float  # 0.25
    story_terms: int  # 24
    story_max_df_fraction: float  # 0.02
    story_min_stop_df: int  # 100
    story_min_df: int  # 2
    story_edge_similarity: float  # 0.1
    story_max_posting: int  # 200
    story_max_edges_per_doc: int  # 16
    story_block_docs: int  # 2048
    # Speed only: worker threads (0: all cores), bytes per work chunk.
    threads: int  # 0
    chunk_bytes: int  # 1 MiB
    # dedup, MinHash: bytes past which sketches, the band search and the
    # exact check's shingle sets go to unnamed files in temp_dir (0: 3/4
    # of RAM; "": $TMPDIR or /tmp).
    memory_limit: int  # 0
    temp_dir: str  # ""

class CorruptionError(ValueError):
    """Malformed data: a damaged, truncated or foreign index file, or
    bytes that are not UTF-8 (the C++ status code Corruption). A subclass of
    ValueError; the message names the file."""

class Match(NamedTuple):
    """Match(key, source, similarity, distance, entry): an indexed
    document similar to a query. key and source are what add() was given.
    similarity is the estimated Jaccard similarity (MinHash, 0-1) or 1 -
    distance / 64 (SimHash). distance is the Hamming distance (SimHash,
    0-64) or the number of unequal signature entries (MinHash). entry is the
    entry's position in insertion order over the index's life (stable across
    save, open, compact)."""

    key: str
    source: str
    similarity: float
    distance: int
    entry: int

class LshParams(NamedTuple):
    """LshParams(bands, rows, false_positive_area, false_negative_area):
    see optimal_lsh_params()."""

    bands: int
    rows: int
    false_positive_area: float
    false_negative_area: float

class Sketcher:
    """Turns texts into the sketches `neardup dedup` computes with the
    same options (the pipeline runs the same code).

    Sketcher(**options): keyword arguments with the command line's names
    (see default_options()); those that do not change sketches (verify,
    clustering, threads, ...) are accepted and have no effect. TypeError for
    an unknown name or a wrong type; ValueError for a value out of range or
    mode="story".

    A sketch is, with algo="minhash" (the default), a (K + 2*bands,) uint8
    array, the record an Index stores: the signature, one byte per MinHash
    entry (K = signature_length, 128; core/FORMAT.md section 7), then 2
    check bytes per LSH band (section 8; bands as dedup derives them, 39 at
    the defaults: 206 bytes). similarity() compares two. With
    algo="simhash", a sketch is a Python int in [0, 2**64) (section 6). A
    text without shingles (no letters or digits) has no sketch: None. It is
    never a near-duplicate of anything.

    Not thread-safe: make one Sketcher per thread (a call while another
    thread is in one raises RuntimeError). sketch_batch() releases the GIL,
    so threads with a Sketcher each sketch in parallel. Pickled as its
    options."""

    def __init__(self, **options: Unpack[Options]) -> None: ...
    def sketch(self, text: Text) -> Sketch:
        """Returns the sketch of `text` (str, or UTF-8 bytes: the record's
        text field after JSON unescaping): a (K + 2*bands,) uint8 array
        (MinHash: the signature, then the band checks) or an int (SimHash), or
        None if the text has no shingles. CorruptionError for bytes that are not
        UTF-8. Keeps the GIL: about 2 us for a 4 KB article."""
    def sketch_batch(
        self, texts: Iterable[Text]
    ) -> tuple[
        npt.NDArray[np.uint8] | npt.NDArray[np.uint64], npt.NDArray[np.bool_]
    ]:
        """Sketches a sequence of n texts (str or UTF-8 bytes) with the GIL
        released; the texts are read in place, not copied.

        Returns (signatures, empty). signatures: MinHash, an (n, K + 2*bands)
        uint8 array whose row i is sketch(texts[i]) (the signature, then the
        band checks); SimHash, an (n,) uint64 array. empty:
        an (n,) bool array, True where sketch() gives None (those rows are 0).
        Both arrays are allocated once and filled in place. CorruptionError
        naming the index of a bytes text that is not UTF-8."""
    def shingles(self, text: Text) -> npt.NDArray[np.uint64]:
        """Returns the shingle hashes of `text`: an (m,) uint64 array, in
        text order with repeats (core/FORMAT.md section 5); empty if the text
        has no letters or digits. Two texts' Jaccard similarity is that of the
        sets of their shingle hashes: what exact verification computes."""
    def similarity(
        self, a: npt.NDArray[np.uint8] | None, b: npt.NDArray[np.uint8] | None
    ) -> float:
        """The Jaccard similarity estimated from two MinHash sketches of this
        Sketcher: estimated_similarity(a, b, signature_length=K) with its K. In
        [0, 1], 0 if either is None. ValueError for arrays of different lengths
        or shorter than K; TypeError for a SimHash Sketcher (SimHashes compare
        by (a ^ b).bit_count())."""
    @property
    def options(self) -> dict[str, Any]:
        """The options this Sketcher was made with, as a dict (see
        default_options())."""
    @property
    def algorithm(self) -> Literal["minhash", "simhash"]:
        """"minhash" or "simhash"."""
    @property
    def signature_length(self) -> int:
        """K: the entries of a MinHash signature, the first K bytes of a
        sketch (the band checks follow)."""
    def __getstate__(self) -> dict[str, Any]: ...
    def __setstate__(self, state: dict[str, Any]) -> None: ...

class Index:
    """A searchable, saved set of sketches: the near-duplicates of a new
    document among every document an ingestion job has seen, in this process
    or in earlier crawls (C++ neardup::Index).

    Index(**options) makes an empty, unsaved index (options as for Sketcher;
    mode must be "copies"); Index.open(path) opens a saved one. An entry is
    a key (the document's id), a source (the crawl's name) and a sketch. A
    sketch argument is what Sketcher.sketch() returns for the index's
    options (see sketcher()), None for a text without shingles (it matches
    nothing), or the text itself (str or bytes), then sketched here.

    MinHash: the entries that share an LSH band with the query and whose
    estimated Jaccard similarity reaches the threshold match, as in `neardup
    dedup --verify estimate`. SimHash: the entries within max_distance bits.

    Thread-safety: queries (query, query_batch, len, info) run concurrently;
    writes (add, add_batch, query_or_add, save, compact) wait for exclusive
    access. Batch calls, open, save and compact release the GIL."""

    def __init__(self, **options: Unpack[Options]) -> None: ...
    @staticmethod
    def open(path: StrPath, **options: Unpack[Options]) -> Index:
        """Opens the index saved in directory `path` (str or os.PathLike),
        mapping its files and verifying their checksums; nothing is rebuilt.
        Releases the GIL.

        With options, the index's own (algo, shingle_words, min_line_words,
        short_text_words, signature_length, threshold, bands, rows,
        max_distance) must equal those the keyword arguments give, with defaults
        for the ones not given: ValueError naming the first that differs.
        threads then comes from the options. FileNotFoundError if `path` holds
        no index; CorruptionError naming the file for a damaged, truncated,
        foreign or newer-format file."""
    def add(self, key: str, source: str, sketch: Sketch | Text) -> None:
        """Adds one entry: `key` (the document's id), `source` (the crawl's
        name) and `sketch` (see the class). Adding a key again adds a second
        entry. ValueError for a sketch of another algorithm or length."""
    def add_batch(
        self,
        keys: Iterable[str],
        source: str,
        signatures: npt.ArrayLike,
        empty: npt.ArrayLike,
    ) -> None:
        """Adds n entries from one `source`, in order: keys is a sequence of
        n str; signatures and empty are what Sketcher.sketch_batch() returns: an
        (n, K + 2*bands) uint8 array (MinHash) or an (n,) uint64 array
        (SimHash), and an (n,) bool array. On error nothing is added. Releases the GIL."""
    def query(self, sketch: Sketch | Text, limit: int = 0) -> list[Match]:
        """Returns the entries similar to `sketch` as a list of Match, most
        similar first, ties in insertion order, at most `limit` of them (0:
        all). A bucket (a band value or table key in one run) of more than 4,096
        entries contributes its first 4,096. About 4 us for 1M entries."""
    def query_batch(
        self, signatures: npt.ArrayLike, empty: npt.ArrayLike, limit: int = 0
    ) -> list[list[Match]]:
        """query() for each row of `signatures` (with `empty`, as from
        Sketcher.sketch_batch()), on up to `threads` threads with the GIL
        released. Returns a list of n lists of Match."""
    def query_or_add(
        self, key: str, source: str, sketch: Sketch | Text, limit: int = 0
    ) -> list[Match]:
        """query(), then, if nothing matched, add(): the verdict a stream
        needs. An empty list means the document was new and is now indexed."""
    def save(self, path: StrPath | None = None) -> None:
        """Saves to directory `path`, or without one to the directory the
        index was opened from or last saved to: the entries added since become
        one new run file, then the manifest is replaced atomically; files
        already saved are not rewritten. A new `path` must not already hold an
        index (ValueError). RuntimeError if the index was never saved and no
        path is given; OSError naming the path if a file cannot be written (the
        index on disk is then as before). Releases the GIL."""
    def compact(self) -> None:
        """Merges every run and the unsaved entries into one run. The next
        save() writes it and removes the files of the runs it replaced. Releases
        the GIL."""
    def __len__(self) -> int:
        """The number of entries, those without shingles included."""
    def info(self) -> dict[str, Any]:
        """Returns a dict: entries, empty_entries (without shingles),
        delta_entries (not yet in a run), memory_bytes, file_bytes, tables
        (MinHash bands or SimHash tables), runs (a list of dicts: file, "" if
        unsaved; entries; bytes), sources ({name: entries}, in order of first
        appearance) and options (those the index keeps)."""
    @property
    def options(self) -> dict[str, Any]:
        """The index's options, as a dict (see default_options())."""
    def sketcher(self) -> Sketcher:
        """Returns a new Sketcher with the index's options: its sketches fit
        this index."""

def dedup(
    paths: StrPath | Iterable[StrPath],
    *,
    clusters: StrPath | None = None,
    output: StrPath | None = None,
    rejects: StrPath | None = None,
    stats: StrPath | None = None,
    pairs: StrPath | None = None,
    **options: Unpack[Options],
) -> dict[str, Any]:
    """Runs `neardup dedup` over `paths` (one path or a sequence of
    .jsonl, .jsonl.gz or .jsonl.zst files, str or os.PathLike) and returns
    its stats as a dict: the --stats file's fields (documents, clusters,
    duplicates, lines_rejected, rejected_by_reason, bands, rows, ...).

    Outputs are written only when given: clusters (one JSON line per
    document), output (the representatives' original lines; .gz/.zst
    compress), rejects (one JSON line per rejected input line), stats (the
    dict, as JSON) and pairs (one JSON line per verified pair). Options are
    keyword arguments with the command line's names (see default_options()).
    For the same inputs and options the files are byte-identical to the
    command line's, at any thread count.

    A bad line is a rejected line, counted in the stats and written to
    rejects, never an exception. FileNotFoundError naming a missing input;
    OSError naming a path that cannot be read or written; ValueError or
    TypeError for bad options. Releases the GIL; runs on `threads` threads
    (0: all cores)."""

def s_curve(
    similarity: float | npt.ArrayLike,
    bands: int | npt.ArrayLike,
    rows: int | npt.ArrayLike,
) -> float | npt.NDArray[np.float64]:
    """The probability that banded LSH of `bands` bands of `rows` rows
    makes two documents of Jaccard similarity `similarity` (0-1) a candidate
    pair: 1 - (1 - similarity**rows)**bands. Vectorized: NumPy arrays
    broadcast, and the result is then a float64 array."""

def optimal_lsh_params(
    threshold: float,
    signature_length: int = 128,
    fp_weight: float = 0.01,
    fn_weight: float = 0.99,
) -> LshParams:
    """The bands and rows dedup derives from `threshold` (0-1) when bands
    and rows are not given: among bands * rows <= signature_length, those
    that minimize fp_weight * (false-positive area) + fn_weight *
    (false-negative area) under the S-curve. The default weights are dedup's
    (fp_weight, fn_weight). Returns LshParams(bands, rows,
    false_positive_area, false_negative_area). Releases the GIL: up to 0.1 s
    for K = 1024."""

def estimated_similarity(
    a: npt.NDArray[np.uint8] | None,
    b: npt.NDArray[np.uint8] | None,
    *,
    signature_length: int | None = None,
) -> float:
    """The Jaccard similarity estimated from two MinHash sketches (uint8
    arrays of one length, as Sketcher.sketch() gives them) by their first
    `signature_length` bytes, the signatures (the band checks after them do
    not count), corrected for chance agreement of 8-bit entries: in [0, 1],
    0 if either is None. What dedup reports for a pair. Without
    signature_length, only sketches of the default options (206 bytes) or
    bare 128-byte signatures are accepted. ValueError for arrays of different
    lengths, shorter than signature_length, or not of the default options
    when it is not given: give the sketches' K, or use Sketcher.similarity().
    SimHashes compare by their Hamming distance, (a ^ b).bit_count()."""

def default_options() -> Options:
    """Returns every option's default as a dict {name: value}: the
    keyword arguments that Sketcher, Index, Index.open and dedup accept
    ("algorithm" is accepted for "algo" too). Enumerations are strings: algo
    "minhash" | "simhash", verify "borderline" | "estimate" | "exact",
    clustering "bounded" | "components" | "representative", mode "copies" |
    "story", duplicate_ids "keep" | "reject"."""
