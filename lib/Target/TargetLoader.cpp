//===- TargetLoader.cpp - Load and validate chip descriptions -------------===//
//
// Four steps: reject input the YAML parser cannot take safely (invalid
// UTF-8, absurd nesting) and report syntax errors alone; walk the tree and
// match every key against the schema (unknown keys, wrong node kinds); parse
// each field or its default (type, unit, range); check cross-field
// consistency while building the TargetChip.  All problems of a step are
// reported together; a step runs only when the previous one found none, so
// no message is a consequence of an earlier one.
//
//===----------------------------------------------------------------------===//
#include "nncc/Target/TargetLoader.h"

#include "nncc/Target/TargetSchema.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace nncc::target;

namespace {

/// A parsed field value and where it was written (null loc: a default).
struct Value {
  const FieldSpec *spec = nullptr;
  SMLoc loc;
  int64_t integer = 0;
  double number = 0; ///< Real and Quantity (SI)
  std::string text;  ///< String and Enum
  bool flag = false;
  std::vector<double> list;
};

/// One programming sigma per level from c0 + c1 x + c2 x^2 + ... at
/// x = level / (levels - 1), never below zero (a fitted polynomial may dip
/// there, as aihwkit clips it).
std::vector<double> sigmaPerLevelFromPolynomial(ArrayRef<double> coefficients,
                                                int64_t levels) {
  std::vector<double> sigma;
  for (int64_t d = 0; d < levels; ++d) {
    const double x =
        levels > 1 ? static_cast<double>(d) / static_cast<double>(levels - 1)
                   : 0.0;
    double value = 0;
    for (double c : llvm::reverse(coefficients))
      value = value * x + c; // Horner
    sigma.push_back(std::max(value, 0.0));
  }
  return sigma;
}

class TargetLoader {
public:
  TargetLoader(StringRef text, StringRef name,
               ArrayRef<FieldOverride> overrides)
      : name(name.str()) {
    sm.AddNewSourceBuffer(MemoryBuffer::getMemBufferCopy(text, name), SMLoc());
    addOverrides(overrides);
    sm.setDiagHandler(
        [](const SMDiagnostic &diag, void *context) {
          auto *self = static_cast<TargetLoader *>(context);
          self->report(diag.getLoc(), "", "YAML syntax error: " +
                                              diag.getMessage());
        },
        this);
  }

  Expected<TargetChip> run();
  /// The overrides' own problems (unknown field, type, unit, range).
  Error checkOverridesAlone();

private:
  void report(SMLoc loc, StringRef path, const Twine &message);
  /// Keeps the overrides in a buffer of their own ("path=value" lines), so
  /// that a problem with one points into it rather than into the file.
  void addOverrides(ArrayRef<FieldOverride> overrides);
  /// Parses the override of `path` in place of the file's value; false
  /// when there is none.
  bool parseOverride(const FieldSpec &spec);
  /// Reports overrides of unknown or list fields; parses those of fields
  /// the file leaves out.
  void parseRemainingOverrides();
  void walk(yaml::MappingNode *mapping, StringRef prefix);
  void parseField(const FieldSpec &spec, yaml::Node *node,
                  yaml::ScalarNode *key);
  /// Where the value of `key` starts in the file: the node's own range is
  /// wrong for empty values, aliases and flow collections.
  SMLoc valueStart(yaml::ScalarNode *key, yaml::Node *value) const;
  /// Rejects input the YAML parser must not see; returns false if it did.
  bool precheck(StringRef text);
  /// Reports the first YAML alias in the document (with its key path) and
  /// returns true if there is one.  Aliases are not supported, and a file
  /// built of them (an "alias bomb") is one problem: one line, not one per
  /// key that holds them.  Not expanded: stops at the first.
  bool reportFirstAlias(yaml::Node *node, yaml::ScalarNode *key,
                        StringRef path);
  bool parseScalar(const FieldSpec &spec, StringRef text, SMLoc loc,
                   Value &value);
  /// Whether the file (or an override) gives anything under `section`.
  bool given(StringRef section) const;
  /// Whether `path` describes a crossbar chip only (array, periphery,
  /// core, costs, chip.cores, the global buffer): not a spiking one.
  static bool crossbarOnly(StringRef path);
  /// Whether `path` is read for this file: neuromorphic.* only for a
  /// spiking chip, the crossbar's fields only for a crossbar chip, device.*
  /// for a spiking chip only when it has a device section.
  bool applies(StringRef path) const;
  /// Reports the crossbar sections and fields a spiking chip is given.
  void checkSpikingSections();
  void applyDefaults();
  TargetChip build();
  void buildDevice(Device &dev);
  void buildCrossbar(TargetChip &chip);
  void buildInterconnect(TargetChip &chip);
  void buildNeuromorphic(TargetChip &chip);

  int64_t integer(StringRef path) const { return get(path)->integer; }
  double number(StringRef path) const { return get(path)->number; }
  const std::string &text(StringRef path) const { return get(path)->text; }
  bool flag(StringRef path) const { return get(path)->flag; }
  std::optional<double> optional(StringRef path) const {
    if (const Value *v = get(path))
      return v->number;
    return std::nullopt;
  }

  const Value *get(StringRef path) const {
    auto it = values.find(path);
    return it == values.end() ? nullptr : &it->second;
  }
  /// Location to blame for a field that is absent: its section's key.
  SMLoc sectionLoc(StringRef path) const;
  /// Location to blame for a present field, or its section when defaulted.
  SMLoc locOf(StringRef path) const {
    const Value *v = get(path);
    return v && v->loc.isValid() ? v->loc : sectionLoc(path);
  }

