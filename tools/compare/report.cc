#include "report.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "workloads/alloc_counter.h"
#include "workloads/runners.h"

namespace asycamore::compare {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view view(line);
    if (absl::ConsumePrefix(&view, "model name")) {
      view = absl::StripLeadingAsciiWhitespace(view);
      absl::ConsumePrefix(&view, ":");
      return std::string(absl::StripAsciiWhitespace(view));
    }
  }
  return "unknown";
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  return absl::StrFormat("%.6g", value);
}

std::string XmlEscape(absl::string_view text) {
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

std::string FormatRate(double per_second) {
  if (per_second >= 1e6) return absl::StrFormat("%.2fM", per_second / 1e6);
  if (per_second >= 1e3) return absl::StrFormat("%.1fk", per_second / 1e3);
  return absl::StrFormat("%.0f", per_second);
}

std::string FormatRatio(double ratio) {
  return ratio > 0 ? absl::StrFormat("%.3f", ratio) : "-";
}

}  // namespace

Machine DescribeMachine() {
  Machine machine;
  machine.cpu = CpuModel();
  machine.cores = std::thread::hardware_concurrency();
  utsname names{};
  if (::uname(&names) == 0) {
    machine.kernel =
        absl::StrCat(names.sysname, " ", names.release, " ", names.machine);
  }
  double load[3];
  if (::getloadavg(load, 3) == 3) {
    machine.load_before =
        absl::StrFormat("%.2f %.2f %.2f", load[0], load[1], load[2]);
  }
  machine.date = absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(),
                                  absl::UTCTimeZone());
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    machine.fd_limit = absl::StrCat(limit.rlim_cur, "/", limit.rlim_max);
  }
  return machine;
}

std::string FormatNs(double ns) {
  if (ns >= 1e6) return absl::StrFormat("%.2f ms", ns / 1e6);
  if (ns >= 1e4) return absl::StrFormat("%.1f us", ns / 1e3);
  return absl::StrFormat("%.0f ns", ns);
}

