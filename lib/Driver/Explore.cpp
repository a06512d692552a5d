//===- Explore.cpp - Sweeps over target and mapping parameters ------------===//
#include "nncc/Driver/Explore.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/ExitStatus.h"
#include "nncc/Support/JsonNumbers.h"
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSchema.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace nncc;
using namespace nncc::driver;

namespace {

constexpr llvm::StringLiteral kKnobs[] = {"scheme",     "weight-bits",
                                          "adc-range",  "max-copies",
                                          "replicate",  "percentile"};

/// Checks one value of a mapping knob.
llvm::Error checkKnobValue(llvm::StringRef knob, llvm::StringRef value) {
  auto bad = [&](const llvm::Twine &expected) {
    return makeError("--sweep " + knob + ": '" + value + "': expected " +
                     expected);
  };
  if (knob == "scheme") {
    llvm::StringRef schemes =
        target::lookupField("array.signed_weights")->enumValues;
    llvm::SmallVector<llvm::StringRef> names;
    schemes.split(names, '|');
    if (!llvm::is_contained(names, value))
      return bad("one of " + schemes);
    return llvm::Error::success();
  }
  if (knob == "adc-range") {
    llvm::Expected<AdcRangeMethod> method = AdcRangeMethod::parse(value);
    if (!method)
      return makeError("--sweep adc-range: " +
                       llvm::toString(method.takeError()));
    return llvm::Error::success();
  }
  if (knob == "weight-bits" || knob == "max-copies") {
    int64_t n;
    bool weight = knob == "weight-bits";
    if (value.getAsInteger(10, n) || n < (weight ? 1 : 0) ||
        n > (weight ? 16 : 1 << 20))
      return bad(weight ? "an integer in [1, 16]" : "an integer >= 0");
    return llvm::Error::success();
  }
  if (knob == "replicate") {
    if (value != "true" && value != "false")
      return bad("true or false");
    return llvm::Error::success();
  }
  double p;
  if (value.getAsDouble(p) || !(p > 0 && p <= 100))
    return bad("a percentile in (0, 100]");
  return llvm::Error::success();
}

/// A per-layer knob's axis key, "layer:NAME:KNOB": NAME and KNOB.
std::pair<llvm::StringRef, llvm::StringRef> layerKnobOf(llvm::StringRef key) {
  llvm::StringRef rest = key.drop_front(llvm::StringRef("layer:").size());
  size_t colon = rest.rfind(':');
  if (colon == llvm::StringRef::npos)
    return {"", ""};
  return {rest.take_front(colon), rest.drop_front(colon + 1)};
}

/// `base` with the knobs among `axes` set to the point's values.
CompileOptions optionsAt(const CompileOptions &base,
                         llvm::ArrayRef<SweepAxis> axes,
                         llvm::ArrayRef<std::string> values) {
  CompileOptions options = base;
  for (auto [axis, value] : llvm::zip(axes, values)) {
    llvm::StringRef v = value;
    if (llvm::StringRef(axis.key).starts_with("layer:")) {
      auto [layer, knob] = layerKnobOf(axis.key);
      options.layerKnobs.push_back({layer.str(), knob.str(), value});
    } else if (axis.key == "scheme")
      options.scheme = value;
    else if (axis.key == "adc-range")
      options.adcRange = value;
    else if (axis.key == "weight-bits")
      v.getAsInteger(10, options.weightBits);
    else if (axis.key == "max-copies")
      v.getAsInteger(10, options.maxCopies);
    else if (axis.key == "replicate")
      options.replicate = v == "true";
    else if (axis.key == "percentile")
      v.getAsDouble(options.percentile);
  }
  return options;
}

std::vector<target::FieldOverride>
overridesAt(llvm::ArrayRef<SweepAxis> axes, llvm::ArrayRef<std::string> values) {
  std::vector<target::FieldOverride> overrides;
  for (auto [axis, value] : llvm::zip(axes, values))
    if (axis.targetField)
      overrides.push_back({axis.key, value});
  return overrides;
}

/// Everything in `options` that decides a point's results, one per line.
std::string describeOptions(const CompileOptions &o) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "weight_bits=" << o.weightBits << "\nper_channel=" << o.perChannel
     << "\nsymmetric=" << o.symmetric << "\ncalibration=" << o.calibration
     << "\ncalibration_limit=" << o.calibrationLimit
     << "\npercentile=" << formatJsonDouble(o.percentile)
     << "\nscheme=" << o.scheme << "\nadc_range=" << o.adcRange
     << "\nreplicate=" << o.replicate
     << "\nmax_copies=" << o.maxCopies
     << "\ntime_multiplex=" << o.timeMultiplex
     << "\nplacement_seed=" << o.placementSeed
     << "\nplacement_timeout=" << formatJsonDouble(o.placementTimeout) << "\n";
  if (const std::optional<SimulationRequest> &s = o.simulation)
    os << "dataset=" << s->dataset << "\nadc_calibration=" << s->adcCalibration
       << "\ninstances=" << s->instances << "\ntimes=" << s->times
       << "\neffects=" << s->effects << "\nir_drop=" << s->irDrop
       << "\nrecalibrated_adc_range=" << s->adcRange
       << "\nseed=" << s->seed << "\n";
  return text;
}

