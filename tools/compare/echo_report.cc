#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report.h"
#include "report/json.h"

namespace asycamore::compare {
namespace {

const ImplResult* Find(const Cell& cell, const std::string& name) {
  for (const ImplResult& r : cell.results) {
    if (r.name == name && r.skipped.empty()) return &r;
  }
  return nullptr;
}

// The figures of one echo result, as text, with their ratios to raw_epoll.
struct EchoRow {
  std::string round_trips_per_s, throughput_ratio, cpu, cpu_ratio, syscalls,
      breakdown, instructions, instructions_ratio;
};

std::string Ratio(double value, double floor) {
  return value > 0 && floor > 0 ? absl::StrFormat("%.3f", value / floor) : "-";
}

// The heap per idle connection of each implementation that has one.
std::vector<std::pair<std::string, double>> IdleHeaps(
    const std::vector<Cell>& cells) {
  std::vector<std::pair<std::string, double>> heaps;
  for (const Cell& cell : cells) {
    for (const ImplResult& r : cell.results) {
      if (r.counts.idle_heap_bytes >= 0) {
        heaps.emplace_back(r.name, r.counts.idle_heap_bytes);
      }
    }
  }
  return heaps;
}

EchoRow MakeRow(const ImplResult& r, const ImplResult* raw) {
  EchoRow row;
  row.round_trips_per_s = report::FormatRate(r.median_ns > 0 ? 1e9 / r.median_ns : 0);
  // The paired time ratio, inverted: throughput is round trips per second.
  row.throughput_ratio =
      r.ratio_raw_epoll > 0 ? absl::StrFormat("%.3f", 1 / r.ratio_raw_epoll) : "-";
  row.cpu = r.median_server_cpu_ns > 0 ? FormatNs(r.median_server_cpu_ns) : "-";
  row.cpu_ratio = r.server_cpu_ratio_raw_epoll > 0
                      ? absl::StrFormat("%.3f", r.server_cpu_ratio_raw_epoll)
                      : "-";
  row.syscalls = r.counts.syscalls >= 0
                     ? absl::StrFormat("%.2f", r.counts.syscalls)
                     : "-";
  std::vector<std::string> parts;
  for (const auto& [name, per] : r.counts.by_syscall) {
    parts.push_back(absl::StrFormat("%s %.2f", name, per));
  }
  row.breakdown = parts.empty() ? "-" : absl::StrJoin(parts, ", ");
  row.instructions = r.counts.instructions >= 0
                         ? absl::StrFormat("%.0f", r.counts.instructions)
                         : "-";
  row.instructions_ratio =
      Ratio(r.counts.instructions, raw == nullptr ? 0 : raw->counts.instructions);
  return row;
}

}  // namespace

std::string FormatEchoTable(const Settings& settings,
                            const std::vector<Cell>& cells) {
  std::string out;
  for (const Cell& cell : cells) {
    if (cell.shape != bench::Shape::kEcho) continue;
    if (out.empty()) {
      absl::StrAppendFormat(
          &out,
          "\necho: N connections, %d-byte messages, one in flight each; "
          "median of %d interleaved repetitions; x raw_epoll: throughput "
          "(higher is better), the rest per round trip (lower is better)\n",
          settings.echo_bytes, settings.repetitions);
      absl::StrAppendFormat(&out, "%5s  %-10s %11s %7s %6s %10s %7s %9s %10s %7s  %s\n",
                            "N", "impl", "round-trips/s", "x raw", "IQR",
                            "server CPU", "x raw", "syscalls", "instr", "x raw",
                            "system calls per round trip");
    }
    const ImplResult* raw = Find(cell, "raw_epoll");
    for (const ImplResult& r : cell.results) {
      if (!r.skipped.empty()) continue;
      const EchoRow row = MakeRow(r, raw);
      absl::StrAppendFormat(&out, "%5d  %-10s %13s %7s %5.1f%% %10s %7s %9s %10s %7s  %s\n",
                            cell.n, r.name, row.round_trips_per_s,
                            row.throughput_ratio, 100 * r.spread, row.cpu,
                            row.cpu_ratio, row.syscalls, row.instructions,
                            row.instructions_ratio, row.breakdown);
      for (const std::string& note : r.counts.notes) {
        absl::StrAppend(&out, "       note: ", note, "\n");
      }
    }
  }
  const auto heaps = IdleHeaps(cells);
  if (!heaps.empty()) {
    absl::StrAppendFormat(&out,
                          "\nheap in use per idle connection (malloc, from %d "
                          "to %d idle connections):\n",
                          settings.echo_idle_connections / 5,
                          settings.echo_idle_connections);
  }
  for (const auto& [name, bytes] : heaps) {
    absl::StrAppendFormat(&out, "  %-10s %8.0f bytes\n", name, bytes);
  }
  return out;
}

std::string FormatEchoMarkdown(const Settings& settings,
                               const std::vector<Cell>& cells) {
  std::string out;
  for (const Cell& cell : cells) {
    if (cell.shape != bench::Shape::kEcho) continue;
    if (out.empty()) {
      out = absl::StrCat(
          "\nEcho: N connections, ", settings.echo_bytes,
          "-byte messages, one in flight each; median of ",
          settings.repetitions,
          " interleaved repetitions; ratios to raw_epoll (throughput: higher "
          "is better; per round trip: lower is better).\n\n"
          "| N | impl | round trips/s | x raw | server CPU / rt | x raw | "
          "syscalls / rt | instructions / rt | x raw | system calls |\n"
          "|--:|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
    }
    const ImplResult* raw = Find(cell, "raw_epoll");
    for (const ImplResult& r : cell.results) {
      if (!r.skipped.empty()) continue;
      const EchoRow row = MakeRow(r, raw);
      absl::StrAppend(&out, "| ", cell.n, " | ", r.name, " | ",
                      row.round_trips_per_s, " | ", row.throughput_ratio, " | ",
                      row.cpu, " | ", row.cpu_ratio, " | ", row.syscalls, " | ",
                      row.instructions, " | ", row.instructions_ratio, " | ",
                      row.breakdown, " |\n");
    }
  }
  const auto heaps = IdleHeaps(cells);
  if (!heaps.empty()) {
    absl::StrAppend(&out, "\nHeap in use per idle connection (malloc, from ",
                    settings.echo_idle_connections / 5, " to ",
                    settings.echo_idle_connections,
                    " idle connections):\n\n| impl | bytes |\n|---|--:|\n");
    for (const auto& [name, bytes] : heaps) {
      absl::StrAppendFormat(&out, "| %s | %.0f |\n", name, bytes);
    }
  }
  return out;
}

std::string EchoJsonMembers(const ImplResult& r) {
  using report::JsonNumber;
  using report::JsonString;
  std::vector<std::string> cpu;
  for (double ns : r.server_cpu_ns_per_event) cpu.push_back(JsonNumber(ns));
  std::vector<std::string> calls;
  for (const auto& [name, per] : r.counts.by_syscall) {
    calls.push_back(absl::StrCat(JsonString(name), ": ", JsonNumber(per)));
  }
  auto counted = [](double v) { return v >= 0 ? JsonNumber(v) : "null"; };
  // (idle_heap_bytes is set in the first echo cell only.)
  return absl::StrCat(
      ", \"server_cpu_ns_per_round_trip\": ", JsonNumber(r.median_server_cpu_ns),
      ", \"server_cpu_ratio_raw_epoll\": ", JsonNumber(r.server_cpu_ratio_raw_epoll),
      ", \"repetitions_server_cpu_ns\": [", absl::StrJoin(cpu, ", "), "]",
      ", \"syscalls_per_round_trip\": ", counted(r.counts.syscalls),
      ", \"syscalls_by_name\": {", absl::StrJoin(calls, ", "), "}",
      ", \"instructions_per_round_trip\": ", counted(r.counts.instructions),
      ", \"idle_heap_bytes_per_connection\": ", counted(r.counts.idle_heap_bytes));
}

}  // namespace asycamore::compare
