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

// An open-addressing set of ids, kept as (hash, document) slots: 12 bytes a
// slot, at most 80% full. The texts stay with the caller, which compares
// them when two hashes are equal, so a hash collision never merges two ids.
// Not thread-safe.
class IdTable {
 public:
  // The text of the id of document `doc`, an earlier add().
  using IdText = std::function<std::string_view(DocId doc)>;

  // If an earlier document has the id `id` (of hash `hash`), returns it and
  // adds nothing; otherwise records `doc` and returns `doc`.
  DocId find_or_add(uint64_t hash, std::string_view id, DocId doc,
                    const IdText& id_of);

  // Frees the table.
  void clear();

 private:
  void grow();

  std::vector<uint64_t> hashes_;
  std::vector<DocId> docs_;  // kEmpty: an empty slot
  size_t size_ = 0;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_ID_TABLE_H_
