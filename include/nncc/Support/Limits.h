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

} // namespace nncc

#endif // NNCC_SUPPORT_LIMITS_H
