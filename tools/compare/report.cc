#include "report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report/format.h"
#include "report/json.h"
#include "report/svg.h"
#include "workloads/alloc_counter.h"
#include "workloads/runners.h"

namespace asycamore::compare {

using report::Axis;
using report::DecadeAxis;
using report::FormatRate;
using report::FormatRatio;
using report::JsonNumber;
using report::JsonString;
using report::LinearAxis;
using report::TickNs;
using report::XmlEscape;

namespace {

// Returns whether any cell is a chain or idle one (echo has tables of its
// own, echo_report.cc).
bool HasLoopCells(const std::vector<Cell>& cells) {
  return std::any_of(cells.begin(), cells.end(), [](const Cell& cell) {
    return cell.shape != bench::Shape::kEcho;
  });
}

}  // namespace

std::string FormatTable(const Settings& settings, const Machine& machine,
                        const std::vector<Cell>& cells) {
  std::string out;
  absl::StrAppend(&out, "machine: ", report::MachineSummary(machine), "\n");
  absl::StrAppend(&out, "load average: ", machine.load_before, " (start), ",
                  machine.load_after, " (end)\n");
  if (HasLoopCells(cells)) {
    absl::StrAppendFormat(
        &out,
        "each figure: median of %d repetitions, implementations interleaved "
        "(forward, reverse, ...); ratios are medians of side-by-side pairs; "
        "IQR: interquartile range / median; "
        "ns/event on the %s\n\n",
        settings.repetitions,
        settings.time_base == bench::TimeBase::kThreadCpu
            ? "loop thread's CPU time (--clock=cpu)"
            : "wall clock (--clock=wall)");
    absl::StrAppendFormat(&out, "%-6s %6s %4s  %-10s %10s %10s %10s %10s %7s %9s\n",
                          "shape", "N", "A", "impl", "ns/event", "events/s",
                          "x raw_epoll", "x raw_poll", "IQR", "allocs/ev");
  }
  std::vector<std::string> notes;
  for (const Cell& cell : cells) {
    if (!cell.note.empty()) notes.push_back(cell.note);
    if (cell.shape == bench::Shape::kEcho) {
      for (const ImplResult& r : cell.results) {
        if (!r.skipped.empty()) notes.push_back(absl::StrCat(cell.Label(), ": ", r.skipped));
      }
      continue;  // FormatEchoTable shows them
    }
    for (const ImplResult& r : cell.results) {
      const std::string active =
          cell.shape == bench::Shape::kChain ? absl::StrCat(cell.active) : "-";
      if (!r.skipped.empty()) {
        absl::StrAppendFormat(&out, "%-6s %6d %4s  %-10s %10s  (skipped)\n",
                              bench::ShapeName(cell.shape), cell.n, active,
                              r.name, "-");
        notes.push_back(absl::StrCat(cell.Label(), ": ", r.skipped));
        continue;
      }
      const std::string allocs =
          r.kind == bench::RunnerKind::kBackend && r.allocations_counted
              ? absl::StrFormat("%.4f", r.allocations_per_event)
              : "-";
      absl::StrAppendFormat(
          &out, "%-6s %6d %4s  %-10s %10.1f %10s %10s %10s %6.1f%% %9s\n",
          bench::ShapeName(cell.shape), cell.n, active, r.name, r.median_ns,
          FormatRate(r.median_ns > 0 ? 1e9 / r.median_ns : 0),
          FormatRatio(r.ratio_raw_epoll), FormatRatio(r.ratio_raw_poll),
          100 * r.spread, allocs);
    }
  }
  absl::StrAppend(&out, FormatEchoTable(settings, cells));
  for (const std::string& missing : bench::MissingPeers()) {
    notes.push_back(missing);
  }
  if (!notes.empty()) {
    absl::StrAppend(&out, "\nnotes:\n");
    for (const std::string& note : notes) absl::StrAppend(&out, "  - ", note, "\n");
  }
  return out;
}

std::string FormatJson(const Settings& settings, const Machine& machine,
                       const std::vector<Cell>& cells) {
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"tool\": \"asycamore_compare\",\n");
  absl::StrAppend(&out, "  \"machine\": ", report::MachineJson(machine),
                  ",\n");
  absl::StrAppend(&out, "  \"settings\": {\"repetitions\": ",
                  settings.repetitions, ", \"writes_flag\": ",
                  settings.writes, ", \"min_time_ms\": ",
                  absl::ToInt64Milliseconds(settings.min_time),
                  ", \"warmup_ms\": ", absl::ToInt64Milliseconds(settings.warmup),
                  ", \"clock\": ",
                  settings.time_base == bench::TimeBase::kThreadCpu
                      ? "\"thread_cpu\""
                      : "\"wall\"",
                  ", \"allocation_counting\": ",
                  bench::AllocationCountingEnabled() ? "true" : "false", "},\n");
  absl::StrAppend(&out, "  \"implementations\": [\n");
  for (std::size_t i = 0; i < settings.runners.size(); ++i) {
    const bench::RunnerInfo& r = *settings.runners[i];
    absl::StrAppend(&out, "    {\"name\": ", JsonString(r.name),
                    ", \"kind\": ", JsonString(bench::RunnerKindName(r.kind)),
                    ", \"floor\": ", JsonString(r.floor),
                    ", \"detail\": ", JsonString(r.detail), "}",
                    i + 1 < settings.runners.size() ? "," : "", "\n");
  }
  absl::StrAppend(&out, "  ],\n  \"missing_peers\": [");
  const std::vector<std::string> missing = bench::MissingPeers();
  for (std::size_t i = 0; i < missing.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", JsonString(missing[i]));
  }
  absl::StrAppend(&out, "],\n  \"cells\": [\n");
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const Cell& cell = cells[c];
    absl::StrAppend(&out, "    {\"workload\": ",
                    JsonString(bench::ShapeName(cell.shape)),
                    ", \"requested_n\": ", cell.requested_n, ", \"n\": ", cell.n,
                    ", \"active\": ", cell.active,
                    ", \"writes_per_round\": ", cell.writes,
                    ", \"note\": ", JsonString(cell.note), ", \"results\": [\n");
    for (std::size_t i = 0; i < cell.results.size(); ++i) {
      const ImplResult& r = cell.results[i];
      std::vector<std::string> reps;
      for (double ns : r.ns_per_event) reps.push_back(JsonNumber(ns));
      absl::StrAppend(
          &out, "      {\"impl\": ", JsonString(r.name),
          ", \"kind\": ", JsonString(bench::RunnerKindName(r.kind)));
      if (!r.skipped.empty()) {
        absl::StrAppend(&out, ", \"skipped\": ", JsonString(r.skipped), "}");
      } else {
        absl::StrAppend(
            &out, ", \"ns_per_event\": ", JsonNumber(r.median_ns),
            ", \"events_per_second\": ",
            JsonNumber(r.median_ns > 0 ? 1e9 / r.median_ns : 0),
            ", \"ratio_raw_epoll\": ", JsonNumber(r.ratio_raw_epoll),
            ", \"ratio_raw_poll\": ", JsonNumber(r.ratio_raw_poll),
            ", \"floor\": ", JsonString(r.floor),
            ", \"ratio_floor\": ", JsonNumber(r.ratio_floor()),
            ", \"spread_iqr\": ", JsonNumber(r.spread),
            ", \"wall_ns_per_event\": ", JsonNumber(r.median_wall_ns),
            ", \"allocations_per_event\": ",
            r.kind == bench::RunnerKind::kBackend && r.allocations_counted
                ? JsonNumber(r.allocations_per_event)
                : "null",
            ", \"repetitions_ns_per_event\": [", absl::StrJoin(reps, ", "),
            "]", cell.shape == bench::Shape::kEcho ? EchoJsonMembers(r) : "",
            "}");
      }
      absl::StrAppend(&out, i + 1 < cell.results.size() ? "," : "", "\n");
    }
    absl::StrAppend(&out, "    ]}", c + 1 < cells.size() ? "," : "", "\n");
  }
  absl::StrAppend(&out, "  ]\n}\n");
  return out;
}

