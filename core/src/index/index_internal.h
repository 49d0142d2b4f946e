// Library-internal access to an Index: the pipeline adds and queries whole
// columns of sketches without building a Sketch per document.

#ifndef NEARDUP_SRC_INDEX_INDEX_INTERNAL_H_
#define NEARDUP_SRC_INDEX_INDEX_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "index/index_run.h"
#include "neardup/index.h"

namespace neardup::internal {

class IndexAccess {
 public:
  // Index::add_batch() of prepared columns (sketch_bytes per entry; empty
  // entries' bytes are ignored).
  static Status add_columns(Index* index, const EntryColumns& columns);
  // Index::query_batch() over n sketches given by row, in parallel.
  static void query_rows(
      const Index& index, size_t n,
      const std::function<std::span<const uint8_t>(size_t)>& sketch,
      const std::function<bool(size_t)>& empty, size_t limit,
      std::vector<std::vector<IndexMatch>>* matches);
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_INDEX_INDEX_INTERNAL_H_
