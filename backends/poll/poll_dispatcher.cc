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
//    and a descriptor-indexed table finds an entry's position. The tokens
//    live in an array parallel to it, and an entry's `events` say its
//    interest, so a wait builds each event from the entry's index alone.
//  - When more sockets are ready than the batch holds, the next wait starts
//    scanning where this one stopped, so low descriptors cannot starve high
//    ones (two plain passes, cursor to end then start to cursor: no modulo
//    per entry).
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

// The interest a pollfd's `events` were made from (PollFlags' inverse).
Interest InterestOfFlags(short events) {
  return ((events & POLLIN) != 0 ? Interest::kRead : Interest::kNone) |
         ((events & POLLOUT) != 0 ? Interest::kWrite : Interest::kNone);
}

class PollDispatcher final : public Dispatcher {
 public:
  PollDispatcher() : Dispatcher(BackendKind::kPoll, ClosedHandles::kByBase) {}

  absl::Status Open() {
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    pollfds_.push_back(pollfd{wakeup_.read_fd(), POLLIN, 0});
    tokens_.push_back(0);
    return absl::OkStatus();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t token) override {
    const auto fd = static_cast<std::size_t>(socket);
    if (fd >= position_.size()) position_.resize(fd + 1 + fd / 2, 0);
    position_[fd] = pollfds_.size();
    pollfds_.push_back(pollfd{socket, PollFlags(interest), 0});
    tokens_.push_back(token);
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest,
                               std::uint64_t token) override {
    const std::size_t index = position_[static_cast<std::size_t>(socket)];
    pollfds_[index].events = PollFlags(new_interest);
    tokens_[index] = token;
    return absl::OkStatus();
  }

  absl::Status ChangeTokenInBackend(NativeSocket socket, Interest,
                                    std::uint64_t token) override {
    tokens_[position_[static_cast<std::size_t>(socket)]] = token;
    return absl::OkStatus();
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    const std::size_t hole = position_[static_cast<std::size_t>(socket)];
    pollfds_[hole] = pollfds_.back();
    tokens_[hole] = tokens_.back();
    position_[static_cast<std::size_t>(pollfds_[hole].fd)] = hole;
    pollfds_.pop_back();
    tokens_.pop_back();
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
    const std::size_t end = pollfds_.size();
    if (cursor_ < 1 || cursor_ >= end) cursor_ = 1;
    if (Scan(cursor_, end, ready, batch)) Scan(1, cursor_, ready, batch);
    return absl::OkStatus();
  }

 private:
  // Pushes the ready entries in [from, to) until `ready` are found or the
  // batch is full; returns false (and leaves cursor_ on the entry that did
  // not fit) when it stopped for a full batch. Locals, not members, in the
  // loop: it runs once per registered socket, and the compiler would
  // otherwise reload them after every store into the batch.
  bool Scan(std::size_t from, std::size_t to, int& ready, EventBatch& batch) {
    const pollfd* const entries = pollfds_.data();
    const std::uint64_t* const tokens = tokens_.data();
    int left = ready;
    bool finished = true;
    if (left > 0) {
      // The skip path (an entry with no revents) tests nothing else.
      for (std::size_t index = from; index < to; ++index) {
        const pollfd& entry = entries[index];
        if (entry.revents == 0) continue;
        if (batch.full()) {
          cursor_ = index;
          finished = false;
          break;
        }
        PushNormalizedEvent(
            InterestOfFlags(entry.events), tokens[index],
            PollBitsReadiness(static_cast<unsigned short>(entry.revents)),
            batch);
        if (--left == 0) break;
      }
    }
    ready = left;
    return finished;
  }

  WakeupFd wakeup_;
  std::vector<pollfd> pollfds_;       // [0] is the wake-up descriptor
  std::vector<std::uint64_t> tokens_;  // parallel to pollfds_
  std::vector<std::size_t> position_;  // descriptor -> index in pollfds_
  std::size_t cursor_ = 1;             // where the next scan starts
};

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreatePollDispatcher() {
  auto dispatcher = std::make_unique<PollDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
