//===- BatchTime.h - Time per inference for a batch of inputs ---*- C++ -*-===//
//
// The one definition of what a batch costs per inference, used by
// mapping.txt and report.json alike.  With one program group the chip is
// programmed once, before any batch:
//   time(B) = latency + (B - 1) * interval
// With program groups (time multiplexing) it is reprogrammed for every
// batch, each group running the whole batch while resident:
//   time(B) = sum over groups [ programming(g) + latency(g) + (B - 1) * interval(g) ]
// Either way the time per inference is time(B) / B.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SCHEDULE_BATCHTIME_H
#define NNCC_SCHEDULE_BATCHTIME_H

#include "nncc/Schedule/ExecutionSchedule.h"
#include "nncc/Schedule/ProgrammingSchedule.h"

namespace nncc {

/// The batch sizes the reports state a time per inference for.
inline constexpr double kReportedBatches[] = {1, 100, 10000, 1000000};

/// Seconds per inference for a batch of `batch` inputs (formula above).
double timePerInference(const ExecutionSchedule &execution,
                        const ProgrammingSchedule &programming, double batch);

/// The programming time and energy of one batch of a time-multiplexed
/// mapping (every group's), or zero with one program group.
struct BatchProgramming {
  double time = 0, energy = 0;
};
BatchProgramming programmingPerBatch(const ExecutionSchedule &execution,
                                     const ProgrammingSchedule &programming);

} // namespace nncc

#endif // NNCC_SCHEDULE_BATCHTIME_H
