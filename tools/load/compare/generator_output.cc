#include "generator_output.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "report/views.h"

namespace asycamore::loadcompare {
namespace {

// Returns the number at the start of `text` ("232000.00 req/s" -> 232000).
std::optional<double> LeadingNumber(absl::string_view text) {
  text = absl::StripLeadingAsciiWhitespace(text);
  std::size_t end = 0;
  while (end < text.size() &&
         (absl::ascii_isdigit(static_cast<unsigned char>(text[end])) ||
          text[end] == '.')) {
    ++end;
  }
  double value = 0;
  if (end == 0 || !absl::SimpleAtod(text.substr(0, end), &value)) {
    return std::nullopt;
  }
  return value;
}

// Returns the duration wrk prints ("3.00s", "1.10m", "850.00ms", and
// asycamore-load's "900.00ns") in seconds.
std::optional<double> WrkSeconds(absl::string_view text) {
  std::optional<double> value = LeadingNumber(text);
  if (!value.has_value()) return std::nullopt;
  text = absl::StripLeadingAsciiWhitespace(text);
  const std::size_t unit_at = text.find_first_not_of("0123456789.");
  if (unit_at == absl::string_view::npos) return std::nullopt;
  const absl::string_view unit = text.substr(unit_at);
  if (absl::StartsWith(unit, "ns")) return *value / 1e9;
  if (absl::StartsWith(unit, "us")) return *value / 1e6;
  if (absl::StartsWith(unit, "ms")) return *value / 1e3;
  if (absl::StartsWith(unit, "s")) return *value;
  if (absl::StartsWith(unit, "m")) return *value * 60;
  if (absl::StartsWith(unit, "h")) return *value * 3600;
  return std::nullopt;
}

// Returns the sum of the numbers in "connect 0, read 1, write 0, timeout 2".
std::uint64_t SumOfCounts(absl::string_view list) {
  std::uint64_t sum = 0;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const std::size_t space = item.rfind(' ');
    std::uint64_t n = 0;
    if (space != absl::string_view::npos &&
        absl::SimpleAtoi(item.substr(space + 1), &n)) {
      sum += n;
    }
  }
  return sum;
}

// Returns the number just before `label` in `line` ("643 done" -> 643).
std::optional<std::uint64_t> CountBefore(absl::string_view line,
                                         absl::string_view label) {
  for (absl::string_view item : absl::StrSplit(line, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (absl::ConsumeSuffix(&item, label)) {
      std::uint64_t n = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(item), &n)) return n;
    }
  }
  return std::nullopt;
}

absl::StatusOr<GeneratorOutput> ParseWrk(absl::string_view text) {
  GeneratorOutput out;
  bool have_count = false, have_rate = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    const std::size_t in = trimmed.find(" requests in ");
    if (in != absl::string_view::npos) {
      std::optional<double> seconds = WrkSeconds(
          trimmed.substr(in + std::string_view(" requests in ").size()));
      if (absl::SimpleAtoi(trimmed.substr(0, in), &out.responses) &&
          seconds.has_value()) {
        out.seconds = *seconds;
        have_count = true;
      }
      continue;
    }
    absl::string_view rest = trimmed;
    if (absl::ConsumePrefix(&rest, "99%")) {
      // The latency distribution's "99%   1.23ms" (not "99.9%").
      if (std::optional<double> p99 = WrkSeconds(rest)) out.p99_seconds = *p99;
    } else if (absl::ConsumePrefix(&rest, "Requests/sec:")) {
      if (std::optional<double> rate = LeadingNumber(rest)) {
        out.requests_per_second = *rate;
        have_rate = true;
      }
    } else if (absl::ConsumePrefix(&rest, "Socket errors:")) {
      out.errors += SumOfCounts(rest);
    } else if (absl::ConsumePrefix(&rest, "Errors:")) {
      // asycamore-load: "Errors: connect 0, ...; N requests failed".
      out.errors += SumOfCounts(rest.substr(0, rest.find(';')));
    } else if (absl::ConsumePrefix(&rest, "Non-2xx or 3xx responses:") ||
               absl::ConsumePrefix(&rest, "Non-2xx responses:")) {
      if (std::optional<double> n = LeadingNumber(rest)) {
        out.non_2xx = static_cast<std::uint64_t>(*n);
      }
    }
  }
  if (!have_count || !have_rate) {
    return absl::InvalidArgumentError(
        "not a wrk report: no \"N requests in T\" or no \"Requests/sec:\" "
        "line");
  }
  return out;
}

absl::StatusOr<GeneratorOutput> ParseH2load(absl::string_view text) {
  GeneratorOutput out;
  bool have_finished = false, have_requests = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view rest = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&rest, "finished in ")) {
      // "finished in 3.00s, 214000.00 req/s, 25.10MB/s"
      const std::vector<absl::string_view> parts = absl::StrSplit(rest, ',');
      std::optional<double> seconds = WrkSeconds(parts[0]);
      std::optional<double> rate =
          parts.size() > 1 ? LeadingNumber(parts[1]) : std::nullopt;
      if (seconds.has_value() && rate.has_value()) {
        out.seconds = *seconds;
        out.requests_per_second = *rate;
        have_finished = true;
      }
    } else if (absl::ConsumePrefix(&rest, "requests:")) {
      // "requests: 10 total, 10 started, 10 done, 9 succeeded, 1 failed,
      //  0 errored, 0 timeout"
      std::optional<std::uint64_t> done = CountBefore(rest, " done");
      if (done.has_value()) {
        out.responses = *done;
        have_requests = true;
      }
      for (absl::string_view label : {" failed", " errored", " timeout"}) {
        out.errors += CountBefore(rest, label).value_or(0);
      }
    } else if (absl::ConsumePrefix(&rest, "status codes:")) {
      for (absl::string_view label : {" 3xx", " 4xx", " 5xx"}) {
        out.non_2xx += CountBefore(rest, label).value_or(0);
      }
    }
  }
  if (!have_finished || !have_requests) {
    return absl::InvalidArgumentError(
        "not an h2load report: no \"finished in\" or no \"requests:\" line");
  }
  return out;
}

}  // namespace

absl::StatusOr<GeneratorOutput> ParseGeneratorOutput(OutputFormat format,
                                                     std::string_view text) {
  return format == OutputFormat::kWrk ? ParseWrk(report::ToAbsl(text))
                                      : ParseH2load(report::ToAbsl(text));
}

}  // namespace asycamore::loadcompare
