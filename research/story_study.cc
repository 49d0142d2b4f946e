// neardup_story_study: runs story mode (neardup/story.h) on JSONL files and
// measures it: quality against the `cluster` labels some datasets carry,
// cluster sizes, and time per document per stage. Its report backs the
// defaults of StoryOptions.
//
//   neardup_story_study [options] INPUT... [--sweep T...]
//   neardup_story_study -o /tmp/story/clusters.jsonl --truth-dir /tmp/story
//       /work/shared/datasets/*/*.jsonl*
//
// Each INPUT is JSONL (plain, .gz or .zst) with a string "text" and an "id"
// (string or number). Ids are prefixed with the name of the input's folder
// ("ecbplus/1_7ecbplus"), since ids of different datasets may collide.
// Records with a string "cluster" are labelled: per folder, B-cubed
// precision, recall and F1 (Bagga & Baldwin 1998; neardup::eval::evaluate(),
// as `neardup eval` scores) are computed over the labelled documents,
// clustered within the whole input, and --truth-dir writes
// <folder>_truth.jsonl for `neardup eval`.
//
// Writes (-o) one line per document, in input order:
//   {"id": "<prefixed id>", "cluster": "<representative's id>",
//    "similarity": 0.52}
// and prints a report on stdout: fingerprint and index counts, cluster
// sizes, B-cubed per labelled folder, the seeds' clusters, and per stage the
// wall-clock and CPU time per document. --threads runs the per-document
// passes on contiguous ranges of documents (partial counts merged in range
// order) and the clustering's tasks on that many threads; the output does
// not depend on it. --sweep clusters again at other min_similarity values
// and prints their scores; --diagnose prints the separability of the labels
// by cosine and the mixed and split clusters; --explain ID prints a
// fingerprint as words.
//
// Exit status: 0 on success, 1 on a runtime error, 2 on a usage error.

#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "eval/eval.h"
#include "neardup/status.h"
#include "neardup/story.h"
#include "neardup/text.h"
#include "write/byte_sink.h"

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
  std::vector<std::string> titles;
  std::vector<std::string> folders;  // per input
  std::vector<uint32_t> folder_of;   // per document
  std::vector<std::string> labels;   // "" = unlabelled
  std::vector<uint32_t> input_docs;  // documents per input
};

std::string folder_name(const std::string& path) {
  const std::filesystem::path p(path);
  std::string name = p.parent_path().filename().string();
  return name.empty() ? std::string("input") : name;
}

// Appends the records of `path` to `corpus`, read by
// neardup::eval::for_each_line (decompression, '\r' dropped, empty lines
// skipped). Malformed lines are counted and skipped.
neardup::Status read_input(const std::string& path, Corpus* corpus,
                           uint64_t* bad_lines) {
  namespace nd = neardup;
  simdjson::ondemand::parser parser;
  const uint32_t folder = static_cast<uint32_t>(corpus->folders.size());
  corpus->folders.push_back(folder_name(path));
  const std::string prefix = corpus->folders.back() + "/";
  uint32_t count = 0;
  nd::Status status = nd::eval::for_each_line(
      path, [&](uint64_t, std::string_view line, size_t readable) {
        simdjson::ondemand::document doc;
        std::string_view text, cluster, title, id_text;
        simdjson::ondemand::value id_value;
        simdjson::ondemand::json_type type;
        if (parser.iterate(line.data(), line.size(), readable).get(doc) ||
            doc.find_field_unordered("id").get(id_value) ||
            id_value.type().get(type)) {
          ++*bad_lines;
          return nd::Status::OK();
        }
        std::string id;
        if (type == simdjson::ondemand::json_type::string) {
          if (id_value.get_string().get(id_text)) {
            ++*bad_lines;
            return nd::Status::OK();
          }
          id = std::string(id_text);
        } else {
          id = std::string(simdjson::trim(id_value.raw_json_token()));
        }
        if (doc.find_field_unordered("text").get_string().get(text)) {
          ++*bad_lines;
          return nd::Status::OK();
        }
        std::string label;
        if (!doc.find_field_unordered("cluster").get_string().get(cluster)) {
          label = std::string(cluster);
        }
        std::string title_str;
        if (!doc.find_field_unordered("title").get_string().get(title)) {
          title_str = std::string(title);
        }
        corpus->ids.push_back(prefix + id);
        corpus->texts.emplace_back(text);
        corpus->titles.push_back(std::move(title_str));
        corpus->folder_of.push_back(folder);
        corpus->labels.push_back(std::move(label));
        ++count;
        return nd::Status::OK();
      });
  if (!status.ok()) return status;
  corpus->input_docs.push_back(count);
  return nd::Status::OK();
}

