#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "load_report.h"
#include "report/json.h"

namespace asycamore {
namespace {

using report::JsonNumber;
using report::JsonString;

std::string OrNull(bool present, const std::string& value) {
  return present ? value : "null";
}

std::string SettingsJson(const LoadReport& report) {
  const LoadOptions& o = report.options;
  std::vector<std::string> headers;
  for (const LoadHeader& h : o.headers) {
    headers.push_back(absl::StrCat("{\"name\": ", JsonString(h.name),
                                   ", \"value\": ", JsonString(h.value), "}"));
  }
  return absl::StrCat(
      "{\"url\": ", JsonString(o.url.ToString()),
      ", \"address\": ", JsonString(report.address),
      ", \"connections\": ", o.connections, ", \"threads\": ", o.threads,
      ", \"pipeline\": ", o.pipeline, ", \"duration_s\": ",
      OrNull(o.requests == 0, JsonNumber(absl::ToDoubleSeconds(o.duration))),
      ", \"requests\": ", OrNull(o.requests > 0, absl::StrCat(o.requests)),
      ", \"rate\": ", OrNull(o.rate > 0, JsonNumber(o.rate)),
      ", \"method\": ", JsonString(o.method), ", \"headers\": [",
      absl::StrJoin(headers, ", "), "], \"body_bytes\": ", o.body.size(),
      ", \"timeout_s\": ", JsonNumber(absl::ToDoubleSeconds(o.timeout)), "}");
}

std::string LatencyJson(const LoadReport& report) {
  const LatencySummary l = report.stats.latency().Summarize();
  std::vector<std::string> percentiles;
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    percentiles.push_back(absl::StrFormat("\"%g\": %d", kReportedPercentiles[i],
                                          l.percentile_ns[i]));
  }
  return absl::StrCat(
      "{\"measured_from\": ",
      report.options.rate > 0 ? "\"intended_send\"" : "\"send\"",
      ", \"count\": ", l.count, ", \"min_ns\": ", l.min_ns,
      ", \"mean_ns\": ", JsonNumber(l.mean_ns),
      ", \"stddev_ns\": ", JsonNumber(l.stddev_ns), ", \"max_ns\": ", l.max_ns,
      ", \"saturated\": ", l.saturated, ",\n      \"percentiles_ns\": {",
      absl::StrJoin(percentiles, ", "), "}}");
}

}  // namespace

std::string FormatLoadJson(const LoadReport& report) {
  const LoadStats& s = report.stats;
  const double seconds = absl::ToDoubleSeconds(s.elapsed());
  auto per_second = [&](std::uint64_t n) {
    return JsonNumber(seconds > 0 ? static_cast<double>(n) / seconds : 0);
  };
  std::vector<std::string> codes;
  for (int status = 0; status < LoadStats::kStatusCodeLimit; ++status) {
    if (s.status_count(status) > 0) {
      codes.push_back(
          absl::StrCat("\"", status, "\": ", s.status_count(status)));
    }
  }
  std::vector<std::string> errors;
  for (std::size_t c = 0; c < kLoadErrorClassCount; ++c) {
    const auto error_class = static_cast<LoadErrorClass>(c);
    const LoadErrorCount& e = s.error(error_class);
    errors.push_back(absl::StrCat(
        "    ", JsonString(LoadErrorClassName(error_class)),
        ": {\"count\": ", e.count, ", \"requests\": ", e.requests,
        ", \"sample\": ", OrNull(!e.sample.empty(), JsonString(e.sample)),
        "}"));
  }
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"tool\": \"asycamore-load\",\n");
  absl::StrAppend(&out, "  \"schema_version\": ", kLoadJsonSchemaVersion,
                  ",\n");
  absl::StrAppend(&out, "  \"machine\": ", report::MachineJson(report.machine),
                  ",\n");
  absl::StrAppend(&out, "  \"settings\": ", SettingsJson(report), ",\n");
  absl::StrAppend(&out, "  \"elapsed_s\": ", JsonNumber(seconds), ",\n");
  absl::StrAppend(&out, "  \"requests\": {\"responses\": ", s.responses(),
                  ", \"successes\": ", s.successes(),
                  ", \"non_2xx\": ", s.responses() - s.successes(),
                  ", \"failed\": ", s.failed_requests(),
                  ", \"in_flight_at_end\": ", s.in_flight_at_end(),
                  ",\n    \"per_second\": ", per_second(s.responses()),
                  ", \"successes_per_second\": ", per_second(s.successes()),
                  ", \"success_rate\": ", JsonNumber(s.success_rate()), "},\n");
  absl::StrAppend(&out, "  \"status_codes\": {", absl::StrJoin(codes, ", "),
                  "},\n");
  absl::StrAppend(&out, "  \"errors\": {\n", absl::StrJoin(errors, ",\n"),
                  "\n  },\n");
  absl::StrAppend(&out, "  \"bytes_read\": ", s.bytes_read(),
                  ", \"bytes_read_per_second\": ", per_second(s.bytes_read()),
                  ",\n");
  absl::StrAppend(&out, "  \"connects\": ", s.connects(),
                  ", \"reconnects\": ", s.reconnects(), ",\n");
  absl::StrAppend(&out, "  \"latency\": ", LatencyJson(report), "\n}\n");
  return out;
}

}  // namespace asycamore
