// The dedup job. This is the only file that knows about TBB: pass 1 is one
// tbb::parallel_pipeline (reader -> workers -> collector), the pair search runs
// one task per permuted table or LSH band, exact verification is a second
// pipeline, and everything else is plain serial code.

#include "neardup/pipeline.h"

#include <fcntl.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/parallel_sort.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>

#include "index/index_internal.h"
#include "index/lsh_bands.h"
#include "neardup/cluster.h"
#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/story.h"
#include "pipeline/chunk_worker.h"
#include "pipeline/corpus.h"
#include "pipeline/decisions.h"
#include "pipeline/id_table.h"
#include "pipeline/streaming_jaccard.h"
#include "reader/byte_source.h"
#include "reader/jsonl_reader.h"
#include "reader/line_reader.h"
#include "spill/external_lsh.h"
#include "spill/temp_file.h"
#include "write/atomic_file.h"
#include "write/byte_sink.h"

namespace neardup {

namespace {

using internal::ByteSink;
using internal::Chunk;
using internal::ChunkResult;
using internal::ChunkWorker;
using internal::Corpus;
using internal::JsonlReader;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

uint64_t peak_rss_bytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
}

// Chunks in flight per thread. Need more than one token in flight per thread
// to keep all threads busy while the serial reader fills the next chunk;
// 2-4 works (oneTBB's pipeline examples), more only costs memory.
constexpr int kTokensPerThread = 4;

// Exact verification: documents to shingle, as (line index in the chunk,
// position in StreamingJaccard::documents()), and their shingle sets.
struct ExactBatch {
  std::vector<std::pair<uint32_t, uint32_t>> wanted;
  std::vector<internal::ShingleSet> sets;
};

struct Work {
  Chunk chunk;
  ChunkResult result;
  ExactBatch exact;
  // The reader's progress once it had read `chunk`. Taken by the serial
  // reader stage: the serial collector runs at the same time as the reader,
  // so it must not ask the reader itself.
  uint64_t raw_bytes_read = 0;
  uint64_t total_bytes = 0;
};

// Recycles chunk buffers between the serial ends of the pipeline.
class WorkPool {
 public:
  Work* get() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) {
      all_.push_back(std::make_unique<Work>());
      return all_.back().get();
    }
    Work* w = free_.back();
    free_.pop_back();
    return w;
  }
  void put(Work* w) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(w);
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Work>> all_;
  std::vector<Work*> free_;
};

// The first stage of every pass: the next chunk of `reader` in a pooled
// Work, or nullptr and a stopped pipeline at the end or on an error (kept in
// `failure`).
Work* next_work(JsonlReader& reader, WorkPool& pool, Status& failure,
                tbb::flow_control& fc) {
  Work* work = pool.get();
  Result<bool> more = reader.next(&work->chunk);
  if (!more.ok() || !*more) {
    if (!more.ok()) failure = more.status();
    pool.put(work);
    fc.stop();
    return nullptr;
  }
  work->raw_bytes_read = reader.raw_bytes_read();
  work->total_bytes = reader.total_bytes();
  return work;
}

// A temporary copy of stdin for the second pass. It has no name (see
// internal::open_unnamed_temp), so even a killed run leaves nothing in TMPDIR;
// the passes reopen it through /proc/self/fd. Without /proc, a named file
// removed by the destructor.
class Spool {
 public:
  ~Spool() {
    if (fd_ >= 0) ::close(fd_);
    if (named_) ::unlink(path_.c_str());
  }
  Status create() {
    const char* dir = std::getenv("TMPDIR");
    const std::string tmp(dir != nullptr && *dir != '\0' ? dir : "/tmp");
    Result<int> fd = internal::open_unnamed_temp(tmp);
    if (!fd.ok()) return fd.status();
    fd_ = *fd;
    name_ = "stdin spool in " + tmp;
    path_ = "/proc/self/fd/" + std::to_string(fd_);
    if (::access(path_.c_str(), R_OK) == 0) return Status::OK();
    ::close(fd_);
    path_ = tmp + "/neardup-stdin.XXXXXX";
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) {
      return Status::IOError(tmp + ": cannot create a spool file for stdin");
    }
    name_ = path_;
    named_ = true;
    return Status::OK();
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }  // for reading
  const std::string& name() const { return name_; }  // for messages

 private:
  int fd_ = -1;
  std::string path_;
  std::string name_;
  bool named_ = false;
};

// Fails before any work if an input is missing, a directory or unreadable:
// a run that would stop at its third input should not first read two. Only
// regular files are opened here; opening a FIFO would block or take its data.
Status check_inputs(const std::vector<std::string>& inputs) {
  for (const std::string& path : inputs) {
    if (path == "-") continue;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IOError(path + ": cannot open: " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return Status::IOError(path + ": is a directory");
    if (!S_ISREG(st.st_mode)) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status::IOError(path + ": cannot open: " + std::strerror(errno));
    }
    ::close(fd);
  }
  return Status::OK();
}

struct Sinks {
  std::unique_ptr<ByteSink> clusters, output, rejects, stats, pairs;
};

Status open_sinks(const DedupOutputs& outputs, Sinks* sinks) {
  int to_stdout = 0;
  for (const std::string* path :
       {&outputs.clusters_path, &outputs.output_path, &outputs.rejects_path,
        &outputs.stats_path, &outputs.pairs_path}) {
    if (*path == "-") ++to_stdout;
  }
  if (to_stdout > 1) {
    return Status::InvalidArgument("only one output can be stdout ('-')");
  }
  auto open = [](const std::string& path, bool compress,
                 std::unique_ptr<ByteSink>* sink) -> Status {
    if (path.empty()) return Status::OK();
    Result<std::unique_ptr<ByteSink>> opened =
        internal::open_sink(path, compress);
    if (!opened.ok()) return opened.status();
    *sink = std::move(opened).value();
    return Status::OK();
  };
  NEARDUP_RETURN_IF_ERROR(open(outputs.clusters_path, false, &sinks->clusters));
  NEARDUP_RETURN_IF_ERROR(open(outputs.output_path, true, &sinks->output));
  NEARDUP_RETURN_IF_ERROR(open(outputs.rejects_path, false, &sinks->rejects));
  NEARDUP_RETURN_IF_ERROR(open(outputs.stats_path, false, &sinks->stats));
  NEARDUP_RETURN_IF_ERROR(open(outputs.pairs_path, false, &sinks->pairs));
  return Status::OK();
}