struct BCubed {
  size_t docs = 0;
  double precision = 0, recall = 0, f1 = 0;
};

// B-cubed over the documents with a label in folder `folder`, with predicted
// clusters restricted to those documents, by neardup::eval::evaluate(). The
// documents are named by their index, as prefixed ids need not be unique.
BCubed bcubed(const Corpus& corpus, uint32_t folder,
              const std::vector<neardup::StoryAssignment>& clusters) {
  neardup::eval::Labels truth, predicted;
  for (size_t d = 0; d < corpus.ids.size(); ++d) {
    if (corpus.folder_of[d] != folder || corpus.labels[d].empty()) continue;
    const std::string name = std::to_string(d);
    for (neardup::eval::Labels* labels : {&truth, &predicted}) {
      labels->index.emplace(name, labels->ids.size());
      labels->ids.push_back(name);
    }
    truth.clusters.push_back(corpus.labels[d]);
    predicted.clusters.push_back(std::to_string(clusters[d].representative));
  }
  BCubed r;
  r.docs = truth.ids.size();
  if (r.docs == 0) return r;
  // Every truth id has a prediction, so evaluate() cannot fail.
  const neardup::eval::Scores scores =
      neardup::eval::evaluate(predicted, truth).value();
  r.precision = scores.bcubed_precision;
  r.recall = scores.bcubed_recall;
  r.f1 = scores.bcubed_f1;
  return r;
}

