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
//  - epoll_data holds the caller's token in its low 62 bits and the
//    interest in its top two, so a wait builds each event from the kernel's
//    record alone: no table is read on the wait path (the wake-up
//    descriptor's data is 0, an interest no registration has).
//  - The epoll set is keyed by (descriptor, open file), not by number. A
//    socket that has a duplicate (dup, fork) and is closed before Remove
//    stays in the set and goes on reporting its old token (EventLoop drops
//    those: the registration's generation moved on). Such a zombie entry
//    still wakes epoll_wait while ready: Remove before close.
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): EINTR from
//    epoll_wait, an empty wait. Every other failure is returned as a status.
#include "epoll/epoll_dispatcher.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "asycamore/system_error.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

std::uint32_t EpollFlags(Interest interest) {
  std::uint32_t flags = 0;
  if (WantsRead(interest)) flags |= EPOLLIN | EPOLLRDHUP;
  if (WantsWrite(interest)) flags |= EPOLLOUT;
  return flags;
}

constexpr int kInterestShift = 62;
constexpr std::uint64_t kWakeupData = 0;  // interest kNone: not a socket

std::uint64_t PackData(Interest interest, std::uint64_t token) {
  return (static_cast<std::uint64_t>(interest) << kInterestShift) | token;
}

class EpollDispatcher final : public Dispatcher {
 public:
  EpollDispatcher()
      : Dispatcher(BackendKind::kEpoll, ClosedHandles::kBySystem) {}
  ~EpollDispatcher() override {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  absl::Status Open() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return SystemErrorStatus(errno, "epoll_create1");
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.u64 = kWakeupData;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_.read_fd(),
                    &wake_event) != 0) {
      return SystemErrorStatus(errno, "epoll_ctl(ADD wakeup)");
    }
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t token) override {
    return Control(EPOLL_CTL_ADD, socket, interest, token, "epoll_ctl(ADD)");
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest,
                               std::uint64_t token) override {
    return Control(EPOLL_CTL_MOD, socket, new_interest, token,
                   "epoll_ctl(MOD)");
  }

  absl::Status ChangeTokenInBackend(NativeSocket socket, Interest interest,
                                    std::uint64_t token) override {
    return Control(EPOLL_CTL_MOD, socket, interest, token, "epoll_ctl(MOD)");
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
    // Filled in place, counted once: this loop is the wait path's whole
    // cost per event.
    const epoll_event* const natives = native_.data();
    Event* const out = batch.storage();
    std::size_t filled = 0;
    for (int i = 0; i < ready; ++i) {
      const epoll_event& native = natives[i];
      const std::uint64_t data = native.data.u64;
      if (data == kWakeupData) {
        wakeup_.Drain();
        continue;
      }
      const std::uint32_t bits = native.events;
      NativeReadiness readiness;
      readiness.readable = (bits & EPOLLIN) != 0;
      readiness.writable = (bits & EPOLLOUT) != 0;
      readiness.error = (bits & EPOLLERR) != 0;
      readiness.hangup = (bits & EPOLLRDHUP) != 0;
      readiness.closed = (bits & EPOLLHUP) != 0;
      filled += NormalizeInto(static_cast<Interest>(data >> kInterestShift),
                              data & kMaxToken, readiness, out[filled]);
    }
    batch.SetSize(filled);
    return absl::OkStatus();
  }

 private:
  absl::Status Control(int operation, int fd, Interest interest,
                       std::uint64_t token, const char* what) {
    epoll_event native{};
    native.events = EpollFlags(interest);
    native.data.u64 = PackData(interest, token);
    if (::epoll_ctl(epoll_fd_, operation, fd, &native) != 0) {
      return SystemErrorStatus(errno, what);
    }
    return absl::OkStatus();
  }

  int epoll_fd_ = -1;
  WakeupFd wakeup_;
  std::vector<epoll_event> native_;
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
