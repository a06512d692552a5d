//===- VerificationVectorFiles.cpp - The vectors as $readmemh files -------===//
//
// The file formats of docs/verification-vectors.md: every value a
// fixed-width hex word (two's complement in the manifest's bit width), the
// words of one line separated by spaces, so that $readmemh reads a file
// into a flat memory in line order; a `//` header line says what the file
// holds.  manifest.json describes them (docs/schemas/
// nncc-verification-vectors.schema.json).
//
//===----------------------------------------------------------------------===//
#include "nncc/Export/VerificationVectors.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/OutputDirectory.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace nncc;
using namespace nncc::vectors;

namespace {

/// Bits of the smallest two's-complement word holding [lo, hi].
int64_t signedBits(int64_t lo, int64_t hi) {
  int64_t bits = 1;
  while (bits < 64 && (lo < -(int64_t{1} << (bits - 1)) ||
                       hi > (int64_t{1} << (bits - 1)) - 1))
    ++bits;
  return bits;
}

// The word widths of each file.
int64_t digitBits(const TileVectors &tile) {
  // |digit| < 2^dac_bits, either sign (signed last cycles, G- rows).
  return tile.dacBits + 1;
}
int64_t codeBits(const TileVectors &tile) {
  return signedBits(tile.minCode * tile.adcStep, tile.maxCode * tile.adcStep);
}
constexpr int64_t kOutputBits = 64;

/// cim_tile_periphery's SCHEME parameter.
int schemeCode(cim::SignedScheme scheme) {
  switch (scheme) {
  case cim::SignedScheme::DifferentialColumns:
    return 0;
  case cim::SignedScheme::DifferentialRows:
    return 1;
  case cim::SignedScheme::OffsetReference:
    return 2;
  }
  return 0;
}

/// Prints `count` words per line of `bits` bits each from `values`.
template <typename T>
void printWords(llvm::raw_ostream &os, llvm::ArrayRef<T> values,
                int64_t perLine, int64_t bits) {
  const int64_t digits = (bits + 3) / 4;
  const uint64_t mask =
      bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t word = static_cast<uint64_t>(static_cast<int64_t>(values[i])) & mask;
    os << llvm::format_hex_no_prefix(word, static_cast<unsigned>(digits));
    os << ((static_cast<int64_t>(i) + 1) % perLine == 0 ? '\n' : ' ');
  }
}

std::string fileName(const TileVectors &tile, llvm::StringRef kind) {
  return llvm::formatv("array{0}.{1}.hex", tile.index, kind).str();
}