// Every output is complete (finished) before any is put in place, so a
// full disk or a file size limit on one leaves all of them as they were.
Status commit_sinks(Sinks* sinks) {
  const std::unique_ptr<ByteSink>* all[] = {&sinks->clusters, &sinks->output,
                                            &sinks->rejects, &sinks->stats,
                                            &sinks->pairs};
  for (const std::unique_ptr<ByteSink>* sink : all) {
    if (*sink) NEARDUP_RETURN_IF_ERROR((*sink)->finish());
  }
  for (const std::unique_ptr<ByteSink>* sink : all) {
    if (*sink) NEARDUP_RETURN_IF_ERROR((*sink)->commit());
  }
  return Status::OK();
}

// Pass 2: copies the representatives' lines, byte for byte, in input order,
// but those with a match in the index.
Status write_output(const DedupOptions& options,
                    const std::vector<std::string>& inputs,
                    const Corpus& corpus, const std::vector<DocId>& rep,
                    const internal::IndexVerdicts& verdicts, ByteSink* sink) {
  JsonlReader reader(inputs, options.chunk_bytes, options.max_line_bytes);
  Chunk chunk;
  internal::CorpusLines docs(corpus);
  std::string batch;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const uint64_t line = chunk.first_line + i;
      while (!docs.done() && docs.line() < line) docs.next();
      if (docs.done() || docs.line() != line || rep[docs.doc()] != docs.doc() ||
          verdicts.matched(docs.doc())) {
        continue;
      }
      const internal::LineSpan& span = chunk.lines[i];
      batch.append(chunk.data() + span.offset, span.length);
      batch.push_back('\n');
    }
    if (batch.size() >= (size_t{1} << 20)) {
      NEARDUP_RETURN_IF_ERROR(sink->append(batch));
      batch.clear();
    }
  }
  return sink->append(batch);
}

// SimHash: equal fingerprints first, then the permuted-block tables over the
// distinct ones (Manku, Jain & Das Sarma 2007).
Status find_simhash_pairs(tbb::task_arena& arena, const DedupOptions& options,
                          const Corpus& corpus, DedupStats* stats,
                          std::vector<DocPair>* pairs) {
  std::vector<std::pair<Fingerprint, DocId>> sorted;
  sorted.reserve(corpus.size() - stats->empty_documents);
  for (DocId doc = 0; doc < corpus.size(); ++doc) {
    if (!corpus.empty[doc]) sorted.emplace_back(corpus.fingerprints[doc], doc);
  }
  arena.execute([&] { tbb::parallel_sort(sorted.begin(), sorted.end()); });
  internal::FingerprintGroups groups;
  stats->verified_pairs = internal::group_fingerprints(sorted, &groups, pairs);
  std::vector<std::pair<Fingerprint, DocId>>().swap(sorted);
  stats->candidate_pairs = stats->verified_pairs;
  stats->distinct_fingerprints = groups.unique.size();

  const int blocks = HammingTables::suggested_blocks(
      options.max_hamming_distance, groups.unique.size());
  Result<HammingTables> tables =
      HammingTables::create(options.max_hamming_distance, blocks);
  if (!tables.ok()) return tables.status();
  stats->table_blocks = blocks;
  stats->tables = tables->num_tables();
  std::vector<std::vector<DocPair>> table_pairs(tables->num_tables());
  std::vector<PairSearchStats> table_stats(tables->num_tables());
  if (groups.unique.size() > 1) {
    arena.execute([&] {
      tbb::parallel_for(0, tables->num_tables(), [&](int t) {
        tables->find_pairs(t, groups.unique, &table_pairs[t], &table_stats[t]);
      });
    });
  }
  // Merge in table order, mapping fingerprints back to documents.
  for (int t = 0; t < tables->num_tables(); ++t) {
    for (const DocPair& p : table_pairs[t]) {
      pairs->push_back(
          {groups.first_doc[p.a], groups.first_doc[p.b], p.distance});
      stats->verified_pairs += uint64_t{groups.count[p.a]} * groups.count[p.b];
    }
    stats->candidate_pairs += table_stats[t].candidate_pairs;
  }
  return Status::OK();
}

// The end of both exact-verification pipelines: the batch's sets are
// stored in order, its pairs computed in parallel, then the sets no longer
// needed dropped in order (StreamingJaccard's contract). `tables` gives each
// thread its scratch table; `done` recycles the token.
using ShingleTables = tbb::enumerable_thread_specific<internal::ShingleTable>;
template <typename T>
tbb::filter<T*, void> exact_pipeline_tail(internal::SetStream* jaccard,
                                          ShingleTables* tables,
                                          ExactBatch T::*batch,
                                          const std::function<void(T*)>& done) {
  return tbb::make_filter<T*, T*>(
             tbb::filter_mode::serial_in_order,
             [jaccard, batch](T* item) {
               ExactBatch& b = item->*batch;
               for (size_t i = 0; i < b.wanted.size(); ++i) {
                 jaccard->put(b.wanted[i].second, std::move(b.sets[i]));
               }
               return item;
             }) &
         tbb::make_filter<T*, T*>(
             tbb::filter_mode::parallel,
             [jaccard, tables, batch](T* item) {
               internal::ShingleTable& table = tables->local();
               for (auto [line, position] : (item->*batch).wanted) {
                 jaccard->intersect(position, &table);
               }
               return item;
             }) &
         tbb::make_filter<T*, void>(
             tbb::filter_mode::serial_in_order,
             [jaccard, batch, done](T* item) {
               for (auto [line, position] : (item->*batch).wanted) {
                 jaccard->release(position);
               }
               done(item);
             });
}

