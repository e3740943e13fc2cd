// The Date header's value (RFC 9110 5.6.7, IMF-fixdate), and the clock a
// server loop keeps of it: formatting a date per response would cost more
// than the rest of a plaintext answer, so each loop formats it once a
// second and every response copies the same bytes.
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace asycamore {

// An IMF-fixdate is always this long: "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t kHttpDateLength = 29;

// Writes `time` as an IMF-fixdate into `out` (no NUL), allocating nothing,
// so that a loop's once-a-second refresh keeps the steady state free of
// allocations.
void WriteHttpDate(absl::Time time, char (&out)[kHttpDateLength]);

// Returns `time` as an IMF-fixdate.
std::string FormatHttpDate(absl::Time time);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_