  std::string name;
  SourceMgr sm;
  std::vector<std::pair<SMLoc, std::string>> problems;
  StringMap<yaml::Node *> fieldNodes;
  StringMap<SMLoc> sectionLocs;
  StringMap<Value> values;
  SMLoc documentStart;
  struct Override {
    StringRef path, value; ///< into the overrides' buffer
    bool used = false;
  };
  std::vector<Override> overrides;
  unsigned overrideBuffer = 0; ///< 0: none
  /// The description is of a spiking chip (it has `neuromorphic:`).
  bool spiking = false;
};

void TargetLoader::addOverrides(ArrayRef<FieldOverride> given) {
  if (given.empty())
    return;
  std::string text;
  for (const FieldOverride &o : given) {
    // One line each: a line break in a value would shift the others.
    std::string value = o.value;
    std::replace(value.begin(), value.end(), '\n', ' ');
    std::replace(value.begin(), value.end(), '\r', ' ');
    text += o.path + "=" + value + "\n";
  }
  overrideBuffer = sm.AddNewSourceBuffer(
      MemoryBuffer::getMemBufferCopy(text, "override"), SMLoc());
  StringRef rest = sm.getMemoryBuffer(overrideBuffer)->getBuffer();
  for (const FieldOverride &o : given) {
    auto [line, next] = rest.split('\n');
    rest = next;
    overrides.push_back({line.take_front(o.path.size()),
                         line.drop_front(o.path.size() + 1), false});
  }
}

bool TargetLoader::parseOverride(const FieldSpec &spec) {
  for (Override &o : overrides) {
    if (o.path != spec.path || o.used)
      continue;
    o.used = true;
    Value value;
    value.spec = &spec;
    value.loc = SMLoc::getFromPointer(o.value.data());
    if (parseScalar(spec, o.value, value.loc, value))
      values[spec.path] = std::move(value);
    else
      fieldNodes[spec.path] = nullptr; // reported; no default either
    return true;
  }
  return false;
}

void TargetLoader::parseRemainingOverrides() {
  for (Override &o : overrides) {
    if (o.used)
      continue;
    SMLoc loc = SMLoc::getFromPointer(o.path.data());
    const FieldSpec *spec = lookupField(o.path);
    if (&o != &*llvm::find_if(overrides, [&](const Override &first) {
          return first.path == o.path;
        })) {
      report(loc, o.path, "overridden twice");
      o.used = true;
      continue;
    }
    if (!spec) {
      report(loc, o.path, isSection(o.path) ? "is a section, not a field"
                                            : "unknown field");
      o.used = true;
      continue;
    }
    if (spec->kind == FieldKind::RealList) {
      report(loc, o.path, "a list cannot be overridden");
      o.used = true;
      continue;
    }
    parseOverride(*spec);
  }
}

void TargetLoader::report(SMLoc loc, StringRef path, const Twine &message) {
  std::string line;
  raw_string_ostream os(line);
  os << name;
  unsigned buffer = loc.isValid() ? sm.FindBufferContainingLoc(loc) : 0;
  if (buffer != 0 && buffer == overrideBuffer) {
    // The override's own line, as given.
    unsigned row = sm.getLineAndColumn(loc, buffer).first;
    StringRef text = sm.getMemoryBuffer(buffer)->getBuffer();
    for (unsigned i = 1; i < row; ++i)
      text = text.split('\n').second;
    os << ": override '" << text.split('\n').first << "'";
  } else if (loc.isValid()) {
    auto [row, col] = sm.getLineAndColumn(loc);
    os << ':' << row << ':' << col;
  }
  os << ": ";
  if (!path.empty())
    os << path << ": ";
  os << message;
  // One problem, one line: escape line breaks that came from the file.
  std::string escaped;
  for (char c : line)
    escaped += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  problems.emplace_back(loc, escaped);
}

SMLoc TargetLoader::sectionLoc(StringRef path) const {
  StringRef section = path;
  while (!section.empty()) {
    size_t dot = section.rfind('.');
    section = dot == StringRef::npos ? StringRef() : section.take_front(dot);
    auto it = sectionLocs.find(section);
    if (it != sectionLocs.end())
      return it->second;
  }
  return documentStart;
}

/// The known keys directly under `prefix` (for "did you mean" hints).
std::vector<std::string> childKeys(StringRef prefix) {
  std::vector<std::string> keys;
  for (const FieldSpec &f : getTargetSchema()) {
    StringRef rest = f.path;
    if (!prefix.empty() && !rest.consume_front((prefix + ".").str()))
      continue;
    std::string key = rest.split('.').first.str();
    if (llvm::find(keys, key) == keys.end())
      keys.push_back(key);
  }
  return keys;
}

void TargetLoader::walk(yaml::MappingNode *mapping, StringRef prefix) {
  StringMap<SMLoc> seen;
  for (yaml::KeyValueNode &entry : *mapping) {
    auto *keyNode = dyn_cast_or_null<yaml::ScalarNode>(entry.getKey());
    yaml::Node *valueNode = entry.getValue();
    if (!keyNode) {
      if (entry.getKey())
        report(entry.getKey()->getSourceRange().Start, prefix,
               "keys must be plain names");
      continue;
    }
    SmallString<32> storage;
    StringRef key = keyNode->getValue(storage);
    std::string path = prefix.empty() ? key.str() : (prefix + "." + key).str();
    SMLoc keyLoc = keyNode->getSourceRange().Start;
    if (!seen.try_emplace(key, keyLoc).second) {
      report(keyLoc, path, "duplicate key");
      continue;
    }
    if (const FieldSpec *spec = lookupField(path)) {
      fieldNodes[path] = valueNode;
      if (spec->kind == FieldKind::RealList || !parseOverride(*spec))
        parseField(*spec, valueNode, keyNode);
      continue;
    }
    if (isSection(path)) {
      sectionLocs[path] = keyLoc;
      if (auto *child = dyn_cast_or_null<yaml::MappingNode>(valueNode))
        walk(child, path);
      else
        report(valueStart(keyNode, valueNode), path,
               "must be a mapping of fields");
      continue;
    }
    // Unknown key: suggest the closest sibling.
    std::string hint;
    unsigned best = 3;
    for (const std::string &candidate : childKeys(prefix)) {
      unsigned distance = key.edit_distance(candidate, true, best);
      if (distance < best) {
        best = distance;
        hint = " (did you mean '" + candidate + "'?)";
      }
    }
    report(keyLoc, path, "unknown field" + hint);
  }
}

SMLoc TargetLoader::valueStart(yaml::ScalarNode *key, yaml::Node *value) const {
  if (value && isa<yaml::ScalarNode, yaml::BlockScalarNode>(value))
    return value->getSourceRange().Start;
  if (!key)
    return value ? value->getSourceRange().Start : documentStart;
  // Skip the key, the colon and blanks; an empty value is blamed on its key.
  const char *p = key->getSourceRange().End.getPointer();
  StringRef rest(p, sm.getMemoryBuffer(sm.getMainFileID())->getBufferEnd() - p);
  size_t colon = rest.find(':');
  if (colon == StringRef::npos)
    return key->getSourceRange().Start;
  size_t start = rest.find_first_not_of(" \t", colon + 1);
  if (start == StringRef::npos || rest[start] == '\n' || rest[start] == '\r' ||
      rest[start] == '#')
    return key->getSourceRange().Start;
  return SMLoc::getFromPointer(p + start);
}

/// "an integer", "a voltage such as '0.8 V'", ...: what a field expects.
std::string expectedText(const FieldSpec &spec) {
  switch (spec.kind) {
  case FieldKind::Integer: return "an integer";
  case FieldKind::Real: return "a number";
  case FieldKind::Quantity: {
    StringRef name = dimensionName(spec.dimension);
    return ((StringRef("aeiou").contains(name.front()) ? "an " : "a ") + name +
            " such as '" + exampleQuantity(spec.dimension) + "'")
        .str();
  }
  case FieldKind::Enum: return ("one of " + spec.enumValues).str();
  case FieldKind::Bool: return "true or false";
  case FieldKind::String: return "text";
  case FieldKind::RealList: return "a list of numbers such as [0.02, 0.01]";
  }
  return "";
}

void TargetLoader::parseField(const FieldSpec &spec, yaml::Node *node,
                              yaml::ScalarNode *key) {
  SMLoc loc = valueStart(key, node);
  if (isa_and_nonnull<yaml::AliasNode>(node)) {
    report(loc, spec.path, "YAML aliases are not supported");
    return;
  }
  Value value;
  value.spec = &spec;
  value.loc = loc;
  if (spec.kind == FieldKind::RealList) {
    auto *sequence = dyn_cast_or_null<yaml::SequenceNode>(node);
    if (!sequence) {
      report(loc, spec.path, "expected " + expectedText(spec));
      return;
    }
    bool ok = true;
    for (yaml::Node &item : *sequence) {
      auto *scalar = dyn_cast<yaml::ScalarNode>(&item);
      SmallString<16> storage;
      StringRef text = scalar ? scalar->getValue(storage).trim() : "";
      double v;
      if (!scalar || text.getAsDouble(v) || !std::isfinite(v)) {
        report(item.getSourceRange().Start, spec.path,
               "list entries must be numbers");
        ok = false;
        continue;
      }
      if (v < spec.min || v > spec.max) {
        report(item.getSourceRange().Start, spec.path,
               "entry " + text + " is outside the allowed range " +
                   describeRange(spec));
        ok = false;
      }
      value.list.push_back(v);
    }
    if (ok)
      values[spec.path] = std::move(value);
    return;
  }
  auto *scalar = dyn_cast_or_null<yaml::ScalarNode>(node);
  if (!scalar) {
    report(loc, spec.path,
           "expected " + expectedText(spec) + ", got " +
               (isa_and_nonnull<yaml::MappingNode>(node)    ? "a mapping"
                : isa_and_nonnull<yaml::SequenceNode>(node) ? "a list"
                                                            : "nothing"));
    return;
  }
  SmallString<32> storage;
  StringRef text = scalar->getValue(storage);
  if (parseScalar(spec, text, loc, value))
    values[spec.path] = std::move(value);
}

bool TargetLoader::parseScalar(const FieldSpec &spec, StringRef text,
                               SMLoc loc, Value &value) {
  auto checkRange = [&](double v, const std::string &shown) {
    bool low = spec.minExclusive ? v <= spec.min : v < spec.min;
    if (low || v > spec.max) {
      report(loc, spec.path,
             shown + " is outside the allowed range " + describeRange(spec));
      return false;
    }
    return true;
  };
  StringRef trimmed = text.trim();
  switch (spec.kind) {
  case FieldKind::Integer: {
    int64_t v;
    if (trimmed.getAsInteger(10, v)) {
      report(loc, spec.path, "expected an integer, got '" + text + "'");
      return false;
    }
    value.integer = v;
    if (spec.path == "nncc_target" && v != 1) {
      report(loc, spec.path,
             "unsupported format version " + trimmed + " (expected 1)");
      return false;
    }
    return checkRange(static_cast<double>(v), trimmed.str());
  }
  case FieldKind::Real: {
    double v;
    if (trimmed.getAsDouble(v) || !std::isfinite(v)) {
      report(loc, spec.path, "expected a number, got '" + text + "'");
      return false;
    }
    value.number = v;
    return checkRange(v, trimmed.str());
  }
  case FieldKind::Quantity: {
    Expected<double> v = parseQuantity(text, spec.dimension);
    if (!v) {
      report(loc, spec.path, toString(v.takeError()));
      return false;
    }
    value.number = *v;
    return checkRange(*v, trimmed.str());
  }
  case FieldKind::Enum: {
    SmallVector<StringRef> options;
    spec.enumValues.split(options, '|');
    if (!llvm::is_contained(options, trimmed)) {
      std::string hint;
      unsigned best = 3;
      for (StringRef option : options) {
        unsigned distance = trimmed.edit_distance(option, true, best);
        if (distance < best) {
          best = distance;
          hint = (" (did you mean '" + option + "'?)").str();
        }
      }
      report(loc, spec.path,
             "expected one of " + spec.enumValues + ", got '" + text + "'" +
                 hint);
      return false;
    }
    value.text = trimmed.str();
    return true;
  }
  case FieldKind::Bool:
    if (trimmed != "true" && trimmed != "false") {
      report(loc, spec.path, "expected true or false, got '" + text + "'");
      return false;
    }
    value.flag = trimmed == "true";
    return true;
  case FieldKind::String:
    value.text = text.str();
    return true;
  case FieldKind::RealList:
    break;
  }
  return false;
}

bool TargetLoader::given(StringRef section) const {
  if (sectionLocs.count(section))
    return true;
  std::string prefix = (section + ".").str();
  auto under = [&](StringRef path) { return path.starts_with(prefix); };
  return llvm::any_of(values.keys(), under) ||
         llvm::any_of(fieldNodes.keys(), under);
}

bool TargetLoader::crossbarOnly(StringRef path) {
  for (StringRef section : {"array", "periphery", "core", "costs"})
    if (path == section || path.starts_with((section + ".").str()))
      return true;
  return path == "chip.cores" || path == "chip.global_buffer" ||
         path == "chip.global_buffer_kind" ||
         path.starts_with("chip.off_chip_links");
}

bool TargetLoader::applies(StringRef path) const {
  if (path.starts_with("neuromorphic."))
    return spiking;
  if (!spiking)
    return true;
  if (crossbarOnly(path))
    return false;
  if (path.starts_with("device."))
    return given("device");
  return true;
}

void TargetLoader::checkSpikingSections() {
  if (!spiking)
    return;
  // A whole section is reported once, at its key; a field given alone
  // (chip.cores, or an override of a section the file leaves out) at its
  // value.
  for (StringRef section : {"array", "periphery", "core", "costs"})
    if (auto it = sectionLocs.find(section); it != sectionLocs.end())
      report(it->second, section,
             "a neuromorphic chip has no crossbar " + section +
                 " section: its cores, synapses and costs are in "
                 "neuromorphic");
  std::vector<std::pair<SMLoc, std::string>> fields;
  for (const auto &entry : values)
    if (crossbarOnly(entry.getKey()))
      fields.emplace_back(entry.getValue().loc, entry.getKey().str());
  for (const auto &entry : fieldNodes)
    if (crossbarOnly(entry.getKey()) && !values.count(entry.getKey()))
      fields.emplace_back(locOf(entry.getKey()), entry.getKey().str());
  for (const auto &[loc, path] : fields) {
    StringRef section = StringRef(path).split('.').first;
    if (section != "chip" && sectionLocs.count(section) &&
        !(overrideBuffer != 0 && loc.isValid() &&
          sm.FindBufferContainingLoc(loc) == overrideBuffer))
      continue; // the section's key is reported
    report(loc, path,
           path == "chip.cores"
               ? "a neuromorphic chip gives its core count as "
                 "neuromorphic.cores"
               : "does not apply to a neuromorphic chip");
  }
}

void TargetLoader::applyDefaults() {
  for (const FieldSpec &spec : getTargetSchema()) {
    if (values.count(spec.path) || fieldNodes.count(spec.path))
      continue;
    if (!applies(spec.path))
      continue;
    if (spec.presence == Presence::Required) {
      report(sectionLoc(spec.path), spec.path, "missing required field");
    } else if (spec.presence == Presence::Defaulted) {
      Value value;
      value.spec = &spec;
      bool parsed = parseScalar(spec, spec.defaultText, SMLoc(), value);
      assert(parsed && "schema default must parse");
      (void)parsed;
      values[spec.path] = std::move(value);
    }
  }
}

template <typename E>
E enumValue(StringRef text, std::initializer_list<std::pair<StringRef, E>> map) {
  for (const auto &[name, value] : map)
    if (name == text)
      return value;
  return map.begin()->second;
}

TargetChip TargetLoader::build() {
  TargetChip chip;
  chip.formatVersion = integer("nncc_target");
  chip.name = text("name");
  if (get("description"))
    chip.description = text("description");

  chip.technology = {number("technology.node"), number("technology.vdd"),
                     number("technology.clock")};

  // A spiking chip without a device section has digital (SRAM) synapses:
  // no programming error, faults or drift.
  if (!spiking || given("device"))
    buildDevice(chip.device);
  else
    chip.device.kind = DeviceKind::SRAM;
  if (spiking)
    buildNeuromorphic(chip);
  else
    buildCrossbar(chip);
  buildInterconnect(chip);
  return chip;
}

void TargetLoader::buildDevice(Device &dev) {
  dev.kind = enumValue<DeviceKind>(
      text("device.kind"),
      {{"rram", DeviceKind::RRAM}, {"pcm", DeviceKind::PCM},
       {"fefet", DeviceKind::FeFET}, {"flash", DeviceKind::Flash},
       {"sram", DeviceKind::SRAM}, {"mram", DeviceKind::MRAM},
       {"ecram", DeviceKind::ECRAM}});

  // Levels: `levels` or `bits_per_cell`, not both.
  const Value *levels = get("device.levels");
  const Value *bits = get("device.bits_per_cell");
  if (levels && bits)
    report(bits->loc, "device.bits_per_cell",
           "give either levels or bits_per_cell, not both");
  dev.levels = levels ? levels->integer
               : bits ? (int64_t{1} << bits->integer)
                      : 2;
  if (dev.kind == DeviceKind::SRAM && dev.levels != 2)
    report(locOf(levels ? "device.levels" : "device.bits_per_cell"),
           levels ? "device.levels" : "device.bits_per_cell",
           "an sram cell stores one bit (2 levels)");

  // Conductance window: its top (g_max, or r_on = 1 / g_max) and its
  // bottom (g_min, or on_off_ratio = g_max / g_min), one of each, so a
  // device is described as its datasheet gives it.
  const Value *gMin = get("device.g_min"), *gMax = get("device.g_max");
  const Value *rOn = get("device.r_on"), *ratio = get("device.on_off_ratio");
  if (gMax && rOn) {
    report(rOn->loc, "device.r_on",
           "give the window's top once: g_max or r_on (= 1 / g_max), not both");
  } else if (gMin && ratio) {
    report(ratio->loc, "device.on_off_ratio",
           "give the window's bottom once: g_min or on_off_ratio (= g_max / "
           "g_min), not both");
  } else if (!gMax && !rOn && !gMin && !ratio) {
    report(sectionLoc("device.g_min"), "device",
           "the conductance window is missing: give its top (g_max or r_on) "
           "and its bottom (g_min or on_off_ratio)");
  } else if (!gMax && !rOn) {
    report(sectionLoc("device.g_max"), "device.g_max",
           std::string("missing: ") + (gMin ? "g_min" : "on_off_ratio") +
               " needs the window's top, g_max or r_on");
  } else if (!gMin && !ratio) {
    report(sectionLoc("device.g_min"), "device.g_min",
           std::string("missing: ") + (gMax ? "g_max" : "r_on") +
               " needs the window's bottom, g_min or on_off_ratio");
  } else {
    const double top = gMax ? gMax->number : 1.0 / rOn->number;
    const double bottom = gMin ? gMin->number : top / ratio->number;
    if (gMin && top <= bottom)
      report(gMax ? gMax->loc : rOn->loc, gMax ? "device.g_max" : "device.r_on",
             "the window's top must exceed g_min (" +
                 formatQuantity(gMin->number, Dimension::Conductance) + ")");
    else {
      dev.gMax = top;
      dev.gMin = bottom;
    }
  }
  dev.readVoltage = number("device.read_voltage");
  dev.readPulse = number("device.read_pulse");

  WriteVerify &wv = dev.programming;
  wv.scheme = enumValue<ProgrammingScheme>(
      text("device.programming.scheme"),
      {{"write-verify", ProgrammingScheme::WriteVerify},
       {"single-pulse", ProgrammingScheme::SinglePulse}});
  wv.amplitudeStart = number("device.programming.amplitude_start");
  wv.amplitudeStep = number("device.programming.amplitude_step");
  wv.amplitudeMax = number("device.programming.amplitude_max");
  if (wv.amplitudeMax < wv.amplitudeStart) {
    // Blame the field the file actually sets.
    const Value *maxValue = get("device.programming.amplitude_max");
    if (maxValue->loc.isValid())
      report(maxValue->loc, "device.programming.amplitude_max",
             "must not be below amplitude_start (" +
                 formatQuantity(wv.amplitudeStart, Dimension::Voltage) + ")");
    else
      report(locOf("device.programming.amplitude_start"),
             "device.programming.amplitude_start",
             "must not exceed amplitude_max (" +
                 formatQuantity(wv.amplitudeMax, Dimension::Voltage) + ")");
  }
  wv.pulseWidth = number("device.programming.pulse_width");
  wv.maxIterations = integer("device.programming.max_iterations");
  wv.tolerance = number("device.programming.tolerance");
  wv.energyPerPulse = number("device.programming.energy_per_pulse");
  wv.parallelCells = integer("device.programming.parallel_cells");

  DeviceStatistics &st = dev.statistics;
  st.programmingSigma = number("device.statistics.programming_sigma");
  st.programmingSigmaRelative =
      flag("device.statistics.programming_sigma_relative");
  if (const Value *perLevel =
          get("device.statistics.programming_sigma_per_level")) {
    if (static_cast<int64_t>(perLevel->list.size()) != dev.levels)
      report(perLevel->loc, "device.statistics.programming_sigma_per_level",
             formatv("has {0} entries, the device has {1} levels",
                     perLevel->list.size(), dev.levels));
    st.programmingSigmaPerLevel = perLevel->list;
  }
  if (const Value *poly =
          get("device.statistics.programming_sigma_polynomial")) {
    if (get("device.statistics.programming_sigma_per_level"))
      report(poly->loc, "device.statistics.programming_sigma_polynomial",
             "give either programming_sigma_polynomial or "
             "programming_sigma_per_level, not both");
    else if (poly->list.empty())
      report(poly->loc, "device.statistics.programming_sigma_polynomial",
             "needs at least one coefficient");
    else {
      st.programmingSigmaPerLevel =
          sigmaPerLevelFromPolynomial(poly->list, dev.levels);
      for (auto [d, sigma] : llvm::enumerate(st.programmingSigmaPerLevel))
        if (sigma > 1) {
          report(poly->loc, "device.statistics.programming_sigma_polynomial",
                 formatv("gives sigma {0} at level {1}, above 1",
                         format("%g", sigma), d));
          break;
        }
    }
  }
  st.deviceToDeviceSigma = number("device.statistics.device_to_device_sigma");
  st.readNoiseSigma = number("device.statistics.read_noise_sigma");
  st.drift = {number("device.statistics.drift.nu_mean"),
              number("device.statistics.drift.nu_sigma"),
              number("device.statistics.drift.t0")};
  st.stuckAtOn = number("device.statistics.stuck_at_on");
  st.stuckAtOff = number("device.statistics.stuck_at_off");
  if (st.stuckAtOn + st.stuckAtOff > 1)
    report(locOf("device.statistics.stuck_at_off"),
           "device.statistics.stuck_at_off",
           "stuck_at_on + stuck_at_off exceeds 1");
  st.endurance = number("device.statistics.endurance");
  st.retention = number("device.statistics.retention");
}

void TargetLoader::buildCrossbar(TargetChip &chip) {
  const Device &dev = chip.device;
  Array &arr = chip.array;
  arr.rows = integer("array.rows");
  arr.cols = integer("array.cols");
  arr.cell = enumValue<CellType>(
      text("array.cell"), {{"1R", CellType::R1}, {"1T1R", CellType::T1R1},
                           {"2T2R", CellType::T2R2}, {"1T", CellType::T1},
                           {"6T", CellType::SRAM6T}, {"8T", CellType::SRAM8T}});
  arr.wireResistance = number("array.wire_resistance");
  const Value *parallel = get("array.rows_in_parallel");
  arr.rowsInParallel = parallel ? parallel->integer : arr.rows;
  if (arr.rowsInParallel > arr.rows)
    report(parallel->loc, "array.rows_in_parallel",
           formatv("{0} exceeds the array's {1} rows", arr.rowsInParallel,
                   arr.rows));
  arr.weightBits = integer("array.weight_bits");
  arr.signedWeights = enumValue<SignedWeightScheme>(
      text("array.signed_weights"),
      {{"differential-columns", SignedWeightScheme::DifferentialColumns},
       {"differential-rows", SignedWeightScheme::DifferentialRows},
       {"offset-reference", SignedWeightScheme::OffsetReference}});
  if (arr.cell == CellType::T2R2 &&
      arr.signedWeights == SignedWeightScheme::OffsetReference)
    report(locOf("array.signed_weights"), "array.signed_weights",
           "a 2T2R cell is a differential pair; use differential-columns or "
           "differential-rows");
  arr.readPhases =
      enumValue<int64_t>(text("array.read_mode"), {{"one-phase", int64_t{1}},
                                                   {"four-phase", int64_t{4}}});
  if (arr.readPhases > 1 &&
      arr.signedWeights != SignedWeightScheme::DifferentialRows)
    report(locOf("array.read_mode"), "array.read_mode",
           "four-phase reads split G+ and G- rows sharing a bit line; they "
           "need signed_weights: differential-rows");
  arr.devicesPerCell = integer("array.devices_per_cell");
  if (arr.devicesPerCell > 1 &&
      (arr.cell == CellType::SRAM6T || arr.cell == CellType::SRAM8T))
    report(locOf("array.devices_per_cell"), "array.devices_per_cell",
           "an SRAM cell is one latch; devices in parallel need a "
           "conductance-coded cell (1R, 1T1R, 2T2R or 1T)");
  if (arr.signedWeights == SignedWeightScheme::DifferentialColumns &&
      arr.cell != CellType::T2R2 && arr.cols < 2)
    report(locOf("array.cols"), "array.cols",
           "differential columns need at least 2 columns");

  Periphery &per = chip.periphery;
  per.adcType = enumValue<AdcType>(text("periphery.adc.type"),
                                   {{"sar", AdcType::SAR},
                                    {"flash", AdcType::Flash},
                                    {"integrating", AdcType::Integrating},
                                    {"current-sense", AdcType::CurrentSense},
                                    {"cco", AdcType::CCO}});
  per.adcBits = integer("periphery.adc.bits");
  per.columnsPerAdc = integer("periphery.adc.columns_per_adc");
  if (per.columnsPerAdc > arr.cols)
    report(locOf("periphery.adc.columns_per_adc"),
           "periphery.adc.columns_per_adc",
           formatv("{0} exceeds the array's {1} columns", per.columnsPerAdc,
                   arr.cols));
  if (per.adcBits < dev.bitsPerCell())
    report(locOf("periphery.adc.bits"), "periphery.adc.bits",
           formatv("{0} bits cannot resolve the {1} levels of one cell",
                   per.adcBits, dev.levels));
  per.inputEncoding = enumValue<InputEncoding>(
      text("periphery.input.encoding"),
      {{"bit-serial", InputEncoding::BitSerial},
       {"pwm", InputEncoding::PWM},
       {"amplitude", InputEncoding::Amplitude}});
  per.inputBits = integer("periphery.input.bits");
  const Value *dac = get("periphery.input.dac_bits");
  if (per.inputEncoding == InputEncoding::BitSerial) {
    per.dacBits = dac ? dac->integer : 1;
    if (per.dacBits > per.inputBits)
      report(dac->loc, "periphery.input.dac_bits",
             formatv("{0} exceeds input.bits ({1})", per.dacBits,
                     per.inputBits));
  } else {
    per.dacBits = dac ? dac->integer : per.inputBits;
    if (per.dacBits != per.inputBits)
      report(dac->loc, "periphery.input.dac_bits",
             "must equal input.bits: " + text("periphery.input.encoding") +
                 " inputs are applied in one cycle");
  }
  per.adcColumnCorrection = flag("periphery.adc.column_correction");
  per.shiftAdd = flag("periphery.shift_add");
  per.senseAmplifiers = flag("periphery.sense_amplifiers");
  per.sampleAndHold = flag("periphery.sample_and_hold");
  // A current-sense or CCO converter takes the column current while it
  // converts (it is the read); binary sense amplifiers latch by themselves.
  if (per.sampleAndHold &&
      (per.senseAmplifiers || per.adcType == AdcType::CurrentSense ||
       per.adcType == AdcType::CCO))
    report(locOf("periphery.sample_and_hold"), "periphery.sample_and_hold",
           per.senseAmplifiers
               ? "sense amplifiers latch their own decision; a "
                 "sample-and-hold feeds a converter"
               : "a " + text("periphery.adc.type") +
                     " converter takes the column current while it "
                     "converts; a held sample needs a sar, flash or "
                     "integrating converter");
  per.readCircuit = enumValue<ReadCircuit>(
      text("periphery.read_circuit"),
      {{"current", ReadCircuit::Current}, {"voltage", ReadCircuit::Voltage}});
  // A current-sense or CCO converter is driven by the column current; a
  // voltage-mode bit line offers it none (sense amplifiers replace the
  // converter and read a voltage).
  if (per.readCircuit == ReadCircuit::Voltage && !per.senseAmplifiers &&
      (per.adcType == AdcType::CurrentSense || per.adcType == AdcType::CCO))
    report(locOf("periphery.read_circuit"), "periphery.read_circuit",
           "a " + text("periphery.adc.type") +
               " converter takes the column current; a voltage-mode read "
               "needs a sar, flash or integrating converter or "
               "sense_amplifiers");
  per.runningSums = enumValue<RunningSums>(
      text("periphery.running_sums"),
      {{"column", RunningSums::Column}, {"weight", RunningSums::Weight}});
  if (per.runningSums == RunningSums::Weight && !per.shiftAdd)
    report(locOf("periphery.running_sums"), "periphery.running_sums",
           "running sums per weight are the shift-and-add's registers: "
           "they need periphery.shift_add: true");
  // A four-phase read's parts are added, with their signs, by the digital
  // periphery after the converters; its costs are modelled for current-mode
  // bit lines (a voltage-mode line's swing would be one per phase).
  if (chip.array.readPhases > 1 && !per.shiftAdd)
    report(locOf("array.read_mode"), "array.read_mode",
           "four-phase reads add their four parts digitally: they need "
           "periphery.shift_add: true");
  else if (chip.array.readPhases > 1 && per.readCircuit == ReadCircuit::Voltage)
    report(locOf("array.read_mode"), "array.read_mode",
           "four-phase reads are modelled for current-mode bit lines "
           "(periphery.read_circuit: current)");

  chip.core.arrays = integer("core.arrays");
  chip.core.bufferBytes = number("core.buffer");
  chip.core.bufferPortBits = integer("core.buffer_port");
  chip.core.doubleBuffered = flag("core.double_buffered");
  chip.core.oneLayerCopy = flag("core.one_layer_copy");
  chip.core.adderTreeInputs = integer("core.adder_tree_inputs");
  if (chip.core.adderTreeInputs > chip.core.arrays)
    report(locOf("core.adder_tree_inputs"), "core.adder_tree_inputs",
           formatv("a tree of {0} inputs needs {0} arrays; the core has {1}",
                   chip.core.adderTreeInputs, chip.core.arrays));
  chip.core.bufferKind = enumValue<MemoryKind>(
      text("core.buffer_kind"),
      {{"sram", MemoryKind::SRAM}, {"register-file", MemoryKind::RegisterFile}});
  chip.core.sfuActivation = flag("core.sfu.activation");
  chip.core.sfuPooling = flag("core.sfu.pooling");
  chip.core.sfuElementwise = flag("core.sfu.elementwise");
  chip.core.sfuLanes = integer("core.sfu.lanes");
  chip.core.macsPerClock = integer("core.mac_array.macs_per_clock");
  chip.core.macBits = integer("core.mac_array.bits");
  chip.core.macNumberFormat = enumValue<MacNumberFormat>(
      text("core.mac_array.number_format"),
      {{"int", MacNumberFormat::Int}, {"fp32", MacNumberFormat::Fp32}});

  chip.chip.cores = integer("chip.cores");
  // Each count is in range alone, but their product is what every stage
  // sizes by.  An assumption with room to spare: the largest CIM designs
  // have ~10^4 arrays (ISAAC, Shafiee et al., ISCA 2016: 168 tiles x 12
  // IMAs x 8 crossbars = 16,128); 2^24 is a thousand times that.
  constexpr int64_t kMaxChipArrays = int64_t{1} << 24;
  if (chip.core.arrays * chip.chip.cores > kMaxChipArrays)
    report(locOf("core.arrays"), "core.arrays",
           formatv("{0} cores x {1} arrays = {2} arrays on the chip; at most "
                   "{3} (a thousand times the largest published CIM chip)",
                   chip.chip.cores, chip.core.arrays,
                   chip.core.arrays * chip.chip.cores, kMaxChipArrays));
  chip.chip.globalBufferBytes = number("chip.global_buffer");
  chip.chip.globalBufferKind = enumValue<MemoryKind>(
      text("chip.global_buffer_kind"),
      {{"sram", MemoryKind::SRAM}, {"register-file", MemoryKind::RegisterFile}});
  OffChipLinks &links = chip.chip.offChipLinks;
  links.count = integer("chip.off_chip_links.count");
  links.power = number("chip.off_chip_links.power");
  links.area = number("chip.off_chip_links.area");
  // A figure for no links costs nothing: most likely a forgotten count.
  if (links.count == 0 && (links.power > 0 || links.area > 0)) {
    const char *field = links.power > 0 ? "chip.off_chip_links.power"
                                        : "chip.off_chip_links.area";
    report(locOf(field), field,
           "given for 0 links; set chip.off_chip_links.count");
  }

  CostOverrides &costs = chip.costs;
  costs.cellAreaF2 = optional("costs.cell_area_f2");
  costs.cellAspectRatio = optional("costs.cell_aspect_ratio");
  costs.adcEnergy = optional("costs.adc_energy");
  costs.adcArea = optional("costs.adc_area");
  costs.adcLatency = optional("costs.adc_latency");
  costs.dacEnergy = optional("costs.dac_energy");
  costs.bufferEnergyPerBit = optional("costs.buffer_energy_per_bit");
  costs.sfuEnergyPerOp = optional("costs.sfu_energy_per_op");
  costs.macEnergy = optional("costs.mac_energy");
  costs.routerArea = optional("costs.router_area");
  costs.staticPower = optional("costs.static_power");
  costs.cellCurrentTime = optional("costs.cell_current_time");
}

void TargetLoader::buildNeuromorphic(TargetChip &chip) {
  Neuromorphic n;
  n.cores = integer("neuromorphic.cores");
  n.timestep = number("neuromorphic.timestep");
  NeuromorphicCore &core = n.core;
  core.axons = integer("neuromorphic.core.axons");
  core.neurons = integer("neuromorphic.core.neurons");
  core.synapseBits = integer("neuromorphic.core.synapse_bits");
  core.axonsPerInput = integer("neuromorphic.core.axons_per_input");
  core.gainBits = integer("neuromorphic.core.gain_bits");
  core.potentialBits = integer("neuromorphic.core.potential_bits");
  core.decay = number("neuromorphic.core.decay");
  if (core.decay >= 1)
    report(locOf("neuromorphic.core.decay"), "neuromorphic.core.decay",
           "a neuron that loses its whole potential every timestep never "
           "integrates; give a fraction below 1");
  core.reset = enumValue<NeuronReset>(text("neuromorphic.core.reset"),
                                      {{"subtract", NeuronReset::Subtract},
                                       {"zero", NeuronReset::Zero}});
  core.bias = enumValue<BiasSource>(text("neuromorphic.core.bias"),
                                    {{"leak", BiasSource::Leak},
                                     {"axon", BiasSource::Axon}});
  core.partialSums = flag("neuromorphic.core.partial_sums");
  // One input takes axons_per_input axons, and a bias axon one more.
  const int64_t reserved = core.bias == BiasSource::Axon ? 1 : 0;
  if (core.axonsPerInput + reserved > core.axons)
    report(locOf("neuromorphic.core.axons_per_input"),
           "neuromorphic.core.axons_per_input",
           formatv("{0} axons per input{1} need {2} axons; the core has {3}",
                   core.axonsPerInput,
                   reserved ? " and a bias axon" : "",
                   core.axonsPerInput + reserved, core.axons));
  // The register must hold one synaptic input: a code times its gain.
  if (core.potentialBits <= core.synapseBits + core.gainBits)
    report(locOf("neuromorphic.core.potential_bits"),
           "neuromorphic.core.potential_bits",
           formatv("{0} bits cannot hold one synaptic input ({1}-bit code x "
                   "{2}-bit gain); give more than {3}",
                   core.potentialBits, core.synapseBits, core.gainBits,
                   core.synapseBits + core.gainBits));
  // The chip's core count for the placer and the mesh.
  chip.chip.cores = n.cores;
  constexpr int64_t kMaxSynapses = int64_t{1} << 40;
  if (n.cores * core.axons > kMaxSynapses / core.neurons)
    report(locOf("neuromorphic.core.axons"), "neuromorphic.core.axons",
           formatv("{0} cores x {1} axons x {2} neurons exceed 2^40 "
                   "synapses (a thousand times TrueNorth's 2^28)",
                   n.cores, core.axons, core.neurons));

  SpikeCosts &costs = n.costs;
  costs.synapticEvent = number("neuromorphic.costs.synaptic_event");
  costs.spikeHop = optional("neuromorphic.costs.spike_hop")
                       .value_or(static_cast<double>(
                                     integer("neuromorphic.spike_bits")) *
                                 number("chip.interconnect.energy_per_bit_hop"));
  costs.neuronUpdate = number("neuromorphic.costs.neuron_update");
  costs.staticPower = number("neuromorphic.costs.static_power");
  costs.coreArea = number("neuromorphic.costs.core_area");
  n.deviceSynapses = given("device");
  chip.neuromorphic = n;
}

void TargetLoader::buildInterconnect(TargetChip &chip) {
  Interconnect &noc = chip.chip.interconnect;
  noc.topology = enumValue<Topology>(text("chip.interconnect.topology"),
                                     {{"mesh", Topology::Mesh},
                                      {"bus", Topology::Bus}});
  const Value *width = get("chip.interconnect.width");
  const Value *height = get("chip.interconnect.height");
  // Spike costs are per mesh hop (docs/ppa-model.md, "Spiking chips").
  if (spiking && noc.topology == Topology::Bus)
    report(locOf("chip.interconnect.topology"), "chip.interconnect.topology",
           "a neuromorphic chip routes its spikes on a mesh");
  if (noc.topology == Topology::Bus) {
    if (width || height)
      report((width ? width : height)->loc,
             width ? "chip.interconnect.width" : "chip.interconnect.height",
             "a bus has no mesh dimensions");
    noc.width = chip.chip.cores;
    noc.height = 1;
  } else {
    int64_t cores = chip.chip.cores;
    noc.width = width ? width->integer
                : height
                    ? (cores + height->integer - 1) / height->integer
                    : static_cast<int64_t>(std::ceil(std::sqrt(
                          static_cast<double>(cores))));
    noc.height = height ? height->integer : (cores + noc.width - 1) / noc.width;
    if (noc.width * noc.height < cores)
      report(locOf(width ? "chip.interconnect.width"
                         : "chip.interconnect.height"),
             width ? "chip.interconnect.width" : "chip.interconnect.height",
             formatv("a {0}x{1} mesh has room for {2} cores, the chip has "
                     "{3}",
                     noc.width, noc.height, noc.width * noc.height, cores));
    // A router per position: a mesh beyond the most cores a chip may have
    // (chip.cores' range) only costs the placement time and memory.
    constexpr int64_t kMaxMeshPositions = int64_t{1} << 20;
    if (noc.width * noc.height > kMaxMeshPositions)
      report(locOf(width ? "chip.interconnect.width"
                         : "chip.interconnect.height"),
             width ? "chip.interconnect.width" : "chip.interconnect.height",
             formatv("a {0}x{1} mesh has {2} positions; at most {3}, the "
                     "most cores a chip may have",
                     noc.width, noc.height, noc.width * noc.height,
                     kMaxMeshPositions));
  }
  noc.linkBandwidth = number("chip.interconnect.link_bandwidth");
  noc.hopLatency = number("chip.interconnect.hop_latency");
  noc.energyPerBitHop = number("chip.interconnect.energy_per_bit_hop");

}


bool TargetLoader::reportFirstAlias(yaml::Node *node, yaml::ScalarNode *key,
                                    StringRef path) {
  if (isa_and_nonnull<yaml::AliasNode>(node)) {
    SMLoc loc = valueStart(key, node);
    if (!key) {
      // An alias node's range starts after its name: blame its '*'.
      const char *begin =
          sm.getMemoryBuffer(sm.getMainFileID())->getBufferStart();
      const char *p = loc.getPointer();
      while (p > begin && *p != '*')
        --p;
      loc = SMLoc::getFromPointer(p);
    }
    report(loc, path, "YAML aliases are not supported");
    return true;
  }
  if (auto *mapping = dyn_cast_or_null<yaml::MappingNode>(node)) {
    for (yaml::KeyValueNode &entry : *mapping) {
      auto *keyNode = dyn_cast_or_null<yaml::ScalarNode>(entry.getKey());
      SmallString<32> storage;
      std::string child =
          !keyNode ? path.str()
          : path.empty()
              ? keyNode->getValue(storage).str()
              : (path + "." + keyNode->getValue(storage)).str();
      if (!keyNode && reportFirstAlias(entry.getKey(), nullptr, path))
        return true;
      if (reportFirstAlias(entry.getValue(), keyNode, child))
        return true;
    }
  } else if (auto *sequence = dyn_cast_or_null<yaml::SequenceNode>(node)) {
    for (yaml::Node &item : *sequence)
      if (reportFirstAlias(&item, nullptr, path))
        return true;
  }
  return false;
}

bool TargetLoader::precheck(StringRef text) {
  // The YAML parser assumes UTF-8 and recurses once per nesting level.
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *p = begin;
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (p < end) {
    unsigned length = llvm::getNumBytesForUTF8(*p);
    if (p + length > end || !llvm::isLegalUTF8Sequence(p, p + length)) {
      report(SMLoc::getFromPointer(reinterpret_cast<const char *>(p)), "",
             formatv("not valid UTF-8 (byte {0:x2})", unsigned(*p)).str());
      return false;
    }
    p += length;
  }
  // Nesting: flow brackets, and block sequences opened on one line ("- - -").
  constexpr int kMaxDepth = 64;
  int depth = 0, dashes = 0;
  char quote = 0;
  bool comment = false;
  for (const char *c = text.begin(); c != text.end(); ++c) {
    if (*c == '\n') {
      comment = false;
      dashes = 0;
      continue;
    }
    if (comment)
      continue;
    if (quote) {
      if (*c == quote)
        quote = 0;
      continue;
    }
    if (*c == '#') {
      comment = true;
    } else if (*c == '"' || *c == '\'') {
      quote = *c;
    } else if (*c == '[' || *c == '{') {
      ++depth;
    } else if (*c == ']' || *c == '}') {
      depth = std::max(0, depth - 1);
    } else if (*c == '-' && c + 1 != text.end() && c[1] == ' ') {
      ++dashes;
    }
    if (depth > kMaxDepth || dashes > kMaxDepth) {
      report(SMLoc::getFromPointer(c), "",
             formatv("nesting deeper than {0} levels", kMaxDepth).str());
      return false;
    }
  }
  return true;
}

Expected<TargetChip> TargetLoader::run() {
  StringRef text = sm.getMemoryBuffer(sm.getMainFileID())->getBuffer();
  documentStart = SMLoc::getFromPointer(text.data());
  bool blank = llvm::all_of(text, [](char c) { return llvm::isSpace(c); });
  if (precheck(text)) {
    // Syntax first, over every document, so that a half-parsed tree never
    // produces messages of its own.
    yaml::Stream syntax(sm.getMemoryBuffer(sm.getMainFileID())->getMemBufferRef(),
                        sm);
    for (yaml::Document &doc : syntax)
      doc.skip();
  }
  if (problems.empty()) {
    yaml::Stream aliases(
        sm.getMemoryBuffer(sm.getMainFileID())->getMemBufferRef(), sm);
    auto document = aliases.begin();
    if (document != aliases.end())
      reportFirstAlias(document->getRoot(), nullptr, "");
  }
  if (problems.empty()) {
    yaml::Stream stream(sm.getMemoryBuffer(sm.getMainFileID())->getMemBufferRef(),
                        sm);
    auto document = stream.begin();
    yaml::Node *root = document != stream.end() ? document->getRoot() : nullptr;
    if (blank || !root || isa<yaml::NullNode>(root)) {
      report(documentStart, "", "empty file: expected a chip description");
    } else if (auto *mapping = dyn_cast<yaml::MappingNode>(root)) {
      walk(mapping, "");
      parseRemainingOverrides();
      if (++document != stream.end())
        report(document->getRoot() ? document->getRoot()->getSourceRange().Start
                                   : documentStart,
               "", "expected one YAML document, found more");
    } else {
      report(root->getSourceRange().Start, "",
             "expected a mapping of sections (technology, device, array, ...)");
    }
  }
  // Defaults and cross-field checks only make sense on a well-formed tree.
  std::optional<TargetChip> chip;
  if (problems.empty()) {
    spiking = given("neuromorphic");
    checkSpikingSections();
  }
  if (problems.empty()) {
    applyDefaults();
    if (problems.empty())
      chip = build();
  }
  if (!problems.empty()) {
    // File order, then the overrides' (their buffer is elsewhere in
    // memory, so pointers alone would order the two by chance).
    auto inOverrides = [&](SMLoc loc) {
      return overrideBuffer != 0 && loc.isValid() &&
             sm.FindBufferContainingLoc(loc) == overrideBuffer;
    };
    llvm::stable_sort(problems, [&](const auto &a, const auto &b) {
      bool ao = inOverrides(a.first), bo = inOverrides(b.first);
      if (ao != bo)
        return bo;
      return a.first.getPointer() < b.first.getPointer();
    });
    std::string all;
    for (const auto &[loc, line] : problems)
      all += (all.empty() ? "" : "\n") + line;
    return createStringError(inconvertibleErrorCode(), all);
  }
  return std::move(*chip);
}

Error TargetLoader::checkOverridesAlone() {
  parseRemainingOverrides();
  std::string all;
  for (const auto &[loc, line] : problems)
    all += (all.empty() ? "" : "\n") + line;
  return all.empty() ? Error::success()
                     : createStringError(inconvertibleErrorCode(), all);
}

} // namespace

Error nncc::target::checkFieldValue(const FieldOverride &override,
                                    StringRef name) {
  TargetLoader loader("", name, {override});
  return loader.checkOverridesAlone();
}

int64_t nncc::target::Device::bitsPerCell() const {
  int64_t bits = 0;
  while ((int64_t{2} << bits) <= levels)
    ++bits;
  return bits;
}

int64_t nncc::target::Periphery::inputCycles() const {
  if (inputEncoding != InputEncoding::BitSerial)
    return 1;
  return (inputBits + dacBits - 1) / dacBits;
}

Expected<TargetChip>
nncc::target::loadTargetBuffer(StringRef text, StringRef name,
                               ArrayRef<FieldOverride> overrides) {
  TargetLoader loader(text, name, overrides);
  return loader.run();
}

Expected<TargetChip> nncc::target::loadTargetFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(inconvertibleErrorCode(),
                             path + ": cannot read file: " +
                                 buffer.getError().message());
  return loadTargetBuffer((*buffer)->getBuffer(), path);
}
