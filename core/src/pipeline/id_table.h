// Finds documents whose id repeats an earlier document's id.

#ifndef NEARDUP_SRC_PIPELINE_ID_TABLE_H_
#define NEARDUP_SRC_PIPELINE_ID_TABLE_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "neardup/types.h"

namespace neardup::internal {

// The 64-bit hash of an id's text: XXH3 with a fixed seed.
uint64_t id_hash(std::string_view id);

// An open-addressing set of ids (linear probing, at most 80% full), kept as
// 5-byte slots: the document and 8 bits of its id's hash (a tag). The texts
// stay with the caller, which is asked for one when a tag matches, so a hash
// collision never merges two ids, and when the table grows, which hashes
// the ids again instead of keeping 8 bytes of hash per slot: 6-13 bytes per
// id, against 15-30. Not thread-safe.
class IdTable {
 public:
  // The text of the id of document `doc`, an earlier add().
  using IdText = std::function<std::string_view(DocId doc)>;

  // If an earlier document has the id `id`, returns it and adds nothing;
  // otherwise records `doc` and returns `doc`. REQUIRES: hash == id_hash(id).
  DocId find_or_add(uint64_t hash, std::string_view id, DocId doc,
                    const IdText& id_of);

  // Frees the table.
  void clear();
  // Bytes of the slots.
  size_t bytes() const {
    return docs_.capacity() * sizeof(DocId) + tags_.capacity();
  }

 private:
  void grow(const IdText& id_of);

  std::vector<DocId> docs_;  // kEmpty: an empty slot
  std::vector<uint8_t> tags_;
  size_t size_ = 0;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_ID_TABLE_H_
