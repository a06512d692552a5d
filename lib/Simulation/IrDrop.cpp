//===- IrDrop.cpp - IR drop of a crossbar tile ----------------------------===//
#include "nncc/Simulation/IrDrop.h"

#include "nncc/Support/KernelClones.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

using namespace nncc;

std::vector<float> nncc::irDropConductances(const std::vector<double> &g,
                                            int64_t rows, int64_t cols,
                                            int64_t arrayRows, double wireOhms,
                                            double spacing,
                                            double rowActivity) {
  std::vector<float> out(g.size());
  std::vector<double> suffix(cols + 1);
  // Bit-line sums: below[c][r] = sum_{i=r}^{R-1} P(c, i), P the prefix
  // column sum (constant past the tile's last row).
  std::vector<double> below(static_cast<size_t>(rows * cols));
  for (int64_t c = 0; c < cols; ++c) {
    double prefix = 0;
    std::vector<double> partial(rows);
    for (int64_t r = 0; r < rows; ++r) {
      prefix += g[r * cols + c];
      partial[r] = prefix;
    }
    double tail = prefix * static_cast<double>(arrayRows - rows);
    for (int64_t r = rows - 1; r >= 0; --r) {
      tail += partial[r];
      below[r * cols + c] = tail;
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = g.data() + r * cols;
    suffix[cols] = 0;
    for (int64_t c = cols - 1; c >= 0; --c)
      suffix[c] = suffix[c + 1] + row[c];
    double cumulative = 0; // sum_{k <= c} suffix[k]
    for (int64_t c = 0; c < cols; ++c) {
      cumulative += suffix[c];
      double own = row[c];
      // A word line only carries current when its row is driven, and then
      // every cell of it conducts; of the other rows' currents on a bit
      // line, only the driven rows' flow: the mean fraction of driven rows
      // (measured on the calibration inputs) scales them.
      double others = (cumulative - static_cast<double>(c + 1) * own) +
                      rowActivity * (below[r * cols + c] -
                                     static_cast<double>(arrayRows - r) * own);
      double series = wireOhms * static_cast<double>((c + 1) + (arrayRows - r));
      // 1 / (1 + x) rather than 1 - x for the shared-wire term: the same to
      // first order, and it stays positive where the wires drop more than
      // the drive (the model is then only a warning sign, see
      // docs/simulation.md).
      double value = own / ((1.0 + own * spacing * series) *
                            (1.0 + wireOhms * spacing * others));
      out[r * cols + c] = static_cast<float>(value);
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Model names
//===----------------------------------------------------------------------===//

llvm::Expected<IrDropModel> nncc::parseIrDropModel(llvm::StringRef name) {
  if (name == "first-order")
    return IrDropModel::FirstOrder;
  if (name == "nodal")
    return IrDropModel::Nodal;
  return llvm::createStringError(
      "unknown IR drop model '" + name + "' (expected first-order or nodal)");
}

llvm::StringRef nncc::irDropModelName(IrDropModel model) {
  return model == IrDropModel::Nodal ? "nodal" : "first-order";
}

//===----------------------------------------------------------------------===//
// Nodal solve of one read
//===----------------------------------------------------------------------===//

void CrossbarReadSolver::begin(int64_t columns, int64_t rowsOfArray,
                               double wireOhms) {
  cols = columns;
  arrayRows = rowsOfArray;
  wire = wireOhms;
  rows.clear();
  volts.clear();
  g.clear();
}

void CrossbarReadSolver::addRow(int64_t arrayRow, double v,
                                const float *cells) {
  rows.push_back(arrayRow);
  volts.push_back(v);
  for (int64_t c = 0; c < cols; ++c)
    g.push_back(static_cast<double>(cells[c]));
}

void CrossbarReadSolver::addRow(int64_t arrayRow, double v,
                                const double *cells) {
  rows.push_back(arrayRow);
  volts.push_back(v);
  g.insert(g.end(), cells, cells + cols);
}

namespace {
/// to[j * rows + i] = from[i * cols + j]: a [rows, cols] matrix transposed.
void transpose(const double *from, int64_t rows, int64_t cols, double *to) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      to[j * rows + i] = from[i * cols + j];
}
} // namespace

NNCC_KERNEL int64_t CrossbarReadSolver::solveLines(double *current) {
  const int64_t D = static_cast<int64_t>(rows.size()), C = cols;
  std::fill_n(current, C, 0.0);
  if (D == 0 || C == 0)
    return 0;
  if (!(wire > 0)) {
    for (int64_t k = 0; k < D; ++k)
      for (int64_t c = 0; c < C; ++c)
        current[c] += volts[k] * g[k * C + c];
    return 0;
  }
  // Each line's Thomas recurrence runs along the line, one dependent step
  // per node; the lines themselves are independent.  So both passes keep
  // the lines side by side in memory and step all of them at once: the
  // word-line pass on [cols, rows] arrays (suffix T), the bit-line pass on
  // [rows, cols] ones; the voltages are transposed between the passes.
  const size_t n = static_cast<size_t>(D * C);
  const double G = 1 / wire;
  gT.resize(n);
  transpose(g.data(), D, C, gT.data());
  word.resize(n);
  wordT.resize(n);
  bit.assign(n, 0.0);
  bitT.assign(n, 0.0);
  wordInverse.resize(n);
  wordUpper.resize(n);
  bitInverse.resize(n);
  bitUpper.resize(n);
  forward.resize(n);
  link.resize(D);
  for (int64_t k = 0; k < D; ++k)
    link[k] = 1 / (wire * static_cast<double>(
                              (k + 1 < D ? rows[k + 1] : arrayRows) - rows[k]));

  // Word line k: node c has the segment towards the driver (G), the one
  // towards column c + 1 (G, but for the last column) and its cell.
  // Factors in [cols, rows].
  for (int64_t c = 0; c < C; ++c) {
    const double away = c + 1 < C ? G : 0.0;
    const double *gc = gT.data() + c * D;
    double *inverse = wordInverse.data() + c * D;
    double *upper = wordUpper.data() + c * D;
    const double *upperBefore = upper - D;
    for (int64_t k = 0; k < D; ++k) {
      const double pivot =
          G + away + gc[k] + (c > 0 ? G * upperBefore[k] : 0.0);
      inverse[k] = 1 / pivot;
      upper[k] = -G / pivot;
    }
  }
  // Bit line c: node k has the wire up to the driven row above (none for
  // the first), the wire down (to the next driven row or the sense node)
  // and its cell.  Factors in [rows, cols].
  for (int64_t k = 0; k < D; ++k) {
    const double above = k > 0 ? link[k - 1] : 0.0;
    const double *gk = g.data() + k * C;
    double *inverse = bitInverse.data() + k * C;
    double *upper = bitUpper.data() + k * C;
    const double *upperAbove = upper - C;
    for (int64_t c = 0; c < C; ++c) {
      const double pivot =
          above + link[k] + gk[c] + (k > 0 ? above * upperAbove[c] : 0.0);
      inverse[c] = 1 / pivot;
      upper[c] = -link[k] / pivot;
    }
  }

  int64_t sweeps = 1;
  for (; sweeps <= kMaxSweeps; ++sweeps) {
    // Word lines from the bit lines, [cols, rows].
    for (int64_t c = 0; c < C; ++c) {
      const size_t at = static_cast<size_t>(c * D);
      const double *gc = gT.data() + at, *bc = bitT.data() + at,
                   *inverse = wordInverse.data() + at;
      double *y = forward.data() + at;
      const double *left = c > 0 ? y - D : volts.data();
      for (int64_t k = 0; k < D; ++k)
        y[k] = (gc[k] * bc[k] + G * left[k]) * inverse[k];
    }
    for (int64_t c = C - 1; c >= 0; --c) {
      const size_t at = static_cast<size_t>(c * D);
      const double *y = forward.data() + at, *upper = wordUpper.data() + at;
      double *w = wordT.data() + at;
      if (c + 1 < C)
        for (int64_t k = 0; k < D; ++k)
          w[k] = y[k] - upper[k] * w[k + D];
      else
        std::copy_n(y, D, w);
    }
    transpose(wordT.data(), C, D, word.data());
    // Bit lines from the word lines, [rows, cols].
    for (int64_t k = 0; k < D; ++k) {
      const double above = k > 0 ? link[k - 1] : 0.0;
      const size_t at = static_cast<size_t>(k * C);
      const double *gk = g.data() + at, *wk = word.data() + at,
                   *inverse = bitInverse.data() + at;
      double *y = forward.data() + at;
      for (int64_t c = 0; c < C; ++c)
        y[c] = (gk[c] * wk[c] + (k > 0 ? above * y[c - C] : 0.0)) * inverse[c];
    }
    double change = 0, largest = 0;
    for (int64_t k = D - 1; k >= 0; --k) {
      const size_t at = static_cast<size_t>(k * C);
      const double *y = forward.data() + at, *upper = bitUpper.data() + at;
      double *b = bit.data() + at;
      for (int64_t c = 0; c < C; ++c) {
        const double x = y[c] - (k + 1 < D ? upper[c] * b[c + C] : 0.0);
        change = std::max(change, std::abs(x - b[c]));
        largest = std::max(largest, std::abs(x));
        b[c] = x;
      }
    }
    if (change <= kTolerance * largest)
      break;
    transpose(bit.data(), D, C, bitT.data());
  }
  const double *last = bit.data() + (D - 1) * C;
  for (int64_t c = 0; c < C; ++c)
    current[c] = link[D - 1] * last[c];
  return std::min(sweeps, kMaxSweeps);
}

// After solveLines' definition: clang makes a function multiversioned only
// before its first use.
void CrossbarReadSolver::solve(double *current) {
  lastSweeps = solveLines(current);
}