std::string FormatTable(const Settings& settings, const Machine& machine,
                        const std::vector<Cell>& cells) {
  std::string out;
  absl::StrAppend(&out, "machine: ", machine.cpu, ", ", machine.cores,
                  " cores, ", machine.kernel, "\n");
  absl::StrAppend(&out, "load average: ", machine.load_before, " (start), ",
                  machine.load_after, " (end)\n");
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
  std::vector<std::string> notes;
  for (const Cell& cell : cells) {
    if (!cell.note.empty()) notes.push_back(cell.note);
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
  absl::StrAppend(&out, "  \"machine\": {\"cpu\": ", JsonString(machine.cpu),
                  ", \"cores\": ", machine.cores,
                  ", \"kernel\": ", JsonString(machine.kernel),
                  ", \"load_before\": ", JsonString(machine.load_before),
                  ", \"load_after\": ", JsonString(machine.load_after),
                  ", \"date\": ", JsonString(machine.date),
                  ", \"open_file_limit\": ", JsonString(machine.fd_limit),
                  "},\n");
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
            "]}");
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
  std::vector<const bench::RunnerInfo*> shown;
  std::vector<const bench::RunnerInfo*> floors;
  for (const bench::RunnerInfo* r : settings.runners) {
    (r->kind == bench::RunnerKind::kFloor ? floors : shown).push_back(r);
  }
  std::string out = absl::StrCat(
      "Ratio to the floor (median of ", settings.repetitions,
      " side-by-side pairs; floor: raw_epoll for epoll, libevent and libuv, "
      "raw_poll for poll and select; lower is faster; time: ",
      settings.time_base == bench::TimeBase::kThreadCpu
          ? "the loop thread's CPU time"
          : "the wall clock",
      ").\n"
      "Machine: ", machine.cpu, ", ", machine.cores, " cores, ", machine.kernel,
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
  return out;
}

namespace {

// An axis over [lo, hi] mapped to pixels [p0, p1], log or linear.
struct Axis {
  double lo, hi, p0, p1;
  bool log;
  double Map(double v) const {
    const double f = log ? (std::log10(v) - std::log10(lo)) /
                               (std::log10(hi) - std::log10(lo))
                         : (v - lo) / (hi - lo);
    return p0 + f * (p1 - p0);
  }
  // Log: decades (with 2 and 5 for short ranges). Linear: a round step
  // giving about six ticks.
  std::vector<double> Ticks() const {
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
};

// A log axis padded out to whole decades.
Axis DecadeAxis(double lo, double hi, double p0, double p1) {
  if (!(lo > 0)) lo = 1;
  if (!(hi > lo)) hi = lo * 2;
  return {std::pow(10.0, std::floor(std::log10(lo))),
          std::pow(10.0, std::ceil(std::log10(hi))), p0, p1, true};
}

// A linear axis with a little room around [lo, hi].
Axis LinearAxis(double lo, double hi, double p0, double p1) {
  const double pad = (hi - lo) * 0.06;
  return {std::max(0.0, lo - pad), hi + pad, p0, p1, false};
}

// Returns "1 us", "10 us", "2 ms", ... for tick labels.
std::string TickNs(double ns) {
  if (ns >= 1e6) return absl::StrCat(ns / 1e6, " ms");
  if (ns >= 1e3) return absl::StrCat(ns / 1e3, " \u00b5s");
  return absl::StrCat(ns, " ns");
}

std::string CountLabel(double v) {
  if (v >= 1000) return absl::StrCat(v / 1000, "k");
  return absl::StrCat(v);
}

std::string Colour(const std::string& name) {
  static const std::map<std::string, std::string> colours = {
      {"epoll", "#1f77b4"},    {"poll", "#2ca02c"},  {"select", "#9467bd"},
      {"libevent", "#ff7f0e"}, {"libuv", "#d62728"}, {"raw_epoll", "#000000"},
      {"raw_poll", "#7f7f7f"}, {"kqueue", "#17becf"}, {"iocp", "#e377c2"}};
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
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      width, height, width, height);
  absl::StrAppendFormat(
      &svg,
      "<text x=\"%.0f\" y=\"22\" font-size=\"14\" font-weight=\"bold\">"
      "asycamore: cost per event against N (top; medians, log scales) and "
      "ratio to its floor (bottom: raw_epoll for epoll, libevent, libuv; "
      "raw_poll for poll, select)</text>\n",
      kLeft);
  absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"42\" fill=\"#444\">%s</text>\n",
                        kLeft,
                        XmlEscape(absl::StrCat(machine.cpu, ", ", machine.cores,
                                               " cores, ", machine.kernel,
                                               "; load ", machine.load_before,
                                               "; ", machine.date)));

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
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
                            "height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n",
                            x0, y0, kPanelW, kPanelH);
      for (double t : x.Ticks()) {
        const double px = x.Map(t);
        absl::StrAppendFormat(
            &svg,
            "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" "
            "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.0f\" "
            "text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
            px, y0, px, y0 + kPanelH, px, y0 + kPanelH + 15, CountLabel(t));
      }
      absl::StrAppendFormat(&svg,
                            "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
                            "fill=\"#444\">N</text>\n",
                            x0 + kPanelW / 2, y0 + kPanelH + 30);
      for (double t : y.Ticks()) {
        const double py = y.Map(t);
        const std::string label =
            row == 0 ? TickNs(t) : absl::StrFormat("%gx", t);
        absl::StrAppendFormat(
            &svg,
            "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
            "stroke=\"%s\"%s/><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
            "fill=\"#444\">%s</text>\n",
            x0, py, x0 + kPanelW, py, row == 1 && std::fabs(t - 1.0) < 1e-9 ? "#000" : "#eee",
            row == 1 && std::fabs(t - 1.0) < 1e-9 ? " stroke-dasharray=\"4 3\"" : "", x0 - 5,
            py + 4, XmlEscape(label));
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
    const bool floor = names[i].rfind("raw_", 0) == 0;
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
        "stroke-width=\"2\"%s/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
        lx, ly, lx + 24, ly, Colour(names[i]),
        floor ? " stroke-dasharray=\"6 4\"" : "", lx + 30, ly + 4,
        XmlEscape(names[i]));
  }
  svg += "</svg>\n";
  return svg;
}

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  std::error_code error;
  const std::filesystem::path target(path);
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), error);
    if (error) {
      return absl::InternalError(absl::StrCat("cannot create directory ",
                                              target.parent_path().string(),
                                              ": ", error.message()));
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace asycamore::compare
