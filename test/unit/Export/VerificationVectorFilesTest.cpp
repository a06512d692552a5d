//===- VerificationVectorFilesTest.cpp - Vector files, by hand ------------===//
//
// The files `nncc export vectors` writes (nncc/Export/VerificationVectors.h,
// docs/verification-vectors.md) for a tile small enough to write out by
// hand: word widths, two's complement of negative values, line order, the
// testbench's parameters and the manifest's shapes.  (The values themselves
// are the executor's; test/Tools/export-vectors.test replays them.)
//
//===----------------------------------------------------------------------===//
#include "nncc/Export/VerificationVectors.h"

#include "nncc/Support/OutputDirectory.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

using namespace nncc;

namespace {

/// One run of two vectors through a differential-rows tile of one weight
/// row (two physical rows) and two weight columns of one slice, two input
/// cycles of a signed input, one row group, a bipolar 3-bit ADC.
vectors::LayerVectors smallLayer() {
  vectors::LayerVectors v;
  v.layer = "/0/Gemm";
  v.target = "test-chip";
  v.images = "images.npy:2";
  v.runs = 1;
  v.imagesPerRun = 2;
  v.vectorsPerRun = 2;
  v.groups = 1;
  v.columns = 2;
  v.levelBits = 2;
  v.levelStride = 1;
  vectors::TileVectors t;
  t.index = 0;
  t.chipArray = 3;
  t.rowEnd = 1;
  t.colEnd = 2;
  t.physicalRows = 2;
  t.physicalColumns = 2;
  t.rowsInParallel = 2;
  t.rowGroups = 1;
  t.levels = {3, 1, 2, 0};
  t.adcBits = 3;
  t.minCode = -4;
  t.maxCode = 3;
  t.cycles = 2;
  t.inputSigned = true;
  t.sliceEnd = 1;
  t.weightColumns = 2;
  t.scheme = cim::SignedScheme::DifferentialRows;
  // Lines (vector, cycle): the G- row's digit negated.
  t.digits = {1, -1, 0, 0, 1, -1, 1, -1};
  t.codes = {1, 1, 0, 0, 1, 1, -1, -1};
  t.partials = {1, 1, -1, -1};
  v.tiles.push_back(std::move(t));
  v.accumulators = {1, 1, -1, -1};
  return v;
}

class VectorFiles : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("nncc-vectors", dir));
    llvm::Expected<std::unique_ptr<OutputDirectoryWriter>> writer =
        OutputDirectoryWriter::create(dir);
    ASSERT_TRUE(static_cast<bool>(writer));
    layer = smallLayer();
    vectors::addVectorFiles(layer, **writer);
    ASSERT_FALSE(static_cast<bool>((*writer)->commit()));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string read(llvm::StringRef name) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    auto buffer = llvm::MemoryBuffer::getFile(path);
    EXPECT_TRUE(static_cast<bool>(buffer)) << name.str();
    return buffer ? (*buffer)->getBuffer().str() : "";
  }

  llvm::SmallString<128> dir;
  vectors::LayerVectors layer;
};

TEST_F(VectorFiles, LevelsAreRowMajorWordsOfTheLevelBits) {
  EXPECT_EQ(read("array0.levels.hex"),
            "// layer /0/Gemm array 0 (chip array 3): cell levels, 2 rows x "
            "2 columns row-major, 2 bits\n"
            "3 1\n"
            "2 0\n");
}

// Digits are dac_bits + 1 = 2 bits: -1 is 3.  Codes cover [-4, 3]: 3 bits,
// -1 is 7.
TEST_F(VectorFiles, DigitsAndCodesAreTwosComplementLines) {
  EXPECT_EQ(read("array0.digits.hex"),
            "// layer /0/Gemm array 0: driven digits, one line per (run, "
            "vector, cycle, row group), 2 rows, 2-bit two's complement\n"
            "1 3\n0 0\n1 3\n1 3\n");
  EXPECT_EQ(read("array0.codes.hex"),
            "// layer /0/Gemm array 0: ADC codes, one line per (run, vector, "
            "cycle, row group), 2 columns, 3-bit two's complement\n"
            "1 1\n0 0\n1 1\n7 7\n");
}

TEST_F(VectorFiles, OutputsAreSixtyFourBitWords) {
  const std::string words = "0000000000000001 0000000000000001\n"
                            "ffffffffffffffff ffffffffffffffff\n";
  EXPECT_EQ(read("array0.partials.hex"),
            "// layer /0/Gemm array 0: combined outputs, one line per (run, "
            "vector), 2 weight columns, 64-bit two's complement\n" +
                words);
  EXPECT_EQ(read("layer.accumulators.hex"),
            "// layer /0/Gemm: accumulators, one line per (run, group, "
            "vector), 2 columns, 64-bit two's complement\n" +
                words);
  // Nothing subtracted: zero offsets.
  EXPECT_EQ(read("array0.offsets.hex"),
            "// layer /0/Gemm array 0: the offset each weight column "
            "subtracts times the reference column (0: none), 32-bit two's "
            "complement\n00000000\n00000000\n");
}

TEST_F(VectorFiles, TestbenchParametersDescribeTheTile) {
  const std::string params = read("array0.tb.f");
  for (const char *line :
       {"+parameter+tile_tb.ROWS=2\n", "+parameter+tile_tb.COLS=2\n",
        "+parameter+tile_tb.SCHEME=1\n", "+parameter+tile_tb.INPUT_SIGNED=1\n",
        "+parameter+tile_tb.CYCLES=2\n", "+parameter+tile_tb.LINES=4\n",
        "+parameter+tile_tb.VECTORS=2\n", "+parameter+tile_tb.DIGIT_BITS=2\n",
        "+parameter+tile_tb.CODE_BITS=3\n",
        "+parameter+tile_tb.MIN_CODE=-4\n", "+parameter+tile_tb.SUBTRACT=0\n"})
    EXPECT_NE(params.find(line), std::string::npos) << line;
}

TEST_F(VectorFiles, ManifestGivesEveryFilesShape) {
  llvm::Expected<llvm::json::Value> manifest =
      llvm::json::parse(read("manifest.json"));
  ASSERT_TRUE(static_cast<bool>(manifest));
  const llvm::json::Object &root = *manifest->getAsObject();
  EXPECT_EQ(root.getString("schema"), "nncc-verification-vectors");
  EXPECT_EQ(root.getInteger("version"), 1);
  const llvm::json::Object &tile =
      *(*root.getArray("arrays"))[0].getAsObject();
  EXPECT_EQ(tile.getInteger("chip_array"), 3);
  const llvm::json::Object &shiftAdd = *tile.getObject("shift_add");
  EXPECT_EQ(shiftAdd.getBoolean("negative_last_cycle"), true);
  EXPECT_EQ((*shiftAdd.getArray("cycle_shifts"))[1].getAsInteger(), 1);
  EXPECT_EQ(tile.getObject("combine")->getString("scheme"),
            "differential_rows");
  const llvm::json::Object &codes =
      *tile.getObject("files")->getObject("codes");
  EXPECT_EQ(codes.getString("file"), "array0.codes.hex");
  EXPECT_EQ(codes.getInteger("lines"), 4);
  EXPECT_EQ(codes.getInteger("words_per_line"), 2);
  EXPECT_EQ(codes.getInteger("bits"), 3);
  EXPECT_EQ(codes.getBoolean("signed"), true);
}

} // namespace
