// Converting a wait timeout to what a system call takes, rounding up so that
// a short positive timeout never becomes a zero-timeout busy loop.
#ifndef ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_
#define ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_

#include <climits>
#include <cstdint>

#include "absl/time/time.h"

namespace asycamore {

// Returns the timeout in whole milliseconds, rounded up; -1 for an infinite
// timeout; 0 for a zero or negative one. Clamped to INT_MAX.
inline int TimeoutMilliseconds(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return -1;
  if (timeout <= absl::ZeroDuration()) return 0;
  // Integer arithmetic: absl::Ceil costs more than the rest of a wait's
  // user-space work. ToInt64Nanoseconds saturates for huge timeouts.
  const std::int64_t ns = absl::ToInt64Nanoseconds(timeout);
  const std::int64_t ms = ns / 1000000 + (ns % 1000000 != 0 ? 1 : 0);
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_
