//===- ReportHtml.cpp - report.html ---------------------------------------===//
//
// One self-contained page: inline CSS and SVG drawn here, no script, no
// fonts or images fetched, so it opens offline and renders the same in
// any browser (test/Tools/report-html-screenshot.test renders it in
// headless Chromium).  Charts: area and energy by component, time and
// energy per layer (energy stacked by component), and accuracy against
// time since programming when the simulator ran.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/Format.h"
#include "nncc/PPA/Report.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace nncc;
using namespace nncc::ppa;

namespace {

// One colour per energy component (and reused for area bars), chosen to
// stay distinguishable in grey scale.
const char *const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                "#bcbd22", "#17becf", "#393b79"};
static_assert(std::size(kPalette) >= kNumEnergyComponents,
              "one colour per energy component");

std::string num(double x) { return llvm::formatv("{0:f1}", x).str(); }

constexpr double kLabelWidth = 190, kBarWidth = 560, kRowHeight = 22;

struct Bar {
  std::string label, valueText;
  std::vector<double> segments; ///< stacked, each drawn in kPalette[i]
};

/// A horizontal bar chart; every bar's length is its segments' sum relative
/// to the largest bar.
void barChart(llvm::raw_ostream &os, llvm::StringRef title,
              const std::vector<Bar> &bars) {
  double largest = 0;
  for (const Bar &b : bars) {
    double sum = 0;
    for (double s : b.segments)
      sum += s;
    largest = std::max(largest, sum);
  }
  const double height = kRowHeight * static_cast<double>(bars.size()) + 10;
  os << "<h3>" << escapeHtml(title) << "</h3>\n";
  os << "<svg width=\""
     << num(kLabelWidth + kBarWidth + 130) << "\" height=\"" << num(height)
     << "\" role=\"img\" aria-label=\"" << escapeHtml(title) << "\">\n";
  double y = 5;
  for (const Bar &b : bars) {
    os << "<text x=\"" << num(kLabelWidth - 6) << "\" y=\""
       << num(y + kRowHeight * 0.65)
       << "\" text-anchor=\"end\" class=\"l\">" << escapeHtml(b.label)
       << "</text>";
    double x = kLabelWidth;
    for (size_t i = 0; i < b.segments.size(); ++i) {
      double w = largest > 0 ? b.segments[i] / largest * kBarWidth : 0;
      if (w > 0)
        os << "<rect x=\"" << num(x) << "\" y=\"" << num(y + 3)
           << "\" width=\"" << num(std::max(w, 0.5)) << "\" height=\""
           << num(kRowHeight - 6) << "\" fill=\""
           << kPalette[i % std::size(kPalette)] << "\"/>";
      x += w;
    }
    os << "<text x=\"" << num(x + 6) << "\" y=\""
       << num(y + kRowHeight * 0.65) << "\" class=\"v\">"
       << escapeHtml(b.valueText) << "</text>\n";
    y += kRowHeight;
  }
  os << "</svg>\n";
}

void legend(llvm::raw_ostream &os) {
  os << "<p class=\"legend\">";
  for (size_t i = 0; i < kNumEnergyComponents; ++i)
    os << "<span><i style=\"background:" << kPalette[i] << "\"></i>"
       << escapeHtml(toString(static_cast<EnergyComponent>(i))) << "</span> ";
  os << "</p>\n";
}

