"""The Python example of README.md, run by test_core.py. Keep the two in
sync: the README shows the lines between the markers verbatim."""

# ---- README example begins ----
import neardup


def run_example(dump, workdir, incoming):
    # A whole dump, as `neardup dedup` runs it; the stats come back as a dict.
    stats = neardup.dedup(dump, clusters=f"{workdir}/clusters.jsonl", threads=2)
    print(stats["documents"], "documents in", stats["clusters"], "clusters")

    # An ingestion job: each incoming (id, text) is new, and is then indexed,
    # or a near-duplicate of a document seen before.
    index = neardup.Index(threshold=0.5)
    for doc_id, text in incoming:
        matches = index.query_or_add(doc_id, "feed-1", text, limit=1)
        print(doc_id, "near-duplicate of " + matches[0].key if matches else "new")
    index.save(f"{workdir}/seen.ndx")  # next run: neardup.Index.open(...)

    # In batches, with the GIL released: an (n, 206) uint8 array of MinHash
    # sketches (128 signature bytes, then 2 band-check bytes for each of 39
    # bands) and an (n,) bool array of the texts without shingles.
    sketcher = index.sketcher()  # not thread-safe: one per thread
    signatures, empty = sketcher.sketch_batch([text for _, text in incoming])
    found = index.query_batch(signatures, empty)  # a list of matches per text
    print([len(matches) for matches in found])
# ---- README example ends ----
