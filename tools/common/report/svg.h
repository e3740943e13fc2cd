// The pieces of the tools' SVG charts: the document, a heading, escaping,
// axes (log or linear, with their ticks), panel frames, legend entries and a
// palette. Each chart lays out its own panels from these; the output is
// plain SVG 1.1 with no script and no external reference, so it can be
// opened from disk or embedded in a page as it is.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_SVG_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_SVG_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace asycamore::report {

// Returns `text` with <, >, & and " escaped, for SVG text and attributes.
std::string XmlEscape(std::string_view text);

// Returns the opening <svg> tag (sans-serif, 12 px) and a white background.
// Close the document with "</svg>\n".
std::string SvgOpen(double width, double height);

// Returns a chart's heading at `x`: `title` in bold on the first line,
// then each of `lines` (the machine, the settings...) in grey under it, 18
// px apart from y = 42.
std::string SvgHeading(double x, std::string_view title,
                       const std::vector<std::string>& lines);

// Returns a panel's outline: a grey rectangle.
std::string SvgPanelFrame(double x, double y, double width, double height);

// Returns a vertical grid line at `px` down a panel (from y0, `height`
// long) with `label` centred under it.
std::string SvgXTick(double px, double y0, double height,
                     std::string_view label);

// Returns a horizontal grid line at `py` across a panel (from x0, `width`
// long) with `label` to its left. A `reference` line (a ratio axis's 1x) is
// black and dashed.
std::string SvgYTick(double x0, double py, double width, std::string_view label,
                     bool reference);

// Returns an axis title, grey, centred at (x, y).
std::string SvgAxisTitle(double x, double y, std::string_view text);

// Returns one legend entry: a short line in `colour` (dashed when `dashed`)
// at (x, y) and `label` to its right.
std::string SvgLegendEntry(double x, double y, std::string_view colour,
                           bool dashed, std::string_view label);

// Returns the index-th colour of a ten-colour palette (repeating).
std::string_view PaletteColour(std::size_t index);

// An axis over [lo, hi] mapped to pixels [p0, p1], log or linear.
struct Axis {
  double lo, hi, p0, p1;
  bool log;
  // Returns the pixel of `v`.
  double Map(double v) const;
  // Log: decades (with 2 and 5 for short ranges). Linear: a round step
  // giving about six ticks.
  std::vector<double> Ticks() const;
};

// Returns a log axis padded out to whole decades.
Axis DecadeAxis(double lo, double hi, double p0, double p1);

// Returns a linear axis with a little room around [lo, hi] (never below 0).
Axis LinearAxis(double lo, double hi, double p0, double p1);

// Returns a tick label for a time in ns: "500 ns", "10 µs", "2 ms".
std::string TickNs(double ns);

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_SVG_H_
