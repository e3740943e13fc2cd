// Interest and Event: what a caller asks the dispatcher to watch, and what it
// reports back. Both are small, trivially copyable values.
#ifndef ASYCAMORE_EVENT_H_
#define ASYCAMORE_EVENT_H_

#include <cstdint>
#include <string>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"

namespace asycamore {

// Which readiness a registration asks for. kNone is never a valid interest:
// to stop watching a socket, deregister it.
enum class Interest : std::uint8_t {
  kNone = 0,
  kRead = 1,
  kWrite = 2,
  kReadWrite = 3,
};

constexpr Interest operator|(Interest a, Interest b) {
  return static_cast<Interest>(static_cast<std::uint8_t>(a) |
                               static_cast<std::uint8_t>(b));
}
constexpr Interest operator&(Interest a, Interest b) {
  return static_cast<Interest>(static_cast<std::uint8_t>(a) &
                               static_cast<std::uint8_t>(b));
}
constexpr bool WantsRead(Interest interest) {
  return (interest & Interest::kRead) != Interest::kNone;
}
constexpr bool WantsWrite(Interest interest) {
  return (interest & Interest::kWrite) != Interest::kNone;
}
constexpr bool IsValidInterest(Interest interest) {
  return interest == Interest::kRead || interest == Interest::kWrite ||
         interest == Interest::kReadWrite;
}

// Returns "read", "write", "read|write" or "none" (for messages).
ASYCAMORE_CORE_API const char* InterestName(Interest interest);

// One socket's readiness, as reported by a dispatcher wait.
//
// The first three fields are the seed's (R, W, E) triple. Every backend
// normalises its native flags to this shape at its edge:
//  - readable / writable are only ever set for the directions the
//    registration asked for;
//  - a pending error (POLLERR, EPOLLERR, EV_ERROR, AFD_POLL_ABORT...) sets
//    `error` and makes every watched direction ready, so that the read or
//    write that follows reports the actual error;
//  - a hangup sets `hangup`. When only the peer's sending side finished
//    (POLLRDHUP, EPOLLRDHUP, EV_EOF on the read filter) the read side is
//    ready; when the connection is finished both ways (POLLHUP, EPOLLHUP)
//    every watched direction is. Data may still be queued: keep reading
//    until a read returns zero bytes.
// `error` and `hangup` are hints. The system call decides.
struct Event {
  std::uint64_t token = 0;  // the value given at registration
  // The registration's socket: EventLoop fills it in from its registration;
  // a Dispatcher's Wait leaves it invalid (the token names the socket).
  NativeSocket socket = kInvalidSocket;
  bool readable = false;
  bool writable = false;
  bool error = false;
  bool hangup = false;
};

// Returns e.g. "Event{socket=5, token=7, readable, writable}".
ASYCAMORE_CORE_API std::string DescribeEvent(const Event& event);

}  // namespace asycamore

#endif  // ASYCAMORE_EVENT_H_
