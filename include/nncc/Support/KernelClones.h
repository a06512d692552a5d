//===- KernelClones.h - Hot loops compiled for more than one ISA -*- C++
//-*-===//
//
// The libraries are built for the baseline x86-64 ISA so that the binaries
// run anywhere; NNCC_KERNEL on a hot elementwise loop adds AVX-512 and AVX2
// clones that the loader picks where the CPU has them (x86-64 ELF, GCC or
// Clang).  The AVX-512 clone may use FMA (GCC's target_clones enables it),
// and the compilers' default contracts a multiply and an add into one
// rounding: a kernel that does floating-point multiply-adds must be
// compiled with -ffp-contract=off (the simulator's files are) or not be
// cloned, so that every clone gives the baseline's bits.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_KERNELCLONES_H
#define NNCC_SUPPORT_KERNELCLONES_H

#if defined(__x86_64__) && defined(__linux__) &&                               \
    (defined(__GNUC__) || defined(__clang__))
#define NNCC_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NNCC_KERNEL
#endif

#endif // NNCC_SUPPORT_KERNELCLONES_H
