// Converting a wait timeout to what a system call takes, rounding up so that
// a short positive timeout never becomes a zero-timeout busy loop, and the
// deadline of a wait that may end early (written once for the backends that
// wait again for the rest).
#ifndef ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_
#define ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_

#include <algorithm>
#include <climits>
#include <cstdint>
#include <limits>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "asycamore/native_socket.h"  // Windows: <winsock2.h>, for timeval

#ifndef _WIN32
#include <sys/time.h>
#endif

namespace asycamore {

// Returns a positive timeout in whole units of `unit_ns` nanoseconds,
// rounded up. Integer arithmetic: absl::Ceil costs more than the rest of a
// wait's user-space work. ToInt64Nanoseconds saturates for huge timeouts.
inline std::int64_t RoundedUpUnits(absl::Duration timeout,
                                   std::int64_t unit_ns) {
  const std::int64_t ns = absl::ToInt64Nanoseconds(timeout);
  return ns / unit_ns + (ns % unit_ns != 0 ? 1 : 0);
}

// Returns the timeout in whole milliseconds, rounded up; -1 for an infinite
// timeout; 0 for a zero or negative one. Clamped to INT_MAX.
inline int TimeoutMilliseconds(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return -1;
  if (timeout <= absl::ZeroDuration()) return 0;
  const std::int64_t ms = RoundedUpUnits(timeout, 1000000);
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// Returns a finite timeout as select()'s timeval, rounded up to whole
// microseconds; zero for a zero or negative one; clamped to the largest
// tv_sec (a long: 32 bits on Windows). An infinite timeout is select()'s
// null pointer instead.
inline timeval TimeoutTimeval(absl::Duration timeout) {
  timeval tv{};
  if (timeout <= absl::ZeroDuration()) return tv;
  using Seconds = decltype(tv.tv_sec);
  const std::int64_t micros = RoundedUpUnits(timeout, 1000);
  const std::int64_t seconds =
      std::min<std::int64_t>(micros / 1000000, std::numeric_limits<Seconds>::max());
  tv.tv_sec = static_cast<Seconds>(seconds);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>(micros % 1000000);
  return tv;
}

// The deadline of one Wait whose system wait may return before it is due
// with nothing to report (a coarse clock that ends a wait early, completions
// that make no event): the backend waits again for what is left.
//
//   const WaitDeadline deadline(timeout);
//   for (;;) {
//     ... wait at most deadline.Left() (or forever if deadline.forever()) ...
//     if (found something or woken || deadline.Over()) return;
//   }
class WaitDeadline {
 public:
  explicit WaitDeadline(absl::Duration timeout)
      : timeout_(timeout),
        deadline_(timeout == absl::InfiniteDuration()
                      ? absl::InfiniteFuture()
                      : absl::Now() + std::max(timeout, absl::ZeroDuration())) {}

  bool forever() const { return timeout_ == absl::InfiniteDuration(); }
  // Returns the time left, never negative (infinite when forever()).
  absl::Duration Left() const {
    if (forever()) return absl::InfiniteDuration();
    return std::max(deadline_ - absl::Now(), absl::ZeroDuration());
  }
  // Returns true once a wait that found nothing must return: a zero timeout
  // after its one look, or a finite one that has run out.
  bool Over() const {
    if (timeout_ <= absl::ZeroDuration()) return true;
    return !forever() && absl::Now() >= deadline_;
  }

 private:
  absl::Duration timeout_;
  absl::Time deadline_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_SUPPORT_WAIT_TIMEOUT_H_
