// WakeupFd: the POSIX self-pipe used by the select, poll and epoll backends
// (and kqueue where EVFILT_USER is missing) to make a wait return from
// another thread. Linux uses one eventfd; other systems use a pipe.
#ifndef ASYCAMORE_BACKEND_WAKEUP_FD_H_
#define ASYCAMORE_BACKEND_WAKEUP_FD_H_

#ifndef _WIN32

#include "absl/status/status.h"
#include "asycamore/backend/wake_flag.h"

namespace asycamore {

class WakeupFd {
 public:
  WakeupFd() = default;
  WakeupFd(const WakeupFd&) = delete;
  WakeupFd& operator=(const WakeupFd&) = delete;
  ~WakeupFd();

  // Creates the descriptors (nonblocking, close-on-exec).
  absl::Status Open();

  // The descriptor to watch for readability.
  int read_fd() const { return read_fd_; }

  // Makes read_fd() readable. Thread-safe; a signal that arrives while one
  // is pending costs no system call (wake_flag.h).
  void Signal();

  // Consumes pending signals. Call on the waiting thread when read_fd() was
  // reported readable, and check for the work afterwards (wake_flag.h).
  void Drain();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;  // == read_fd_ for an eventfd
  WakeFlag pending_;
};

}  // namespace asycamore

#endif  // _WIN32
#endif  // ASYCAMORE_BACKEND_WAKEUP_FD_H_