// Exact verification fed by the reader: every chunk is read again and the
// workers shingle the documents `jaccard` needs. For inputs that cannot be
// read by offset (compressed files).
Status stream_sets_from_chunks(tbb::task_arena& arena,
                               const DedupOptions& options,
                               const std::vector<std::string>& inputs,
                               const Corpus& corpus, int threads,
                               internal::SetStream* jaccard) {
  const std::vector<DocId>& wanted = jaccard->documents();
  JsonlReader reader(inputs, options.chunk_bytes, options.max_line_bytes);
  internal::CorpusLines docs(corpus);
  size_t next_wanted = 0;
  WorkPool pool;
  tbb::enumerable_thread_specific<std::unique_ptr<ChunkWorker>> workers;
  ShingleTables tables;
  Status failure;
  std::atomic<bool> changed{false};
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(threads * kTokensPerThread),
        tbb::make_filter<void, Work*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> Work* {
              Work* work = next_work(reader, pool, failure, fc);
              if (work == nullptr) return nullptr;
              work->exact.wanted.clear();
              const Chunk& chunk = work->chunk;
              const uint64_t end = chunk.first_line + chunk.lines.size();
              for (; !docs.done() && docs.line() < end; docs.next()) {
                if (next_wanted < wanted.size() &&
                    wanted[next_wanted] == docs.doc()) {
                  work->exact.wanted.emplace_back(
                      static_cast<uint32_t>(docs.line() - chunk.first_line),
                      static_cast<uint32_t>(next_wanted++));
                }
              }
              return work;
            }) &
            tbb::make_filter<Work*, Work*>(
                tbb::filter_mode::parallel,
                [&](Work* work) {
                  std::unique_ptr<ChunkWorker>& worker = workers.local();
                  if (!worker) worker = std::make_unique<ChunkWorker>(options);
                  const Chunk& chunk = work->chunk;
                  ExactBatch& exact = work->exact;
                  exact.sets.resize(exact.wanted.size());
                  for (size_t i = 0; i < exact.wanted.size(); ++i) {
                    const internal::LineSpan& span =
                        chunk.lines[exact.wanted[i].first];
                    if (!worker->shingle_set(
                            {chunk.data() + span.offset, span.length},
                            &exact.sets[i])) {
                      changed = true;
                    }
                  }
                  return work;
                }) &
            exact_pipeline_tail<Work>(jaccard, &tables, &Work::exact,
                                      [&pool](Work* work) { pool.put(work); }));
  });
  NEARDUP_RETURN_IF_ERROR(failure);
  if (changed || next_wanted != wanted.size()) {
    return Status::IOError(
        "the inputs changed between the first pass and exact verification");
  }
  return Status::OK();
}

// Reads documents back by the offsets of their lines and shingles them, for
// exact verification. Thread-safe after open(); the first failure is kept.
class OffsetShingler {
 public:
  OffsetShingler(const DedupOptions& options,
                 const std::vector<std::string>& inputs, const Corpus& corpus)
      : options_(options),
        inputs_(inputs),
        corpus_(corpus),
        lines_(inputs, options.max_line_bytes) {}

  Status open() { return lines_.open(); }

  void shingle(DocId doc, internal::ShingleSet* set) {
    Local& local = locals_.local();
    if (!local.worker) local.worker = std::make_unique<ChunkWorker>(options_);
    uint32_t input = 0;
    uint64_t offset = 0;
    Status s = corpus_.line_place(doc, &input, &offset)
                   ? lines_.read_line(input, offset, &local.line)
                   : Status::Internal("no line place");
    if (s.ok() && !local.worker->shingle_set(local.line, set)) {
      s = Status::IOError(inputs_[input] +
                          ": changed between the first pass and exact "
                          "verification");
    }
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(failure_mu_);
      if (failure_.ok()) failure_ = s;
    }
  }

  Status failure() const { return failure_; }

 private:
  struct Local {
    std::unique_ptr<ChunkWorker> worker;
    std::string line;
  };
  const DedupOptions& options_;
  const std::vector<std::string>& inputs_;
  const Corpus& corpus_;
  internal::LineReader lines_;
  tbb::enumerable_thread_specific<Local> locals_;
  std::mutex failure_mu_;
  Status failure_;
};

// Exact verification by offset: only the lines of the documents `jaccard`
// needs are read again, in batches shingled in parallel. REQUIRES: every
// one of them has a Corpus::line_place().
Status stream_sets_by_offset(tbb::task_arena& arena,
                             const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const Corpus& corpus, int threads,
                             internal::SetStream* jaccard) {
  // Documents per token: enough to amortize it, few enough that the sets in
  // flight stay small.
  constexpr size_t kBatchDocs = 64;
  struct Batch {
    ExactBatch exact;  // `wanted` holds (0, position)
  };
  OffsetShingler shingler(options, inputs, corpus);
  NEARDUP_RETURN_IF_ERROR(shingler.open());
  ShingleTables tables;
  const std::vector<DocId>& wanted = jaccard->documents();
  size_t next = 0;
  auto next_batch = [&](tbb::flow_control& fc) -> Batch* {
    if (next >= wanted.size()) {
      fc.stop();
      return nullptr;
    }
    auto* batch = new Batch;
    for (; next < wanted.size() && batch->exact.wanted.size() < kBatchDocs;
         ++next) {
      batch->exact.wanted.emplace_back(0, static_cast<uint32_t>(next));
    }
    return batch;
  };
  auto shingle_batch = [&](Batch* batch) {
    ExactBatch& exact = batch->exact;
    exact.sets.resize(exact.wanted.size());
    for (size_t i = 0; i < exact.wanted.size(); ++i) {
      shingler.shingle(wanted[exact.wanted[i].second], &exact.sets[i]);
    }
    return batch;
  };
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(threads * kTokensPerThread),
        tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order,
                                       next_batch) &
            tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel,
                                             shingle_batch) &
            exact_pipeline_tail<Batch>(jaccard, &tables, &Batch::exact,
                                       [](Batch* batch) { delete batch; }));
  });
  return shingler.failure();
}

// Exact Jaccard similarities of `pairs`, streamed in input order: by
// offset when every document needed can be read back that way, else by a
// second read of the inputs. The shingle sets wait in memory for their
// partners or, when the run has spilled its sketches, on disk in `space`.
// Writes the intersection and union sizes, one per pair, and counts the
// documents read in `stats`.
Status exact_jaccard(tbb::task_arena& arena, const DedupOptions& options,
                     const std::vector<std::string>& inputs,
                     const Corpus& corpus, std::span<const uint64_t> pairs,
                     internal::TempSpace* space, DedupStats* stats,
                     std::vector<uint32_t>* intersections,
                     std::vector<uint32_t>* unions) {
  if (pairs.size() > std::numeric_limits<uint32_t>::max()) {
    // StreamingJaccard indexes pairs with 32 bits.
    return Status::InvalidArgument(
        "more than 2^32 - 1 borderline pairs to verify exactly; use --verify "
        "estimate");
  }
  std::unique_ptr<internal::StreamingJaccard> in_memory;
  std::unique_ptr<internal::SpilledJaccard> on_disk;
  internal::SetStream* jaccard = nullptr;
  if (corpus.sketch_file) {
    Result<std::unique_ptr<internal::SpilledJaccard>> spilled =
        internal::SpilledJaccard::Create(pairs, space);
    if (!spilled.ok()) return spilled.status();
    on_disk = std::move(*spilled);
    jaccard = on_disk.get();
  } else {
    in_memory = std::make_unique<internal::StreamingJaccard>(pairs);
    jaccard = in_memory.get();
  }
  stats->exact_documents = jaccard->documents().size();
  bool by_offset = true;
  for (DocId doc : jaccard->documents()) {
    uint32_t input = 0;
    uint64_t offset = 0;
    if (!corpus.line_place(doc, &input, &offset)) {
      by_offset = false;
      break;
    }
  }
  if (!jaccard->documents().empty()) {
    NEARDUP_RETURN_IF_ERROR(
        by_offset ? stream_sets_by_offset(arena, options, inputs, corpus,
                                          stats->threads, jaccard)
                  : stream_sets_from_chunks(arena, options, inputs, corpus,
                                            stats->threads, jaccard));
  }
  if (on_disk) {
    NEARDUP_RETURN_IF_ERROR(on_disk->compute(stats->threads));
    on_disk->take_results(intersections, unions);
  } else {
    in_memory->take_results(intersections, unions);
  }
  return Status::OK();
}

