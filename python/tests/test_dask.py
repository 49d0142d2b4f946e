"""neardup.dask against `neardup dedup`, byte for byte, on a LocalCluster of
2 worker processes (issue 11). Needs NEARDUP_CLI (ctest sets it) and
PYTHONPATH=build/python; run with /usr/bin/python3 (Debian's dask).
"""

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import threading

import pytest

distributed = pytest.importorskip("distributed")

import neardup.dask as nd  # noqa: E402

CLI = os.environ.get("NEARDUP_CLI")
HERE = os.path.dirname(os.path.abspath(__file__))
REUTERS = os.path.join(HERE, "..", "..", "datasets", "reuters21578",
                       "reuters21578.jsonl.zst")

pytestmark = pytest.mark.skipif(not CLI, reason="NEARDUP_CLI is not set")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True,
                                  threads_per_worker=1,
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Inputs: Reuters as .zst and plain, a generated dump (plain and .gz),
    and a dump with bad lines."""
    d = tmp_path_factory.mktemp("dask")
    plain = d / "reuters.jsonl"
    subprocess.run(["zstd", "-dqc", REUTERS], stdout=open(plain, "wb"),
                   check=True)
    gen = d / "gen.jsonl"
    subprocess.run([CLI, "gen", "--docs", "20000", "-o", str(gen), "-q"],
                   check=True)
    with open(gen, "rb") as f, gzip.open(d / "gen.jsonl.gz", "wb") as g:
        g.write(f.read(20 << 20))  # about 4,500 documents
    bad = d / "bad.jsonl"
    bad.write_bytes(_bad_dump(plain.read_bytes().split(b"\n")[:3000]))
    return d


def _bad_dump(lines):
    """Lines of Reuters with rejected lines, id-less records, CRLF, byte
    order marks, exact copies, and no final newline."""
    rng = random.Random(11)
    out = [b"\xef\xbb\xbf" + lines[0]]
    bad = [b"", b"{not json", b'{"id": 5, "title": "no text"}',
           b'{"text": "bad utf8 \xff\xfe"}', b"  \t ",
           b'{"id": {"x": 1}, "text": "bad id"}', b'{"text": 7}']
    for line in lines[1:]:
        r = rng.random()
        if r < 0.05:
            out.append(rng.choice(bad))
        elif r < 0.08:
            record = json.loads(line)
            del record["id"]
            out.append(json.dumps(record).encode())
        elif r < 0.09:
            out.append(line + b"\r")
        elif r < 0.10:
            out.append(b"\xef\xbb\xbf" + line)
        else:
            out.append(line)
        if rng.random() < 0.1:
            out.append(line)
    return b"\n".join(out)


def _cli(inputs, out, options):
    args = [CLI, "dedup", *map(str, inputs), "-q",
            "--clusters", str(out / "clusters"),
            "--output", str(out / "output"), "--rejects", str(out / "rejects")]
    for name, value in options.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    subprocess.run(args, check=True)


def _same_as_cli(client, tmp_path, inputs, partition_bytes, **options):
    """Runs both; asserts equal files; returns neardup.dask's stats."""
    (tmp_path / "cli").mkdir()
    (tmp_path / "dask").mkdir()
    _cli(inputs, tmp_path / "cli", options)
    out = tmp_path / "dask"
    stats = nd.dedup([str(p) for p in inputs], out / "clusters",
                     output=out / "output", rejects=out / "rejects",
                     client=client, partition_bytes=partition_bytes,
                     **options)
    for name in ("clusters", "output", "rejects"):
        expected = (tmp_path / "cli" / name).read_bytes()
        got = (out / name).read_bytes()
        assert got == expected, f"{name} differs from the CLI's"
    return stats


def test_reuters_compressed_is_one_partition(client, data, tmp_path):
    stats = _same_as_cli(client, tmp_path, [REUTERS], 2 << 20)
    assert stats["partitions"] == 1
    assert stats["documents"] == 21578
    assert stats["duplicates"] > 0


def test_reuters_plain_in_byte_ranges(client, data, tmp_path):
    stats = _same_as_cli(client, tmp_path, [data / "reuters.jsonl"], 2 << 20,
                         verify="exact")
    assert stats["partitions"] >= 10
    assert stats["exact_pairs"] > 0


@pytest.mark.parametrize("options", [
    {},
    {"clustering": "components", "threshold": 0.7},
    {"algo": "simhash"},
], ids=["defaults", "components", "simhash"])
def test_generated_dump(client, data, tmp_path, options):
    stats = _same_as_cli(client, tmp_path, [data / "gen.jsonl"], 8 << 20,
                         **options)
    assert stats["partitions"] >= 10
    assert stats["duplicates"] > 1000
    assert stats["shuffle_bytes_per_document"] > 0


