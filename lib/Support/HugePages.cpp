//===- HugePages.cpp - Transparent huge pages for large buffers -----------===//
#include "nncc/Support/HugePages.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

std::pair<std::uintptr_t, std::uintptr_t>
nncc::wholeHugePages(std::uintptr_t begin, std::size_t size) {
  const std::uintptr_t mask = ~std::uintptr_t(kHugePageBytes - 1);
  const std::uintptr_t first = (begin + kHugePageBytes - 1) & mask;
  const std::uintptr_t last = (begin + size) & mask;
  return last > first ? std::pair(first, last) : std::pair(first, first);
}

void nncc::adviseHugePages(void *p, std::size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (!p || size < kHugePageAdviceMinBytes)
    return;
  auto [first, last] =
      wholeHugePages(reinterpret_cast<std::uintptr_t>(p), size);
  if (last > first)
    (void)::madvise(reinterpret_cast<void *>(first), last - first,
                    MADV_HUGEPAGE);
#else
  (void)p;
  (void)size;
#endif
}
