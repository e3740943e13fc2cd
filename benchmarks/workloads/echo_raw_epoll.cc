// The echo workload's floor: a hand-written level-triggered epoll server.
// Per readable event one recv into a buffer the connections share and one
// send of what it got; only a short send (never seen with small messages
// on loopback) keeps bytes per connection and waits for EPOLLOUT, not
// reading meanwhile.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

void Watch(int epoll_fd, int op, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  ::epoll_ctl(epoll_fd, op, fd, &event);
}

}  // namespace

absl::Status ServeEchoRawEpoll(int listen_fd) {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    ::close(listen_fd);
    return absl::InternalError(absl::StrCat("epoll_create1: errno ", errno));
  }
  Watch(epoll_fd, EPOLL_CTL_ADD, listen_fd, EPOLLIN);
  std::vector<std::string> pending;  // unsent bytes, by descriptor
  static char buffer[64 * 1024];
  epoll_event events[256];
  std::size_t accepted = 0, open = 0;
  auto close_connection = [&](int fd) {
    ::close(fd);  // also removes it from the epoll set
    if (static_cast<std::size_t>(fd) < pending.size()) pending[fd].clear();
    --open;
  };
  while (accepted == 0 || open > 0) {
    const int ready = ::epoll_wait(epoll_fd, events, 256, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd) {
        int client;
        while ((client = ::accept4(listen_fd, nullptr, nullptr,
                                   SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          Watch(epoll_fd, EPOLL_CTL_ADD, client, EPOLLIN);
          ++accepted;
          ++open;
        }
        continue;
      }
      if (static_cast<std::size_t>(fd) < pending.size() &&
          !pending[fd].empty()) {
        std::string& rest = pending[fd];
        const ssize_t sent =
            ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno != EAGAIN) {
          close_connection(fd);
        } else if (sent > 0) {
          rest.erase(0, static_cast<std::size_t>(sent));
          if (rest.empty()) Watch(epoll_fd, EPOLL_CTL_MOD, fd, EPOLLIN);
        }
        continue;
      }
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) {
        close_connection(fd);
        continue;
      }
      ssize_t sent = ::send(fd, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN) {
        close_connection(fd);
        continue;
      }
      if (sent < got) {
        if (sent < 0) sent = 0;
        if (pending.size() <= static_cast<std::size_t>(fd)) pending.resize(fd + 1);
        pending[fd].assign(buffer + sent, buffer + got);
        Watch(epoll_fd, EPOLL_CTL_MOD, fd, EPOLLOUT);
      }
    }
  }
  ::close(listen_fd);
  ::close(epoll_fd);
  return absl::OkStatus();
}

}  // namespace asycamore::bench