// The candidate pairs of banded LSH over the 8-bit signatures, one task per
// band, each verified on the spot down to `keep` equal entries; sorted,
// without repeats. Counts the distinct candidates in `stats`.
std::vector<uint64_t> lsh_candidates(tbb::task_arena& arena,
                                     const Corpus& corpus, int keep,
                                     DedupStats* stats) {
  std::vector<DocId> docs;
  docs.reserve(corpus.size() - stats->empty_documents);
  for (DocId doc = 0; doc < corpus.size(); ++doc) {
    if (!corpus.empty[doc]) docs.push_back(doc);
  }
  std::vector<std::vector<uint64_t>> band_pairs(stats->bands);
  std::vector<uint64_t> band_seen(stats->bands, 0);
  arena.execute([&] {
    tbb::parallel_for(0, stats->bands, [&](int band) {
      internal::band_candidates(corpus.signatures, corpus.signature_length,
                                docs, band, stats->rows, keep,
                                &band_pairs[band], &band_seen[band]);
    });
  });
  std::vector<DocId>().swap(docs);
  for (uint64_t n : band_seen) stats->candidate_pairs += n;
  std::vector<uint64_t> candidates;
  size_t total = 0;
  for (const auto& b : band_pairs) total += b.size();
  candidates.reserve(total);
  for (auto& b : band_pairs) {
    candidates.insert(candidates.end(), b.begin(), b.end());
    std::vector<uint64_t>().swap(b);
  }
  arena.execute(
      [&] { tbb::parallel_sort(candidates.begin(), candidates.end()); });
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  return candidates;
}

// The candidate pairs of banded LSH with at least `keep` equal entries,
// sorted, and their equal entries: from the records in memory, or by the
// external search when they are on disk.
Status minhash_candidates(tbb::task_arena& arena, const Corpus& corpus,
                          int keep, uint64_t memory_limit,
                          internal::TempSpace* space, DedupStats* stats,
                          std::vector<uint64_t>* candidates,
                          std::vector<uint16_t>* equal) {
  if (!corpus.sketch_file) {
    *candidates = lsh_candidates(arena, corpus, keep, stats);
    equal->resize(candidates->size());
    for (size_t i = 0; i < candidates->size(); ++i) {
      (*equal)[i] = static_cast<uint16_t>(equal_entries(
          corpus.signature(static_cast<DocId>((*candidates)[i] >> 32)),
          corpus.signature(static_cast<DocId>((*candidates)[i]))));
    }
    return Status::OK();
  }
  // The columns stay in memory: the search gets the rest of the limit, but
  // at least a quarter of it.
  const uint64_t columns = corpus.column_bytes();
  const uint64_t search_limit = memory_limit >= columns + memory_limit / 4
                                    ? memory_limit - columns
                                    : memory_limit / 4;
  internal::ExternalLshResult found;
  NEARDUP_RETURN_IF_ERROR(internal::external_band_candidates(
      *corpus.sketch_file, corpus.empty, keep,
      internal::ExternalLshBudget::FromLimit(search_limit), stats->threads,
      space, &found));
  internal::release_free_memory();
  stats->candidate_pairs = found.bucket_pairs;
  stats->external_band_sorts = found.external_band_sorts;
  *candidates = std::move(found.pairs);
  *equal = std::move(found.equal);
  return Status::OK();
}

// MinHash: banded LSH, then each distinct candidate pair decided by its
// signature estimate or, near the threshold, by its exact Jaccard
// similarity.
Status find_minhash_pairs(tbb::task_arena& arena, const DedupOptions& options,
                          const std::vector<std::string>& inputs,
                          const Corpus& corpus, uint64_t memory_limit,
                          internal::TempSpace* space, DedupStats* stats,
                          std::vector<DocPair>* pairs) {
  const int length = corpus.signature_length;
  const internal::EqualEntryBounds bounds =
      internal::equal_entry_bounds(options.minhash, length);
  std::vector<uint64_t> candidates;
  std::vector<uint16_t> equal;
  NEARDUP_RETURN_IF_ERROR(minhash_candidates(arena, corpus, bounds.keep,
                                             memory_limit, space, stats,
                                             &candidates, &equal));
  std::vector<uint64_t> borderline;
  borderline.reserve(static_cast<size_t>(
      std::count_if(equal.begin(), equal.end(),
                    [&](uint16_t e) { return e < bounds.sure; })));
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (equal[i] < bounds.sure) borderline.push_back(candidates[i]);
  }
  std::vector<uint32_t> common, all;
  if (!borderline.empty()) {
    NEARDUP_RETURN_IF_ERROR(exact_jaccard(arena, options, inputs, corpus,
                                          borderline, space, stats, &common,
                                          &all));
  }
  stats->exact_pairs = borderline.size();
  const double threshold = options.minhash.threshold;
  size_t b = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (equal[i] < bounds.sure) {
      const size_t k = b++;
      // common / all >= threshold, without rounding the quotient.
      if (all[k] == 0 || common[k] < threshold * all[k]) continue;
    }
    pairs->push_back({static_cast<DocId>(candidates[i] >> 32),
                      static_cast<DocId>(candidates[i]),
                      static_cast<uint32_t>(length - equal[i])});
  }
  stats->verified_pairs = pairs->size();
  return Status::OK();
}

// Mode::kStory's first pass: the document frequencies of the terms of every
// record, counted per thread and merged (the sum does not depend on the
// order).
Status count_document_frequencies(tbb::task_arena& arena,
                                  const DedupOptions& options,
                                  const std::vector<std::string>& inputs,
                                  const internal::SourceOpener& opener,
                                  int threads, IdfModel* model) {
  JsonlReader reader(inputs, options.chunk_bytes, options.max_line_bytes,
                     opener);
  WorkPool pool;
  struct Local {
    std::unique_ptr<ChunkWorker> worker;
    DocFrequencyCounter counter;
  };
  tbb::enumerable_thread_specific<Local> locals;
  Status failure;
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(threads * kTokensPerThread),
        tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Work* {
                                        return next_work(reader, pool, failure,
                                                         fc);
                                      }) &
            tbb::make_filter<Work*, void>(
                tbb::filter_mode::parallel, [&](Work* work) {
                  Local& local = locals.local();
                  if (!local.worker) {
                    local.worker = std::make_unique<ChunkWorker>(options);
                  }
                  local.worker->count_terms(work->chunk, &local.counter);
                  pool.put(work);
                }));
  });
  NEARDUP_RETURN_IF_ERROR(failure);
  DocFrequencyCounter total;
  for (Local& local : locals) total.merge(local.counter);
  *model = total.finish();
  return Status::OK();
}

