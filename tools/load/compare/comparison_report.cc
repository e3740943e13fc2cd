#include "comparison_report.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report/format.h"
#include "report/json.h"
#include "report/svg.h"

namespace asycamore::loadcompare {
namespace {

using report::FormatRate;
using report::FormatRatio;
using report::JsonNumber;
using report::JsonString;
using report::XmlEscape;

// "4.26 µs" for CPU per request; "-" when not measured.
std::string PerRequest(double ns) {
  return ns > 0 ? absl::StrFormat("%.2f \u00b5s", ns / 1e3) : "-";
}

// "1.23 ms" for a latency; "-" when not reported.
std::string Latency(double seconds) {
  return seconds > 0 ? absl::StrFormat("%.2f ms", seconds * 1e3) : "-";
}

// The servers side by side: each cell of a server other than nginx, as
// ratios to nginx's cell with the same depth and generator.
std::string ServerTable(const std::vector<Cell>& cells) {
  std::string out;
  for (const Cell& c : cells) {
    if (c.server == kBaselineServer || c.server_ratio_requests_per_second <= 0)
      continue;
    const auto nginx =
        std::find_if(cells.begin(), cells.end(), [&](const Cell& n) {
          return n.server == kBaselineServer && n.depth == c.depth &&
                 n.generator == c.generator;
        });
    absl::StrAppendFormat(
        &out, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        c.server, c.depth, c.generator, FormatRate(c.best_requests_per_second),
        FormatRate(nginx->best_requests_per_second),
        FormatRatio(c.server_ratio_requests_per_second),
        PerRequest(c.best_server_cpu_ns), PerRequest(nginx->best_server_cpu_ns),
        FormatRatio(c.server_ratio_server_cpu), Latency(c.best_p99_seconds),
        Latency(nginx->best_p99_seconds));
  }
  if (out.empty()) return out;
  return absl::StrCat(
      "\nServers side by side (ratios to nginx with the same depth and "
      "generator: requests/s higher is better, server CPU per request lower "
      "is better; p99: the generator's 99th percentile latency).\n\n"
      "| server | depth | generator | requests/s | nginx | x nginx | server "
      "CPU per request | nginx | x nginx | p99 | nginx p99 |\n"
      "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
      out);
}

std::string Percent(double share) {
  return share > 0 ? absl::StrFormat("%.0f%%", 100 * share) : "-";
}

std::string RunsSummary(const Cell& cell) {
  const int repetitions = static_cast<int>(cell.runs.size());
  const RunRecord& first = cell.runs.front().record;
  return absl::StrFormat("-c %d -t %d, %gs, best of %d", first.connections,
                         first.threads, first.duration_s, repetitions);
}

std::vector<std::string> Generators(const std::vector<Cell>& cells) {
  std::vector<std::string> names;
  for (const Cell& c : cells) {
    if (std::find(names.begin(), names.end(), c.generator) == names.end()) {
      names.push_back(c.generator);
    }
  }
  return names;
}

// (server, depth) groups in the order the cells name them.
std::vector<std::pair<std::string, int>> Groups(
    const std::vector<Cell>& cells) {
  std::vector<std::pair<std::string, int>> groups;
  for (const Cell& c : cells) {
    const std::pair<std::string, int> g{c.server, c.depth};
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) {
      groups.push_back(g);
    }
  }
  return groups;
}

std::string Pinning(const ComparisonSettings& s) {
  return absl::StrCat("server on CPU ", s.server_cpus, " (", s.server_threads,
                      s.server_threads == 1 ? " thread" : " threads",
                      "), generator on CPU ", s.generator_cpus);
}

}  // namespace

std::vector<std::string> Problems(const std::vector<Cell>& cells) {
  std::vector<std::string> problems;
  for (const Cell& c : cells) {
    for (const RunResult& r : c.runs) {
      if (!r.good()) problems.push_back(r.problem);
    }
  }
  return problems;
}

std::string FormatComparisonMarkdown(const ComparisonSettings& settings,
                                     const report::Machine& machine,
                                     const std::vector<Cell>& cells) {
  std::string out = absl::StrCat(
      "Load generators side by side (best of the repetitions, interleaved; "
      "ratios to wrk: requests/s higher is better, CPU per request lower "
      "is better; CPU use: CPU time / wall time, 100% = one core).\n",
      "Machine: ", report::MachineSummary(machine), "; load average ",
      machine.load_before, " (start), ", machine.load_after, " (end); ",
      machine.date, "; ", Pinning(settings), ".\n");
  if (!cells.empty())
    absl::StrAppend(&out, "Runs: ", RunsSummary(cells[0]), ".\n");
  absl::StrAppend(
      &out,
      "\n| server | depth | generator | requests/s | x wrk | generator CPU "
      "per request | x wrk | server CPU per request | x wrk | generator "
      "CPU use | server CPU use | good runs |\n"
      "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const Cell& c : cells) {
    absl::StrAppendFormat(
        &out,
        "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |\n",
        c.server, c.depth, c.generator,
        c.good_runs > 0 ? FormatRate(c.best_requests_per_second) : "failed",
        FormatRatio(c.ratio_requests_per_second),
        PerRequest(c.best_generator_cpu_ns), FormatRatio(c.ratio_generator_cpu),
        PerRequest(c.best_server_cpu_ns), FormatRatio(c.ratio_server_cpu),
        Percent(c.generator_cpu_use), Percent(c.server_cpu_use), c.good_runs,
        c.runs.size());
  }
  absl::StrAppend(&out, ServerTable(cells));
  std::vector<std::string> notes = settings.notes;
  for (std::string& p : Problems(cells)) notes.push_back(std::move(p));
  if (!notes.empty()) {
    absl::StrAppend(&out, "\nNotes:\n");
    for (const std::string& n : notes) absl::StrAppend(&out, "- ", n, "\n");
  }
  return out;
}

