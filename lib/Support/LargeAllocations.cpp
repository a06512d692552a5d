//===- LargeAllocations.cpp - Global operator new with huge-page advice ---===//
//
// Linked into the nncc and nncc-opt executables (the NNCCLargeAllocations
// object library), not into the libraries: a process decides its allocation
// policy.  Every plain C++ allocation still comes from malloc and goes back
// through the default operator delete (free); blocks of 4 MiB and more are
// also advised huge pages (HugePages.h says why).  The nothrow and array
// forms of libstdc++ and libc++ call these; aligned allocations keep their
// default (llvm's large buffers are plain).
//
//===----------------------------------------------------------------------===//
#include "nncc/Support/HugePages.h"

#include <cstdlib>
#include <new>

namespace {
void *allocate(std::size_t size) {
  for (;;) {
    if (void *p = std::malloc(size ? size : 1)) {
      nncc::adviseHugePages(p, size);
      return p;
    }
    // As the standard's operator new: the new-handler may free memory.
    std::new_handler handler = std::get_new_handler();
    if (!handler)
      throw std::bad_alloc();
    handler();
  }
}
} // namespace

void *operator new(std::size_t size) { return allocate(size); }
void *operator new[](std::size_t size) { return allocate(size); }
