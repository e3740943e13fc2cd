// POSIX select() backend.
//
// Quirks this file handles:
//  - An fd_set holds descriptors below FD_SETSIZE (1024 on Linux) only, and
//    glibc built with _FORTIFY_SOURCE aborts the process when FD_SET is given
//    a larger one. Add() refuses such a descriptor with an error and never
//    calls FD_SET on it.
//  - select() fails the whole call with EBADF when one watched descriptor
//    was closed. The wait then finds the closed ones, reports each as an
//    error event (until it is removed), and selects again without them so
//    the other sockets are still served. The closed ones take their turn in
//    the same round-robin scan as the ready ones (below): reported ahead of
//    the scan, as many of them as the batch holds starved every ready
//    socket. The base class checks at Add that a descriptor is open
//    (ClosedHandles::kByBase, one fcntl); Modify does not (a system call per
//    interest change, for what the wait finds anyway).
//  - select() has no hangup flag: a peer's FIN shows as readable and the
//    zero-byte read tells. Exceptional conditions (TCP urgent data) are not
//    watched.
//  - When more sockets are ready than the batch holds, the next wait starts
//    scanning where this one stopped, so low descriptors cannot starve high
//    ones.
//  - select() returns a count of set bits, which ends the scan early. The
//    wake-up descriptor's bit is cleared once it was consumed, so it is
//    counted once, not twice (counted twice, it cost one ready socket per
//    wake-up).
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): EBADF from
//    select (a registered descriptor was closed, see above) and EINTR (an
//    empty wait). Every other failure is returned as a status.
#include <sys/select.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "select/select_dispatcher.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

class SelectDispatcher final : public Dispatcher {
 public:
  SelectDispatcher()
      : Dispatcher(BackendKind::kSelect, ClosedHandles::kByBase) {
    FD_ZERO(&read_set_);
    FD_ZERO(&write_set_);
    FD_ZERO(&closed_set_);
  }

  absl::Status Open() {
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    if (wakeup_.read_fd() >= FD_SETSIZE) {
      return absl::ResourceExhaustedError(
          absl::StrCat("select: wake-up descriptor ", wakeup_.read_fd(),
                       " is at or above FD_SETSIZE (", FD_SETSIZE, ")"));
    }
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t) override {
    if (socket >= FD_SETSIZE) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "descriptor is at or above FD_SETSIZE (", FD_SETSIZE,
          "), which select cannot watch; use the poll or epoll backend"));
    }
    SetInterest(socket, interest);
    max_fd_ = std::max(max_fd_, socket);
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest, std::uint64_t) override {
    SetInterest(socket, new_interest);
    return absl::OkStatus();
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    FD_CLR(socket, &read_set_);
    FD_CLR(socket, &write_set_);
    FD_CLR(socket, &closed_set_);
    closed_.erase(std::remove(closed_.begin(), closed_.end(), socket),
                  closed_.end());
    if (socket == max_fd_) {
      // The table still holds `socket` until this returns; skip it.
      do {
        --max_fd_;
      } while (max_fd_ >= 0 && FindRegistration(max_fd_) == nullptr);
    }
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override;

 private:
  void SetInterest(int fd, Interest interest) {
    if (WantsRead(interest)) {
      FD_SET(fd, &read_set_);
    } else {
      FD_CLR(fd, &read_set_);
    }
    if (WantsWrite(interest)) {
      FD_SET(fd, &write_set_);
    } else {
      FD_CLR(fd, &write_set_);
    }
  }

  int Select(fd_set& readable, fd_set& writable, absl::Duration timeout);
  void FindClosedDescriptors();

  WakeupFd wakeup_;
  fd_set read_set_;
  fd_set write_set_;
  int max_fd_ = -1;            // highest registered descriptor
  std::vector<int> closed_;    // registered but closed, found after EBADF
  fd_set closed_set_;          // the same descriptors, for the scan
  int cursor_ = 0;
};