std::string FormatComparisonJson(const ComparisonSettings& settings,
                                 const report::Machine& machine,
                                 const std::vector<Cell>& cells) {
  std::vector<std::string> notes;
  for (const std::string& n : settings.notes) notes.push_back(JsonString(n));
  std::vector<std::string> problems;
  for (const std::string& p : Problems(cells))
    problems.push_back(JsonString(p));
  std::string out = "{\n  \"tool\": \"asycamore_load_compare\",\n";
  absl::StrAppend(&out, "  \"machine\": ", report::MachineJson(machine), ",\n");
  absl::StrAppend(&out, "  \"settings\": {\"server_cpus\": ",
                  JsonString(settings.server_cpus),
                  ", \"generator_cpus\": ", JsonString(settings.generator_cpus),
                  ", \"server_threads\": ", settings.server_threads,
                  ", \"baseline\": ", JsonString(kBaselineGenerator), "},\n");
  absl::StrAppend(&out, "  \"notes\": [", absl::StrJoin(notes, ", "), "],\n");
  absl::StrAppend(&out, "  \"problems\": [", absl::StrJoin(problems, ", "),
                  "],\n  \"cells\": [\n");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    std::vector<std::string> runs;
    for (const RunResult& r : c.runs) {
      const RunRecord& d = r.record;
      runs.push_back(absl::StrCat(
          "        {\"repetition\": ", d.repetition,
          ", \"connections\": ", d.connections, ", \"threads\": ", d.threads,
          ", \"duration_s\": ", JsonNumber(d.duration_s),
          ", \"exit_status\": ", d.exit_status, ", \"wall_ns\": ", d.wall_ns,
          ", \"generator_cpu_ns\": ", d.generator_cpu_ns,
          ", \"server_cpu_ns\": ",
          d.server_cpu_ns >= 0 ? absl::StrCat(d.server_cpu_ns) : "null",
          ", \"responses\": ",
          r.output.has_value() ? absl::StrCat(r.output->responses) : "null",
          ", \"requests_per_second\": ", JsonNumber(r.requests_per_second()),
          ", \"errors\": ",
          r.output.has_value() ? absl::StrCat(r.output->errors) : "null",
          ", \"non_2xx\": ",
          r.output.has_value() ? absl::StrCat(r.output->non_2xx) : "null",
          ", \"output\": ", JsonString(d.output_path),
          ", \"problem\": ", r.good() ? "null" : JsonString(r.problem), "}"));
    }
    absl::StrAppend(
        &out, "    {\"server\": ", JsonString(c.server),
        ", \"depth\": ", c.depth, ", \"generator\": ", JsonString(c.generator),
        ", \"good_runs\": ", c.good_runs,
        ",\n      \"best_requests_per_second\": ",
        JsonNumber(c.best_requests_per_second),
        ", \"ratio_requests_per_second\": ",
        JsonNumber(c.ratio_requests_per_second),
        ",\n      \"best_generator_cpu_ns_per_request\": ",
        JsonNumber(c.best_generator_cpu_ns),
        ", \"ratio_generator_cpu\": ", JsonNumber(c.ratio_generator_cpu),
        ", \"best_server_cpu_ns_per_request\": ",
        JsonNumber(c.best_server_cpu_ns),
        ", \"ratio_server_cpu\": ", JsonNumber(c.ratio_server_cpu),
        ",\n      \"best_p99_seconds\": ", JsonNumber(c.best_p99_seconds),
        ", \"server_ratio_requests_per_second\": ",
        JsonNumber(c.server_ratio_requests_per_second),
        ", \"server_ratio_server_cpu\": ",
        JsonNumber(c.server_ratio_server_cpu),
        ",\n      \"generator_cpu_use\": ", JsonNumber(c.generator_cpu_use),
        ", \"server_cpu_use\": ", JsonNumber(c.server_cpu_use),
        ",\n      \"runs\": [\n", absl::StrJoin(runs, ",\n"), "\n      ]}",
        i + 1 < cells.size() ? "," : "", "\n");
  }
  absl::StrAppend(&out, "  ]\n}\n");
  return out;
}

