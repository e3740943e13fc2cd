// JSON values for the tools' hand-written reports: the reports write their
// own structure (a stable, documented key order), these write the leaves.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_JSON_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_JSON_H_

#include <string>
#include <string_view>

namespace asycamore::report {

// Returns `text` as a quoted JSON string (quotes, backslashes and control
// characters escaped; other bytes, UTF-8 included, kept as they are).
std::string JsonString(std::string_view text);

// Returns `value` with 6 significant digits, or null when it is not finite
// (JSON has no NaN or infinity).
std::string JsonNumber(double value);

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_JSON_H_