// Mode::kStory's clustering: average linkage over the salient-term
// fingerprints, its parallel part run as one task per block of documents.
Status cluster_story_fingerprints(tbb::task_arena& arena,
                                  const DedupOptions& options, Corpus* corpus,
                                  DedupStats* stats, std::vector<DocId>* rep) {
  StoryClusterStats story_stats;
  const StoryParallelFor parallel_for =
      [&arena](size_t n, const std::function<void(size_t)>& body) {
        arena.execute([&] {
          tbb::parallel_for(size_t{0}, n, [&](size_t i) { body(i); });
        });
      };
  Result<std::vector<StoryAssignment>> assigned = cluster_stories(
      corpus->story_fingerprints, options.story, parallel_for, &story_stats);
  if (!assigned.ok()) return assigned.status();
  rep->resize(corpus->size());
  corpus->story_similarity.resize(corpus->size());
  for (DocId doc = 0; doc < corpus->size(); ++doc) {
    (*rep)[doc] = (*assigned)[doc].representative;
    corpus->story_similarity[doc] = (*assigned)[doc].similarity;
  }
  stats->candidate_pairs = story_stats.candidate_pairs;
  stats->verified_pairs = story_stats.similar_pairs;
  return Status::OK();
}
// Mode::kCopies: the clusters of the verified pairs.
std::vector<DocId> cluster_documents(const DedupOptions& options,
                                     const Corpus& corpus,
                                     std::span<const DocPair> pairs) {
  return internal::cluster_documents(
      options, corpus.size(), pairs,
      [&](DocId doc) -> std::span<const uint8_t> {
        if (corpus.signature_length > 0) return corpus.signature(doc);
        return {reinterpret_cast<const uint8_t*>(&corpus.fingerprints[doc]), 8};
      });
}

// One run of run_dedup(), with a method per phase (as leveldb's DBImpl
// splits its work): open() checks the arguments and opens the outputs,
// load_model() gets story mode's document frequencies, read_and_sketch() is
// pass 1, find_pairs() the pair search and verification, cluster() and
// write() the rest. Each phase returns the first error; later phases must
// not run after one.
class DedupJob {
 public:
  DedupJob(const DedupOptions& options, const std::vector<std::string>& inputs,
           const DedupOutputs& outputs, const IndexUse& index,
           Reporter* reporter, const ProgressCallback& progress)
      : options_(options),
        inputs_(inputs),
        outputs_(outputs),
        index_(index),
        reporter_(reporter),
        progress_(progress),
        start_(Clock::now()) {}

  Status open();
  Status load_model();
  Status read_and_sketch();
  Status find_pairs();
  void cluster();
  void match_index();
  Status write();
  Status add_to_index();

  const DedupStats& stats() const { return stats_; }

 private:
  void describe_parameters();
  Status check_index_options() const;
  Status prepare_second_pass();
  // Pass 1's serial end: one chunk's documents and rejected lines, in order.
  void collect(Work& work);
  // Finds the documents of `work` whose id repeats an earlier one's
  // (DedupOptions::duplicate_ids); kReject turns them into rejected lines.
  void check_ids(Work& work);
  void report_progress(uint64_t raw_bytes_read, uint64_t total_bytes);
  std::span<const uint8_t> sketch_bytes(size_t doc) const;
  Status prepare_spill();
  // An index needs the sketches in memory.
  Status check_index_with_spill() const;
  // Moves the sketches to disk once they and the band search would pass
  // the memory limit.
  Status spill_if_over_limit();

  const DedupOptions& options_;
  const std::vector<std::string>& inputs_;
  const DedupOutputs& outputs_;
  const IndexUse& index_;
  Reporter* reporter_;
  const ProgressCallback& progress_;
  const Clock::time_point start_;
  Clock::time_point last_progress_ = start_;

  DedupStats stats_;
  Sinks sinks_;
  std::unique_ptr<tbb::task_arena> arena_;
  // Story mode's document-frequency pass, exact verification and the output
  // pass read the inputs again; stdin is kept in a spool for them.
  std::optional<Spool> spool_;
  std::vector<std::string> second_pass_inputs_;
  std::vector<std::string> fingerprint_inputs_;
  internal::SourceOpener opener_;  // tees stdin into the spool
  IdfModel model_;
  // Algorithm::kMinHash copies: DedupOptions::memory_limit_bytes as applied,
  // and the temporary files' directory. Before corpus_, whose files count
  // their bytes in it until they close.
  uint64_t memory_limit_ = 0;
  std::unique_ptr<internal::TempSpace> temp_space_;
  Corpus corpus_;
  internal::IdTable ids_seen_;  // pass 1 only
  std::vector<DocPair> pairs_;
  std::vector<DocId> rep_;
  internal::IndexVerdicts verdicts_;
  Status failure_;  // pass 1's first error
  std::string reject_batch_;
};

Status DedupJob::open() {
  NEARDUP_RETURN_IF_ERROR(validate(options_));
  if (inputs_.empty()) return Status::InvalidArgument("no inputs");
  if (std::count(inputs_.begin(), inputs_.end(), "-") > 1) {
    return Status::InvalidArgument("stdin ('-') can be an input only once");
  }
  NEARDUP_RETURN_IF_ERROR(check_index_options());
  NEARDUP_RETURN_IF_ERROR(check_inputs(inputs_));
  NEARDUP_RETURN_IF_ERROR(open_sinks(outputs_, &sinks_));
  describe_parameters();
  arena_ = std::make_unique<tbb::task_arena>(stats_.threads);
  NEARDUP_RETURN_IF_ERROR(prepare_spill());
  return prepare_second_pass();
}

