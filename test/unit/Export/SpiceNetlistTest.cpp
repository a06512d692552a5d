//===- SpiceNetlistTest.cpp - Array reads as netlists, by hand ------------===//
//
// The netlist writer and the model currents of nncc/Export/SpiceNetlist.h
// on reads small enough to write out by hand.  (The circuit's solution is
// checked against the model by ngspice in test/Tools/spice-crosscheck.test.)
//
//===----------------------------------------------------------------------===//
#include "nncc/Export/SpiceNetlist.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace nncc;

namespace {

/// A 3 x 2 tile of an 8-row array.
spice::ArrayRead smallRead() {
  spice::ArrayRead read;
  read.title = "three rows";
  read.arrayRows = 8;
  read.rows = 3;
  read.cols = 2;
  read.conductance = {1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5};
  read.drive = {1, 0, 2};
  read.stepVolts = 0.25;
  read.wireOhms = 10;
  return read;
}

// Row 1 is not driven: no source, no cells; rows 0 and 2 are, at 0.25 and
// 0.5 V.  Bit line 0 joins rows 0 and 2 by two segments (20 ohms) and row 2
// to its sense node by the 8 - 2 = 6 segments down past the array's last
// row (60 ohms).  Resistances are 1 / g to 17 digits (1 / 1e-5 is
// 99999.999999999985 in doubles).
TEST(SpiceNetlist, WritesTheDrivenRowsWiresAndSenseNodes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  spice::writeNetlist(smallRead(), os);
  EXPECT_EQ(text, "* three rows\n"
                  "* nncc export spice: one read of one array (nncc/Export/"
                  "SpiceNetlist.h)\n"
                  "* row 0: input digit 1\n"
                  "vdrive0 d0 0 dc 0.25\n"
                  "rw0_0 d0 w0_0 10\n"
                  "rc0_0 w0_0 b0_0 99999.999999999985\n"
                  "rw0_1 w0_0 w0_1 10\n"
                  "rc0_1 w0_1 b0_1 49999.999999999993\n"
                  "* row 2: input digit 2\n"
                  "vdrive2 d2 0 dc 0.5\n"
                  "rw2_0 d2 w2_0 10\n"
                  "rc2_0 w2_0 b2_0 20000\n"
                  "rw2_1 w2_0 w2_1 10\n"
                  "rc2_1 w2_1 b2_1 16666.666666666668\n"
                  "* bit lines, sensed below the array's last row (row 7)\n"
                  "rb0_0 b0_0 b2_0 20\n"
                  "rb2_0 b2_0 s0 60\n"
                  "vsense0 s0 0 dc 0\n"
                  "rb0_1 b0_1 b2_1 20\n"
                  "rb2_1 b2_1 s1 60\n"
                  "vsense1 s1 0 dc 0\n"
                  ".control\nop\nprint i(vsense0)\nprint i(vsense1)\n"
                  "quit 0\n.endc\n.end\n");
}

// One conducting cell is both models' exact case: the driver, c + 1
// word-line segments, the cell and R - r bit-line segments in series,
// I = V / (1 / g + (c + 1 + R - r) r_w).
TEST(SpiceNetlist, OneCellIsTheSeriesCircuit) {
  for (IrDropModel model : {IrDropModel::FirstOrder, IrDropModel::Nodal})
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t c = 0; c < 2; ++c) {
        spice::ArrayRead read = smallRead();
        read.conductance.assign(6, 0.0);
        read.conductance[r * 2 + c] = 1e-4;
        read.drive = {0, 0, 0};
        read.drive[r] = 3;
        const double volts = 3 * 0.25;
        const double expected =
            volts / (1 / 1e-4 + static_cast<double>(c + 1 + 8 - r) * 10);
        std::vector<double> current = spice::modelColumnCurrents(read, model);
        for (int64_t col = 0; col < 2; ++col)
          // The first-order model keeps conductances as floats; the nodal
          // solve is in doubles.
          EXPECT_NEAR(current[col], col == c ? expected : 0,
                      (model == IrDropModel::Nodal ? 1e-12 : 1e-6) * expected)
              << irDropModelName(model).str() << " cell (" << r << ", " << c
              << ")";
      }
}

} // namespace