void writeManifest(const LayerVectors &v, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  auto wordFile = [&](llvm::StringRef file, int64_t lines, int64_t words,
                      int64_t bits, bool isSigned) {
    j.object([&] {
      j.attribute("file", file);
      j.attribute("lines", lines);
      j.attribute("words_per_line", words);
      j.attribute("bits", bits);
      j.attribute("signed", isSigned);
    });
  };
  j.object([&] {
    j.attribute("schema", "nncc-verification-vectors");
    j.attribute("version", 1);
    j.attribute("layer", v.layer);
    j.attribute("target", v.target);
    j.attribute("images", v.images);
    j.attribute("runs", v.runs);
    j.attribute("images_per_run", v.imagesPerRun);
    j.attribute("vectors_per_run", v.vectorsPerRun);
    j.attribute("level_bits", v.levelBits);
    j.attribute("level_stride", v.levelStride);
    j.attributeObject("accumulators", [&] {
      j.attribute("groups", v.groups);
      j.attribute("columns", v.columns);
      j.attributeBegin("values");
      wordFile("layer.accumulators.hex", v.runs * v.groups * v.vectorsPerRun,
               v.columns, kOutputBits, true);
      j.attributeEnd();
    });
    j.attributeArray("arrays", [&] {
      for (const TileVectors &t : v.tiles)
        j.object([&] {
          j.attribute("index", t.index);
          j.attribute("chip_array", t.chipArray);
          j.attribute("group", t.group);
          j.attribute("row_begin", t.rowBegin);
          j.attribute("row_end", t.rowEnd);
          j.attribute("col_begin", t.colBegin);
          j.attribute("col_end", t.colEnd);
          j.attribute("physical_rows", t.physicalRows);
          j.attribute("physical_columns", t.physicalColumns);
          j.attribute("rows_in_parallel", t.rowsInParallel);
          j.attribute("row_groups", t.rowGroups);
          j.attribute("read_phases", t.readPhases);
          j.attributeObject("adc", [&] {
            j.attribute("bits", t.adcBits);
            j.attribute("step", t.adcStep);
            j.attribute("min_code", t.minCode);
            j.attribute("max_code", t.maxCode);
          });
          j.attributeObject("shift_add", [&] {
            j.attribute("cycles", t.cycles);
            j.attribute("dac_bits", t.dacBits);
            j.attributeArray("cycle_shifts", [&] {
              for (int64_t c = 0; c < t.cycles; ++c)
                j.value(c * t.dacBits);
            });
            j.attribute("negative_last_cycle", t.inputSigned);
            j.attribute("bits_per_cell", t.bitsPerCell);
            j.attributeArray("slice_shifts", [&] {
              for (int64_t s = t.sliceBegin; s < t.sliceEnd; ++s)
                j.value(s * t.bitsPerCell);
            });
            j.attribute("polarities", t.polarities);
            j.attribute("reference_column", t.referenceColumn);
            j.attribute("weight_columns", t.weightColumns);
          });
          j.attributeObject("combine", [&] {
            j.attribute("scheme", cim::stringifySignedScheme(t.scheme));
            j.attributeArray("offsets", [&] {
              for (int64_t o : t.offsets)
                j.value(o);
            });
          });
          j.attributeObject("files", [&] {
            j.attributeBegin("levels");
            wordFile(fileName(t, "levels"), t.physicalRows, t.physicalColumns,
                     v.levelBits, false);
            j.attributeEnd();
            j.attributeBegin("digits");
            wordFile(fileName(t, "digits"), t.lines(), t.physicalRows,
                     digitBits(t), true);
            j.attributeEnd();
            j.attributeBegin("codes");
            wordFile(fileName(t, "codes"), t.lines(), t.physicalColumns,
                     codeBits(t), true);
            j.attributeEnd();
            j.attributeBegin("offsets");
            wordFile(fileName(t, "offsets"), t.weightColumns, 1, 32, true);
            j.attributeEnd();
            j.attribute("testbench_parameters",
                        llvm::formatv("array{0}.tb.f", t.index).str());
            j.attributeBegin("partials");
            wordFile(fileName(t, "partials"), v.runs * v.vectorsPerRun,
                     t.weightColumns, kOutputBits, true);
            j.attributeEnd();
          });
        });
    });
  });
  os << "\n";
}

/// The parameters of examples/verification/tile_tb.sv for tile `t`, as an
/// Icarus Verilog command file (`iverilog -c`); other simulators take the
/// same values as top-level parameter overrides.
void writeTestbenchParameters(const LayerVectors &v, const TileVectors &t,
                              llvm::raw_ostream &os) {
  auto parameter = [&](llvm::StringRef name, int64_t value) {
    os << "+parameter+tile_tb." << name << "=" << value << "\n";
  };
  os << llvm::formatv("# layer {0} array {1}: tile_tb's parameters "
                      "(docs/verification-vectors.md)\n",
                      v.layer, t.index);
  parameter("ROWS", t.physicalRows);
  parameter("COLS", t.physicalColumns);
  parameter("WEIGHT_COLS", t.weightColumns);
  parameter("SLICES", t.sliceEnd - t.sliceBegin);
  parameter("POLARITIES", t.polarities);
  parameter("REFERENCE", t.referenceColumn);
  parameter("SLICE_BEGIN", t.sliceBegin);
  parameter("BITS_PER_CELL", t.bitsPerCell);
  parameter("DAC_BITS", t.dacBits);
  parameter("CYCLES", t.cycles);
  parameter("INPUT_SIGNED", t.inputSigned);
  parameter("SCHEME", static_cast<int64_t>(schemeCode(t.scheme)));
  parameter("SUBTRACT", !t.offsets.empty());
  parameter("ROW_GROUPS", t.rowGroups);
  parameter("READ_PHASES", t.readPhases);
  parameter("LINES", t.lines());
  parameter("VECTORS", v.runs * v.vectorsPerRun);
  parameter("LEVEL_BITS", v.levelBits);
  parameter("LEVEL_STRIDE", v.levelStride);
  parameter("DIGIT_BITS", digitBits(t));
  parameter("CODE_BITS", codeBits(t));
  parameter("ADC_STEP", t.adcStep);
  parameter("MIN_CODE", t.minCode);
  parameter("MAX_CODE", t.maxCode);
}

} // namespace

