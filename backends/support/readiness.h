// Normalising native readiness into an Event, shared by every backend so the
// rule in event.h is written once.
#ifndef ASYCAMORE_BACKENDS_SUPPORT_READINESS_H_
#define ASYCAMORE_BACKENDS_SUPPORT_READINESS_H_

#include <cassert>
#include <cstdint>

#include "asycamore/event.h"
#include "asycamore/event_batch.h"

#ifndef _WIN32
#include <poll.h>
#endif

namespace asycamore {

// What a backend decoded from its native flags, before normalisation.
struct NativeReadiness {
  bool readable = false;
  bool writable = false;
  bool error = false;   // a socket error is pending
  bool hangup = false;  // the peer will send no more (read side finished)
  bool closed = false;  // both directions are finished (POLLHUP, EPOLLHUP)
};

#ifndef _WIN32
// Decodes poll(2) bits: poll's revents, an io_uring poll's result.
inline NativeReadiness PollBitsReadiness(unsigned bits) {
  NativeReadiness native;
  native.readable = (bits & POLLIN) != 0;
  native.writable = (bits & POLLOUT) != 0;
  native.error = (bits & (POLLERR | POLLNVAL)) != 0;
#ifdef POLLRDHUP  // Linux; elsewhere the zero-byte read tells
  native.hangup = (bits & POLLRDHUP) != 0;
#endif
  native.closed = (bits & POLLHUP) != 0;
  return native;
}
#endif

// Writes the normalised event of the registration with `interest` and
// `token` into `out` (the socket left invalid: the token names the
// registration; see dispatcher.h). Returns whether it carries anything the
// registration asked for; a caller keeps only those.
//  - an error makes every watched direction ready;
//  - a hangup makes the read side ready; a full close makes both ready;
//  - directions the registration did not ask for are never reported.
// Plain `&` and `|` on the flags: this runs per event, and short-circuit
// branches would cost more than they skip.
inline bool NormalizeInto(Interest interest, std::uint64_t token,
                          const NativeReadiness& native, Event& out) {
  const bool any_end = native.error | native.closed;
  out.token = token;
  out.socket = kInvalidSocket;
  out.readable =
      WantsRead(interest) & (native.readable | native.hangup | any_end);
  out.writable = WantsWrite(interest) & (native.writable | any_end);
  out.error = native.error;
  out.hangup = native.hangup | native.closed;
  return out.readable | out.writable;
}

// Appends the normalised event (NormalizeInto) to `batch`, which must not
// be full, unless it carries nothing asked for. Returns whether it did.
inline bool PushNormalizedEvent(Interest interest, std::uint64_t token,
                                const NativeReadiness& native,
                                EventBatch& batch) {
  assert(!batch.full());
  if (!NormalizeInto(interest, token, native,
                     batch.storage()[batch.size()])) {
    return false;
  }
  batch.SetSize(batch.size() + 1);
  return true;
}

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_SUPPORT_READINESS_H_
