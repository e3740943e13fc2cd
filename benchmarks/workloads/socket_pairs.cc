#include "workloads/socket_pairs.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace asycamore::bench {

absl::StatusOr<SocketPairs> SocketPairs::Open(std::size_t count) {
  SocketPairs pairs;
  pairs.fds_.reserve(2 * count);
  for (std::size_t i = 0; i < count; ++i) {
    int sv[2];
    // Plain socketpair plus fcntl: SOCK_NONBLOCK / SOCK_CLOEXEC are missing
    // on macOS.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
      const int error = errno;
      return absl::ResourceExhaustedError(
          absl::StrCat("socketpair #", i + 1, " of ", count, ": ",
                       std::strerror(error), " (", pairs.fds_.size(),
                       " descriptors already open for this workload)"));
    }
    pairs.fds_.push_back(sv[0]);
    pairs.fds_.push_back(sv[1]);
    for (int fd : sv) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
  return pairs;
}

SocketPairs& SocketPairs::operator=(SocketPairs&& other) noexcept {
  if (this != &other) {
    Close();
    fds_ = std::move(other.fds_);
    other.fds_.clear();
  }
  return *this;
}

int SocketPairs::max_fd() const {
  return fds_.empty() ? -1 : *std::max_element(fds_.begin(), fds_.end());
}

void SocketPairs::Close() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace asycamore::bench
