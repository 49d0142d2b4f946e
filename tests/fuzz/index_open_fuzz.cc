// Fuzzes Index::Open on a saved index directory (core/FORMAT.md section 10).
//
// Input: byte 0 holds flags, then the files separated by kSplit: MANIFEST,
// run-000001.ndr, run-000002.ndr, ... With flag bit 0 set the checksums are
// recomputed (and the MANIFEST's run sizes and checksums updated) before
// Open, so that mutations reach the structure behind them. Identity: an
// index that opens, saved to a new directory and reopened, has the same
// entries and answers the same queries.

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "neardup/index.h"
#include "neardup/sketch.h"

namespace neardup::fuzz {
namespace {

constexpr std::string_view kSplit = "NDUPFUZZ";

uint64_t load64(const std::string& s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
uint32_t load32(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
void store64(std::string* s, size_t at, uint64_t v) {
  std::memcpy(s->data() + at, &v, 8);
}

// Sets the trailing checksum of `file`; returns it.
uint64_t fix_checksum(std::string* file) {
  if (file->size() < 8) return 0;
  const uint64_t sum = XXH3_64bits(file->data(), file->size() - 8);
  store64(file, file->size() - 8, sum);
  return sum;
}

std::string run_name(size_t i) {
  std::string digits = std::to_string(i);
  return "run-" + std::string(6 - std::min<size_t>(6, digits.size()), '0') +
         digits + ".ndr";
}

// Points the MANIFEST's run entries at the runs given, as far as it parses.
void fix_manifest(std::string* m, const std::vector<std::string>& runs) {
  size_t pos = 12;
  if (m->size() < pos + 4) return;
  pos += 4 + load32(*m, pos);  // options block
  if (m->size() < pos + 4) return;
  const uint32_t count = load32(*m, pos);
  pos += 4;
  for (uint32_t r = 0; r < count; ++r) {
    if (m->size() < pos + 4) return;
    const uint32_t length = load32(*m, pos);
    pos += 4;
    if (m->size() - pos < uint64_t{length} + 24) return;
    const std::string name = m->substr(pos, length);
    pos += length;
    for (size_t i = 0; i < runs.size(); ++i) {
      if (name != run_name(i + 1)) continue;
      store64(m, pos + 8, runs[i].size());
      if (runs[i].size() >= 8)
        store64(m, pos + 16, load64(runs[i], runs[i].size() - 8));
    }
    pos += 24;
  }
}

void write_index(const std::string& dir, std::string_view body, bool fix) {
  std::vector<std::string> files;
  while (true) {
    const size_t at = body.find(kSplit);
    files.emplace_back(body.substr(0, at));
    if (at == std::string_view::npos || files.size() == 10) break;
    body.remove_prefix(at + kSplit.size());
  }
  std::vector<std::string> runs(files.begin() + 1, files.end());
  if (fix) {
    for (std::string& run : runs) fix_checksum(&run);
    fix_manifest(&files[0], runs);
    fix_checksum(&files[0]);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_file(dir + "/MANIFEST", files[0]);
  for (size_t i = 0; i < runs.size(); ++i) {
    write_file(dir + "/" + run_name(i + 1), runs[i]);
  }
}

// Everything a caller can see of the index, as text.
std::string describe(const Index& index) {
  std::string out;
  const IndexInfo info = index.info();
  out += std::to_string(info.entries) + " " +
         std::to_string(info.empty_entries) + " " +
         std::to_string(info.tables) + "\n";
  for (const IndexInfo::Source& s : info.sources) {
    out += s.name + " " + std::to_string(s.entries) + "\n";
  }
  for (uint64_t i = 0; i < index.size(); ++i) {
    out +=
        std::string(index.key(i)) + "\t" + std::string(index.source(i)) + "\n";
  }
  Result<std::unique_ptr<Sketcher>> sketcher =
      Sketcher::Create(index.options());
  if (!sketcher.ok()) return out + "no sketcher\n";
  std::vector<Sketch> queries;
  for (std::string_view text :
       {"", "Reuters",
        "The Bank of England said it provided the money market with 310 mln "
        "stg assistance in the afternoon session.",
        "\xE2\x80\x9C"
        "Caf\xC3\xA9\xE2\x80\x9D co\xC2\xADoperation Stra\xC3\x9F"
        "e",
        "Центральный банк России сохранил ключевую ставку"}) {
    Sketch sketch;
    if ((*sketcher)->sketch(text, &sketch).ok()) queries.push_back(sketch);
  }
  // Sketches that share bytes with stored ones: constant signatures.
  for (uint8_t byte : {0, 1, 255}) {
    if (queries.size() < 3) break;
    Sketch sketch = queries[2];
    sketch.empty = false;
    std::fill(sketch.signature.begin(), sketch.signature.end(), byte);
    std::fill(sketch.band_checks.begin(), sketch.band_checks.end(), byte);
    sketch.simhash = byte * 0x0101010101010101ULL;
    queries.push_back(sketch);
  }
  for (const Sketch& sketch : queries) {
    std::vector<IndexMatch> matches;
    const Status status = index.query(sketch, &matches);
    out += status.to_string() + ":";
    for (const IndexMatch& m : matches) {
      out += " " + std::to_string(m.entry) + "/" +
             std::to_string(m.similarity) + "/" + std::to_string(m.distance);
    }
    out += "\n";
  }
  return out;
}

}  // namespace
}  // namespace neardup::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace neardup;
  using namespace neardup::fuzz;
  if (size < 1) return 0;
  const std::string dir = scratch_dir() + "/index";
  const std::string copy = scratch_dir() + "/copy";
  write_index(
      dir, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
      (data[0] & 1) != 0);

  Result<std::unique_ptr<Index>> index = Index::Open(dir, nullptr);
  if (!index.ok()) return 0;
  const std::string before = describe(**index);
  std::filesystem::remove_all(copy);
  const Status saved = (*index)->save(copy);
  if (!saved.ok()) {
    std::fprintf(stderr, "%s\n", saved.to_string().c_str());
    identity_failed("an index that opens does not save");
  }
  const DedupOptions options = (*index)->options();
  Result<std::unique_ptr<Index>> reopened = Index::Open(copy, &options);
  if (!reopened.ok()) {
    std::fprintf(stderr, "%s\n", reopened.status().to_string().c_str());
    identity_failed("a saved index does not reopen");
  }
  NEARDUP_FUZZ_CHECK(describe(**reopened) == before);
  return 0;
}