Status DedupJob::prepare_spill() {
  if (options_.mode != Mode::kCopies ||
      options_.algorithm != Algorithm::kMinHash) {
    return Status::OK();
  }
  memory_limit_ = options_.memory_limit_bytes;
  if (memory_limit_ == 0) {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_size > 0) {
      memory_limit_ = static_cast<uint64_t>(pages) *
                      static_cast<uint64_t>(page_size) / 4 * 3;
    }
  }
  stats_.memory_limit_bytes = memory_limit_;
  std::string dir = options_.temp_dir;
  if (dir.empty()) {
    // Checked only when a file is made there: most runs never spill.
    const char* env = std::getenv("TMPDIR");
    dir = env != nullptr && *env != '\0' ? env : "/tmp";
    temp_space_ = std::make_unique<internal::TempSpace>(dir);
    return Status::OK();
  }
  // Given by the user: checked before any work.
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return Status::NotFound(dir +
                            ": temporary directory: " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(dir +
                                   ": temporary directory: not a directory");
  }
  temp_space_ = std::make_unique<internal::TempSpace>(dir);
  return Status::OK();
}

Status DedupJob::spill_if_over_limit() {
  // What a run holds per document besides its sketch record, measured on
  // a 50M-document run (README "At scale"): ids, offsets, band words and
  // candidate pairs.
  constexpr uint64_t kOtherBytesPerDoc = 100;
  if (temp_space_ == nullptr || memory_limit_ == 0 || corpus_.sketch_file) {
    return Status::OK();
  }
  const uint64_t estimate =
      corpus_.signatures.size() *
          static_cast<uint64_t>(corpus_.signatures.length()) +
      kOtherBytesPerDoc * corpus_.size();
  if (estimate <= memory_limit_) return Status::OK();
  stats_.spilled = true;
  return corpus_.spill_sketches(temp_space_.get(), stats_.bands, stats_.rows);
}

void DedupJob::describe_parameters() {
  stats_.inputs = inputs_.size();
  stats_.threads = options_.threads > 0 ? options_.threads
                                        : tbb::info::default_concurrency();
  stats_.mode = options_.mode;
  stats_.algorithm = options_.algorithm;
  stats_.clustering = options_.clustering;
  stats_.shingle_words = options_.text.shingle_words;
  if (options_.mode == Mode::kStory) return;  // in options.story
  if (options_.algorithm == Algorithm::kSimHash) {
    stats_.max_hamming_distance = options_.max_hamming_distance;
    return;
  }
  const LshParams lsh = choose_lsh_params(options_.minhash);
  stats_.jaccard_threshold = options_.minhash.threshold;
  stats_.signature_length = options_.minhash.signature_length;
  stats_.bands = lsh.bands;
  stats_.rows = lsh.rows;
  stats_.false_positive_area = lsh.false_positive_area;
  stats_.false_negative_area = lsh.false_negative_area;
  stats_.verification = options_.minhash.verification;
  if (options_.clustering == Clustering::kBounded) {
    stats_.bound_ratio = options_.minhash.bound_ratio;
  }
}

Status DedupJob::prepare_second_pass() {
  second_pass_inputs_ = inputs_;
  fingerprint_inputs_ = inputs_;
  const bool count_df =
      options_.mode == Mode::kStory && options_.idf_model_path.empty();
  const bool second_pass =
      sinks_.output || count_df ||
      (options_.mode == Mode::kCopies &&
       options_.algorithm == Algorithm::kMinHash &&
       options_.minhash.verification != Verification::kEstimate);
  if (!second_pass || std::count(inputs_.begin(), inputs_.end(), "-") == 0) {
    return Status::OK();
  }
  spool_.emplace();
  NEARDUP_RETURN_IF_ERROR(spool_->create());
  std::replace(second_pass_inputs_.begin(), second_pass_inputs_.end(),
               std::string("-"), spool_->path());
  opener_ =
      [this](const std::string& path,
             uint64_t* size) -> Result<std::unique_ptr<internal::ByteSource>> {
    Result<std::unique_ptr<internal::ByteSource>> source =
        internal::open_source(path, size, nullptr);
    if (!source.ok() || path != "-") return source;
    return internal::tee_source(std::move(source).value(), spool_->fd(),
                                spool_->name());
  };
  return Status::OK();
}

Status DedupJob::load_model() {
  if (options_.mode != Mode::kStory) return Status::OK();
  if (!options_.idf_model_path.empty()) {
    Result<IdfModel> loaded = IdfModel::load(options_.idf_model_path);
    if (!loaded.ok()) return loaded.status();
    model_ = std::move(loaded).value();
    return Status::OK();
  }
  // A first pass over the inputs, which fills stdin's spool; pass 1 then
  // reads the spool.
  NEARDUP_RETURN_IF_ERROR(count_document_frequencies(
      *arena_, options_, inputs_, opener_, stats_.threads, &model_));
  fingerprint_inputs_ = second_pass_inputs_;
  opener_ = {};
  return Status::OK();
}

void DedupJob::check_ids(Work& work) {
  const Chunk& chunk = work.chunk;
  ChunkResult& result = work.result;
  const DocId base = static_cast<DocId>(corpus_.size());
  const auto chunk_id = [&](size_t i) {
    const size_t begin = i == 0 ? 0 : result.docs[i - 1].id_end;
    return std::string_view(result.ids)
        .substr(begin, result.docs[i].id_end - begin);
  };
  std::vector<size_t> kept;  // chunk documents given numbers base, base + 1...
  std::vector<size_t> repeated;
  const internal::IdTable::IdText id_of = [&](DocId doc) {
    return doc < base ? corpus_.id(doc) : chunk_id(kept[doc - base]);
  };
  for (size_t i = 0; i < result.docs.size(); ++i) {
    const DocId doc = base + static_cast<DocId>(kept.size());
    if (ids_seen_.find_or_add(result.docs[i].id_hash, chunk_id(i), doc,
                              id_of) == doc) {
      kept.push_back(i);
      continue;
    }
    repeated.push_back(i);
    const uint64_t file_line =
        result.docs[i].line - chunk.first_line + chunk.first_file_line;
    ++stats_.duplicate_ids;
    if (stats_.first_duplicate_id.empty()) {
      stats_.first_duplicate_id = inputs_[chunk.input] + ":" +
                                  std::to_string(file_line + 1) +
                                  " repeats the id ";
      internal::append_json_string(chunk_id(i), &stats_.first_duplicate_id);
      stats_.first_duplicate_id += " of an earlier document";
    }
    // kKeep: a document like any other, numbered as the next one.
    if (options_.duplicate_ids == DuplicateIds::kKeep) {
      kept.push_back(i);
      continue;
    }
    std::string detail = "the id ";
    internal::append_json_string(chunk_id(i), &detail);
    detail += " repeats an earlier document's";
    const size_t span = result.docs[i].line - chunk.first_line;
    result.rejects.push_back({file_line, chunk.lines[span].length,
                              RejectReason::kDuplicateId, std::move(detail)});
  }
  if (options_.duplicate_ids == DuplicateIds::kReject && !repeated.empty()) {
    internal::remove_documents(repeated, &result);
    std::stable_sort(
        result.rejects.begin(), result.rejects.end(),
        [](const internal::Rejection& a, const internal::Rejection& b) {
          return a.file_line < b.file_line;
        });
  }
}

