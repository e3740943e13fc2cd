#include "report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace asycamore::report {

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvgOpen(double width, double height) {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      width, height, width, height);
}

std::string SvgHeading(double x, std::string_view title,
                       const std::vector<std::string>& lines) {
  std::string out = absl::StrFormat(
      "<text x=\"%.0f\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s"
      "</text>\n",
      x, XmlEscape(title));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    absl::StrAppendFormat(
        &out, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#444\">%s</text>\n", x,
        42 + 18 * static_cast<double>(i), XmlEscape(lines[i]));
  }
  return out;
}

std::string SvgPanelFrame(double x, double y, double width, double height) {
  return absl::StrFormat(
      "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
      "fill=\"none\" stroke=\"#999\"/>\n",
      x, y, width, height);
}

std::string SvgXTick(double px, double y0, double height,
                     std::string_view label) {
  return absl::StrFormat(
      "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" "
      "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.0f\" "
      "text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
      px, y0, px, y0 + height, px, y0 + height + 15, XmlEscape(label));
}

std::string SvgYTick(double x0, double py, double width, std::string_view label,
                     bool reference) {
  return absl::StrFormat(
      "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
      "stroke=\"%s\"%s/><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
      "fill=\"#444\">%s</text>\n",
      x0, py, x0 + width, py, reference ? "#000" : "#eee",
      reference ? " stroke-dasharray=\"4 3\"" : "", x0 - 5, py + 4,
      XmlEscape(label));
}

std::string SvgAxisTitle(double x, double y, std::string_view text) {
  return absl::StrFormat(
      "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
      "fill=\"#444\">%s</text>\n",
      x, y, XmlEscape(text));
}

std::string SvgLegendEntry(double x, double y, std::string_view colour,
                           bool dashed, std::string_view label) {
  return absl::StrFormat(
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
      "stroke-width=\"2\"%s/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
      x, y, x + 24, y, colour, dashed ? " stroke-dasharray=\"6 4\"" : "",
      x + 30, y + 4, XmlEscape(label));
}

std::string_view PaletteColour(std::size_t index) {
  static constexpr std::array<std::string_view, 10> kColours = {
      "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kColours[index % kColours.size()];
}

double Axis::Map(double v) const {
  const double f =
      log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
          : (v - lo) / (hi - lo);
  return p0 + f * (p1 - p0);
}

std::vector<double> Axis::Ticks() const {
  std::vector<double> ticks;
  if (!log) {
    double step = 1;
    for (double s : {0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0}) {
      step = s;
      if ((hi - lo) / s <= 7) break;
    }
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      ticks.push_back(std::round(v / step) * step);
    }
    return ticks;
  }
  const bool fine = std::log10(hi / lo) <= 1.5;
  for (int e = static_cast<int>(std::floor(std::log10(lo)));
       e <= static_cast<int>(std::ceil(std::log10(hi))); ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (!fine && m != 1.0) continue;
      const double v = m * std::pow(10.0, e);
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push_back(v);
    }
  }
  return ticks;
}

Axis DecadeAxis(double lo, double hi, double p0, double p1) {
  if (!(lo > 0)) lo = 1;
  if (!(hi > lo)) hi = lo * 2;
  return {std::pow(10.0, std::floor(std::log10(lo))),
          std::pow(10.0, std::ceil(std::log10(hi))), p0, p1, true};
}

Axis LinearAxis(double lo, double hi, double p0, double p1) {
  const double pad = (hi - lo) * 0.06;
  return {std::max(0.0, lo - pad), hi + pad, p0, p1, false};
}

std::string TickNs(double ns) {
  if (ns >= 1e6) return absl::StrCat(ns / 1e6, " ms");
  if (ns >= 1e3) return absl::StrCat(ns / 1e3, " \u00b5s");
  return absl::StrCat(ns, " ns");
}

}  // namespace asycamore::report