/// Accuracy (mean and 95 % band) against time since programming; a
/// logarithmic time axis when every time is positive and they span more
/// than two decades (drift is a power law in time).
void accuracyPlot(llvm::raw_ostream &os,
                  const std::vector<AccuracyPoint> &points) {
  constexpr double w = 760, h = 300, left = 60, right = 20, top = 15,
                   bottom = 45;
  double tMin = points.front().timeSeconds, tMax = tMin;
  for (const AccuracyPoint &p : points) {
    tMin = std::min(tMin, p.timeSeconds);
    tMax = std::max(tMax, p.timeSeconds);
  }
  const bool logAxis = tMin > 0 && tMax / tMin > 100;
  auto xOf = [&](double t) {
    double u = tMax > tMin ? (logAxis ? std::log(t / tMin) / std::log(tMax / tMin)
                                      : (t - tMin) / (tMax - tMin))
                           : 0.5;
    return left + u * (w - left - right);
  };
  auto yOf = [&](double a) {
    return top + (1 - std::clamp(a, 0.0, 1.0)) * (h - top - bottom);
  };
  os << "<svg width=\"" << num(w)
     << "\" height=\"" << num(h)
     << "\" role=\"img\" aria-label=\"accuracy against time\">\n";
  for (int i = 0; i <= 4; ++i) {
    double a = i / 4.0;
    os << "<line x1=\"" << num(left) << "\" x2=\"" << num(w - right)
       << "\" y1=\"" << num(yOf(a)) << "\" y2=\"" << num(yOf(a))
       << "\" class=\"grid\"/><text x=\"" << num(left - 6) << "\" y=\""
       << num(yOf(a) + 4) << "\" text-anchor=\"end\" class=\"v\">"
       << static_cast<int>(a * 100) << " %</text>\n";
  }
  os << "<polygon fill=\"#1f77b4\" fill-opacity=\"0.25\" points=\"";
  for (const AccuracyPoint &p : points)
    os << num(xOf(p.timeSeconds)) << ',' << num(yOf(p.ci95High)) << ' ';
  for (auto it = points.rbegin(); it != points.rend(); ++it)
    os << num(xOf(it->timeSeconds)) << ',' << num(yOf(it->ci95Low)) << ' ';
  os << "\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" "
        "points=\"";
  for (const AccuracyPoint &p : points)
    os << num(xOf(p.timeSeconds)) << ',' << num(yOf(p.accuracyMean)) << ' ';
  os << "\"/>\n";
  for (const AccuracyPoint &p : points)
    os << "<circle cx=\"" << num(xOf(p.timeSeconds)) << "\" cy=\""
       << num(yOf(p.accuracyMean)) << "\" r=\"3\" fill=\"#1f77b4\"/>"
       << "<text x=\"" << num(xOf(p.timeSeconds)) << "\" y=\""
       << num(h - bottom + 16) << "\" text-anchor=\"middle\" class=\"v\">"
       << escapeHtml(formatSI(p.timeSeconds, "s")) << "</text>\n";
  os << "<text x=\"" << num((left + w - right) / 2) << "\" y=\""
     << num(h - 6) << "\" text-anchor=\"middle\" class=\"l\">time since "
     << "programming" << (logAxis ? " (log scale)" : "") << "</text>\n";
  os << "</svg>\n";
}

void metric(llvm::raw_ostream &os, llvm::StringRef name,
            llvm::StringRef value) {
  os << "<tr><th>" << escapeHtml(name) << "</th><td>" << escapeHtml(value)
     << "</td></tr>\n";
}

} // namespace

