//===- CompileOptions.cpp - What `nncc compile` is asked to do ------------===//
#include "nncc/Driver/CompileOptions.h"

#include "nncc/Target/TargetChip.h"

int64_t nncc::driver::resolveWeightBits(const CompileOptions &options,
                                        const target::TargetChip &chip) {
  return options.weightBits > 0 ? options.weightBits : chip.array.weightBits;
}