std::string FormatComparisonSvg(const ComparisonSettings& settings,
                                const report::Machine& machine,
                                const std::vector<Cell>& cells) {
  struct Panel {
    const char* title;
    double Cell::*ratio;
    double Cell::*value;
    std::string (*label)(double);
  };
  const Panel panels[] = {
      {"requests/s, x wrk (higher is better)", &Cell::ratio_requests_per_second,
       &Cell::best_requests_per_second,
       [](double v) { return FormatRate(v) + " req/s"; }},
      {"generator CPU per request, x wrk (lower is better)",
       &Cell::ratio_generator_cpu, &Cell::best_generator_cpu_ns, &PerRequest},
      {"server CPU per request, x wrk (lower is better)",
       &Cell::ratio_server_cpu, &Cell::best_server_cpu_ns, &PerRequest},
      // The servers side by side (bars only where nginx ran too).
      {"requests/s, x nginx (higher is better)",
       &Cell::server_ratio_requests_per_second,
       &Cell::best_requests_per_second,
       [](double v) { return FormatRate(v) + " req/s"; }},
      {"server CPU per request, x nginx (lower is better)",
       &Cell::server_ratio_server_cpu, &Cell::best_server_cpu_ns,
       &PerRequest},
  };
  const std::vector<std::string> generators = Generators(cells);
  const std::vector<std::pair<std::string, int>> groups = Groups(cells);
  constexpr double kLeft = 60, kTop = 90, kPanelW = 300, kPanelH = 240;
  constexpr double kColumn = 360;
  const double width = kLeft + kColumn * std::size(panels) + 40;
  const double height = kTop + kPanelH + 74 + 20.0 * generators.size();

  std::string svg = report::SvgOpen(width, height);
  absl::StrAppend(
      &svg,
      report::SvgHeading(
          kLeft,
          "asycamore: HTTP load generators and servers side by side, as "
          "ratios to wrk and to nginx (best of the repetitions)",
          {absl::StrCat(report::MachineSummary(machine), "; load ",
                        machine.load_before, "; ", machine.date),
           absl::StrCat(Pinning(settings),
                        cells.empty()
                            ? ""
                            : absl::StrCat("; ", RunsSummary(cells[0])))}));

  for (std::size_t p = 0; p < std::size(panels); ++p) {
    const Panel& panel = panels[p];
    const double x0 = kLeft + kColumn * static_cast<double>(p);
    double top = 1.2;
    for (const Cell& c : cells) top = std::max(top, c.*panel.ratio);
    const report::Axis y = report::LinearAxis(0, top, kTop + kPanelH, kTop);
    absl::StrAppendFormat(
        &svg, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n",
        x0, kTop - 8, XmlEscape(panel.title));
    absl::StrAppend(&svg, report::SvgPanelFrame(x0, kTop, kPanelW, kPanelH));
    for (double t : y.Ticks()) {
      absl::StrAppend(&svg, report::SvgYTick(x0, y.Map(t), kPanelW,
                                             absl::StrFormat("%gx", t),
                                             std::abs(t - 1.0) < 1e-9));
    }
    const double group_w = kPanelW / std::max<std::size_t>(groups.size(), 1);
    const double bar_w = std::min(
        30.0, (group_w - 16) / std::max<std::size_t>(generators.size(), 1));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const double gx = x0 + group_w * static_cast<double>(g);
      // Two lines (server, then depth): "asycamore-httpd, depth 16" is
      // wider than a group.
      absl::StrAppendFormat(
          &svg,
          "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" "
          "fill=\"#444\">%s<tspan x=\"%.1f\" dy=\"14\">depth %d</tspan>"
          "</text>\n",
          gx + group_w / 2, kTop + kPanelH + 15, XmlEscape(groups[g].first),
          gx + group_w / 2, groups[g].second);
      const double bars_x = gx + (group_w - bar_w * generators.size()) / 2;
      for (std::size_t i = 0; i < generators.size(); ++i) {
        const auto found =
            std::find_if(cells.begin(), cells.end(), [&](const Cell& c) {
              return c.server == groups[g].first &&
                     c.depth == groups[g].second &&
                     c.generator == generators[i];
            });
        if (found == cells.end() || (*found).*panel.ratio <= 0) continue;
        const Cell& cell = *found;
        const double ratio = cell.*panel.ratio;
        const double bx = bars_x + bar_w * static_cast<double>(i);
        absl::StrAppendFormat(
            &svg,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"%s\"><title>%s: %.3fx (%s)</title></rect>\n"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
            "font-size=\"10\">%.2f</text>\n",
            bx + 1, y.Map(ratio), bar_w - 2, y.Map(0) - y.Map(ratio),
            report::PaletteColour(i), XmlEscape(generators[i]), ratio,
            XmlEscape(panel.label(cell.*panel.value)), bx + bar_w / 2,
            y.Map(ratio) - 3, ratio);
      }
    }
  }
  for (std::size_t i = 0; i < generators.size(); ++i) {
    const double ly = kTop + kPanelH + 54 + 20 * static_cast<double>(i);
    absl::StrAppend(
        &svg, report::SvgLegendEntry(kLeft, ly, report::PaletteColour(i), false,
                                     generators[i]));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace asycamore::loadcompare
