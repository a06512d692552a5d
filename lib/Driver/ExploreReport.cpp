//===- ExploreReport.cpp - explore.json, explore.csv, explore.html -------===//
#include "nncc/Driver/ExploreReport.h"

#include "nncc/PPA/Format.h"
#include "nncc/Support/JsonNumbers.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace nncc;
using namespace nncc::driver;
using ppa::escapeHtml;
using ppa::formatSI;

namespace {

/// How each cost is shown: per inference, with its unit.
std::string formatCost(double value, CostObjective cost) {
  switch (cost) {
  case CostObjective::Energy:
    return formatSI(value, "J");
  case CostObjective::Latency:
    return formatSI(value, "s");
  case CostObjective::Area:
    return ppa::formatMm2(value);
  case CostObjective::Edp:
    return formatSI(value, "Js");
  }
  return "";
}

/// "periphery.adc.bits=5 scheme=differential-rows".
std::string settingsText(const ExploreResult &r, const ExplorePoint &p) {
  std::string text;
  for (auto [axis, value] : llvm::zip(r.axes, p.values))
    text += (text.empty() ? "" : " ") + axis.key + "=" + value;
  return text;
}

/// A CSV field, quoted when it must be (RFC 4180).
std::string csvField(llvm::StringRef text) {
  if (text.find_first_of(",\"\n\r") == llvm::StringRef::npos)
    return text.str();
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string num(double x) { return llvm::formatv("{0:f1}", x).str(); }

/// Accuracy (with its 95 % interval) against one cost on a logarithmic
/// axis; the Pareto points are coloured and joined by the front's steps.
void paretoPlot(llvm::raw_ostream &os, const ExploreResult &r,
                CostObjective cost, const std::vector<bool> &front) {
  constexpr double w = 560, h = 340, left = 64, right = 20, top = 15,
                   bottom = 48;
  double lo = INFINITY, hi = 0, accLo = 1, accHi = 0;
  for (const ExplorePoint &p : r.points) {
    if (!p.failure.empty() || !(costOf(p, cost) > 0))
      continue;
    lo = std::min(lo, costOf(p, cost));
    hi = std::max(hi, costOf(p, cost));
    accLo = std::min(accLo, p.ciLow);
    accHi = std::max(accHi, p.ciHigh);
  }
  if (!(hi > 0))
    return;
  // A decade at least, and whole tenths of accuracy around the points.
  double logLo = std::floor(std::log10(lo) * 4) / 4,
         logHi = std::ceil(std::log10(hi) * 4) / 4;
  if (logHi - logLo < 1) {
    double mid = (logHi + logLo) / 2;
    logLo = mid - 0.5;
    logHi = mid + 0.5;
  }
  accLo = std::max(0.0, std::floor(accLo * 10 - 0.01) / 10);
  accHi = std::min(1.0, std::ceil(accHi * 10 + 0.01) / 10);
  auto xOf = [&](double c) {
    return left + (std::log10(c) - logLo) / (logHi - logLo) *
                      (w - left - right);
  };
  auto yOf = [&](double a) {
    return top + (accHi - std::clamp(a, accLo, accHi)) / (accHi - accLo) *
                     (h - top - bottom);
  };
  const std::string axisName = cost == CostObjective::Area
                                   ? "chip area"
                                   : (toString(cost) + " per inference").str();
  const std::string title = "accuracy against " + axisName;
  os << "<figure><svg width=\"" << num(w) << "\" height=\"" << num(h)
     << "\" role=\"img\" aria-label=\"" << escapeHtml(title) << "\">\n";
  for (double a = accLo; a <= accHi + 1e-9; a += 0.1)
    os << "<line x1=\"" << num(left) << "\" x2=\"" << num(w - right)
       << "\" y1=\"" << num(yOf(a)) << "\" y2=\"" << num(yOf(a))
       << "\" class=\"grid\"/><text x=\"" << num(left - 6) << "\" y=\""
       << num(yOf(a) + 4) << "\" text-anchor=\"end\" class=\"v\">"
       << llvm::format("%.0f", a * 100) << " %</text>\n";
  // Ticks at 1, 2 and 5 times each power of ten (only the powers when the
  // axis spans more than two decades).
  const bool fine = logHi - logLo <= 2;
  for (double e = std::floor(logLo); e <= logHi; e += 1)
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10, e);
      if ((m != 1 && !fine) || std::log10(v) < logLo - 1e-9 ||
          std::log10(v) > logHi + 1e-9)
        continue;
      os << "<line y1=\"" << num(top) << "\" y2=\"" << num(h - bottom)
         << "\" x1=\"" << num(xOf(v)) << "\" x2=\"" << num(xOf(v))
         << "\" class=\"grid\"/><text x=\"" << num(xOf(v)) << "\" y=\""
         << num(h - bottom + 16) << "\" text-anchor=\"middle\" class=\"v\">"
         << escapeHtml(formatCost(v, cost)) << "</text>\n";
    }
  // Every point, its interval as a bar; the front drawn last, on top.
  for (bool onFront : {false, true})
    for (auto [i, p] : llvm::enumerate(r.points)) {
      if (!p.failure.empty() || front[i] != onFront)
        continue;
      const char *colour = onFront ? "#d62728" : "#9aa5b1";
      double x = xOf(costOf(p, cost));
      os << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\""
         << num(yOf(p.ciLow)) << "\" y2=\"" << num(yOf(p.ciHigh))
         << "\" stroke=\"" << colour << "\"/><circle cx=\"" << num(x)
         << "\" cy=\"" << num(yOf(p.accuracy)) << "\" r=\""
         << (onFront ? "4.5" : "3.5") << "\" fill=\"" << colour
         << "\"><title>" << escapeHtml(settingsText(r, p)) << "</title>"
         << "</circle>\n";
    }
  std::vector<const ExplorePoint *> steps;
  for (auto [i, p] : llvm::enumerate(r.points))
    if (front[i])
      steps.push_back(&p);
  llvm::stable_sort(steps, [&](const ExplorePoint *a, const ExplorePoint *b) {
    return costOf(*a, cost) < costOf(*b, cost);
  });
  os << "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" "
        "points=\"";
  for (auto [k, p] : llvm::enumerate(steps)) {
    if (k > 0)
      os << num(xOf(costOf(*p, cost))) << ','
         << num(yOf(steps[k - 1]->accuracy)) << ' ';
    os << num(xOf(costOf(*p, cost))) << ',' << num(yOf(p->accuracy)) << ' ';
  }
  os << "\"/>\n<text x=\"" << num((left + w - right) / 2) << "\" y=\""
     << num(h - 8) << "\" text-anchor=\"middle\" class=\"l\">"
     << escapeHtml(axisName) << " (log scale)</text>\n";
  os << "</svg><figcaption>" << escapeHtml(title) << ": "
     << llvm::count(front, true) << " point(s) on the Pareto front (red)"
     << "</figcaption></figure>\n";
}

} // namespace