void DedupJob::collect(Work& work) {
  check_ids(work);
  const Chunk& chunk = work.chunk;
  const ChunkResult& result = work.result;
  stats_.lines_read += chunk.lines.size();
  Status appended = corpus_.append(result);
  if (appended.ok()) appended = spill_if_over_limit();
  if (!appended.ok() && failure_.ok()) failure_ = appended;
  const std::string& input = inputs_[chunk.input];
  for (const internal::Rejection& r : result.rejects) {
    const RejectedLine line = internal::rejected_line(input, r);
    ++stats_.rejected_by_reason[static_cast<int>(r.reason)];
    if (reporter_ != nullptr) reporter_->rejected_line(line);
    if (sinks_.rejects) internal::format_rejection(input, line, &reject_batch_);
  }
  if (sinks_.rejects && failure_.ok() &&
      reject_batch_.size() >= (size_t{1} << 16)) {
    failure_ = sinks_.rejects->append(reject_batch_);
    reject_batch_.clear();
  }
  if (progress_ && seconds_since(last_progress_) >= 0.1) {
    last_progress_ = Clock::now();
    report_progress(work.raw_bytes_read, work.total_bytes);
  }
}

void DedupJob::report_progress(uint64_t raw_bytes_read, uint64_t total_bytes) {
  progress_(
      {raw_bytes_read, total_bytes, corpus_.size(), seconds_since(start_)});
}

Status DedupJob::read_and_sketch() {
  corpus_.story = options_.mode == Mode::kStory;
  if (options_.mode == Mode::kCopies &&
      options_.algorithm == Algorithm::kMinHash) {
    corpus_.signature_length = options_.minhash.signature_length;
    corpus_.signatures = SignatureTable(sketch_record_bytes(options_.minhash));
  }
  JsonlReader reader(fingerprint_inputs_, options_.chunk_bytes,
                     options_.max_line_bytes, opener_);
  WorkPool pool;
  tbb::enumerable_thread_specific<std::unique_ptr<ChunkWorker>> workers;
  arena_->execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(stats_.threads * kTokensPerThread),
        tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Work* {
                                        return next_work(reader, pool, failure_,
                                                         fc);
                                      }) &
            tbb::make_filter<Work*, Work*>(
                tbb::filter_mode::parallel,
                [&](Work* work) {
                  std::unique_ptr<ChunkWorker>& worker = workers.local();
                  if (!worker) {
                    worker = std::make_unique<ChunkWorker>(options_, &model_);
                  }
                  worker->process(work->chunk, &work->result);
                  return work;
                }) &
            tbb::make_filter<Work*, void>(tbb::filter_mode::serial_in_order,
                                          [&](Work* work) {
                                            collect(*work);
                                            pool.put(work);
                                          }));
  });
  ids_seen_.clear();
  NEARDUP_RETURN_IF_ERROR(failure_);
  if (corpus_.sketch_file) {
    NEARDUP_RETURN_IF_ERROR(corpus_.sketch_file->flush());
  }
  if (sinks_.rejects) {
    NEARDUP_RETURN_IF_ERROR(sinks_.rejects->append(reject_batch_));
  }
  stats_.input_bytes = reader.raw_bytes_read();
  stats_.uncompressed_bytes = reader.bytes_read();
  if (progress_) report_progress(reader.raw_bytes_read(), reader.total_bytes());
  stats_.documents = corpus_.size();
  for (uint64_t n : stats_.rejected_by_reason) stats_.lines_rejected += n;
  if (corpus_.size() >= std::numeric_limits<DocId>::max()) {
    return Status::InvalidArgument("more than 2^32 - 1 documents in one run");
  }
  stats_.read_fingerprint_seconds = seconds_since(start_);
  return Status::OK();
}

Status DedupJob::find_pairs() {
  const Clock::time_point index_start = Clock::now();
  NEARDUP_RETURN_IF_ERROR(check_index_with_spill());
  for (DocId doc = 0; doc < corpus_.size(); ++doc) {
    stats_.empty_documents += corpus_.empty[doc];
  }
  if (options_.mode == Mode::kStory) {
    NEARDUP_RETURN_IF_ERROR(cluster_story_fingerprints(
        *arena_, options_, &corpus_, &stats_, &rep_));
  } else if (options_.algorithm == Algorithm::kSimHash) {
    NEARDUP_RETURN_IF_ERROR(
        find_simhash_pairs(*arena_, options_, corpus_, &stats_, &pairs_));
  } else {
    NEARDUP_RETURN_IF_ERROR(
        find_minhash_pairs(*arena_, options_, second_pass_inputs_, corpus_,
                           memory_limit_, temp_space_.get(), &stats_, &pairs_));
  }
  stats_.index_seconds = seconds_since(index_start);
  return Status::OK();
}

void DedupJob::cluster() {
  const Clock::time_point cluster_start = Clock::now();
  // Story mode's clusters come from its pair search.
  if (options_.mode == Mode::kCopies) {
    rep_ = cluster_documents(options_, corpus_, pairs_);
  }
  std::vector<uint32_t> sizes(corpus_.size(), 0);
  for (DocId doc = 0; doc < corpus_.size(); ++doc) {
    if (rep_[doc] == doc) ++stats_.clusters;
    stats_.largest_cluster =
        std::max<uint64_t>(stats_.largest_cluster, ++sizes[rep_[doc]]);
  }
  stats_.duplicates = stats_.documents - stats_.clusters;
  stats_.cluster_seconds = seconds_since(cluster_start);
}

Status DedupJob::write() {
  const Clock::time_point write_start = Clock::now();
  if (sinks_.clusters) {
    NEARDUP_RETURN_IF_ERROR(internal::write_clusters(
        corpus_, rep_, index_.against ? &verdicts_ : nullptr,
        sinks_.clusters.get()));
    NEARDUP_RETURN_IF_ERROR(sinks_.clusters->finish());
  }
  if (sinks_.output) {
    NEARDUP_RETURN_IF_ERROR(write_output(options_, second_pass_inputs_, corpus_,
                                         rep_, verdicts_, sinks_.output.get()));
    NEARDUP_RETURN_IF_ERROR(sinks_.output->finish());
  }
  if (sinks_.pairs) {
    NEARDUP_RETURN_IF_ERROR(
        internal::write_pairs(corpus_, std::move(pairs_), sinks_.pairs.get()));
    NEARDUP_RETURN_IF_ERROR(sinks_.pairs->finish());
  }
  std::vector<DocPair>().swap(pairs_);
  if (sinks_.rejects) NEARDUP_RETURN_IF_ERROR(sinks_.rejects->finish());
  NEARDUP_RETURN_IF_ERROR(corpus_.read_failure());
  if (temp_space_) {
    stats_.temp_peak_bytes = temp_space_->peak_bytes();
    stats_.temp_written_bytes = temp_space_->written_bytes();
  }
  stats_.write_seconds = seconds_since(write_start);
  stats_.total_seconds = seconds_since(start_);
  stats_.peak_rss_bytes = peak_rss_bytes();
  if (sinks_.stats) {
    NEARDUP_RETURN_IF_ERROR(sinks_.stats->append(stats_to_json(stats_)));
    NEARDUP_RETURN_IF_ERROR(sinks_.stats->finish());
  }
  return commit_sinks(&sinks_);
}

