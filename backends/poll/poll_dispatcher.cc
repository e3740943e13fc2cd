// POSIX poll() backend.
//
// Quirks this file handles:
//  - poll() accepts a closed descriptor and reports POLLNVAL for it forever;
//    the base class (ClosedHandles::kByBase) therefore checks at Add that
//    the descriptor is open (one fcntl), and after Remove whether it was
//    closed first. A descriptor closed while registered is reported as an error event (both
//    watched directions ready) until it is removed. Modify() does not check
//    again: that would cost a system call per interest change, and the wait
//    reports a closed descriptor anyway.
//  - POLLHUP and POLLERR are reported whatever was asked for (normalised by
//    readiness.h). POLLRDHUP exists on Linux only; elsewhere the zero-byte
//    read tells that the peer finished.
//  - The pollfd array is dense: Remove() moves the last entry into the hole,
//    and a descriptor-indexed table finds an entry's position.
//  - When more sockets are ready than the batch holds, the next wait starts
//    scanning where this one stopped, so low descriptors cannot starve high
//    ones.
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): EINTR from
//    poll, an empty wait. Every other failure is returned as a status.
#include "poll/poll_dispatcher.h"

#include <poll.h>

#include <cerrno>
#include <vector>

#include "asycamore/system_error.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

#ifdef POLLRDHUP
constexpr short kReadHangup = POLLRDHUP;
#else
constexpr short kReadHangup = 0;
#endif

short PollFlags(Interest interest) {
  short flags = 0;
  if (WantsRead(interest)) flags |= POLLIN | kReadHangup;
  if (WantsWrite(interest)) flags |= POLLOUT;
  return flags;
}

class PollDispatcher final : public Dispatcher {
 public:
  PollDispatcher() : Dispatcher(BackendKind::kPoll, ClosedHandles::kByBase) {}

  absl::Status Open() {
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    pollfds_.push_back(pollfd{wakeup_.read_fd(), POLLIN, 0});
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest) override {
    const auto fd = static_cast<std::size_t>(socket);
    if (fd >= position_.size()) position_.resize(fd + 1 + fd / 2, 0);
    position_[fd] = pollfds_.size();
    pollfds_.push_back(pollfd{socket, PollFlags(interest), 0});
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest) override {
    pollfds_[position_[static_cast<std::size_t>(socket)]].events =
        PollFlags(new_interest);
    return absl::OkStatus();
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    const std::size_t hole = position_[static_cast<std::size_t>(socket)];
    const pollfd last = pollfds_.back();
    pollfds_[hole] = last;
    position_[static_cast<std::size_t>(last.fd)] = hole;
    pollfds_.pop_back();
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override {
    batch.Clear();
    int ready = ::poll(pollfds_.data(), pollfds_.size(),
                       TimeoutMilliseconds(timeout));
    if (ready < 0) {
      if (errno == EINTR) return absl::OkStatus();
      return SystemErrorStatus(errno, "poll");
    }
    if (ready == 0) return absl::OkStatus();
    if (pollfds_[0].revents != 0) {
      wakeup_.Drain();
      --ready;
    }
    // Sockets live at positions 1..n-1; scan them round-robin from cursor_.
    const std::size_t sockets = pollfds_.size() - 1;
    for (std::size_t scanned = 0; scanned < sockets && ready > 0; ++scanned) {
      const std::size_t index = 1 + (cursor_ + scanned) % sockets;
      const pollfd& entry = pollfds_[index];
      if (entry.revents == 0) continue;
      if (batch.full()) {
        cursor_ = index - 1;  // start here next time
        return absl::OkStatus();
      }
      --ready;
      const Registration& registration = *FindRegistration(entry.fd);
      PushNormalizedEvent(
          entry.fd, registration.interest, registration.token,
          PollBitsReadiness(static_cast<unsigned short>(entry.revents)), batch);
    }
    return absl::OkStatus();
  }

 private:
  WakeupFd wakeup_;
  std::vector<pollfd> pollfds_;       // [0] is the wake-up descriptor
  std::vector<std::size_t> position_;  // descriptor -> index in pollfds_
  std::size_t cursor_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreatePollDispatcher() {
  auto dispatcher = std::make_unique<PollDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