// Process CPU time (all threads), seconds.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// Runs fn(thread, begin, end) on `threads` contiguous ranges of [0, n).
template <typename Fn>
void run_ranges(size_t n, int threads, Fn fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    const size_t begin = n * t / threads, end = n * (t + 1) / threads;
    pool.emplace_back([=, &fn] { fn(t, begin, end); });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measure story-mode clustering on JSONL files"};
  std::vector<std::string> inputs;
  std::string output, truth_dir, model_out, model_in;
  neardup::StoryOptions options;
  int threads = 1;
  int repeat = 1;
  bool with_title = false;
  int show_largest = 0;
  bool diagnose = false;
  std::vector<double> sweep;
  std::vector<std::string> explain;
  app.add_option("inputs", inputs, "JSONL inputs (.gz/.zst decompressed)")
      ->required();
  app.add_option("-o,--output", output, "Clusters JSONL to write");
  app.add_option("--truth-dir", truth_dir,
                 "Write <folder>_truth.jsonl for each labelled folder here");
  app.add_option("--save-idf", model_out, "Save the IDF model here");
  app.add_option("--idf", model_in,
                 "Use this IDF model instead of counting the inputs");
  app.add_option("--terms", options.terms_per_doc, "Terms per fingerprint")
      ->capture_default_str();
  app.add_option("--max-df", options.max_df_fraction,
                 "Stop words: df above this share of documents")
      ->capture_default_str();
  app.add_option("--min-stop-df", options.min_stop_df,
                 "Stop words need a df above this too")
      ->capture_default_str();
  app.add_option("--min-df", options.min_df, "Terms below this df are skipped")
      ->capture_default_str();
  app.add_option("--threshold", options.min_similarity,
                 "Average-linkage threshold")
      ->capture_default_str();
  app.add_option("--edge", options.edge_similarity, "Edge cosine threshold")
      ->capture_default_str();
  app.add_option("--max-posting", options.max_posting,
                 "Skip index terms with more postings")
      ->capture_default_str();
  app.add_option("--max-edges", options.max_edges_per_doc,
                 "Edges kept per document")
      ->capture_default_str();
  app.add_option("--threads", threads, "Threads")->capture_default_str();
  app.add_option("--repeat", repeat,
                 "Run each stage this many times; report the fastest")
      ->capture_default_str();
  app.add_flag("--title", with_title,
               "Prepend the \"title\" field to the text (when the text does "
               "not start with it)");
  app.add_option("--show-largest", show_largest,
                 "Print the ids of the N largest clusters' first members");
  app.add_flag("--diagnose", diagnose,
               "Print cosine separability of the labels");
  app.add_option("--explain", explain,
                 "Print the fingerprint of this (prefixed) id as words");
  app.add_option("--sweep", sweep,
                 "Also cluster at these thresholds and print the scores");
  CLI11_PARSE(app, argc, argv);
  if (neardup::Status s = neardup::validate(options); !s.ok()) {
    std::cerr << s.to_string() << "\n";
    return kExitUsage;
  }
  if (threads < 1) threads = 1;
  if (repeat < 1) repeat = 1;

  // Read.
  auto start = std::chrono::steady_clock::now();
  Corpus corpus;
  uint64_t bad_lines = 0;
  for (const std::string& path : inputs) {
    if (neardup::Status s = read_input(path, &corpus, &bad_lines); !s.ok()) {
      std::cerr << s.to_string() << "\n";
      return kExitRuntime;
    }
  }
  if (with_title) {
    for (size_t d = 0; d < corpus.texts.size(); ++d) {
      const std::string& title = corpus.titles[d];
      if (!title.empty() && corpus.texts[d].compare(0, title.size(), title)) {
        corpus.texts[d] = title + "\n" + corpus.texts[d];
      }
    }
  }
  const size_t n = corpus.texts.size();
  uint64_t total_bytes = 0;
  for (const auto& t : corpus.texts) total_bytes += t.size();
  const double read_s = seconds_since(start);
  std::printf(
      "# story study\n\n%zu documents (%.0f bytes of text each on "
      "average), %llu bad lines, read in %.2f s\n",
      n, n ? static_cast<double>(total_bytes) / n : 0.0,
      static_cast<unsigned long long>(bad_lines), read_s);
  std::printf(
      "options: terms %d, max_df %.4g (floor %u), min_df %u, threshold %.3g, "
      "edge %.3g, max_posting %u, max_edges %u, threads %d%s\n\n",
      options.terms_per_doc, options.max_df_fraction, options.min_stop_df,
      options.min_df, options.min_similarity, options.edge_similarity,
      options.max_posting, options.max_edges_per_doc, threads,
      with_title ? ", with titles" : "");

  // Pass 1: document frequencies.
  double df_s = 0, df_cpu = 0;
  neardup::IdfModel model;
  uint64_t invalid_utf8 = 0;
  if (model_in.empty()) {
    size_t distinct_terms = 0;
    for (int rep = 0; rep < repeat; ++rep) {
      start = std::chrono::steady_clock::now();
      const double cpu0 = cpu_seconds();
      std::vector<neardup::DocFrequencyCounter> counters(threads);
      std::vector<uint64_t> bad(threads, 0);
      run_ranges(n, threads, [&](int t, size_t begin, size_t end) {
        neardup::TermHasher hasher;
        std::vector<uint64_t> terms;
        for (size_t d = begin; d < end; ++d) {
          terms.clear();
          if (!hasher.hash_terms(corpus.texts[d], &terms).ok()) ++bad[t];
          counters[t].add_document(terms);
        }
      });
      for (int t = 1; t < threads; ++t) counters[0].merge(counters[t]);
      invalid_utf8 = 0;
      for (int t = 0; t < threads; ++t) invalid_utf8 += bad[t];
      model = counters[0].finish(options.min_df > 1 ? options.min_df : 1);
      const double wall = seconds_since(start), cpu = cpu_seconds() - cpu0;
      if (rep == 0 || wall < df_s) df_s = wall, df_cpu = cpu;
      distinct_terms = counters[0].num_terms();
    }
    std::printf("document frequencies: %zu distinct terms counted, %zu kept\n",
                distinct_terms, model.num_terms());
  } else {
    neardup::Result<neardup::IdfModel> loaded =
        neardup::IdfModel::load(model_in);
    if (!loaded.ok()) {
      std::cerr << loaded.status().to_string() << "\n";
      return kExitRuntime;
    }
    model = std::move(loaded).value();
    std::printf("IDF model %s: %llu documents, %zu terms\n", model_in.c_str(),
                static_cast<unsigned long long>(model.num_docs()),
                model.num_terms());
  }
  if (!model_out.empty()) {
    if (neardup::Status s = model.save(model_out); !s.ok()) {
      std::cerr << s.to_string() << "\n";
      return kExitRuntime;
    }
  }

  // Pass 2: fingerprints, per range, appended in range order.
  neardup::StoryFingerprints fingerprints;
  uint64_t empty_fingerprints = 0, fingerprint_terms = 0;
  double fp_s = 0, fp_cpu = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    start = std::chrono::steady_clock::now();
    const double cpu0 = cpu_seconds();
    std::vector<std::vector<neardup::StoryTerm>> range_terms(threads);
    std::vector<std::vector<uint32_t>> range_sizes(threads);
    run_ranges(n, threads, [&](int t, size_t begin, size_t end) {
      neardup::StoryFingerprinter fingerprinter(&model, options);
      range_terms[t].reserve((end - begin) * options.terms_per_doc);
      range_sizes[t].reserve(end - begin);
      for (size_t d = begin; d < end; ++d) {
        const size_t before = range_terms[t].size();
        (void)fingerprinter.fingerprint(corpus.texts[d], &range_terms[t]);
        range_sizes[t].push_back(
            static_cast<uint32_t>(range_terms[t].size() - before));
      }
    });
    fingerprints = neardup::StoryFingerprints();
    empty_fingerprints = fingerprint_terms = 0;
    for (int t = 0; t < threads; ++t) {
      size_t at = 0;
      for (const uint32_t size : range_sizes[t]) {
        fingerprints.append(std::span<const neardup::StoryTerm>(range_terms[t])
                                .subspan(at, size));
        at += size;
        empty_fingerprints += size == 0;
        fingerprint_terms += size;
      }
    }
    const double wall = seconds_since(start), cpu = cpu_seconds() - cpu0;
    if (rep == 0 || wall < fp_s) fp_s = wall, fp_cpu = cpu;
  }

  // Clustering.
  neardup::StoryParallelFor parallel_for;
  if (threads > 1) {
    parallel_for = [threads](size_t num_tasks,
                             const std::function<void(size_t)>& body) {
      std::atomic<size_t> next{0};
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
          for (size_t task; (task = next++) < num_tasks;) body(task);
        });
      }
      for (auto& th : pool) th.join();
    };
  }
  for (const double extra : sweep) {
    neardup::StoryOptions o = options;
    o.min_similarity = extra;
    o.edge_similarity = std::min(o.edge_similarity, extra);
    neardup::Result<std::vector<neardup::StoryAssignment>> c =
        neardup::cluster_stories(fingerprints, o, parallel_for, nullptr);
    std::printf("sweep %.3f:", extra);
    for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
      const BCubed b = bcubed(corpus, f, *c);
      if (b.docs < 10) continue;
      std::printf(" %s P %.3f R %.3f F1 %.4f;", corpus.folders[f].c_str(),
                  b.precision, b.recall, b.f1);
    }
    std::printf("\n");
  }
  neardup::StoryClusterStats stats;
  neardup::Result<std::vector<neardup::StoryAssignment>> clustered =
      std::vector<neardup::StoryAssignment>{};
  double cluster_s = 0, cluster_cpu = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    start = std::chrono::steady_clock::now();
    const double cpu0 = cpu_seconds();
    neardup::StoryClusterStats run_stats;
    clustered = neardup::cluster_stories(fingerprints, options, parallel_for,
                                         &run_stats);
    if (!clustered.ok()) {
      std::cerr << clustered.status().to_string() << "\n";
      return kExitRuntime;
    }
    const double wall = seconds_since(start), cpu = cpu_seconds() - cpu0;
    if (rep == 0 || wall < cluster_s) {
      cluster_s = wall, cluster_cpu = cpu, stats = run_stats;
    }
  }
  const std::vector<neardup::StoryAssignment>& clusters = *clustered;

  std::printf("fingerprints: %.1f terms on average, %llu empty\n",
              n ? static_cast<double>(fingerprint_terms) / n : 0.0,
              static_cast<unsigned long long>(empty_fingerprints));
  std::printf(
      "index: %llu prefix terms, %llu skipped terms; %llu candidate "
      "pairs, %llu similar pairs\n",
      static_cast<unsigned long long>(stats.indexed_terms),
      static_cast<unsigned long long>(stats.skipped_postings),
      static_cast<unsigned long long>(stats.candidate_pairs),
      static_cast<unsigned long long>(stats.similar_pairs));
  std::printf(
      "clustering steps: index %.3f s, scores %.3f s, linkage and "
      "representatives %.3f s\n",
      stats.index_seconds, stats.score_seconds, stats.linkage_seconds);
  std::printf("clusters: %llu, largest %llu\n",
              static_cast<unsigned long long>(stats.clusters),
              static_cast<unsigned long long>(stats.largest_cluster));
  if (invalid_utf8 > 0) {
    std::printf("invalid UTF-8: %llu documents (empty fingerprints)\n",
                static_cast<unsigned long long>(invalid_utf8));
  }

  // Cluster sizes.
  std::vector<uint32_t> size_of(n, 0);
  for (size_t d = 0; d < n; ++d) ++size_of[clusters[d].representative];
  std::map<uint32_t, uint64_t> histogram;
  for (size_t d = 0; d < n; ++d) {
    if (size_of[d] > 0) ++histogram[size_of[d]];
  }
  std::printf("cluster sizes (size:count):");
  for (const auto& [size, count] : histogram) {
    std::printf(" %u:%llu", size, static_cast<unsigned long long>(count));
  }
  std::printf("\n");
  if (show_largest > 0) {
    std::vector<neardup::DocId> reps;
    for (size_t d = 0; d < n; ++d) {
      if (size_of[d] > 1) reps.push_back(static_cast<neardup::DocId>(d));
    }
    std::stable_sort(reps.begin(), reps.end(),
                     [&](auto a, auto b) { return size_of[a] > size_of[b]; });
    for (int i = 0; i < show_largest && i < static_cast<int>(reps.size());
         ++i) {
      std::printf("  cluster of %u around %s: \"%.80s\"\n", size_of[reps[i]],
                  corpus.ids[reps[i]].c_str(),
                  corpus.titles[reps[i]].empty()
                      ? corpus.texts[reps[i]].c_str()
                      : corpus.titles[reps[i]].c_str());
    }
  }

  // Quality per labelled folder.
  std::printf(
      "\n| folder | labelled docs | B-cubed P | B-cubed R | F1 |\n"
      "|---|---:|---:|---:|---:|\n");
  for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
    const BCubed b = bcubed(corpus, f, clusters);
    if (b.docs == 0) continue;
    std::printf("| %s | %zu | %.4f | %.4f | %.4f |\n",
                corpus.folders[f].c_str(), b.docs, b.precision, b.recall, b.f1);
  }
  if (diagnose) {
    // Separability of the labels by cosine: per threshold, the share of
    // same-label pairs at or above it, and the number of other pairs.
    const double kCuts[] = {0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6};
    for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
      std::vector<neardup::DocId> docs;
      for (size_t d = 0; d < n; ++d) {
        if (corpus.folder_of[d] == f && !corpus.labels[d].empty()) {
          docs.push_back(static_cast<neardup::DocId>(d));
        }
      }
      if (docs.size() < 2) continue;
      uint64_t same = 0, other = 0;
      std::vector<uint64_t> same_at(std::size(kCuts), 0),
          other_at(std::size(kCuts), 0);
      for (size_t i = 0; i < docs.size(); ++i) {
        for (size_t j = i + 1; j < docs.size(); ++j) {
          const double c = fingerprints.cosine(docs[i], docs[j]);
          const bool is_same = corpus.labels[docs[i]] == corpus.labels[docs[j]];
          (is_same ? same : other)++;
          for (size_t k = 0; k < std::size(kCuts); ++k) {
            if (c >= kCuts[k]) (is_same ? same_at : other_at)[k]++;
          }
        }
      }
      std::printf("%s pairs: %llu same-label, %llu other\n",
                  corpus.folders[f].c_str(),
                  static_cast<unsigned long long>(same),
                  static_cast<unsigned long long>(other));
      for (size_t k = 0; k < std::size(kCuts); ++k) {
        std::printf(
            "  cosine >= %.2f: %.3f of same-label pairs, %llu other "
            "pairs\n",
            kCuts[k], same ? double(same_at[k]) / same : 0.0,
            static_cast<unsigned long long>(other_at[k]));
      }
    }
  }
  if (diagnose) {
    // Predicted clusters that mix labels of one folder.
    for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
      std::map<neardup::DocId, std::map<std::string, int>> mixed;
      for (size_t d = 0; d < n; ++d) {
        if (corpus.folder_of[d] == f && !corpus.labels[d].empty()) {
          ++mixed[clusters[d].representative][corpus.labels[d]];
        }
      }
      for (const auto& [rep, labels] : mixed) {
        if (labels.size() < 2) continue;
        std::printf("%s mixed cluster %s (size %u):", corpus.folders[f].c_str(),
                    corpus.ids[rep].c_str(), size_of[rep]);
        for (const auto& [label, count] : labels) {
          std::printf(" %s:%d", label.c_str(), count);
        }
        std::printf("\n");
      }
    }
  }
  if (diagnose) {
    // Truth clusters split over several predicted clusters.
    for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
      std::map<std::string, std::map<neardup::DocId, int>> split;
      for (size_t d = 0; d < n; ++d) {
        if (corpus.folder_of[d] == f && !corpus.labels[d].empty()) {
          ++split[corpus.labels[d]][clusters[d].representative];
        }
      }
      for (const auto& [label, parts] : split) {
        if (parts.size() < 2) continue;
        std::printf("%s split %s:", corpus.folders[f].c_str(), label.c_str());
        for (const auto& [rep, count] : parts) {
          std::printf(" %d(%u)", count, size_of[rep]);
        }
        std::printf("\n");
      }
    }
  }
  for (const std::string& id : explain) {
    // The fingerprint's terms as words: each token of the normalized text is
    // hashed alone to find which term hash it is.
    size_t d = 0;
    while (d < n && corpus.ids[d] != id) ++d;
    if (d == n) {
      std::printf("explain: no document %s\n", id.c_str());
      continue;
    }
    std::string normalized;
    if (!neardup::normalize_text(corpus.texts[d], &normalized).ok()) continue;
    std::vector<std::string_view> tokens;
    neardup::tokenize(normalized, &tokens);
    neardup::TermHasher hasher;
    std::map<uint64_t, std::string> words;
    std::vector<uint64_t> h;
    for (const std::string_view token : tokens) {
      h.clear();
      if (hasher.hash_terms(token, &h).ok() && h.size() == 1) {
        words.emplace(h[0], std::string(token));
      }
    }
    std::vector<std::pair<float, std::string>> shown;
    const auto terms = fingerprints.terms(static_cast<neardup::DocId>(d));
    const auto weights = fingerprints.weights(static_cast<neardup::DocId>(d));
    for (size_t i = 0; i < terms.size(); ++i) {
      shown.emplace_back(
          -weights[i],
          words[terms[i]] + "(df " + std::to_string(model.df(terms[i])) + ")");
    }
    std::sort(shown.begin(), shown.end());
    std::printf("explain %s -> cluster %s:", id.c_str(),
                corpus.ids[clusters[d].representative].c_str());
    for (const auto& [w, word] : shown)
      std::printf(" %s %.2f", word.c_str(), -w);
    std::printf("\n");
  }
  // The seeds' clusters, in full.
  for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
    if (corpus.folders[f] != "seeds") continue;
    std::map<neardup::DocId, std::vector<size_t>> members;
    for (size_t d = 0; d < n; ++d) {
      if (corpus.folder_of[d] == f) members[clusters[d].representative];
    }
    for (size_t d = 0; d < n; ++d) {
      auto it = members.find(clusters[d].representative);
      if (it != members.end()) it->second.push_back(d);
    }
    std::printf("\nseeds' clusters:\n");
    for (const auto& [rep, docs] : members) {
      std::printf("  %s (%zu):", corpus.ids[rep].c_str(), docs.size());
      for (const size_t d : docs) {
        std::printf(" %s(%.2f)", corpus.ids[d].c_str(), clusters[d].similarity);
      }
      std::printf("\n");
    }
  }

  // Time per document per stage: wall clock, and CPU time of all threads.
  const double us = 1e6 / (n ? static_cast<double>(n) : 1.0);
  const double total_s = df_s + fp_s + cluster_s;
  std::printf(
      "\n| stage | wall s | wall us/doc | CPU us/doc |\n"
      "|---|---:|---:|---:|\n");
  std::printf("| read + parse (tool, not optimized) | %.3f | %.2f | |\n",
              read_s, read_s * us);
  std::printf(
      "| document frequencies (hash terms, count, merge) | %.3f | "
      "%.2f | %.2f |\n",
      df_s, df_s * us, df_cpu * us);
  std::printf(
      "| fingerprints (hash terms, TF-IDF, top-k) | %.3f | %.2f | "
      "%.2f |\n",
      fp_s, fp_s * us, fp_cpu * us);
  std::printf(
      "| clustering (index, scores, average linkage) | %.3f | %.2f | "
      "%.2f |\n",
      cluster_s, cluster_s * us, cluster_cpu * us);
  std::printf("| all story stages | %.3f | %.2f | %.2f |\n", total_s,
              total_s * us, (df_cpu + fp_cpu + cluster_cpu) * us);
  std::printf(
      "\nthroughput of the story stages: %.2f M docs/min on %d "
      "thread(s)\n",
      total_s > 0 ? n / total_s * 60 / 1e6 : 0.0, threads);

  // Outputs.
  if (!output.empty()) {
    std::ofstream out(output, std::ios::binary);
    std::string line;
    for (size_t d = 0; d < n; ++d) {
      line = "{\"id\": \"";
      neardup::internal::append_json_escaped(corpus.ids[d], &line);
      line += "\", \"cluster\": \"";
      neardup::internal::append_json_escaped(
          corpus.ids[clusters[d].representative], &line);
      char buf[48];
      std::snprintf(buf, sizeof(buf), "\", \"similarity\": %.4f}\n",
                    clusters[d].similarity);
      line += buf;
      out << line;
    }
    if (!out) {
      std::cerr << output << ": write failed\n";
      return kExitRuntime;
    }
  }
  if (!truth_dir.empty()) {
    for (uint32_t f = 0; f < corpus.folders.size(); ++f) {
      std::string body;
      for (size_t d = 0; d < n; ++d) {
        if (corpus.folder_of[d] != f || corpus.labels[d].empty()) continue;
        body += "{\"id\": \"";
        neardup::internal::append_json_escaped(corpus.ids[d], &body);
        body += "\", \"cluster\": \"";
        neardup::internal::append_json_escaped(corpus.labels[d], &body);
        body += "\"}\n";
      }
      if (body.empty()) continue;
      std::ofstream out(truth_dir + "/" + corpus.folders[f] + "_truth.jsonl",
                        std::ios::binary);
      out << body;
    }
  }
  return 0;
}