std::vector<bool> driver::paretoFront(llvm::ArrayRef<ExplorePoint> points,
                                      CostObjective cost) {
  std::vector<bool> front(points.size(), false);
  for (auto [i, p] : llvm::enumerate(points)) {
    if (!p.failure.empty())
      continue;
    front[i] = llvm::none_of(points, [&](const ExplorePoint &q) {
      if (!q.failure.empty())
        return false;
      double pc = costOf(p, cost), qc = costOf(q, cost);
      return q.accuracy >= p.accuracy && qc <= pc &&
             (q.accuracy > p.accuracy || qc < pc);
    });
  }
  return front;
}

void driver::writeExploreJson(const ExploreResult &r, llvm::raw_ostream &os) {
  std::vector<std::vector<bool>> fronts;
  for (CostObjective cost : kExploreCosts)
    fronts.push_back(paretoFront(r.points, cost));
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-explore");
    j.attribute("version", 1);
    j.attribute("target", r.target);
    j.attribute("validation_set", r.validationSet);
    j.attribute("measure", r.agreement ? "float_class_agreement" : "labels");
    j.attribute("images", r.images);
    j.attribute("instances", r.instances);
    j.attribute("effects", r.effects);
    j.attribute("seed", static_cast<int64_t>(r.seed));
    j.attributeArray("axes", [&] {
      for (const SweepAxis &axis : r.axes)
        j.object([&] {
          j.attribute("key", axis.key);
          j.attribute("kind", axis.targetField ? "target" : "mapping");
          j.attributeArray("values", [&] {
            for (const std::string &v : axis.values)
              j.value(v);
          });
        });
    });
    j.attributeArray("points", [&] {
      for (auto [i, p] : llvm::enumerate(r.points))
        j.object([&] {
          j.attribute("index", static_cast<int64_t>(i));
          j.attributeObject("settings", [&] {
            for (auto [axis, value] : llvm::zip(r.axes, p.values))
              j.attribute(axis.key, value);
          });
          writePointFigures(j, p);
          if (!p.failure.empty())
            return;
          j.attributeArray("pareto", [&] {
            for (auto [k, cost] : llvm::enumerate(kExploreCosts))
              if (fronts[k][i])
                j.value(toString(cost));
          });
        });
    });
  });
  os << '\n';
}

