//===- Limits.h - Size limits shared by every stage -------------*- C++ -*-===//
#ifndef NNCC_SUPPORT_LIMITS_H
#define NNCC_SUPPORT_LIMITS_H

#include <cstdint>

namespace nncc {

/// Largest tensor (in elements) and largest single dimension nncc accepts.
/// Checked on declared shapes, attributes and every inferred result shape, so
/// a corrupt or malicious model is rejected before anything is allocated and
/// no shape arithmetic can overflow int64.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 31;

/// Most arrays one compile maps a model onto (tiles after partitioning,
/// replicas included).  Every later stage (placement, the schedules,
/// programming.json, mapped.mlir) costs time and memory per array: LeNet-5
/// on 2x2 arrays, 262,144 of them, took 22 s and 1 GB on the 2-core CI
/// machine, so this keeps a compile near 10 s and 500 MB whatever the chip
/// declares.  An assumption, chosen with room to spare: ISAAC (Shafiee et
/// al., ISCA 2016) has 16,128 crossbars, the most of any bundled target;
/// ResNet-50 at 8-bit weights on 128x128 1-bit cells with differential
/// columns needs ~25,000 arrays.  Partitioning refuses a mapping beyond
/// it; replication stops at it.
inline constexpr int64_t kMaxMappedArrays = int64_t{1} << 17;

} // namespace nncc

#endif // NNCC_SUPPORT_LIMITS_H
