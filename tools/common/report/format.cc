#include "report/format.h"

#include "absl/strings/str_format.h"

namespace asycamore::report {

std::string FormatNs(double ns) {
  if (ns >= 1e6) return absl::StrFormat("%.2f ms", ns / 1e6);
  if (ns >= 1e4) return absl::StrFormat("%.1f us", ns / 1e3);
  return absl::StrFormat("%.0f ns", ns);
}

std::string FormatRate(double per_second) {
  if (per_second >= 1e6) return absl::StrFormat("%.2fM", per_second / 1e6);
  if (per_second >= 1e3) return absl::StrFormat("%.1fk", per_second / 1e3);
  return absl::StrFormat("%.0f", per_second);
}

std::string FormatRatio(double ratio) {
  return ratio > 0 ? absl::StrFormat("%.3f", ratio) : "-";
}

}  // namespace asycamore::report