void driver::writeExploreCsv(const ExploreResult &r, llvm::raw_ostream &os) {
  std::vector<std::vector<bool>> fronts;
  for (CostObjective cost : kExploreCosts)
    fronts.push_back(paretoFront(r.points, cost));
  os << "index";
  for (const SweepAxis &axis : r.axes)
    os << ',' << csvField(axis.key);
  os << ",failure,float_accuracy,quantized_accuracy,accuracy_mean,"
        "accuracy_ci95_low,accuracy_ci95_high,area_m2,energy_j,latency_s,"
        "tops,tops_per_w";
  for (CostObjective cost : kExploreCosts)
    os << ",pareto_" << toString(cost);
  os << '\n';
  for (auto [i, p] : llvm::enumerate(r.points)) {
    os << i;
    for (const std::string &v : p.values)
      os << ',' << csvField(v);
    os << ',' << csvField(p.failure);
    if (p.failure.empty())
      for (double x : {p.floatAccuracy, p.quantizedAccuracy, p.accuracy,
                       p.ciLow, p.ciHigh, p.area, p.energy, p.latency, p.tops,
                       p.topsPerWatt})
        os << ',' << formatJsonDouble(x);
    else
      os << ",,,,,,,,,,";
    for (const std::vector<bool> &front : fronts)
      os << ',' << (front[i] ? 1 : 0);
    os << '\n';
  }
}

