// Fuzzes the label readers of `neardup eval`: truth (TSV or JSONL), clusters
// (JSONL) and labelled pairs (TSV).
//
// Input: byte 0 picks the reader and its options; the rest is the file.
// Identities: the gzip and zstd copies of the file read the same; labels
// read are consistent (unique ids, the id index agrees), and scoring labels
// against themselves is perfect.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eval/eval.h"
#include "eval/pair_labels.h"
#include "fuzz_codecs.h"
#include "fuzz_util.h"

namespace neardup::fuzz {
namespace {

// A reader's answer as text: the status code or the labels read.
std::string describe(const Result<eval::Labels>& labels) {
  if (!labels.ok()) {
    return "error " + std::to_string(static_cast<int>(labels.status().code()));
  }
  std::string out;
  for (size_t i = 0; i < labels->ids.size(); ++i) {
    out += labels->ids[i] + "\t" + labels->clusters[i] + "\t" +
           (labels->kinds.empty() ? "-" : labels->kinds[i]) + "\n";
  }
  return out;
}

std::string describe(const Result<std::vector<eval::LabelledPair>>& pairs) {
  if (!pairs.ok()) {
    return "error " + std::to_string(static_cast<int>(pairs.status().code()));
  }
  std::string out;
  for (const eval::LabelledPair& p : *pairs) {
    out += p.id_a + "\t" + p.id_b + "\t" + (p.duplicate ? "d" : "n") + "\n";
  }
  return out;
}

void check_labels(const eval::Labels& labels) {
  NEARDUP_FUZZ_CHECK(labels.clusters.size() == labels.ids.size());
  NEARDUP_FUZZ_CHECK(labels.kinds.empty() ||
                     labels.kinds.size() == labels.ids.size());
  NEARDUP_FUZZ_CHECK(labels.index.size() == labels.ids.size());
  for (size_t i = 0; i < labels.ids.size(); ++i) {
    auto it = labels.index.find(labels.ids[i]);
    NEARDUP_FUZZ_CHECK(it != labels.index.end() && it->second == i);
  }
  Result<eval::Scores> self = eval::evaluate(labels, labels);
  NEARDUP_FUZZ_CHECK(self.ok());
  NEARDUP_FUZZ_CHECK(self->documents == labels.ids.size());
  NEARDUP_FUZZ_CHECK(self->pair_precision == 1 && self->pair_recall == 1);
  NEARDUP_FUZZ_CHECK(std::fabs(self->bcubed_precision - 1) < 1e-9 &&
                     std::fabs(self->bcubed_recall - 1) < 1e-9);
  NEARDUP_FUZZ_CHECK(self->predicted_only == 0);
  (void)eval::scores_to_json(*self);
}

}  // namespace
}  // namespace neardup::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace neardup;
  using namespace neardup::fuzz;
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::string_view file(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  const std::string dir = scratch_dir();
  const std::vector<std::string> paths = {
      dir + "/labels.txt", dir + "/labels.txt.gz", dir + "/labels.txt.zst"};
  write_file(paths[0], file);
  write_file(paths[1], gzip(file));
  write_file(paths[2], zstd(file));

  std::vector<std::string> answers;
  for (const std::string& path : paths) {
    switch (mode % 4) {
      case 0:
      case 1: {
        eval::TruthOptions options;
        options.require_kind = (mode & 1) != 0;
        if (mode & 4) options.group_field = "/group";
        if (mode & 8) options.kind_field = "/meta/kind";
        Result<eval::Labels> truth = eval::read_truth(path, options);
        if (truth.ok()) check_labels(*truth);
        answers.push_back(describe(truth));
        break;
      }
      case 2: {
        Result<eval::Labels> clusters = eval::read_clusters(path);
        if (clusters.ok()) check_labels(*clusters);
        answers.push_back(describe(clusters));
        break;
      }
      default: {
        const std::string corpus = (mode & 4) ? "reuters" : "";
        answers.push_back(describe(eval::read_pair_labels(path, corpus)));
        break;
      }
    }
  }
  // The plain file may itself be compressed data: then it reads as such.
  const bool looks_compressed =
      file.starts_with("\x1f\x8b") || file.starts_with("\x28\xb5\x2f\xfd");
  if (!looks_compressed) {
    NEARDUP_FUZZ_CHECK(answers[0] == answers[1]);
    NEARDUP_FUZZ_CHECK(answers[0] == answers[2]);
  }
  return 0;
}
