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
    wake_event.data.fd = wakeup_.read_fd();
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_.read_fd(),
                    &wake_event) != 0) {
      return SystemErrorStatus(errno, "epoll_ctl(ADD wakeup)");
    }
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest) override {
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
    // One slot more than the batch holds, for the wake-up descriptor. Grows
    // only when a larger batch is passed in.
    if (native_.size() < batch.capacity() + 1) {
      native_.resize(batch.capacity() + 1);
    }
    const int ready =
        ::epoll_wait(epoll_fd_, native_.data(), static_cast<int>(native_.size()),
                     TimeoutMilliseconds(timeout));
    if (ready < 0) {
      if (errno == EINTR) return absl::OkStatus();
      return SystemErrorStatus(errno, "epoll_wait");
    }
    for (int i = 0; i < ready; ++i) {
      const epoll_event& native = native_[static_cast<std::size_t>(i)];
      const int fd = native.data.fd;
      if (fd == wakeup_.read_fd()) {
        wakeup_.Drain();
        continue;
      }
      const Registration* registration = registrations().Find(fd);
      if (registration == nullptr || batch.full()) continue;
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
    native.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, operation, fd, &native) != 0) {
      return SystemErrorStatus(errno, what);
    }
    return absl::OkStatus();
  }

  int epoll_fd_ = -1;
  WakeupFd wakeup_;
  std::vector<epoll_event> native_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateEpollDispatcher() {
  auto dispatcher = std::make_unique<EpollDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
