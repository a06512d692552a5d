//===- HugePagesTest.cpp - Huge-page advice for large blocks
//---------------===//
#include "nncc/Support/HugePages.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/mman.h>

using namespace nncc;

namespace {
constexpr std::uintptr_t kMiB = 1 << 20;

/// The VmFlags of the mapping of /proc/self/smaps that holds `address`
/// ("" when there is no smaps or no such mapping).
std::string vmFlagsAt(std::uintptr_t address) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream head(line);
    // A mapping's first line: "begin-end perms offset dev inode path".
    if (head >> std::hex >> begin >> dash >> end && dash == '-' &&
        line.find(':') > line.find(' ')) {
      inside = begin <= address && address < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}
} // namespace

// The whole 2-MiB pages of a block, by hand.
TEST(HugePages, WholePagesOfABlock) {
  const std::uintptr_t base = 64 * kMiB; // 2-MiB aligned
  // Aligned both ends: all of it.
  EXPECT_EQ(wholeHugePages(base, 8 * kMiB), std::pair(base, base + 8 * kMiB));
  // Starting 16 bytes in and 8 MiB long: from the next boundary (base + 2)
  // to the last one below base + 8 MiB + 16 (base + 8): three pages.
  EXPECT_EQ(wholeHugePages(base + 16, 8 * kMiB),
            std::pair(base + 2 * kMiB, base + 8 * kMiB));
  // A block inside one huge page holds none of them whole.
  auto inside = wholeHugePages(base + 16, kMiB);
  EXPECT_EQ(inside.first, inside.second);
  // Straddling a boundary without covering a whole page: none.
  auto straddle = wholeHugePages(base + kMiB, 2 * kMiB);
  EXPECT_EQ(straddle.first, straddle.second);
}

// A large block's whole huge pages are advised (the kernel marks the range
// "hg" in its VmFlags); a small block is left alone.  The blocks are fresh
// anonymous mappings, not malloc's, whose heap may hold advised memory
// that an earlier test freed.
TEST(HugePages, LargeBlocksAreAdvised) {
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  if (!thp || vmFlagsAt(reinterpret_cast<std::uintptr_t>(&thp)).empty())
    GTEST_SKIP() << "no transparent huge pages or no /proc/self/smaps here";
  const std::size_t mapped = 32 * kMiB;
  void *region = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  const auto base = reinterpret_cast<std::uintptr_t>(region);

  // A 16-MiB block 16 bytes into the mapping, as malloc would place it.
  char *large = static_cast<char *>(region) + 16;
  auto [first, last] = wholeHugePages(base + 16, 16 * kMiB);
  ASSERT_LT(first, last);
  EXPECT_EQ(vmFlagsAt(first).find(" hg"), std::string::npos);
  adviseHugePages(large, 16 * kMiB);
  EXPECT_NE(vmFlagsAt(first).find(" hg"), std::string::npos)
      << vmFlagsAt(first);
  EXPECT_NE(vmFlagsAt(last - 1).find(" hg"), std::string::npos);
  // Only the whole huge pages: the partial one at the start is not.
  if (first > base + 16) {
    EXPECT_EQ(vmFlagsAt(base + 16).find(" hg"), std::string::npos);
  }

  // Below kHugePageAdviceMinBytes nothing is advised, though the block
  // holds a whole huge page.
  char *small = static_cast<char *>(region) + 24 * kMiB;
  const std::size_t smallSize = kHugePageAdviceMinBytes - 1;
  auto [smallFirst, smallLast] =
      wholeHugePages(reinterpret_cast<std::uintptr_t>(small), smallSize);
  ASSERT_LT(smallFirst, smallLast);
  adviseHugePages(small, smallSize);
  EXPECT_EQ(vmFlagsAt(smallFirst).find(" hg"), std::string::npos);
  ::munmap(region, mapped);
}
