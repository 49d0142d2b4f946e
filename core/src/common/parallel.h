// Parallel loops for the stages outside the pipeline (the index), so that
// they need not know the thread library.

#ifndef NEARDUP_SRC_COMMON_PARALLEL_H_
#define NEARDUP_SRC_COMMON_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace neardup::internal {

// Calls fn(begin, end) over disjoint ranges covering [0, n), of about
// `grain` items, on up to `threads` threads (0: all hardware threads), and
// returns when all calls have. fn must be safe to call concurrently.
void parallel_ranges(size_t n, size_t grain, int threads,
                     const std::function<void(size_t, size_t)>& fn);

// The number of threads parallel_ranges() uses for `threads`.
int thread_count(int threads);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_COMMON_PARALLEL_H_
