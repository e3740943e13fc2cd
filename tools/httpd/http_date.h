// The Date header's value (RFC 9110 5.6.7, IMF-fixdate), and the clock a
// server loop keeps of it: formatting a date per response would cost more
// than the rest of a plaintext answer, so each loop formats it once a
// second and every response copies the same bytes.
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_

#include <string>

#include "absl/time/time.h"

namespace asycamore {

// Returns `time` as an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string FormatHttpDate(absl::Time time);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTP_DATE_H_
