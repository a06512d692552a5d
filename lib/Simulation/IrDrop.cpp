//===- IrDrop.cpp - First-order IR drop of a crossbar tile ----------------===//
#include "nncc/Simulation/IrDrop.h"

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
