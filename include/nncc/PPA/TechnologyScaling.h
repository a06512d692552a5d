//===- TechnologyScaling.h - Carrying figures between nodes -----*- C++ -*-===//
//
// A published figure was measured at one node and supply; the target has
// another.  Switching energy follows C V^2 with C proportional to F
// (first-order Dennard).  Area follows F^2 only while the layout's pitches
// do: from the FinFET nodes on, a standard cell's height (fin and metal
// tracks) and the contacted poly pitch shrink more slowly than F, so a
// cell drawn at such a node covers more F^2 than at a planar one
// (layoutAreaFactor).  docs/ppa-model.md "Technology scaling".
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_TECHNOLOGYSCALING_H
#define NNCC_PPA_TECHNOLOGYSCALING_H

namespace nncc::ppa {

/// How many times the F^2 of a planar layout a logic or SRAM cell drawn at
/// `node` metres takes: 1 at planar nodes (22 nm and above), the cell
/// height times the contacted poly pitch over the planar ones below, after
/// DNN+NeuroSim V1.4's layout rules (constant.h, from IRDS and foundry
/// data; see the .cpp).
double layoutAreaFactor(double node);

/// A figure tabulated as f0 at node n0 and f1 at n1, at `node` between
/// them: interpolated log-log (assumption: nodes between tabulated ones
/// follow the trend between them).
double logLogBetween(double node, double n0, double f0, double n1, double f1);

/// Scaling of a figure published at `refNode` metres and `refVdd` volts to
/// the target: area with F^2 and the layout factor, switching energy with
/// C V^2 where C scales with F.
struct TechnologyScaling {
  double node = 0, vdd = 0;
  double area(double refNode) const {
    return (node / refNode) * (node / refNode) * layoutAreaFactor(node) /
           layoutAreaFactor(refNode);
  }
  double energy(double refNode, double refVdd) const {
    return (node / refNode) * (vdd / refVdd) * (vdd / refVdd);
  }
  /// Area of one F^2 of planar-drawn logic at this node, in m^2.
  double logicF2() const { return node * node * layoutAreaFactor(node); }
};

} // namespace nncc::ppa

#endif // NNCC_PPA_TECHNOLOGYSCALING_H
