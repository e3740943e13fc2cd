#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "load_report.h"
#include "report/svg.h"

namespace asycamore {
namespace {

// The "nines" of a percentile: 0 for 0%, 1 for 90%, 2 for 99%, 3 for 99.9%.
double Nines(double percentile) { return -std::log10(1 - percentile / 100); }

double PercentileAtNines(double nines) {
  return 100 * (1 - std::pow(10.0, -nines));
}

// "90%", "99.9%", ...
std::string NinesLabel(int nines) {
  if (nines == 0) return "0%";
  return absl::StrCat(
      absl::StrFormat("%.*f", std::max(0, nines - 2), PercentileAtNines(nines)),
      "%");
}

}  // namespace

std::string FormatLatencySvg(const LoadReport& report) {
  const LoadOptions& o = report.options;
  const LatencyHistogram& h = report.stats.latency();
  constexpr double kLeft = 80, kTop = 100, kWidth = 640, kHeight = 340;
  const double width = kLeft + kWidth + 40;
  const double height = kTop + kHeight + 60;

  // As many nines as the count can tell apart (10^n responses resolve n
  // nines), at least two and at most six.
  const int nines = std::clamp(
      h.count() > 0 ? static_cast<int>(
                          std::ceil(std::log10(static_cast<double>(h.count()))))
                    : 2,
      2, 6);
  std::vector<std::pair<double, double>> curve;  // (nines, ns)
  for (int step = 0; step <= nines * 50; ++step) {
    const double x = step / 50.0;
    curve.emplace_back(
        x, static_cast<double>(h.ValueAtPercentile(PercentileAtNines(x))));
  }
  const double hi = static_cast<double>(h.max_ns());
  double lo = hi;
  for (const auto& point : curve) lo = std::min(lo, point.second);
  const report::Axis x{0, static_cast<double>(nines), kLeft, kLeft + kWidth,
                       false};
  const report::Axis y = report::DecadeAxis(
      std::max(lo, 1.0), std::max(hi, 2.0), kTop + kHeight, kTop);

  std::string svg = report::SvgOpen(width, height);
  absl::StrAppend(
      &svg,
      report::SvgHeading(
          kLeft,
          absl::StrCat("asycamore-load: latency by percentile, ", o.method, " ",
                       o.url.ToString()),
          {absl::StrFormat("%d connections, %d threads, pipeline %d; %d "
                           "responses in %.2fs",
                           o.connections, o.threads, o.pipeline, h.count(),
                           absl::ToDoubleSeconds(report.stats.elapsed())),
           LatencyOrigin(o),
           absl::StrCat(report::MachineSummary(report.machine), "; ",
                        report.machine.date)}));
  absl::StrAppend(&svg, report::SvgPanelFrame(kLeft, kTop, kWidth, kHeight));
  for (int n = 0; n <= nines; ++n) {
    absl::StrAppend(&svg,
                    report::SvgXTick(x.Map(n), kTop, kHeight, NinesLabel(n)));
  }
  absl::StrAppend(&svg,
                  report::SvgAxisTitle(kLeft + kWidth / 2, kTop + kHeight + 35,
                                       "percentile"));
  for (double t : y.Ticks()) {
    absl::StrAppend(&svg, report::SvgYTick(kLeft, y.Map(t), kWidth,
                                           report::TickNs(t), false));
  }
  if (h.count() == 0) {
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">"
                          "no responses</text>\n</svg>\n",
                          kLeft + kWidth / 2, kTop + kHeight / 2);
    return svg;
  }
  const std::string colour(report::PaletteColour(0));
  std::string points;
  for (const auto& [n, ns] : curve) {
    absl::StrAppendFormat(&points, "%.1f,%.1f ", x.Map(n),
                          y.Map(std::max(ns, 1.0)));
  }
  absl::StrAppendFormat(&svg,
                        "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"2\"/>\n",
                        points, colour);
  for (double p : kReportedPercentiles) {
    if (Nines(p) > nines) continue;
    const double ns = static_cast<double>(h.ValueAtPercentile(p));
    absl::StrAppendFormat(
        &svg,
        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>p%g: "
        "%s</title></circle>\n",
        x.Map(Nines(p)), y.Map(std::max(ns, 1.0)), colour, p,
        FormatLatencyNs(ns));
  }
  absl::StrAppendFormat(
      &svg,
      "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">"
      "max %s</text>\n</svg>\n",
      kLeft + kWidth - 5, y.Map(std::max(hi, 1.0)) + 14,
      FormatLatencyNs(static_cast<double>(h.max_ns())));
  return svg;
}

}  // namespace asycamore