void vectors::addVectorFiles(const LayerVectors &v,
                             OutputDirectoryWriter &out) {
  for (const TileVectors &t : v.tiles) {
    out.add(fileName(t, "levels"), [&](llvm::raw_ostream &os) {
      os << llvm::formatv("// layer {0} array {1} (chip array {2}): cell "
                          "levels, {3} rows x {4} columns row-major, {5} "
                          "bits\n",
                          v.layer, t.index, t.chipArray, t.physicalRows,
                          t.physicalColumns, v.levelBits);
      printWords(os, llvm::ArrayRef(t.levels), t.physicalColumns,
                 v.levelBits);
      return llvm::Error::success();
    });
    out.add(fileName(t, "digits"), [&](llvm::raw_ostream &os) {
      os << llvm::formatv("// layer {0} array {1}: driven digits, one line "
                          "per (run, vector, cycle, row group), {2} rows, "
                          "{3}-bit two's complement\n",
                          v.layer, t.index, t.physicalRows, digitBits(t));
      printWords(os, llvm::ArrayRef(t.digits), t.physicalRows, digitBits(t));
      return llvm::Error::success();
    });
    out.add(fileName(t, "codes"), [&](llvm::raw_ostream &os) {
      os << llvm::formatv("// layer {0} array {1}: ADC codes, one line per "
                          "(run, vector, cycle, row group), {2} columns, "
                          "{3}-bit two's complement\n",
                          v.layer, t.index, t.physicalColumns, codeBits(t));
      printWords(os, llvm::ArrayRef(t.codes), t.physicalColumns,
                 codeBits(t));
      return llvm::Error::success();
    });
    out.add(fileName(t, "partials"), [&](llvm::raw_ostream &os) {
      os << llvm::formatv("// layer {0} array {1}: combined outputs, one "
                          "line per (run, vector), {2} weight columns, "
                          "64-bit two's complement\n",
                          v.layer, t.index, t.weightColumns);
      printWords(os, llvm::ArrayRef(t.partials), t.weightColumns,
                 kOutputBits);
      return llvm::Error::success();
    });
    out.add(fileName(t, "offsets"), [&](llvm::raw_ostream &os) {
      os << llvm::formatv("// layer {0} array {1}: the offset each weight "
                          "column subtracts times the reference column "
                          "(0: none), 32-bit two's complement\n",
                          v.layer, t.index);
      std::vector<int64_t> offsets = t.offsets;
      offsets.resize(static_cast<size_t>(t.weightColumns), 0);
      printWords(os, llvm::ArrayRef(offsets), 1, 32);
      return llvm::Error::success();
    });
    out.add(llvm::formatv("array{0}.tb.f", t.index).str(),
            [&](llvm::raw_ostream &os) { writeTestbenchParameters(v, t, os);
                                         return llvm::Error::success(); });
  }
  out.add("layer.accumulators.hex", [&](llvm::raw_ostream &os) {
    os << llvm::formatv("// layer {0}: accumulators, one line per (run, "
                        "group, vector), {1} columns, 64-bit two's "
                        "complement\n",
                        v.layer, v.columns);
    printWords(os, llvm::ArrayRef(v.accumulators), v.columns, kOutputBits);
    return llvm::Error::success();
  });
  out.add("manifest.json", [&](llvm::raw_ostream &os) {
    writeManifest(v, os);
    return llvm::Error::success();
  });
}
