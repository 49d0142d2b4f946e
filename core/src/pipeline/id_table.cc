#include "pipeline/id_table.h"

#include <xxhash.h>

namespace neardup::internal {

namespace {

// Id hashes are compared within one run only; the seed keeps them apart
// from the shingle hashes.
constexpr uint64_t kIdSeed = 0x6964'7461'626c'6531ULL;
constexpr DocId kEmpty = ~DocId{0};
constexpr size_t kFirstSlots = size_t{1} << 12;

// The top bits, independent of the low ones that pick the slot.
uint8_t tag_of(uint64_t hash) { return static_cast<uint8_t>(hash >> 56); }

}  // namespace

uint64_t id_hash(std::string_view id) {
  return XXH3_64bits_withSeed(id.data(), id.size(), kIdSeed);
}

DocId IdTable::find_or_add(uint64_t hash, std::string_view id, DocId doc,
                           const IdText& id_of) {
  if ((size_ + 1) * 5 > docs_.size() * 4) grow(id_of);
  const size_t mask = docs_.size() - 1;
  const uint8_t tag = tag_of(hash);
  size_t slot = hash & mask;
  while (docs_[slot] != kEmpty) {
    if (tags_[slot] == tag && id_of(docs_[slot]) == id) return docs_[slot];
    slot = (slot + 1) & mask;
  }
  docs_[slot] = doc;
  tags_[slot] = tag;
  ++size_;
  return doc;
}

void IdTable::grow(const IdText& id_of) {
  const size_t slots = docs_.empty() ? kFirstSlots : docs_.size() * 2;
  std::vector<DocId> docs(slots, kEmpty);
  std::vector<uint8_t> tags(slots);
  const size_t mask = slots - 1;
  for (DocId held : docs_) {
    if (held == kEmpty) continue;
    const uint64_t hash = id_hash(id_of(held));
    size_t slot = hash & mask;
    while (docs[slot] != kEmpty) slot = (slot + 1) & mask;
    docs[slot] = held;
    tags[slot] = tag_of(hash);
  }
  docs_ = std::move(docs);
  tags_ = std::move(tags);
}

void IdTable::clear() {
  std::vector<DocId>().swap(docs_);
  std::vector<uint8_t>().swap(tags_);
  size_ = 0;
}

}  // namespace neardup::internal
