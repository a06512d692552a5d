//===- NnccModule.cpp - The Python module's C++ half (nncc._nncc) ---------===//
//
// pybind11 bindings over the entry points programs that embed nncc use
// (docs/embedding.md): driver::compileModel, driver::simulateCompiledOutput,
// the target loader.  Results cross as dicts of numbers, lists and NumPy
// arrays, which python/nncc/__init__.py wraps into objects; an nncc error
// raises nncc.Error carrying the tool's error lines without `error: `.
// Compiles and simulations release the GIL: other Python threads run
// meanwhile.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/CompileModel.h"
#include "nncc/Driver/CompiledOutput.h"
#include "nncc/PPA/Report.h"
#include "nncc/Target/BundledTargets.h"
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSummary.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

namespace py = pybind11;
using namespace nncc;

namespace {

/// Raised as nncc.Error.
struct NnccError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The value, or NnccError with the error's lines.
template <typename T> T take(llvm::Expected<T> value) {
  if (!value)
    throw NnccError(llvm::toString(value.takeError()));
  return std::move(*value);
}

template <typename T>
py::array_t<T> array(const std::vector<T> &values) {
  return py::array_t<T>(values.size(), values.data());
}

py::dict ppaDict(const ppa::CompileReport &report) {
  const ppa::ChipPPA &p = report.ppa;
  py::dict d;
  d["target"] = p.target;
  d["model"] = report.model;
  d["parameters"] = report.parameters;
  d["macs"] = report.macs;
  d["ops"] = p.ops;
  d["area"] = p.area;
  d["core_area"] = p.coreArea;
  d["cores"] = p.cores;
  d["used_cores"] = p.usedCores;
  d["energy"] = p.energy;
  d["static_power"] = p.staticPower;
  d["off_chip_link_power"] = p.offChipLinkPower;
  d["latency"] = p.latency;
  d["interval"] = p.interval;
  d["throughput"] = p.throughput();
  d["tops"] = p.tops();
  d["tops_per_watt"] = p.topsPerWatt();
  d["tops_per_mm2"] = p.topsPerMm2();
  d["power"] = p.power();
  d["program_groups"] = p.programGroups;
  d["programming_time"] = p.programmingTime;
  d["programming_energy"] = p.programmingEnergy;
  py::dict energyBy, areaBy;
  for (size_t i = 0; i < ppa::kNumEnergyComponents; ++i)
    energyBy[py::str(ppa::jsonKey(static_cast<ppa::EnergyComponent>(i)).str())] =
        p.energyBy[i];
  for (size_t i = 0; i < ppa::kNumAreaComponents; ++i)
    areaBy[py::str(ppa::jsonKey(static_cast<ppa::AreaComponent>(i)).str())] =
        p.areaBy[i];
  d["energy_by_component"] = energyBy;
  d["area_by_component"] = areaBy;
  std::vector<std::string> names;
  std::vector<double> energy, time, ops;
  std::vector<int64_t> arrays;
  for (const ppa::LayerPPA &layer : p.layers) {
    names.push_back(layer.name);
    energy.push_back(layer.energy);
    time.push_back(layer.time);
    ops.push_back(layer.ops);
    arrays.push_back(layer.arrays);
  }
  d["layer_names"] = names;
  d["layer_energy"] = array(energy);
  d["layer_time"] = array(time);
  d["layer_ops"] = array(ops);
  d["layer_arrays"] = array(arrays);
  return d;
}

py::dict simulationDict(const SimulationReport &report) {
  py::dict d;
  d["target"] = report.target;
  d["effects"] = report.effects;
  d["ir_drop_model"] = report.irDropModel;
  d["images"] = report.images;
  d["instances"] = report.instances;
  d["seed"] = report.seed;
  d["float_accuracy"] = report.floatAccuracy;
  d["quantized_accuracy"] = report.quantizedAccuracy;
  py::list points;
  for (const TimePoint &point : report.points) {
    py::dict p;
    p["seconds"] = point.seconds;
    p["mean"] = point.mean;
    p["ci95"] = py::make_tuple(point.ciLow, point.ciHigh);
    p["per_instance"] = array(point.accuracy);
    p["layer_error"] = array(point.layerError);
    points.append(p);
  }
  d["points"] = points;
  d["layers"] = report.layers;
  d["diagnosis"] =
      report.diagnosis && !report.points.empty()
          ? py::cast(report.diagnosis->message(report.floatAccuracy,
                                               report.points.front().mean,
                                               report.quantizedAccuracy))
          : py::none();
  return d;
}

py::dict compileModel(const std::string &model, const std::string &target,
                 const std::vector<std::string> &targetDirs,
                 const std::string &out, const driver::CompileOptions &options,
                 const std::vector<std::string> &layers,
                 std::optional<int64_t> batch) {
  driver::CompileOptions withLayers = options;
  for (const std::string &spec : layers)
    if (llvm::Error e = driver::parseLayerKnobs(spec, withLayers.layerKnobs))
      throw NnccError(llvm::toString(std::move(e)));
  auto run = [&] {
    py::gil_scoped_release release;
    return driver::compileModel(model, target, targetDirs, out, withLayers,
                                batch);
  };
  driver::CompiledModel result = take(run());
  py::dict d;
  d["ppa"] = ppaDict(result.result.report);
  d["simulation"] = result.result.simulation
                        ? py::object(simulationDict(*result.result.simulation))
                        : py::none();
  d["target_path"] = result.targetPath;
  d["files"] = result.files;
  d["warnings"] = result.warnings;
  d["notes"] = result.result.assumptions;
  d["host_ops"] = result.result.hostOps;
  return d;
}

py::dict simulateOutput(const std::string &dir,
                  const driver::SimulationRequest &request,
                  const std::string &chip) {
  auto run = [&] {
    py::gil_scoped_release release;
    return driver::simulateCompiledOutput(dir, request, chip);
  };
  return simulationDict(take(run()));
}

py::dict loadTarget(const std::string &spec,
                    const std::vector<std::string> &targetDirs) {
  std::string path = take(target::resolveTarget(spec, targetDirs));
  target::TargetChip chip = take(target::loadTargetFile(path));
  std::string summary;
  llvm::raw_string_ostream os(summary);
  target::printTarget(chip, os);
  py::dict d;
  d["path"] = path;
  d["name"] = chip.name;
  d["description"] = chip.description;
  d["rows"] = chip.array.rows;
  d["cols"] = chip.array.cols;
  d["weight_bits"] = chip.array.weightBits;
  d["rows_in_parallel"] = chip.array.rowsInParallel;
  d["devices_per_cell"] = chip.array.devicesPerCell;
  d["cores"] = chip.chip.cores;
  // A spiking chip has no arrays (rows, cols read 0): its cores are
  // axons x neurons crossbars of synapses.
  d["spiking"] = chip.neuromorphic.has_value();
  d["axons"] = chip.neuromorphic ? chip.neuromorphic->core.axons : 0;
  d["neurons"] = chip.neuromorphic ? chip.neuromorphic->core.neurons : 0;
  d["summary"] = os.str();
  return d;
}

} // namespace

