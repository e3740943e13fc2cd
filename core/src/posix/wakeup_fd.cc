// WakeupFd (backend/wakeup_fd.h).
//
// Quirks this file handles:
//  - Linux has eventfd: one descriptor, whose counter a write adds to and a
//    read empties. Elsewhere a pipe: the read end is drained until EAGAIN.
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): EINTR from
//    the wake-up write, which is retried. EAGAIN from it (counter or pipe
//    full) needs no comparison: a wake-up is pending then anyway.
#include "asycamore/backend/wakeup_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "asycamore/backend/system_error.h"

#ifdef __linux__
#include <sys/eventfd.h>
#endif

namespace asycamore {

WakeupFd::~WakeupFd() {
  if (write_fd_ >= 0 && write_fd_ != read_fd_) ::close(write_fd_);
  if (read_fd_ >= 0) ::close(read_fd_);
}

absl::Status WakeupFd::Open() {
#ifdef __linux__
  read_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (read_fd_ < 0) return SystemErrorStatus(errno, "eventfd");
  write_fd_ = read_fd_;
#else
  int fds[2];
  if (::pipe(fds) != 0) return SystemErrorStatus(errno, "pipe");
  for (int fd : fds) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
#endif
  return absl::OkStatus();
}

void WakeupFd::Signal() {
  if (!pending_.Raise()) return;
  const std::uint64_t one = 1;
  // EAGAIN means the counter or pipe is already full: the waiter will wake
  // anyway, so the result can be ignored.
  ssize_t written;
  do {
    written = ::write(write_fd_, &one, sizeof one);
  } while (written < 0 && errno == EINTR);
}

void WakeupFd::Drain() {
  // Empty the descriptor first, then clear the flag (wake_flag.h says why).
  std::uint64_t buffer[8];
  while (::read(read_fd_, buffer, sizeof buffer) > 0) {
  }
  pending_.Clear();
}

}  // namespace asycamore