void ppa::writeReportHtml(const CompileReport &report, llvm::raw_ostream &os) {
  const ChipPPA &p = report.ppa;
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>nncc report: " << escapeHtml(report.model) << " on "
     << escapeHtml(p.target) << "</title>\n<style>\n"
     << "body{font-family:sans-serif;margin:24px;color:#222;background:#fff}\n"
     << "table{border-collapse:collapse}th,td{padding:3px 10px;"
        "text-align:left;border-bottom:1px solid #ddd}\n"
     << "th{font-weight:normal;color:#555}td{font-weight:bold}\n"
     << ".l{font-size:12px;fill:#222}.v{font-size:11px;fill:#444}\n"
     << ".grid{stroke:#ddd}.legend span{margin-right:14px;font-size:12px}\n"
     << ".legend i{display:inline-block;width:10px;height:10px;"
        "margin-right:4px}\n"
     << "</style>\n</head>\n<body>\n";
  os << "<h1>nncc report</h1>\n<p>" << escapeHtml(report.model) << " ("
     << report.parameters << " parameters, " << report.macs
     << " MACs) on <b>" << escapeHtml(p.target) << "</b></p>\n";

  os << "<h2>Summary</h2>\n<table>\n";
  metric(os, "TOPS (2 x MACs / pipelined interval)",
         llvm::formatv("{0:g4}", p.tops()).str());
  metric(os, "TOPS/W", llvm::formatv("{0:g4}", p.topsPerWatt()).str());
  metric(os, "TOPS/mm2 (placed area)",
         llvm::formatv("{0:g4}", p.topsPerMm2()).str());
  metric(os, "latency", formatSI(p.latency, "s"));
  metric(os, "interval", formatSI(p.interval, "s"));
  metric(os, "throughput", formatSI(p.throughput(), "inferences/s"));
  metric(os, "energy per inference", formatSI(p.energy, "J"));
  metric(os, "power at full throughput", formatSI(p.power(), "W"));
  metric(os, "placed area", formatMm2(p.area));
  if (p.boundingBoxOverhead > 0)
    metric(os, "bounding box (white space beside array periphery"
               " and in empty mesh slots)",
           formatMm2(p.boundingBoxArea));
  metric(os, "programming time / energy",
         formatSI(p.programmingTime, "s") + " / " +
             formatSI(p.programmingEnergy, "J"));
  os << "</table>\n";

  os << "<h2>Area</h2>\n";
  std::vector<Bar> area;
  for (size_t i = 0; i < kNumAreaComponents; ++i) {
    Bar b;
    b.label = toString(static_cast<AreaComponent>(i)).str();
    b.segments.assign(i + 1, 0.0);
    b.segments[i] = p.areaBy[i];
    b.valueText = formatMm2(p.areaBy[i]) + "  " +
                  formatPercent(p.area > 0 ? p.areaBy[i] / p.area : 0);
    area.push_back(std::move(b));
  }
  barChart(os, "placed area by component", area);

  os << "<h2>Energy per inference</h2>\n";
  std::vector<Bar> energy;
  for (size_t i = 0; i < kNumEnergyComponents; ++i) {
    Bar b;
    b.label = toString(static_cast<EnergyComponent>(i)).str();
    b.segments.assign(i + 1, 0.0);
    b.segments[i] = p.energyBy[i];
    b.valueText = formatSI(p.energyBy[i], "J") + "  " +
                  formatPercent(p.energy > 0 ? p.energyBy[i] / p.energy : 0);
    energy.push_back(std::move(b));
  }
  barChart(os, "energy by component", energy);
  {
    const auto domains = energyByDomain(p.energyBy);
    os << "<p>By domain:";
    for (size_t d = 0; d < kNumEnergyDomains; ++d)
      os << (d ? "," : "") << ' '
         << escapeHtml(toString(static_cast<EnergyDomain>(d))) << ' '
         << formatSI(domains[d], "J") << " ("
         << formatPercent(p.energy > 0 ? domains[d] / p.energy : 0) << ')';
    os << ".</p>\n";
  }

  os << "<h2>Layers</h2>\n";
  std::vector<Bar> times, layerEnergy;
  for (const LayerPPA &l : p.layers) {
    times.push_back({l.name, formatSI(l.time, "s") + " (" + l.bound + ")",
                     {l.time}});
    layerEnergy.push_back(
        {l.name, formatSI(l.energy, "J"),
         std::vector<double>(l.energyBy.begin(), l.energyBy.end())});
  }
  barChart(os, "pipeline stage time per layer", times);
  barChart(os, "energy per layer", layerEnergy);
  legend(os);

  os << "<h2>Accuracy</h2>\n";
  if (!report.simulation || report.simulation->empty())
    os << "<p>The accuracy simulator did not run for this compile.</p>\n";
  else
    accuracyPlot(os, *report.simulation);
  os << "</body>\n</html>\n";
}
