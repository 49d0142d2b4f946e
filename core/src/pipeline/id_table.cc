#include "pipeline/id_table.h"

#include <xxhash.h>

namespace neardup::internal {

namespace {

// Id hashes are compared within one run only; the seed keeps them apart
// from the shingle hashes.
constexpr uint64_t kIdSeed = 0x6964'7461'626c'6531ULL;
constexpr DocId kEmpty = ~DocId{0};
constexpr size_t kFirstSlots = size_t{1} << 12;

}  // namespace

uint64_t id_hash(std::string_view id) {
  return XXH3_64bits_withSeed(id.data(), id.size(), kIdSeed);
}

DocId IdTable::find_or_add(uint64_t hash, std::string_view id, DocId doc,
                           const IdText& id_of) {
  if ((size_ + 1) * 5 > hashes_.size() * 4) grow();
  const size_t mask = hashes_.size() - 1;
  size_t slot = hash & mask;
  while (docs_[slot] != kEmpty) {
    if (hashes_[slot] == hash && id_of(docs_[slot]) == id) return docs_[slot];
    slot = (slot + 1) & mask;
  }
  hashes_[slot] = hash;
  docs_[slot] = doc;
  ++size_;
  return doc;
}

void IdTable::grow() {
  const size_t slots = hashes_.empty() ? kFirstSlots : hashes_.size() * 2;
  std::vector<uint64_t> hashes(slots);
  std::vector<DocId> docs(slots, kEmpty);
  const size_t mask = slots - 1;
  for (size_t i = 0; i < hashes_.size(); ++i) {
    if (docs_[i] == kEmpty) continue;
    size_t slot = hashes_[i] & mask;
    while (docs[slot] != kEmpty) slot = (slot + 1) & mask;
    hashes[slot] = hashes_[i];
    docs[slot] = docs_[i];
  }
  hashes_ = std::move(hashes);
  docs_ = std::move(docs);
}

void IdTable::clear() {
  std::vector<uint64_t>().swap(hashes_);
  std::vector<DocId>().swap(docs_);
  size_ = 0;
}

}  // namespace neardup::internal
