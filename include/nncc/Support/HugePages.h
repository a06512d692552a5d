//===- HugePages.h - Transparent huge pages for large buffers ---*- C++ -*-===//
//
// nncc's large buffers (an ONNX file's initializers, the weight matrices,
// the cell levels and the program's bytecode) are written front to back
// right after they are allocated, so with 4-KiB pages each costs a page
// fault per 4 KiB: VGG-8's 52 MB of weights and their copies make ~46,000
// faults, a fifth of its compile on a virtual machine.  Linux distributions
// set transparent huge pages to `madvise`; advising the whole 2-MiB pages of
// a large block makes one fault per 2 MiB.  The tools opt in for every
// large C++ allocation by linking NNCCLargeAllocations (LargeAllocations.cpp,
// a global operator new); libraries only provide the advice.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_HUGEPAGES_H
#define NNCC_SUPPORT_HUGEPAGES_H

#include <cstddef>
#include <cstdint>
#include <utility>

namespace nncc {

/// Huge page size advised (x86-64 and AArch64 with 4-KiB base pages).
inline constexpr std::size_t kHugePageBytes = std::size_t(2) << 20;
/// Blocks from this size on are advised: smaller ones hold at most one
/// whole huge page, and their first page is usually already touched by
/// the allocator's header.
inline constexpr std::size_t kHugePageAdviceMinBytes = std::size_t(4) << 20;

/// The whole huge pages inside [begin, begin + size) as [first, last); empty
/// (first == last) when there are none.
std::pair<std::uintptr_t, std::uintptr_t> wholeHugePages(std::uintptr_t begin,
                                                         std::size_t size);

/// Advises transparent huge pages for the whole huge pages of the block at
/// `p` when it is at least kHugePageAdviceMinBytes long.  Only advice: a
/// kernel without THP, or a failing call, leaves the block as it was.
void adviseHugePages(void *p, std::size_t size);

} // namespace nncc

#endif // NNCC_SUPPORT_HUGEPAGES_H
