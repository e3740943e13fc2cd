#include "http_date.h"

namespace asycamore {

std::string FormatHttpDate(absl::Time time) {
  // absl::FormatTime's %a and %b are the C locale's English names, which
  // RFC 9110 requires whatever the machine's locale.
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", time,
                          absl::UTCTimeZone());
}

}  // namespace asycamore