void driver::writeExploreHtml(const ExploreResult &r, llvm::raw_ostream &os) {
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>nncc explore: "
     << escapeHtml(r.target) << "</title>\n<style>\n"
     << "body{font-family:sans-serif;margin:24px;color:#222}"
        "figure{display:inline-block;margin:8px}"
        "table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
        "th{background:#f2f2f2}td.s{text-align:left}"
        "tr.front td{background:#fde7e7}"
        ".grid{stroke:#e3e3e3}.v{font-size:11px;fill:#555}"
        ".l{font-size:12px;fill:#222}\n</style></head><body>\n";
  os << "<h1>nncc explore</h1>\n<p>Target <b>" << escapeHtml(r.target)
     << "</b>; " << r.points.size() << " points over "
     << r.axes.size() << " parameter(s); accuracy on " << r.images
     << " validation images (" << escapeHtml(r.validationSet) << ") x "
     << r.instances << " chip instance(s)"
     << (r.agreement ? " (no labels: accuracy is agreement with the float "
                       "model's class)"
                     : "")
     << ", effects " << escapeHtml(r.effects)
     << ", seed " << r.seed
     << ". Bars are 95 % intervals over chip instances; red points are not "
        "beaten in both accuracy and the cost by any other point.</p>\n";
  std::vector<std::vector<bool>> fronts;
  for (CostObjective cost : kExploreCosts) {
    fronts.push_back(paretoFront(r.points, cost));
    paretoPlot(os, r, cost, fronts.back());
  }
  os << "<h2>Points</h2>\n<table>\n<tr><th>#</th>";
  for (const SweepAxis &axis : r.axes)
    os << "<th>" << escapeHtml(axis.key) << "</th>";
  os << "<th>accuracy</th><th>95 % interval</th><th>float</th>"
        "<th>ideal quantized</th><th>energy</th><th>latency</th><th>area</th>"
        "<th>TOPS</th><th>TOPS/W</th><th>Pareto</th></tr>\n";
  for (auto [i, p] : llvm::enumerate(r.points)) {
    bool onFront = fronts[0][i] || fronts[1][i] || fronts[2][i];
    os << "<tr" << (onFront ? " class=\"front\"" : "") << "><td>" << i
       << "</td>";
    for (const std::string &v : p.values)
      os << "<td class=\"s\">" << escapeHtml(v) << "</td>";
    if (!p.failure.empty()) {
      os << "<td class=\"s\" colspan=\"10\">" << escapeHtml(p.failure)
         << "</td></tr>\n";
      continue;
    }
    os << "<td>" << ppa::formatPercent(p.accuracy) << "</td><td>"
       << llvm::format("%.1f – %.1f %%", 100 * p.ciLow, 100 * p.ciHigh)
       << "</td><td>" << ppa::formatPercent(p.floatAccuracy) << "</td><td>"
       << ppa::formatPercent(p.quantizedAccuracy) << "</td><td>"
       << formatSI(p.energy, "J") << "</td><td>" << formatSI(p.latency, "s")
       << "</td><td>" << ppa::formatMm2(p.area) << "</td><td>"
       << llvm::format("%.4g", p.tops) << "</td><td>"
       << llvm::format("%.4g", p.topsPerWatt) << "</td><td class=\"s\">";
    std::string on;
    for (auto [k, cost] : llvm::enumerate(kExploreCosts))
      if (fronts[k][i])
        on += (on.empty() ? "" : ", ") + toString(cost).str();
    os << on << "</td></tr>\n";
  }
  os << "</table>\n</body></html>\n";
}

void driver::printExploreSummary(const ExploreResult &r,
                                 llvm::raw_ostream &os) {
  int64_t failed = llvm::count_if(
      r.points, [](const ExplorePoint &p) { return !p.failure.empty(); });
  os << "explored " << r.points.size() << " points of " << r.target << " ("
     << r.computed << " computed, " << r.resumed << " resumed";
  if (failed)
    os << ", " << failed << " not mapped";
  os << ") on " << r.images << " validation images x " << r.instances
     << " instance(s)";
  if (r.agreement)
    os << "; no labels: accuracy is agreement with the float model's class";
  os << "\n";
  std::vector<bool> front = paretoFront(r.points, CostObjective::Energy);
  std::vector<size_t> order;
  for (size_t i = 0; i < r.points.size(); ++i)
    if (front[i])
      order.push_back(i);
  llvm::stable_sort(order, [&](size_t a, size_t b) {
    return r.points[a].energy < r.points[b].energy;
  });
  os << "Pareto front, accuracy against energy per inference:\n";
  for (size_t i : order) {
    const ExplorePoint &p = r.points[i];
    os << llvm::format("  %6.2f %% [%.2f, %.2f]  %-10s %-10s %-11s  ",
                       100 * p.accuracy, 100 * p.ciLow, 100 * p.ciHigh,
                       formatSI(p.energy, "J").c_str(),
                       formatSI(p.latency, "s").c_str(),
                       ppa::formatMm2(p.area).c_str())
       << settingsText(r, p) << "\n";
  }
  if (failed)
    for (const ExplorePoint &p : r.points)
      if (!p.failure.empty()) {
        os << "first point not mapped: " << settingsText(r, p) << ": "
           << p.failure << "\n";
        break;
      }
}
