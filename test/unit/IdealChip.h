//===- IdealChip.h - A chip description with no non-ideality ----*- C++ -*-===//
#ifndef NNCC_TEST_UNIT_IDEALCHIP_H
#define NNCC_TEST_UNIT_IDEALCHIP_H

#include "nncc/Target/TargetChip.h"

#include <cstdint>

namespace nncc {

/// An ideal chip of `rows` x `cols` arrays: every statistic 0, g_min 0,
/// level spacing 1 uS, all rows read at once, one cycle per input, a
/// 20-bit ADC per column.  Tests set the one effect they validate.
inline target::TargetChip idealChip(int64_t rows, int64_t cols, int64_t levels,
                                    int64_t inputBits) {
  target::TargetChip chip;
  chip.name = "ideal";
  chip.technology = {22e-9, 0.8, 1e9};
  chip.device.levels = levels;
  chip.device.gMin = 0;
  chip.device.gMax = 1e-6 * static_cast<double>(levels - 1);
  chip.device.readVoltage = 0.2;
  chip.device.readPulse = 10e-9;
  chip.device.programming.maxIterations = 1;
  chip.device.programming.parallelCells = 1;
  chip.device.programming.tolerance = 0.5;
  chip.device.statistics.drift.t0 = 20;
  chip.array.rows = rows;
  chip.array.cols = cols;
  chip.array.rowsInParallel = rows;
  chip.periphery.adcBits = 20;
  chip.periphery.columnsPerAdc = 1;
  chip.periphery.inputBits = inputBits;
  chip.periphery.dacBits = inputBits;
  chip.core.arrays = 1;
  chip.chip.cores = 1;
  chip.chip.interconnect.width = 1;
  chip.chip.interconnect.height = 1;
  chip.chip.interconnect.linkBandwidth = 1e9;
  return chip;
}

} // namespace nncc

#endif // NNCC_TEST_UNIT_IDEALCHIP_H