std::string hex(llvm::ArrayRef<uint8_t> bytes) {
  return llvm::toHex(bytes, /*LowerCase=*/true);
}

std::string pointKey(const ExploreRequest &request,
                     llvm::ArrayRef<std::string> values) {
  std::string key = "nncc-explore-point 1\n";
  key += request.fingerprint + "\n" + request.targetText + "\n" +
         describeOptions(request.base);
  for (auto [axis, value] : llvm::zip(request.axes, values))
    key += "sweep " + axis.key + "=" + value + "\n";
  return hex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(key)));
}

/// One line of JSON: the point's results and the key they belong to
/// (docs/schemas/nncc-explore-point.schema.json).  Reading ignores schema
/// and version: the key already names everything the point depends on.
std::string pointJson(const ExplorePoint &p, llvm::StringRef key) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os);
  j.object([&] {
    j.attribute("schema", "nncc-explore-point");
    j.attribute("version", 1);
    j.attribute("key", key);
    j.attributeArray("values", [&] {
      for (const std::string &v : p.values)
        j.value(v);
    });
    writePointFigures(j, p);
  });
  return text;
}

/// The point in `text` when it is a whole point file written for `key`.
std::optional<ExplorePoint> parsePoint(llvm::StringRef text,
                                       llvm::StringRef key) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *o = parsed->getAsObject();
  if (!o || o->getString("key") != key)
    return std::nullopt;
  ExplorePoint p;
  if (const llvm::json::Array *values = o->getArray("values"))
    for (const llvm::json::Value &v : *values)
      p.values.push_back(v.getAsString().value_or("").str());
  if (std::optional<llvm::StringRef> failure = o->getString("failure")) {
    p.failure = failure->str();
    return p;
  }
  bool complete = true;
  auto number = [&](llvm::StringRef name, double &into) {
    std::optional<double> v = o->getNumber(name);
    complete &= v.has_value();
    into = v.value_or(0);
  };
  number("float_accuracy", p.floatAccuracy);
  number("quantized_accuracy", p.quantizedAccuracy);
  number("accuracy_mean", p.accuracy);
  number("accuracy_ci95_low", p.ciLow);
  number("accuracy_ci95_high", p.ciHigh);
  number("area_m2", p.area);
  number("energy_j", p.energy);
  number("latency_s", p.latency);
  number("tops", p.tops);
  number("tops_per_w", p.topsPerWatt);
  if (!complete)
    return std::nullopt;
  return p;
}

/// Compiles and simulates one point; what goes wrong is the point's
/// failure.  Diagnostics of the passes are kept, not printed.
ExplorePoint evaluatePoint(mlir::ModuleOp module, const ExploreRequest &request,
                           llvm::ArrayRef<std::string> values) {
  ExplorePoint point;
  point.values.assign(values.begin(), values.end());
  llvm::Expected<target::TargetChip> chip = target::loadTargetBuffer(
      request.targetText, request.targetName,
      overridesAt(request.axes, values));
  if (!chip) {
    std::string message = llvm::toString(chip.takeError());
    std::replace(message.begin(), message.end(), '\n', ';');
    point.failure = "not a valid chip: " + message;
    return point;
  }
  MappingEvaluation evaluation = evaluateMapping(
      module, *chip, optionsAt(request.base, request.axes, values));
  if (!evaluation.failure.empty())
    point.failure = "not mapped: " + evaluation.failure;
  else
    static_cast<MappingFigures &>(point) = evaluation.figures;
  return point;
}

/// Writes `text` to `path` whole (a temporary renamed into place) or not
/// at all; a point that cannot be kept is only not resumable.
void keepPoint(llvm::StringRef path, llvm::StringRef text) {
  llvm::Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << text << "\n";
    return llvm::Error::success();
  });
  llvm::consumeError(std::move(e));
}