std::string FormatMarkdown(const Settings& settings, const Machine& machine,
                           const std::vector<Cell>& cells) {
  if (!HasLoopCells(cells)) {
    return absl::StrCat("Machine: ", report::MachineSummary(machine),
                        "; load average ", machine.load_before, " (start), ",
                        machine.load_after, " (end); ", machine.date, ".\n",
                        FormatEchoMarkdown(settings, cells));
  }
  std::vector<const bench::RunnerInfo*> shown;
  std::vector<const bench::RunnerInfo*> floors;
  for (const bench::RunnerInfo* r : settings.runners) {
    (r->kind == bench::RunnerKind::kFloor ? floors : shown).push_back(r);
  }
  std::string out = absl::StrCat(
      "Ratio to the floor (median of ", settings.repetitions,
      " side-by-side pairs; floor: raw_epoll for epoll, io_uring, libevent and "
      "libuv, raw_poll for poll and select; lower is faster; time: ",
      settings.time_base == bench::TimeBase::kThreadCpu
          ? "the loop thread's CPU time"
          : "the wall clock",
      ").\n"
      "Machine: ", report::MachineSummary(machine),
      "; load average ", machine.load_before, " (start), ", machine.load_after,
      " (end); ", machine.date, ".\n\n| workload | N | A |");
  for (const bench::RunnerInfo* r : shown) absl::StrAppend(&out, " ", r->name, " |");
  for (const bench::RunnerInfo* r : floors) {
    absl::StrAppend(&out, " ", r->name, " ns/event |");
  }
  absl::StrAppend(&out, "\n|---|--:|--:|");
  for (std::size_t i = 0; i < shown.size() + floors.size(); ++i) {
    absl::StrAppend(&out, "--:|");
  }
  absl::StrAppend(&out, "\n");
  for (const Cell& cell : cells) {
    if (cell.shape == bench::Shape::kEcho) continue;  // FormatEchoMarkdown
    absl::StrAppend(&out, "| ", bench::ShapeName(cell.shape), " | ",
                    cell.n == cell.requested_n
                        ? absl::StrCat(cell.n)
                        : absl::StrCat(cell.n, " (", cell.requested_n, ")"),
                    " | ",
                    cell.shape == bench::Shape::kChain ? absl::StrCat(cell.active)
                                                       : std::string("-"),
                    " |");
    auto find = [&](const std::string& name) -> const ImplResult* {
      for (const ImplResult& r : cell.results) {
        if (r.name == name) return &r;
      }
      return nullptr;
    };
    for (const bench::RunnerInfo* info : shown) {
      const ImplResult* r = find(info->name);
      if (r == nullptr || !r->skipped.empty()) {
        absl::StrAppend(&out, " n/a |");
      } else {
        absl::StrAppendFormat(&out, " %.3f |", r->ratio_floor());
      }
    }
    for (const bench::RunnerInfo* info : floors) {
      const ImplResult* r = find(info->name);
      absl::StrAppend(&out, " ",
                      r != nullptr && r->median_ns > 0 ? FormatNs(r->median_ns)
                                                       : std::string("n/a"),
                      " |");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, FormatEchoMarkdown(settings, cells));
  return out;
}

namespace {

std::string CountLabel(double v) {
  if (v >= 1000) return absl::StrCat(v / 1000, "k");
  return absl::StrCat(v);
}

std::string Colour(const std::string& name) {
  static const std::map<std::string, std::string> colours = {
      {"epoll", "#1f77b4"},    {"poll", "#2ca02c"},  {"select", "#9467bd"},
      {"libevent", "#ff7f0e"}, {"libuv", "#d62728"}, {"raw_epoll", "#000000"},
      {"raw_poll", "#7f7f7f"}, {"kqueue", "#17becf"}, {"io_uring", "#8c564b"},
      {"iocp", "#e377c2"}};
  auto it = colours.find(name);
  return it == colours.end() ? "#bcbd22" : it->second;
}

struct Group {
  bench::Shape shape;
  std::size_t active;
  std::string title;
  std::vector<const Cell*> cells;
};

}  // namespace

std::string FormatSvg(const Machine& machine, const std::vector<Cell>& cells) {
  std::vector<Group> groups;
  for (const Cell& cell : cells) {
    if (cell.shape == bench::Shape::kEcho) continue;  // tables only
    const std::size_t active =
        cell.shape == bench::Shape::kChain ? cell.active : 0;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.shape == cell.shape && g.active == active;
    });
    if (it == groups.end()) {
      Group g{cell.shape, active,
              cell.shape == bench::Shape::kChain
                  ? absl::StrCat("chain, A=", active, " (N socket pairs)")
                  : "idle (1 active among N idle sockets)",
              {}};
      groups.push_back(g);
      it = groups.end() - 1;
    }
    it->cells.push_back(&cell);
  }
  std::vector<std::string> names;
  for (const Cell& cell : cells) {
    for (const ImplResult& r : cell.results) {
      if (std::find(names.begin(), names.end(), r.name) == names.end()) {
        names.push_back(r.name);
      }
    }
  }

  constexpr double kLeft = 70, kTop = 70, kPanelW = 330, kPanelH = 220;
  constexpr double kColumn = 400, kRow = 290;
  const double width = kLeft + kColumn * std::max<std::size_t>(groups.size(), 1) + 120;
  const double height = kTop + 2 * kRow + 10;
  std::string svg = report::SvgOpen(width, height);
  absl::StrAppend(
      &svg,
      report::SvgHeading(
          kLeft,
          "asycamore: cost per event against N (top; medians, log scales) and "
          "ratio to its floor (bottom: raw_epoll for epoll, io_uring, "
          "libevent, libuv; raw_poll for poll, select)",
          {absl::StrCat(report::MachineSummary(machine), "; load ",
                        machine.load_before, "; ", machine.date)}));

  for (std::size_t g = 0; g < groups.size(); ++g) {
    const Group& group = groups[g];
    const double x0 = kLeft + kColumn * static_cast<double>(g);
    double n_lo = 1e18, n_hi = 0;
    double ns_lo = 1e18, ns_hi = 0, r_lo = 1e18, r_hi = 0;
    for (const Cell* cell : group.cells) {
      n_lo = std::min(n_lo, static_cast<double>(cell->n));
      n_hi = std::max(n_hi, static_cast<double>(cell->n));
      for (const ImplResult& r : cell->results) {
        if (r.median_ns > 0) {
          ns_lo = std::min(ns_lo, r.median_ns);
          ns_hi = std::max(ns_hi, r.median_ns);
        }
        if (r.ratio_floor() > 0) {
          r_lo = std::min(r_lo, r.ratio_floor());
          r_hi = std::max(r_hi, r.ratio_floor());
        }
      }
    }
    if (n_hi <= n_lo) {
      n_lo /= 2;
      n_hi = n_hi * 2;
    }
    r_lo = std::min(r_lo, 0.9);
    r_hi = std::max(r_hi, 1.1);
    const Axis x = DecadeAxis(n_lo, n_hi, x0, x0 + kPanelW);
    for (int row = 0; row < 2; ++row) {
      const double y0 = kTop + kRow * row;
      const Axis y = row == 0 ? DecadeAxis(ns_lo, ns_hi, y0 + kPanelH, y0)
                              : LinearAxis(r_lo, r_hi, y0 + kPanelH, y0);
      absl::StrAppendFormat(
          &svg, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n",
          x0, y0 - 8,
          XmlEscape(absl::StrCat(group.title, row == 0 ? ": ns per event"
                                                       : ": x its floor")));
      absl::StrAppend(&svg, report::SvgPanelFrame(x0, y0, kPanelW, kPanelH));
      for (double t : x.Ticks()) {
        absl::StrAppend(&svg,
                        report::SvgXTick(x.Map(t), y0, kPanelH, CountLabel(t)));
      }
      absl::StrAppend(&svg, report::SvgAxisTitle(x0 + kPanelW / 2,
                                                 y0 + kPanelH + 30, "N"));
      for (double t : y.Ticks()) {
        absl::StrAppend(
            &svg,
            report::SvgYTick(x0, y.Map(t), kPanelW,
                             row == 0 ? TickNs(t) : absl::StrFormat("%gx", t),
                             row == 1 && std::fabs(t - 1.0) < 1e-9));
      }
      for (const std::string& name : names) {
        std::vector<std::pair<double, double>> points;
        for (const Cell* cell : group.cells) {
          for (const ImplResult& r : cell->results) {
            const double v = row == 0 ? r.median_ns : r.ratio_floor();
            if (r.name == name && v > 0) {
              points.emplace_back(static_cast<double>(cell->n), v);
            }
          }
        }
        if (points.empty()) continue;
        std::sort(points.begin(), points.end());
        std::string path;
        for (const auto& [n, v] : points) {
          absl::StrAppendFormat(&path, "%.1f,%.1f ", x.Map(n), y.Map(v));
        }
        const bool floor = name.rfind("raw_", 0) == 0;
        absl::StrAppendFormat(
            &svg,
            "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
            "stroke-width=\"2\"%s><title>%s</title></polyline>\n",
            path, Colour(name), floor ? " stroke-dasharray=\"6 4\"" : "",
            XmlEscape(name));
        for (const auto& [n, v] : points) {
          absl::StrAppendFormat(
              &svg,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s "
              "N=%.0f: %s</title></circle>\n",
              x.Map(n), y.Map(v), Colour(name), XmlEscape(name), n,
              row == 0 ? FormatNs(v) : absl::StrFormat("%.3fx", v));
        }
      }
    }
  }
  // Legend.
  const double lx = kLeft + kColumn * static_cast<double>(groups.size()) - 20;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double ly = kTop + 10 + 20 * static_cast<double>(i);
    absl::StrAppend(&svg, report::SvgLegendEntry(lx, ly, Colour(names[i]),
                                                 names[i].rfind("raw_", 0) == 0,
                                                 names[i]));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace asycamore::compare
