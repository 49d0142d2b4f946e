#include "common/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace neardup::internal {

int thread_count(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

void parallel_ranges(size_t n, size_t grain, int threads,
                     const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  const int t = thread_count(threads);
  if (t == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  tbb::task_arena arena(t);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, n, grain),
        [&](const tbb::blocked_range<size_t>& r) { fn(r.begin(), r.end()); });
  });
}

}  // namespace neardup::internal
