//===- Parallel.h - Chunked parallel loops over index ranges ----*- C++ -*-===//
//
// The loop shape the layer executors and the body ops share: a range cut
// into a few chunks per thread, each chunk big enough to be worth a task.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_RUNTIME_PARALLEL_H
#define NNCC_RUNTIME_PARALLEL_H

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cstdint>

namespace nncc::runtime {

/// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in
/// parallel when there are at least two chunks.  Chunks never overlap, so
/// `fn` may write its range.
template <typename Fn> void parallelChunks(int64_t n, int64_t grain, Fn &&fn) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t threads = static_cast<int64_t>(llvm::parallel::getThreadCount());
  if (threads <= 1 || n < 2 * grain) {
    fn(int64_t{0}, n);
    return;
  }
  // A few chunks per thread smooths out imbalance between chunks.
  int64_t chunks = std::min<int64_t>(n / grain, 4 * threads);
  int64_t chunkSize = (n + chunks - 1) / chunks;
  chunks = (n + chunkSize - 1) / chunkSize;
  llvm::parallelFor(0, static_cast<size_t>(chunks), [&](size_t c) {
    int64_t begin = static_cast<int64_t>(c) * chunkSize;
    fn(begin, std::min(n, begin + chunkSize));
  });
}

/// Items per parallel chunk so that a chunk does about 2^17 basic operations.
inline int64_t grainFor(int64_t workPerItem) {
  return std::max<int64_t>(1, (int64_t{1} << 17) /
                                  std::max<int64_t>(workPerItem, 1));
}

} // namespace nncc::runtime

#endif // NNCC_RUNTIME_PARALLEL_H
