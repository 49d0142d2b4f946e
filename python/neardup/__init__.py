"""neardup: near-duplicate detection for JSONL text dumps, from Python.

The C++ engine of the ``neardup`` command line, with NumPy-friendly batch
calls (README "Python"):

- ``dedup(paths, clusters=..., **options)`` runs ``neardup dedup`` and
  returns its stats as a dict; the files it writes are byte-identical to the
  command line's.
- ``Sketcher(**options)`` turns texts into the sketches ``dedup`` computes:
  ``sketch(text)`` gives a (K + 2*bands,) uint8 MinHash sketch, the signature
  then 2 check bytes per LSH band (or a SimHash int), ``sketch_batch(texts)``
  an (n, K + 2*bands) uint8 array and an (n,) bool array of texts without
  shingles; ``similarity(a, b)`` estimates the Jaccard similarity of two.
- ``Index(**options)`` and ``Index.open(path)``: a saved set of sketches for
  ingestion jobs, with ``add``, ``query``, ``query_or_add``, their batch
  forms, ``save`` and ``compact``; matches are ``Match`` named tuples.
- ``s_curve``, ``optimal_lsh_params`` and ``estimated_similarity``: the LSH
  parameter helpers of ``neardup tune`` (``estimated_similarity(a, b,
  signature_length=K)`` reads the first K bytes of each sketch).

Options are keyword arguments with the command line's names
(``default_options()`` lists them all, with their defaults): an unknown name
or a wrong type raises TypeError, a value out of range ValueError.

Errors: the C++ Status codes become exceptions carrying the Status message:
InvalidArgument -> ValueError, NotFound -> FileNotFoundError (naming the
path), IOError -> OSError, Corruption -> CorruptionError (a ValueError),
others -> RuntimeError. A bad input line is never an exception: ``dedup``
counts it in the stats and writes it to ``rejects``.

Threads: heavy calls (``sketch_batch``, the Index's batch calls, ``open``,
``save``, ``compact``, ``dedup``, ``optimal_lsh_params``) release the GIL.
A Sketcher serves one thread at a time (make one per thread); an Index runs
queries concurrently and serializes writes.

Build with the project's CMake for Debian's /usr/bin/python3 and put
``build/python`` on PYTHONPATH.
"""

from ._core import (
    CorruptionError,
    Index,
    LshParams,
    Match,
    Sketcher,
    __version__,
    dedup,
    default_options,
    estimated_similarity,
    optimal_lsh_params,
    s_curve,
)

__all__ = [
    "CorruptionError",
    "Index",
    "LshParams",
    "Match",
    "Sketcher",
    "__version__",
    "dedup",
    "default_options",
    "estimated_similarity",
    "optimal_lsh_params",
    "s_curve",
]