/// The values of every point, last axis fastest.
std::vector<std::vector<std::string>> allPoints(llvm::ArrayRef<SweepAxis> axes) {
  std::vector<std::vector<std::string>> points{{}};
  for (const SweepAxis &axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const std::vector<std::string> &prefix : points)
      for (const std::string &value : axis.values) {
        next.push_back(prefix);
        next.back().push_back(value);
      }
    points = std::move(next);
  }
  return points;
}

/// Fails on what would fail every point: a swept target value the loader
/// rejects on its own, a calibration file that does not load (the
/// validation set is loaded once by the caller).
llvm::Error checkRequest(const ExploreRequest &request) {
  if (request.axes.empty())
    return makeError("explore needs at least one --sweep KEY=VALUES");
  for (auto [i, axis] : llvm::enumerate(request.axes)) {
    for (const SweepAxis &earlier : llvm::ArrayRef(request.axes).take_front(i))
      if (earlier.key == axis.key)
        return makeError("--sweep " + axis.key + " is given twice");
    if (!axis.targetField)
      continue;
    // The value alone; a clash with other fields may go away at other
    // points, which then fail on their own.
    for (const std::string &value : axis.values)
      if (llvm::Error e = target::checkFieldValue({axis.key, value},
                                                  request.targetName))
        return std::move(e);
  }
  const SimulationRequest &sim = *request.base.simulation;
  // The simulation's own options (effects, IR-drop model, ADC range) are
  // the same at every point: a mistake in them is the request's.
  if (auto options = toSimulationOptions(sim); !options)
    return options.takeError();
  for (const std::string &spec :
       {request.base.calibration, sim.adcCalibration})
    if (!spec.empty())
      if (llvm::Expected<Dataset> set = loadDataset(spec); !set)
        return set.takeError();
  return llvm::Error::success();
}

} // namespace

llvm::ArrayRef<llvm::StringLiteral> driver::mappingKnobs() { return kKnobs; }

void driver::writePointFigures(llvm::json::OStream &j, const ExplorePoint &p) {
  if (!p.failure.empty())
    j.attribute("failure", p.failure);
  else
    writeMappingFigures(j, p);
}

llvm::Expected<SweepAxis> driver::parseSweepAxis(llvm::StringRef spec) {
  auto [key, list] = spec.split('=');
  key = key.trim();
  SweepAxis axis;
  axis.key = key.str();
  if (key.empty() || !spec.contains('='))
    return makeError("--sweep '" + spec + "': expected KEY=V1,V2,... or "
                     "KEY=A..B");
  if (key.starts_with("layer:")) {
    // One layer's knob; the passes check the name and the values.
    auto [layer, knob] = layerKnobOf(key);
    if (layer.empty() || !llvm::is_contained(kLayerKnobNames, knob))
      return makeError("--sweep '" + key + "': expected layer:NAME:KNOB with "
                       "KNOB one of " +
                       llvm::join(std::begin(kLayerKnobNames),
                                  std::end(kLayerKnobNames), ", "));
    axis.targetField = false;
  } else if (llvm::is_contained(kKnobs, key)) {
    axis.targetField = false;
  } else if (const target::FieldSpec *field = target::lookupField(key)) {
    if (field->kind == target::FieldKind::RealList)
      return makeError("--sweep " + key + ": a list field cannot be swept");
    axis.targetField = true;
  } else {
    return makeError("--sweep '" + key + "': neither a target field (`nncc "
                     "target schema`) nor a mapping knob (" +
                     llvm::join(llvm::map_range(kKnobs,
                                                [](llvm::StringLiteral k) {
                                                  return k.str();
                                                }),
                                ", ") +
                     ") nor layer:NAME:KNOB");
  }
  auto [low, high] = list.split("..");
  int64_t a, b;
  if (list.contains("..") && !list.contains(',') &&
      !low.trim().getAsInteger(10, a) && !high.trim().getAsInteger(10, b)) {
    if (b < a || b - a >= 4096)
      return makeError("--sweep " + key + "=" + list +
                       ": a range A..B needs A <= B and at most 4096 values");
    for (int64_t v = a; v <= b; ++v)
      axis.values.push_back(std::to_string(v));
  } else {
    llvm::SmallVector<llvm::StringRef> values;
    list.split(values, ',');
    for (llvm::StringRef v : values) {
      v = v.trim();
      if (v.empty())
        return makeError("--sweep " + key + "=" + list + ": an empty value");
      if (llvm::is_contained(axis.values, v))
        return makeError("--sweep " + key + "=" + list + ": '" + v +
                         "' is given twice");
      axis.values.push_back(v.str());
    }
  }
  if (!axis.targetField && !key.starts_with("layer:"))
    for (const std::string &v : axis.values)
      if (llvm::Error e = checkKnobValue(key, v))
        return std::move(e);
  return axis;
}

