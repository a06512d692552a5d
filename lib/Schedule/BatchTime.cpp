//===- BatchTime.cpp - Time per inference for a batch of inputs -----------===//
#include "nncc/Schedule/BatchTime.h"

#include <map>

using namespace nncc;

BatchProgramming
nncc::programmingPerBatch(const ExecutionSchedule &execution,
                          const ProgrammingSchedule &programming) {
  BatchProgramming batch;
  if (execution.groups.size() < 2)
    return batch;
  std::map<int64_t, const GroupProgramming *> programmingOf;
  for (const GroupProgramming &g : programming.groups)
    programmingOf[g.id] = &g;
  for (const GroupExecution &g : execution.groups)
    if (auto it = programmingOf.find(g.group); it != programmingOf.end()) {
      batch.time += it->second->time;
      batch.energy += it->second->energy;
    }
  return batch;
}

double nncc::timePerInference(const ExecutionSchedule &execution,
                              const ProgrammingSchedule &programming,
                              double batch) {
  double latency = execution.latency;
  if (execution.groups.size() > 1) {
    latency = 0;
    for (const GroupExecution &g : execution.groups)
      latency += g.latency;
  }
  const double programmingTime =
      programmingPerBatch(execution, programming).time;
  return (programmingTime + latency +
          (batch - 1) * execution.intervalPerInference()) /
         batch;
}
