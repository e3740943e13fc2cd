// Number formats the tools' tables and charts share.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_FORMAT_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_FORMAT_H_

#include <string>

namespace asycamore::report {

// Returns "1.2 ms", "12.3 us", "845 ns", ...
std::string FormatNs(double ns);

// Returns a rate per second with a suffix: "1.23M", "232.1k", "845".
std::string FormatRate(double per_second);

// Returns a ratio with three decimals ("0.812"), or "-" when it is not
// positive (not measured).
std::string FormatRatio(double ratio);

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_FORMAT_H_