def test_bad_lines_and_several_inputs(client, data, tmp_path):
    inputs = [data / "bad.jsonl", data / "gen.jsonl.gz", REUTERS]
    stats = _same_as_cli(client, tmp_path, inputs, 1 << 20,
                         clustering="representative", shingle_words=4)
    assert stats["lines_rejected"] > 100
    assert stats["lines_read"] == stats["documents"] + stats["lines_rejected"]
    rejects = (tmp_path / "dask" / "rejects").read_text().splitlines()
    assert json.loads(rejects[0])["input"] == str(data / "bad.jsonl")


def test_bucket_cap_long_lines_and_line_ids(client, data, tmp_path):
    """Bands of one row, where a bucket is the documents that agree on one
    entry byte and its band check (that share the bin's minimum shingle),
    over bad.jsonl and `copies` exact copies of one line: in every band the
    copies make a bucket of over 32 members, which the cap turns into pairs
    of each member with the bucket's first and the one before it (about
    2 * copies, not copies^2 / 2) that still join them all. Lines over 2,000
    bytes are rejected (later lines are read back at offsets past them);
    every id is a line number."""
    copies = 500
    line = (data / "reuters.jsonl").read_bytes().split(b"\n")[1]
    assert 500 < len(line) < 2000  # has shingles, is not too long
    dump = tmp_path / "copies.jsonl"
    dump.write_bytes((data / "bad.jsonl").read_bytes() +
                     b"".join(b"\n" + line for _ in range(copies)))
    stats = _same_as_cli(client, tmp_path, [dump], 200_000,
                         bands=16, rows=1, verify="exact",
                         max_line_bytes=2000, id_field="/none")
    assert stats["partitions"] >= 5
    assert stats["rejected_by_reason"]["too_long"] > 100
    all_pairs = copies * (copies - 1) // 2  # the copies' pairs, uncapped
    assert stats["candidate_pairs"] < all_pairs / 4
    assert stats["verified_pairs"] < all_pairs / 20
    assert stats["largest_cluster"] > copies  # the copies and the original
    assert stats["duplicates"] >= copies


def test_command_line(cluster, data, tmp_path):
    out = tmp_path / "dask.clusters"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-m", "neardup.dask",
                    str(data / "bad.jsonl"), "--clusters", str(out),
                    "--stats", str(tmp_path / "stats.json"),
                    "--scheduler", cluster.scheduler_address,
                    "--verify", "estimate", "--partition-bytes", "1000000",
                    "-q"], check=True, env=env)
    subprocess.run([CLI, "dedup", str(data / "bad.jsonl"), "-q",
                    "--verify", "estimate",
                    "--clusters", str(tmp_path / "cli.clusters")], check=True)
    assert out.read_bytes() == (tmp_path / "cli.clusters").read_bytes()
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["verify"] == "estimate"


def test_errors(client, data, tmp_path):
    missing = str(tmp_path / "missing.jsonl")
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        nd.dedup([missing], tmp_path / "c", client=client)
    with pytest.raises(ValueError, match="stdin"):
        nd.dedup(["-"], tmp_path / "c", client=client)
    with pytest.raises(NotImplementedError, match="story"):
        nd.dedup([REUTERS], tmp_path / "c", client=client, mode="story")
    with pytest.raises(TypeError, match="no_such_option"):
        nd.dedup([REUTERS], tmp_path / "c", client=client, no_such_option=1)
    with pytest.raises(ValueError):
        nd.dedup([REUTERS], tmp_path / "c", client=client, threshold=2.0)
    assert not (tmp_path / "c").exists()


class _KillOnce(distributed.diagnostics.plugin.SchedulerPlugin):
    """Kills the worker process that is given the first task named
    `prefix`, from the scheduler (in this process, as LocalCluster runs
    it here)."""

    def __init__(self, scheduler, pids, prefix):
        self.scheduler, self.pids, self.prefix = scheduler, pids, prefix
        self.killed = None

    def transition(self, key, start, finish, *args, **kwargs):
        if (self.killed or finish != "processing" or
                not key.startswith(self.prefix)):
            return
        worker = self.scheduler.tasks[key].processing_on.address
        os.kill(self.pids[worker], signal.SIGKILL)
        self.killed = (key, worker)


def test_worker_killed_mid_run(cluster, client, data, tmp_path):
    """A worker killed as verification starts (after it computed and held
    sketches and shuffle buckets) is restarted by its nanny; Dask recomputes
    what it held and the files are still the CLI's."""
    client.wait_for_workers(2)
    pids = client.run(os.getpid)
    plugin = _KillOnce(cluster.scheduler, pids, "_verify_a")
    cluster.scheduler.add_plugin(plugin, name="kill-once")
    try:
        done = {}
        run = threading.Thread(target=lambda: done.update(stats=_same_as_cli(
            client, tmp_path, [data / "gen.jsonl"], 8 << 20)))
        run.start()
        run.join(timeout=200)
        assert not run.is_alive()
    finally:
        cluster.scheduler.remove_plugin(name="kill-once")
    assert plugin.killed is not None, "no worker was killed"
    assert plugin.killed[1] not in client.scheduler_info()["workers"]
    assert done["stats"]["duplicates"] > 1000
