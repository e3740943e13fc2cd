// WakeupFd: how the backends without a wake-up of their own (select, poll,
// epoll; kqueue where EVFILT_USER is missing) make a wait return from
// another thread: a descriptor that another thread makes readable. One
// class, one file per OS:
//   - POSIX (posix/wakeup_fd.cc): one eventfd on Linux, a pipe elsewhere;
//   - Windows (windows/wakeup_fd.cc, for select): there is no pipe to
//     select() on, so a UDP socket connected to itself on 127.0.0.1, to
//     which a datagram is sent (Winsock's fd_set holds sockets).
#ifndef ASYCAMORE_BACKENDS_SUPPORT_WAKEUP_FD_H_
#define ASYCAMORE_BACKENDS_SUPPORT_WAKEUP_FD_H_

#include "absl/status/status.h"
#include "asycamore/native_socket.h"
#include "support/wake_flag.h"

namespace asycamore {

class WakeupFd {
 public:
  WakeupFd() = default;
  WakeupFd(const WakeupFd&) = delete;
  WakeupFd& operator=(const WakeupFd&) = delete;
  ~WakeupFd();

  // Creates the descriptors (nonblocking, close-on-exec; on Windows not
  // inherited).
  absl::Status Open();

  // The descriptor to watch for readability.
  NativeSocket read_fd() const { return read_fd_; }

  // Makes read_fd() readable. Thread-safe; a signal that arrives while one
  // is pending costs no system call (wake_flag.h).
  void Signal();

  // Consumes pending signals. Call on the waiting thread when read_fd() was
  // reported readable, and check for the work afterwards (wake_flag.h).
  void Drain();

 private:
  NativeSocket read_fd_ = kInvalidSocket;
#ifndef _WIN32
  int write_fd_ = -1;  // == read_fd_ for an eventfd
#endif
  WakeFlag pending_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_SUPPORT_WAKEUP_FD_H_