Status DedupJob::check_index_with_spill() const {
  if (!corpus_.sketch_file ||
      (index_.against == nullptr && index_.add_to == nullptr)) {
    return Status::OK();
  }
  return Status::InvalidArgument(
      "an index needs the sketches in memory, but they passed the memory "
      "limit of " +
      std::to_string(memory_limit_) + " bytes; raise --memory-limit");
}

Status DedupJob::check_index_options() const {
  for (const Index* index :
       {index_.against, static_cast<const Index*>(index_.add_to)}) {
    if (index == nullptr) continue;
    if (options_.mode != Mode::kCopies) {
      return Status::InvalidArgument(
          "an index holds copies-mode sketches, not stories");
    }
    Result<internal::IndexLayout> saved =
        internal::IndexLayout::FromOptions(index->options());
    Result<internal::IndexLayout> wanted =
        internal::IndexLayout::FromOptions(options_);
    if (!saved.ok()) return saved.status();
    if (!wanted.ok()) return wanted.status();
    NEARDUP_RETURN_IF_ERROR(saved->check_same(*wanted, "the index"));
  }
  return Status::OK();
}

// Each document's most similar entry of the index, by a parallel batch of
// queries (IndexUse::against).
void DedupJob::match_index() {
  if (index_.against == nullptr) return;
  const Clock::time_point match_start = Clock::now();
  const Index& index = *index_.against;
  stats_.index_entries = index.size();
  std::vector<std::vector<IndexMatch>> found;
  internal::IndexAccess::query_rows(
      index, corpus_.size(), [&](size_t doc) { return sketch_bytes(doc); },
      [&](size_t doc) { return static_cast<bool>(corpus_.empty[doc]); },
      /*limit=*/1, &found);
  verdicts_.index = &index;
  verdicts_.best.assign(corpus_.size(), IndexMatch());
  for (DocId doc = 0; doc < corpus_.size(); ++doc) {
    if (found[doc].empty()) {
      verdicts_.best[doc].entry = internal::IndexVerdicts::kNoMatch;
    } else {
      verdicts_.best[doc] = found[doc][0];
      ++stats_.index_matches;
    }
    stats_.kept_documents += rep_[doc] == doc && !verdicts_.matched(doc);
  }
  stats_.match_seconds += seconds_since(match_start);
}

std::span<const uint8_t> DedupJob::sketch_bytes(size_t doc) const {
  if (corpus_.signature_length > 0) return corpus_.signatures[doc];
  return {reinterpret_cast<const uint8_t*>(&corpus_.fingerprints[doc]), 8};
}

// Every document, in input order, into IndexUse::add_to.
Status DedupJob::add_to_index() {
  if (index_.add_to == nullptr) return Status::OK();
  NEARDUP_RETURN_IF_ERROR(check_index_with_spill());
  const Clock::time_point add_start = Clock::now();
  internal::EntryColumns columns;
  const uint32_t source = columns.source_index(index_.source);
  for (DocId doc = 0; doc < corpus_.size(); ++doc) {
    columns.append(corpus_.id(doc), source, sketch_bytes(doc),
                   corpus_.empty[doc]);
  }
  NEARDUP_RETURN_IF_ERROR(
      internal::IndexAccess::add_columns(index_.add_to, columns));
  stats_.added_to_index = corpus_.size();
  stats_.match_seconds += seconds_since(add_start);
  return Status::OK();
}

}  // namespace

Result<DedupStats> run_dedup(const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const DedupOutputs& outputs, Reporter* reporter,
                             const ProgressCallback& progress) {
  return run_dedup(options, inputs, outputs, IndexUse(), reporter, progress);
}

Result<DedupStats> run_dedup(const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const DedupOutputs& outputs, const IndexUse& index,
                             Reporter* reporter,
                             const ProgressCallback& progress) {
  DedupJob job(options, inputs, outputs, index, reporter, progress);
  NEARDUP_RETURN_IF_ERROR(job.open());
  NEARDUP_RETURN_IF_ERROR(job.load_model());
  NEARDUP_RETURN_IF_ERROR(job.read_and_sketch());
  NEARDUP_RETURN_IF_ERROR(job.find_pairs());
  job.cluster();
  job.match_index();
  NEARDUP_RETURN_IF_ERROR(job.add_to_index());
  NEARDUP_RETURN_IF_ERROR(job.write());
  return job.stats();
}

Result<DedupStats> add_to_index(const DedupOptions& options,
                                const std::vector<std::string>& inputs,
                                Index* index, std::string_view source,
                                const DedupOutputs& outputs, Reporter* reporter,
                                const ProgressCallback& progress) {
  if (index == nullptr)
    return Status::InvalidArgument("add_to_index: no index");
  DedupOutputs kept;
  kept.rejects_path = outputs.rejects_path;
  kept.stats_path = outputs.stats_path;
  IndexUse use;
  use.add_to = index;
  use.source = std::string(source);
  DedupOptions estimate = options;  // no pair search, so no second pass
  estimate.minhash.verification = Verification::kEstimate;
  DedupJob job(estimate, inputs, kept, use, reporter, progress);
  NEARDUP_RETURN_IF_ERROR(job.open());
  NEARDUP_RETURN_IF_ERROR(job.read_and_sketch());
  NEARDUP_RETURN_IF_ERROR(job.add_to_index());
  NEARDUP_RETURN_IF_ERROR(job.write());
  return job.stats();
}

Status build_idf_model(const DedupOptions& options,
                       const std::vector<std::string>& inputs,
                       const std::string& model_path) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (inputs.empty()) return Status::InvalidArgument("no inputs");
  const int threads =
      options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  IdfModel model;
  NEARDUP_RETURN_IF_ERROR(
      count_document_frequencies(arena, options, inputs, {}, threads, &model));
  return model.save(model_path);
}

}  // namespace neardup