int SelectDispatcher::Select(fd_set& readable, fd_set& writable,
                             absl::Duration timeout) {
  readable = read_set_;
  writable = write_set_;
  for (int fd : closed_) {
    FD_CLR(fd, &readable);
    FD_CLR(fd, &writable);
  }
  FD_SET(wakeup_.read_fd(), &readable);
  const int nfds = std::max(max_fd_, wakeup_.read_fd()) + 1;
  timeval tv;
  timeval* tv_pointer = nullptr;
  if (timeout != absl::InfiniteDuration()) {
    tv = TimeoutTimeval(timeout);
    tv_pointer = &tv;
  }
  return ::select(nfds, &readable, &writable, nullptr, tv_pointer);
}

void SelectDispatcher::FindClosedDescriptors() {
  closed_.clear();
  FD_ZERO(&closed_set_);
  for (int fd = 0; fd <= max_fd_; ++fd) {
    if (FindRegistration(fd) != nullptr && !IsOpenHandle(fd)) {
      closed_.push_back(fd);
      FD_SET(fd, &closed_set_);
    }
  }
}

absl::Status SelectDispatcher::WaitForEvents(absl::Duration timeout,
                                             EventBatch& batch) {
  batch.Clear();
  fd_set readable;
  fd_set writable;
  // Closed descriptors found earlier are ready now (as errors): while there
  // are any, do not block.
  int ready = Select(readable, writable,
                     closed_.empty() ? timeout : absl::ZeroDuration());
  if (ready < 0 && errno == EBADF) {
    FindClosedDescriptors();
    ready = Select(readable, writable,
                   closed_.empty() ? timeout : absl::ZeroDuration());
  }
  if (ready < 0) {
    if (errno == EINTR) return absl::OkStatus();
    return SystemErrorStatus(errno, "select");
  }
  // `ready` counts the set bits, so the scan below can stop when it
  // reaches zero. The wake-up descriptor's bit is counted here and cleared,
  // so the scan does not count it a second time (it did once, and then
  // stopped one ready socket early: a stream of Post()s from another thread
  // starved every socket behind the wake-up descriptor).
  if (FD_ISSET(wakeup_.read_fd(), &readable)) {
    wakeup_.Drain();
    FD_CLR(wakeup_.read_fd(), &readable);
    --ready;
  }
  // Closed descriptors (never in the sets select saw) are scanned with the
  // ready ones, so they take turns for the batch instead of going first.
  int left = ready + static_cast<int>(closed_.size());
  const int span = max_fd_ + 1;
  if (cursor_ >= span) cursor_ = 0;
  for (int scanned = 0; scanned < span && left > 0; ++scanned) {
    // Round-robin from cursor_, wrapping with a subtraction (a modulo per
    // descriptor costs a division).
    int fd = cursor_ + scanned;
    if (fd >= span) fd -= span;
    const bool is_readable = FD_ISSET(fd, &readable);
    const bool is_writable = FD_ISSET(fd, &writable);
    const bool is_closed = FD_ISSET(fd, &closed_set_);
    if (!is_readable && !is_writable && !is_closed) continue;
    left -= (is_readable ? 1 : 0) + (is_writable ? 1 : 0) + (is_closed ? 1 : 0);
    const Registration* registration = FindRegistration(fd);
    if (registration == nullptr) continue;  // never: the sets hold only those
    if (batch.full()) {
      cursor_ = fd;  // start here next time
      break;
    }
    NativeReadiness readiness;
    readiness.readable = is_readable;
    readiness.writable = is_writable;
    readiness.error = is_closed;
    PushNormalizedEvent(registration->interest, registration->token,
                        readiness, batch);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateSelectDispatcher() {
  auto dispatcher = std::make_unique<SelectDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

std::size_t SelectHandleLimit() { return FD_SETSIZE; }

}  // namespace asycamore
