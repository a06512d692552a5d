//===- KernelClones.h - Hot loops compiled for more than one ISA -*- C++ -*-===//
//
// The libraries are built for the baseline x86-64 ISA so that the binaries
// run anywhere; NNCC_KERNEL on a hot elementwise loop adds an AVX2 clone
// that the loader picks where the CPU has it (x86-64 ELF, GCC or Clang).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_KERNELCLONES_H
#define NNCC_SUPPORT_KERNELCLONES_H

#if defined(__x86_64__) && defined(__linux__) &&                               \
    (defined(__GNUC__) || defined(__clang__))
#define NNCC_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define NNCC_KERNEL
#endif

#endif // NNCC_SUPPORT_KERNELCLONES_H
