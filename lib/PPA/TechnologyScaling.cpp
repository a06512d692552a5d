//===- TechnologyScaling.cpp - Layout area factor of a node ---------------===//
//
// DNN+NeuroSim V1.4 lays out a standard cell from its height and its
// contacted poly pitch (CPP), both in F (formula.cpp CalculateGateArea;
// constant.h).  At planar nodes they are 28 F (MAX_TRANSISTOR_HEIGHT) and
// 3.8 F (POLY_WIDTH 1 + MIN_GAP_BET_GATE_POLY 2.8), so footprints scale
// with F^2.  At FinFET and GAA nodes constant.h gives each node's own
// height and CPP, in F, from foundry and IRDS data; the footprint then
// grows by their product over the planar 106.4 F^2.  The gate-equivalent
// area (Nangate 45 nm NAND2) and the SRAM bit cell, both planar figures,
// are carried to such a node by this factor.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/TechnologyScaling.h"

#include <cmath>
#include <iterator>

namespace {

struct NodeLayout {
  double node;   ///< m
  double height; ///< standard-cell height, F
  double cpp;    ///< contacted poly pitch, F
};

/// DNN+NeuroSim V1.4 constant.h: MAX_TRANSISTOR_HEIGHT_<node> and
/// CPP_<node>, with the sources its comments give.
constexpr NodeLayout kFinFetNodes[] = {
    {14e-9, 41.142, 5.571}, // Samsung 14 nm: 576 nm cells, 78 nm CPP
    {10e-9, 33.0, 6.4},     // TSMC 10 nm
    {7e-9, 34.285, 8.1428}, // TSMC 7 nm
    {5e-9, 36.0, 10.2},     // IRDS 2021
    {3e-9, 48.0, 16.0},     // IRDS 2022
    {2e-9, 57.0, 22.5},     // IRDS 2022
    {1e-9, 80.0, 40.0},     // IRDS 2022
};
/// Planar: MAX_TRANSISTOR_HEIGHT 28 F, CPP = POLY_WIDTH +
/// MIN_GAP_BET_GATE_POLY.
constexpr double kPlanarHeight = 28.0, kPlanarCpp = 1.0 + 2.8;
/// The smallest planar node NeuroSim lays out as bulk CMOS.
constexpr double kLastPlanarNode = 22e-9;

double factorOf(const NodeLayout &n) {
  return n.height * n.cpp / (kPlanarHeight * kPlanarCpp);
}

} // namespace

double nncc::ppa::logLogBetween(double node, double n0, double f0, double n1,
                                double f1) {
  const double x = std::log(node / n0) / std::log(n1 / n0);
  return std::exp(std::log(f0) + x * (std::log(f1) - std::log(f0)));
}

double nncc::ppa::layoutAreaFactor(double node) {
  if (!(node < kLastPlanarNode))
    return 1.0;
  const NodeLayout &first = kFinFetNodes[0];
  if (node >= first.node)
    return logLogBetween(node, kLastPlanarNode, 1.0, first.node,
                         factorOf(first));
  for (auto it = std::begin(kFinFetNodes);
       std::next(it) != std::end(kFinFetNodes); ++it) {
    const NodeLayout &a = *it, &b = *std::next(it);
    if (node >= b.node)
      return logLogBetween(node, a.node, factorOf(a), b.node, factorOf(b));
  }
  return factorOf(*std::prev(std::end(kFinFetNodes)));
}