llvm::Expected<ExploreResult> driver::explore(mlir::ModuleOp module,
                                              const ExploreRequest &request,
                                              const ExploreProgress &progress) {
  if (!request.base.simulation)
    return makeError("explore needs a validation set (--accuracy-set)");
  if (llvm::Error e = checkRequest(request))
    return std::move(e);
  // Spiking chips take their own flow, which explore does not sweep yet.
  if (llvm::Expected<target::TargetChip> base =
          target::loadTargetBuffer(request.targetText, request.targetName)) {
    if (base->neuromorphic)
      return makeError("explore sweeps crossbar targets; '" + base->name +
                       "' is a spiking chip: compile it with nncc compile "
                       "(docs/snn-dialect.md)");
  } else {
    llvm::consumeError(base.takeError()); // each point reports its own
  }
  // The validation set, read once for every point (without labels, the
  // float model's classes are its labels).
  ExploreRequest labelled = request;
  llvm::Expected<bool> agreement =
      loadValidationSet(module, *labelled.base.simulation);
  if (!agreement)
    return agreement.takeError();
  const std::vector<std::vector<std::string>> settings =
      allPoints(request.axes);
  const int rank = distributed::rank(), ranks = distributed::size();

  // This rank's points, round-robin; each resumed from its file if an
  // earlier run with the same key left one, else computed and kept.
  int64_t mine = 0, done = 0, computed = 0, resumed = 0;
  for (size_t i = rank; i < settings.size(); i += ranks)
    ++mine;
  std::string gathered;
  for (size_t i = rank; i < settings.size(); i += ranks) {
    const std::string key = pointKey(request, settings[i]);
    std::string path;
    if (!request.pointsDirectory.empty()) {
      llvm::SmallString<128> file(request.pointsDirectory);
      llvm::sys::path::append(file, key.substr(0, 16) + ".json");
      path = std::string(file);
    }
    std::string text;
    if (!path.empty())
      if (auto buffer = llvm::MemoryBuffer::getFile(path))
        if (parsePoint((*buffer)->getBuffer().trim(), key))
          text = (*buffer)->getBuffer().trim().str();
    if (!text.empty()) {
      ++resumed;
    } else {
      text = pointJson(evaluatePoint(module, labelled, settings[i]), key);
      ++computed;
      if (!path.empty())
        keepPoint(path, text);
    }
    gathered += std::to_string(i) + "\t" + text + "\n";
    if (progress)
      progress(++done, mine);
  }

  // Every rank's points, back in the sweep's order; each read from its
  // JSON text, so a computed point and a resumed one are the same numbers.
  ExploreResult result;
  result.axes = request.axes;
  result.points.resize(settings.size());
  for (const std::string &part : distributed::allGather(
           gathered + "#" + std::to_string(computed) + " " +
           std::to_string(resumed))) {
    llvm::StringRef rest = part;
    while (!rest.empty() && !rest.starts_with("#")) {
      auto [line, next] = rest.split('\n');
      rest = next;
      auto [index, text] = line.split('\t');
      size_t i = 0;
      index.getAsInteger(10, i);
      std::optional<ExplorePoint> point =
          parsePoint(text, pointKey(request, settings[i]));
      if (!point)
        return makeInternalError("explore: a rank sent point " +
                                 index.str() + " damaged");
      result.points[i] = std::move(*point);
    }
    auto [c, r] = rest.drop_front().split(' ');
    int64_t n = 0;
    if (!c.getAsInteger(10, n))
      result.computed += n;
    if (!r.getAsInteger(10, n))
      result.resumed += n;
  }
  const SimulationRequest &sim = *request.base.simulation;
  result.target = request.targetName;
  result.validationSet = sim.dataset;
  result.effects = sim.effects;
  result.instances = sim.instances;
  result.seed = sim.seed;
  result.images = labelled.base.simulation->labelledSet->size();
  result.agreement = *agreement;
  // Nothing to compare: what failed every point is the request's mistake
  // (a layer name no layer has, say).
  if (llvm::all_of(result.points,
                   [](const ExplorePoint &p) { return !p.failure.empty(); }))
    return makeError("explore: every point failed; the first: " +
                     result.points.front().failure);
  return result;
}
