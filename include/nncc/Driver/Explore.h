//===- Explore.h - Sweeps over target and mapping parameters ----*- C++ -*-===//
//
// `nncc explore` (docs/explore.md): every combination of the swept values
// (target fields such as periphery.adc.bits, mapping knobs such as the
// signed-weight scheme) is compiled and simulated like
// `nncc compile --simulate`, and the points are written as JSON, CSV and an
// HTML page with the accuracy/cost Pareto fronts (ExploreReport.h).
//
// Deterministic: every point simulates its chips from the same seed (common
// random numbers, so two points differ by their settings, not by their
// draws), and the points' order is the sweep's, however they were computed.
// Resumable: each finished point is kept in the output directory
// (points/<key hash>.json, written whole or not at all), and a run with the
// same model, target, options and seed takes it from there instead of
// computing it again.  Under mpirun the ranks take points round-robin and
// rank 0 writes the outputs, byte-identical to a single process's.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_EXPLORE_H
#define NNCC_DRIVER_EXPLORE_H

#include "nncc/Driver/CompileOptions.h"
#include "nncc/Driver/MappingEvaluation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <string>
#include <vector>

namespace nncc::driver {

/// One swept parameter and its values, in the order given.
struct SweepAxis {
  /// A target field ("periphery.adc.bits"), a mapping knob ("scheme") or
  /// one layer's knob ("layer:/0/Conv:rows-in-parallel", as `--layer`).
  std::string key;
  std::vector<std::string> values;
  bool targetField = false;
};

/// The mapping knobs `--sweep` takes besides target fields, each named as
/// the `nncc compile` / `--simulate` option it sets.
llvm::ArrayRef<llvm::StringLiteral> mappingKnobs();

/// Parses `KEY=V1,V2,...` or `KEY=A..B` (integers A to B).  The key must be
/// a target field that holds one value, a mapping knob or a layer's knob;
/// a whole-network knob's values are checked here, a field's when the
/// target is loaded with them, a layer knob's by the passes.
llvm::Expected<SweepAxis> parseSweepAxis(llvm::StringRef spec);

struct ExploreRequest {
  std::vector<SweepAxis> axes;
  /// Everything not swept, including the simulation (its dataset is the
  /// labelled validation set; diagnosis is off).
  CompileOptions base;
  /// The chip description, as text (each point loads it with its values).
  std::string targetText, targetName;
  /// Whatever else decides the results (the model's bytes, say): points of
  /// a run with a different fingerprint are never resumed.
  std::string fingerprint;
  /// Where finished points are kept and looked up (empty: nowhere).
  std::string pointsDirectory;
};

struct ExplorePoint : MappingFigures {
  std::vector<std::string> values; ///< one per axis
  /// Why this point has no results (not a valid chip, not mapped); empty
  /// when it has.
  std::string failure;
};

struct ExploreResult {
  std::vector<SweepAxis> axes;
  std::vector<ExplorePoint> points; ///< the sweep's order, last axis fastest
  std::string target, validationSet, effects;
  /// The set had no labels: accuracies are agreement with the float
  /// model's class.
  bool agreement = false;
  int64_t images = 0, instances = 0;
  uint64_t seed = 0;
  int64_t computed = 0, resumed = 0; ///< by this run (all ranks)
};

/// Writes a point's figures (accuracies, area, energy, latency, TOPS,
/// TOPS/W; or its failure) into the JSON object `j` is in: the one spelling
/// of a point in points/ files and in explore.json.
void writePointFigures(llvm::json::OStream &j, const ExplorePoint &point);

/// Called on each rank as its points finish: (done, total) over the points
/// this rank computes or resumes.
using ExploreProgress = std::function<void(int64_t, int64_t)>;

/// Runs the sweep; `module` (the imported model) is not changed.  A point
/// that cannot be compiled or simulated is a failed point, not an error;
/// errors are what would fail every point (a value no point can take,
/// unreadable data).
llvm::Expected<ExploreResult> explore(mlir::ModuleOp module,
                                      const ExploreRequest &request,
                                      const ExploreProgress &progress = {});

} // namespace nncc::driver

#endif // NNCC_DRIVER_EXPLORE_H
