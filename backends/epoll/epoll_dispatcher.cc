// Linux epoll backend.
//
// Quirks this file handles:
//  - Level-triggered only (no EPOLLET): the contract is level-triggered, and
//    it lets callers bound their work per event without losing readiness.
//  - EPOLLERR and EPOLLHUP are always reported, whatever was asked for; they
//    are normalised (readiness.h) to the watched directions.
//  - EPOLLRDHUP (peer shut down its writing side) is asked for only with
//    read interest: requested with write interest alone, it would be
//    reported on every wait and spin a writer that does not read.
//  - A descriptor closed before it was removed has already left the epoll
//    set (when no duplicate of it is open); epoll_ctl(DEL) then says EBADF,
//    which Remove() reports while still forgetting the registration.
//  - The epoll_wait timeout is in milliseconds; it is rounded up, never down,
//    so a sub-millisecond timeout cannot turn into a busy loop.
//  - epoll_wait is asked for exactly as many events as the batch holds, and
//    every one returned is delivered. The kernel puts level-triggered items
//    back at the tail of its ready list in order, so dropping the last one
//    returned would drop the same socket on every wait (starvation).
//  - The epoll set is keyed by (descriptor, open file), not by number. A
//    socket that has a duplicate (dup, fork) and is closed before Remove
//    stays in the set, and a new socket may get the same number. Each
//    registration therefore carries a serial in epoll's data next to the
//    descriptor, and events whose serial is not the current registration's
//    are dropped. (Such a zombie entry still wakes epoll_wait while ready:
//    Remove before close.)
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): EINTR from
//    epoll_wait, an empty wait. Every other failure is returned as a status.
#include "epoll/epoll_dispatcher.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "asycamore/backend/readiness.h"
#include "asycamore/backend/system_error.h"
#include "asycamore/backend/wait_timeout.h"
#include "asycamore/backend/wakeup_fd.h"

namespace asycamore {
namespace {

std::uint32_t EpollFlags(Interest interest) {
  std::uint32_t flags = 0;
  if (WantsRead(interest)) flags |= EPOLLIN | EPOLLRDHUP;
  if (WantsWrite(interest)) flags |= EPOLLOUT;
  return flags;
}

class EpollDispatcher final : public Dispatcher {
 public:
  EpollDispatcher() : Dispatcher(BackendKind::kEpoll) {}
  ~EpollDispatcher() override {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  absl::Status Open() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return SystemErrorStatus(errno, "epoll_create1");
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.u64 = PackData(wakeup_.read_fd(), 0);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_.read_fd(),
                    &wake_event) != 0) {
      return SystemErrorStatus(errno, "epoll_ctl(ADD wakeup)");
    }
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest) override {
    const auto index = static_cast<std::size_t>(socket);
    if (index >= serials_.size()) serials_.resize(index + 1 + index / 2, 0);
    serials_[index] = ++last_serial_;
    return Control(EPOLL_CTL_ADD, socket, interest, "epoll_ctl(ADD)");
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest) override {
    return Control(EPOLL_CTL_MOD, socket, new_interest, "epoll_ctl(MOD)");
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, socket, nullptr) != 0) {
      return SystemErrorStatus(errno, "epoll_ctl(DEL)");
    }
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override {
    batch.Clear();
    // Grows only when a larger batch is passed in.
    if (native_.size() < batch.capacity()) native_.resize(batch.capacity());
    // Loops wait with the same timeout over and over: convert it once.
    if (timeout != last_timeout_) {
      last_timeout_ = timeout;
      last_timeout_ms_ = TimeoutMilliseconds(timeout);
    }
    const int ready =
        ::epoll_wait(epoll_fd_, native_.data(),
                     static_cast<int>(batch.capacity()), last_timeout_ms_);
    if (ready < 0) {
      if (errno == EINTR) return absl::OkStatus();
      return SystemErrorStatus(errno, "epoll_wait");
    }
    for (int i = 0; i < ready; ++i) {
      const epoll_event& native = native_[static_cast<std::size_t>(i)];
      const int fd = static_cast<int>(native.data.u64 & 0xffffffffu);
      if (fd == wakeup_.read_fd()) {
        wakeup_.Drain();
        continue;
      }
      const Registration* registration = registrations().Find(fd);
      if (registration == nullptr ||
          serials_[static_cast<std::size_t>(fd)] != (native.data.u64 >> 32)) {
        continue;  // a closed socket's leftover entry (see above)
      }
      NativeReadiness readiness;
      readiness.readable = (native.events & EPOLLIN) != 0;
      readiness.writable = (native.events & EPOLLOUT) != 0;
      readiness.error = (native.events & EPOLLERR) != 0;
      readiness.hangup = (native.events & EPOLLRDHUP) != 0;
      readiness.closed = (native.events & EPOLLHUP) != 0;
      PushNormalizedEvent(fd, *registration, readiness, batch);
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Control(int operation, int fd, Interest interest,
                       const char* what) {
    epoll_event native{};
    native.events = EpollFlags(interest);
    native.data.u64 = PackData(fd, serials_[static_cast<std::size_t>(fd)]);
    if (::epoll_ctl(epoll_fd_, operation, fd, &native) != 0) {
      return SystemErrorStatus(errno, what);
    }
    return absl::OkStatus();
  }

  static std::uint64_t PackData(int fd, std::uint32_t serial) {
    return (static_cast<std::uint64_t>(serial) << 32) |
           static_cast<std::uint32_t>(fd);
  }

  int epoll_fd_ = -1;
  WakeupFd wakeup_;
  std::vector<epoll_event> native_;
  std::vector<std::uint32_t> serials_;  // descriptor -> registration serial
  std::uint32_t last_serial_ = 0;
  absl::Duration last_timeout_ = absl::ZeroDuration();
  int last_timeout_ms_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateEpollDispatcher() {
  auto dispatcher = std::make_unique<EpollDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
