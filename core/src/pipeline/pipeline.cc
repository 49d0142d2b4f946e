// The dedup job. This is the only file that knows about TBB: pass 1 is one
// tbb::parallel_pipeline (reader -> workers -> collector), the pair search runs
// one task per permuted table, and everything else is plain serial code.

#include "neardup/pipeline.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/parallel_sort.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <optional>

#include "neardup/cluster.h"
#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"
#include "pipeline/chunk_worker.h"
#include "pipeline/corpus.h"
#include "reader/byte_source.h"
#include "reader/jsonl_reader.h"
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

struct Work {
  Chunk chunk;
  ChunkResult result;
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

// A temporary copy of stdin for the second pass; removed when destroyed.
class Spool {
 public:
  ~Spool() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Status create() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") +
            "/neardup-stdin.XXXXXX";
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) {
      Status s =
          Status::IOError(path_ + ": cannot create a spool file for stdin");
      path_.clear();
      return s;
    }
    return Status::OK();
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

struct Sinks {
  std::unique_ptr<ByteSink> clusters, output, rejects, stats;
};

Status open_sinks(const DedupOutputs& outputs, Sinks* sinks) {
  int to_stdout = 0;
  for (const std::string* path : {&outputs.clusters_path, &outputs.output_path,
                                  &outputs.rejects_path, &outputs.stats_path}) {
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
  return Status::OK();
}

// Pass 2: copies the representatives' lines, byte for byte, in input order.
Status write_output(const DedupOptions& options,
                    const std::vector<std::string>& inputs,
                    const Corpus& corpus, const std::vector<DocId>& rep,
                    ByteSink* sink) {
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
      if (docs.done() || docs.line() != line || rep[docs.doc()] != docs.doc()) {
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

}  // namespace

Result<DedupStats> run_dedup(const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const DedupOutputs& outputs, Reporter* reporter,
                             const ProgressCallback& progress) {
  const Clock::time_point start = Clock::now();
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (inputs.empty()) return Status::InvalidArgument("no inputs");
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    return Status::InvalidArgument("stdin ('-') can be an input only once");
  }
  Sinks sinks;
  NEARDUP_RETURN_IF_ERROR(open_sinks(outputs, &sinks));

  DedupStats stats;
  stats.inputs = inputs.size();
  stats.threads =
      options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  stats.max_hamming_distance = options.max_hamming_distance;
  stats.shingle_words = options.text.shingle_words;

  // The output pass reads the inputs again; stdin is kept in a spool for it.
  std::optional<Spool> spool;
  std::vector<std::string> second_pass_inputs = inputs;
  internal::SourceOpener opener;
  if (sinks.output && std::count(inputs.begin(), inputs.end(), "-") > 0) {
    spool.emplace();
    NEARDUP_RETURN_IF_ERROR(spool->create());
    std::replace(second_pass_inputs.begin(), second_pass_inputs.end(),
                 std::string("-"), spool->path());
    opener = [&spool](const std::string& path, uint64_t* size)
        -> Result<std::unique_ptr<internal::ByteSource>> {
      Result<std::unique_ptr<internal::ByteSource>> source =
          internal::open_source(path, size, nullptr);
      if (!source.ok() || path != "-") return source;
      return internal::tee_source(std::move(source).value(), spool->fd(),
                                  spool->path());
    };
  }

  tbb::task_arena arena(stats.threads);
  Corpus corpus;
  Status failure;
  std::string reject_batch;

  // ---- Pass 1: read, parse, shingle, fingerprint. ----
  {
    JsonlReader reader(inputs, options.chunk_bytes, options.max_line_bytes,
                       opener);
    WorkPool pool;
    tbb::enumerable_thread_specific<std::unique_ptr<ChunkWorker>> workers;
    Clock::time_point last_progress = start;
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<size_t>(stats.threads * kTokensPerThread),
          tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                        [&](tbb::flow_control& fc) -> Work* {
                                          Work* work = pool.get();
                                          Result<bool> more =
                                              reader.next(&work->chunk);
                                          if (!more.ok() || !*more) {
                                            if (!more.ok())
                                              failure = more.status();
                                            pool.put(work);
                                            fc.stop();
                                            return nullptr;
                                          }
                                          return work;
                                        }) &
              tbb::make_filter<Work*, Work*>(
                  tbb::filter_mode::parallel,
                  [&](Work* work) {
                    std::unique_ptr<ChunkWorker>& worker = workers.local();
                    if (!worker)
                      worker = std::make_unique<ChunkWorker>(options);
                    worker->process(work->chunk, &work->result);
                    return work;
                  }) &
              tbb::make_filter<Work*, void>(
                  tbb::filter_mode::serial_in_order, [&](Work* work) {
                    const Chunk& chunk = work->chunk;
                    const ChunkResult& result = work->result;
                    stats.lines_read += chunk.lines.size();
                    corpus.append(result);
                    const std::string& input = inputs[chunk.input];
                    for (const internal::Rejection& r : result.rejects) {
                      RejectedLine line;
                      line.input = input;
                      line.line = r.file_line + 1;
                      line.bytes = r.bytes;
                      line.reason = r.reason;
                      line.detail = r.detail;
                      ++stats.rejected_by_reason[static_cast<int>(r.reason)];
                      if (reporter != nullptr) reporter->rejected_line(line);
                      if (sinks.rejects) {
                        internal::format_rejection(input, line, &reject_batch);
                      }
                    }
                    if (sinks.rejects && failure.ok() &&
                        reject_batch.size() >= (size_t{1} << 16)) {
                      failure = sinks.rejects->append(reject_batch);
                      reject_batch.clear();
                    }
                    if (progress && seconds_since(last_progress) >= 0.1) {
                      last_progress = Clock::now();
                      progress({reader.raw_bytes_read(), reader.total_bytes(),
                                corpus.size(), seconds_since(start)});
                    }
                    pool.put(work);
                  }));
    });
    NEARDUP_RETURN_IF_ERROR(failure);
    if (sinks.rejects)
      NEARDUP_RETURN_IF_ERROR(sinks.rejects->append(reject_batch));
    stats.input_bytes = reader.raw_bytes_read();
    stats.uncompressed_bytes = reader.bytes_read();
    if (progress) {
      progress({reader.raw_bytes_read(), reader.total_bytes(), corpus.size(),
                seconds_since(start)});
    }
  }
  stats.documents = corpus.size();
  for (uint64_t n : stats.rejected_by_reason) stats.lines_rejected += n;
  if (corpus.size() >= std::numeric_limits<DocId>::max()) {
    return Status::InvalidArgument("more than 2^32 - 1 documents in one run");
  }
  stats.read_fingerprint_seconds = seconds_since(start);

  // ---- Pair search over the permuted-block tables. ----
  const Clock::time_point index_start = Clock::now();
  std::vector<DocPair> pairs;
  {
    std::vector<std::pair<Fingerprint, DocId>> sorted;
    sorted.reserve(corpus.size());
    for (DocId doc = 0; doc < corpus.size(); ++doc) {
      if (corpus.empty[doc]) {
        ++stats.empty_documents;
      } else {
        sorted.emplace_back(corpus.fingerprints[doc], doc);
      }
    }
    arena.execute([&] { tbb::parallel_sort(sorted.begin(), sorted.end()); });
    internal::FingerprintGroups groups;
    stats.verified_pairs =
        internal::group_fingerprints(sorted, &groups, &pairs);
    std::vector<std::pair<Fingerprint, DocId>>().swap(sorted);
    stats.candidate_pairs = stats.verified_pairs;
    stats.distinct_fingerprints = groups.unique.size();

    const int blocks = HammingTables::suggested_blocks(
        options.max_hamming_distance, groups.unique.size());
    Result<HammingTables> tables =
        HammingTables::create(options.max_hamming_distance, blocks);
    if (!tables.ok()) return tables.status();
    stats.table_blocks = blocks;
    stats.tables = tables->num_tables();
    std::vector<std::vector<DocPair>> table_pairs(tables->num_tables());
    std::vector<PairSearchStats> table_stats(tables->num_tables());
    if (groups.unique.size() > 1) {
      arena.execute([&] {
        tbb::parallel_for(0, tables->num_tables(), [&](int t) {
          tables->find_pairs(t, groups.unique, &table_pairs[t],
                             &table_stats[t]);
        });
      });
    }
    // Merge in table order, mapping fingerprints back to documents.
    for (int t = 0; t < tables->num_tables(); ++t) {
      for (const DocPair& p : table_pairs[t]) {
        pairs.push_back(
            {groups.first_doc[p.a], groups.first_doc[p.b], p.distance});
        const uint64_t doc_pairs =
            uint64_t{groups.count[p.a]} * groups.count[p.b];
        stats.verified_pairs += doc_pairs;
      }
      stats.candidate_pairs += table_stats[t].candidate_pairs;
    }
  }
  stats.index_seconds = seconds_since(index_start);

  // ---- Connected components. ----
  const Clock::time_point cluster_start = Clock::now();
  const std::vector<DocId> rep = cluster_representatives(corpus.size(), pairs);
  {
    std::vector<uint32_t> sizes(corpus.size(), 0);
    for (DocId doc = 0; doc < corpus.size(); ++doc) {
      if (rep[doc] == doc) ++stats.clusters;
      stats.largest_cluster =
          std::max<uint64_t>(stats.largest_cluster, ++sizes[rep[doc]]);
    }
    stats.duplicates = stats.documents - stats.clusters;
  }
  stats.cluster_seconds = seconds_since(cluster_start);

  // ---- Outputs. ----
  const Clock::time_point write_start = Clock::now();
  if (sinks.clusters) {
    NEARDUP_RETURN_IF_ERROR(
        internal::write_clusters(corpus, rep, sinks.clusters.get()));
    NEARDUP_RETURN_IF_ERROR(sinks.clusters->commit());
  }
  if (sinks.output) {
    NEARDUP_RETURN_IF_ERROR(write_output(options, second_pass_inputs, corpus,
                                         rep, sinks.output.get()));
    NEARDUP_RETURN_IF_ERROR(sinks.output->commit());
  }
  if (sinks.rejects) NEARDUP_RETURN_IF_ERROR(sinks.rejects->commit());
  stats.write_seconds = seconds_since(write_start);
  stats.total_seconds = seconds_since(start);
  stats.peak_rss_bytes = peak_rss_bytes();
  if (sinks.stats) {
    NEARDUP_RETURN_IF_ERROR(sinks.stats->append(stats_to_json(stats)));
    NEARDUP_RETURN_IF_ERROR(sinks.stats->commit());
  }
  return stats;
}

}  // namespace neardup
