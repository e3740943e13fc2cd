#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "load_report.h"
#include "report/views.h"

namespace asycamore {

using report::ToAbsl;

std::string FormatLatencyNs(double ns) {
  if (ns < 1e3) return absl::StrFormat("%.2fns", ns);
  if (ns < 1e6) return absl::StrFormat("%.2fus", ns / 1e3);
  if (ns < 1e9) return absl::StrFormat("%.2fms", ns / 1e6);
  if (ns < 60e9) return absl::StrFormat("%.2fs", ns / 1e9);
  return absl::StrFormat("%.2fm", ns / 60e9);
}

std::string FormatBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.2f%s", bytes, kUnits[unit]);
}

std::string LatencyOrigin(const LoadOptions& options) {
  if (options.rate > 0) {
    return absl::StrFormat(
        "latency measured from each request's intended send time (-R %g "
        "requests/s: corrected for coordinated omission)",
        options.rate);
  }
  return "latency measured from each request's send";
}

std::string FormatLoadText(const LoadReport& report) {
  const LoadOptions& o = report.options;
  const LoadStats& s = report.stats;
  const double seconds = absl::ToDoubleSeconds(s.elapsed());
  auto per_second = [&](double n) { return seconds > 0 ? n / seconds : 0; };
  std::string out;
  if (o.requests > 0) {
    absl::StrAppend(&out, "Running ", o.requests, " requests @ ",
                    o.url.ToString(), "\n");
  } else {
    absl::StrAppend(&out, "Running ", absl::FormatDuration(o.duration),
                    " test @ ", o.url.ToString(), "\n");
  }
  absl::StrAppendFormat(&out,
                        "  %d threads and %d connections, pipeline depth %d, "
                        "to %s\n",
                        o.threads, o.connections, o.pipeline, report.address);

  const LatencySummary latency = s.latency().Summarize();
  absl::StrAppendFormat(&out, "  %-9s %10s %10s %10s\n", "", "Avg", "Stdev",
                        "Max");
  absl::StrAppendFormat(&out, "  %-9s %10s %10s %10s\n", "Latency",
                        FormatLatencyNs(latency.mean_ns),
                        FormatLatencyNs(latency.stddev_ns),
                        FormatLatencyNs(static_cast<double>(latency.max_ns)));
  if (o.latency) {
    absl::StrAppend(&out, "  Latency Distribution\n");
    for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
      absl::StrAppendFormat(
          &out, "  %7s%% %10s\n",
          absl::StrFormat("%g", kReportedPercentiles[i]),
          FormatLatencyNs(static_cast<double>(latency.percentile_ns[i])));
    }
  }
  absl::StrAppend(&out, "  (", LatencyOrigin(o), ")\n");

  absl::StrAppendFormat(&out, "  %d requests in %.2fs, %s read\n",
                        s.responses(), seconds,
                        FormatBytes(static_cast<double>(s.bytes_read())));
  std::vector<std::string> codes;
  for (int status = 0; status < LoadStats::kStatusCodeLimit; ++status) {
    if (s.status_count(status) > 0) {
      codes.push_back(absl::StrCat(status, ": ", s.status_count(status)));
    }
  }
  if (!codes.empty()) {
    absl::StrAppend(&out, "  Status codes: ", absl::StrJoin(codes, ", "), "\n");
  }
  if (s.responses() > s.successes()) {
    absl::StrAppend(&out,
                    "  Non-2xx responses: ", s.responses() - s.successes(),
                    " (not counted as successes)\n");
  }
  if (s.error_count() > 0) {
    std::vector<std::string> counts;
    for (std::size_t c = 0; c < kLoadErrorClassCount; ++c) {
      const auto error_class = static_cast<LoadErrorClass>(c);
      counts.push_back(absl::StrCat(ToAbsl(LoadErrorClassName(error_class)),
                                    " ", s.error(error_class).count));
    }
    absl::StrAppend(&out, "  Errors: ", absl::StrJoin(counts, ", "), "; ",
                    s.failed_requests(), " requests failed\n");
    for (std::size_t c = 0; c < kLoadErrorClassCount; ++c) {
      const auto error_class = static_cast<LoadErrorClass>(c);
      const LoadErrorCount& e = s.error(error_class);
      if (e.count > 0) {
        absl::StrAppend(&out, "    ", ToAbsl(LoadErrorClassName(error_class)),
                        ", first: ", e.sample, "\n");
      }
    }
  }
  if (s.in_flight_at_end() > 0) {
    absl::StrAppendFormat(
        &out,
        "  In flight at the end: %d (unanswered, but for less than the %s "
        "timeout)\n",
        s.in_flight_at_end(), absl::FormatDuration(o.timeout));
  }
  absl::StrAppendFormat(&out, "  Connects: %d (%d reconnects)\n", s.connects(),
                        s.reconnects());
  absl::StrAppendFormat(
      &out, "Requests/sec: %10.2f (2xx: %.2f/s, success rate %.2f%%)\n",
      per_second(static_cast<double>(s.responses())),
      per_second(static_cast<double>(s.successes())), 100 * s.success_rate());
  absl::StrAppendFormat(
      &out, "Transfer/sec: %10s\n",
      FormatBytes(per_second(static_cast<double>(s.bytes_read()))));
  return out;
}

}  // namespace asycamore
