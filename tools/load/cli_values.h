// The value syntax of wrk's command line, which asycamore-load keeps so that
// a wrk user's numbers mean the same: counts and rates take a k, M or G
// suffix (x1000: "1k" is 1000), durations a unit of ms, s, m or h (none:
// seconds; "10s", "2m", "1.5h"). Each parser refuses anything else with a
// reason (no flag name: the command-line parser adds it).
#ifndef ASYCAMORE_TOOLS_LOAD_CLI_VALUES_H_
#define ASYCAMORE_TOOLS_LOAD_CLI_VALUES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace asycamore {

// Parses a whole number, e.g. "64", "1k", "2.5M" (the scaled value must be
// whole).
absl::StatusOr<std::uint64_t> ParseCount(std::string_view text);

// Parses a number that may have a fraction, e.g. "1000", "0.5", "2.5k".
absl::StatusOr<double> ParseRate(std::string_view text);

// Parses a duration, e.g. "10s", "2m", "1h", "250ms", "3" (seconds).
absl::StatusOr<absl::Duration> ParseWrkDuration(std::string_view text);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_CLI_VALUES_H_
