#include "cli_values.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "report/views.h"

namespace asycamore {
namespace {

struct Number {
  double value = 0;
  absl::string_view suffix;
};

// Splits "2.5k" into 2.5 and "k". The number is digits with at most one
// point and a digit on either side of it; no sign, exponent or space.
absl::StatusOr<Number> SplitNumber(absl::string_view text) {
  std::size_t end = 0;
  int points = 0;
  while (end < text.size() &&
         (absl::ascii_isdigit(static_cast<unsigned char>(text[end])) ||
          text[end] == '.')) {
    if (text[end] == '.') ++points;
    ++end;
  }
  const absl::string_view digits = text.substr(0, end);
  if (digits.empty() || points > 1 || digits.front() == '.' ||
      digits.back() == '.') {
    return absl::InvalidArgumentError("not a number");
  }
  Number number;
  if (!absl::SimpleAtod(std::string(digits), &number.value) ||
      !std::isfinite(number.value)) {
    return absl::InvalidArgumentError("not a number");
  }
  number.suffix = text.substr(end);
  return number;
}

absl::StatusOr<double> ScaledNumber(absl::string_view text) {
  absl::StatusOr<Number> number = SplitNumber(text);
  if (!number.ok()) return number.status();
  double scale = 1;
  if (number->suffix == "k" || number->suffix == "K") {
    scale = 1e3;
  } else if (number->suffix == "M") {
    scale = 1e6;
  } else if (number->suffix == "G") {
    scale = 1e9;
  } else if (!number->suffix.empty()) {
    return absl::InvalidArgumentError("unknown suffix (use k, M or G)");
  }
  return number->value * scale;
}

}  // namespace

absl::StatusOr<std::uint64_t> ParseCount(std::string_view text) {
  absl::StatusOr<double> value = ScaledNumber(report::ToAbsl(text));
  if (!value.ok()) return value.status();
  if (*value != std::floor(*value)) {
    return absl::InvalidArgumentError("not a whole number");
  }
  // 2^63: every double below it converts exactly.
  if (*value >= 9.2e18) return absl::InvalidArgumentError("too large");
  return static_cast<std::uint64_t>(*value);
}

absl::StatusOr<double> ParseRate(std::string_view text) {
  return ScaledNumber(report::ToAbsl(text));
}

absl::StatusOr<absl::Duration> ParseWrkDuration(std::string_view text) {
  absl::StatusOr<Number> number = SplitNumber(report::ToAbsl(text));
  if (!number.ok()) {
    return absl::InvalidArgumentError(
        "not a duration (a number with ms, s, m or h: 10s, 2m, 250ms)");
  }
  double seconds_per_unit = 1;
  if (number->suffix == "ms") {
    seconds_per_unit = 1e-3;
  } else if (number->suffix == "s" || number->suffix.empty()) {
    seconds_per_unit = 1;
  } else if (number->suffix == "m") {
    seconds_per_unit = 60;
  } else if (number->suffix == "h") {
    seconds_per_unit = 3600;
  } else {
    return absl::InvalidArgumentError("unknown unit (use ms, s, m or h)");
  }
  const double seconds = number->value * seconds_per_unit;
  // A year is far beyond any run, and well inside absl::Duration's range.
  if (seconds > 366.0 * 24 * 3600)
    return absl::InvalidArgumentError("too long");
  return absl::Seconds(seconds);
}

}  // namespace asycamore