PYBIND11_MODULE(_nncc, m) {
  m.doc() = "nncc's C++ entry points; use the `nncc` package";
  py::register_exception<NnccError>(m, "Error", PyExc_Exception);

  py::class_<driver::CompileOptions>(m, "CompileOptions")
      .def(py::init<>())
      .def_readwrite("weight_bits", &driver::CompileOptions::weightBits)
      .def_readwrite("per_channel", &driver::CompileOptions::perChannel)
      .def_readwrite("symmetric", &driver::CompileOptions::symmetric)
      .def_readwrite("calibration", &driver::CompileOptions::calibration)
      .def_readwrite("calibration_limit",
                     &driver::CompileOptions::calibrationLimit)
      .def_readwrite("percentile", &driver::CompileOptions::percentile)
      .def_readwrite("scheme", &driver::CompileOptions::scheme)
      .def_readwrite("adc_range", &driver::CompileOptions::adcRange)
      .def_readwrite("replicate", &driver::CompileOptions::replicate)
      .def_readwrite("max_copies", &driver::CompileOptions::maxCopies)
      .def_readwrite("time_multiplex", &driver::CompileOptions::timeMultiplex)
      .def_readwrite("seed", &driver::CompileOptions::placementSeed)
      .def_readwrite("place_timeout",
                     &driver::CompileOptions::placementTimeout)
      .def_property(
          "program_format",
          [](const driver::CompileOptions &o) {
            return o.programFormat == driver::ProgramFormat::Text ? "text"
                   : o.programFormat == driver::ProgramFormat::Bytecode
                       ? "bytecode"
                       : "auto";
          },
          [](driver::CompileOptions &o, const std::string &format) {
            if (format == "auto")
              o.programFormat = driver::ProgramFormat::Auto;
            else if (format == "text")
              o.programFormat = driver::ProgramFormat::Text;
            else if (format == "bytecode")
              o.programFormat = driver::ProgramFormat::Bytecode;
            else
              throw NnccError("program_format must be auto, text or "
                              "bytecode, not '" + format + "'");
          })
      .def_property(
          "program_weights",
          [](const driver::CompileOptions &o) {
            return o.programWeights == driver::ProgramWeights::Embed ? "embed"
                   : o.programWeights == driver::ProgramWeights::Model
                       ? "model"
                       : "auto";
          },
          [](driver::CompileOptions &o, const std::string &weights) {
            if (weights == "auto")
              o.programWeights = driver::ProgramWeights::Auto;
            else if (weights == "embed")
              o.programWeights = driver::ProgramWeights::Embed;
            else if (weights == "model")
              o.programWeights = driver::ProgramWeights::Model;
            else
              throw NnccError("program_weights must be auto, embed or "
                              "model, not '" + weights + "'");
          })
      .def_readwrite("simulation", &driver::CompileOptions::simulation);

  py::class_<driver::SimulationRequest>(m, "SimulationRequest")
      .def(py::init<>())
      .def_readwrite("dataset", &driver::SimulationRequest::dataset)
      .def_readwrite("adc_calibration",
                     &driver::SimulationRequest::adcCalibration)
      .def_readwrite("instances", &driver::SimulationRequest::instances)
      .def_readwrite("times", &driver::SimulationRequest::times)
      .def_readwrite("effects", &driver::SimulationRequest::effects)
      .def_readwrite("ir_drop", &driver::SimulationRequest::irDrop)
      .def_readwrite("adc_range", &driver::SimulationRequest::adcRange)
      .def_readwrite("seed", &driver::SimulationRequest::seed)
      .def_readwrite("diagnose", &driver::SimulationRequest::diagnose);

  m.def("compile", &compileModel, py::arg("model"), py::arg("target"),
        py::arg("target_dirs"), py::arg("out"), py::arg("options"),
        py::arg("layers"), py::arg("batch"));
  m.def("simulate", &simulateOutput, py::arg("dir"), py::arg("request"),
        py::arg("chip"));
  m.def("load_target", &loadTarget, py::arg("spec"), py::arg("target_dirs"));
  m.def(
      "bundled_target_names",
      [](const std::vector<std::string> &dirs) {
        return target::bundledTargetNames(dirs);
      },
      py::arg("target_dirs"));
}
