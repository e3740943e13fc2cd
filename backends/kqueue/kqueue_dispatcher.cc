// kqueue backend (macOS, FreeBSD, NetBSD, OpenBSD, DragonFly).
//
// kqueue cannot run on the Linux CI machine; this file is compiled there
// against real macOS headers and must be read to be trusted. Each rule below
// names the failure it avoids. Everything that is not kqueue-specific (misuse
// checks, the registration table, event normalisation, the pipe wake-up) is
// the same code the other backends run under test.
//
//  1. Read and write are separate filters, so one wait can return two
//     kevents for one socket. They are merged into one Event per socket per
//     wait (as Redis's ae_kqueue.c does): two events would make the loop call
//     a target twice, and a target that closes its socket on the first call
//     would be handed a dead descriptor by the second.
//  2. Level-triggered: filters are added without EV_CLEAR, so unread data is
//     reported again by the next wait, as the contract requires.
//  3. Additions and modifications are queued and submitted with the next
//     kevent() call: one system call per wait instead of one per change.
//     The event list holds exactly one batch. Every kevent returned is
//     delivered (merged kevents never outnumber the batch), because the
//     kernel re-queues level-triggered knotes in order and a backend that
//     dropped the overflow would drop the same socket on every wait.
//  4. An EV_ERROR entry concerns one change only: the socket was closed
//     between Add/Modify and the wait (Add already checked it was open). It
//     becomes an error event for that socket alone, so the caller reads,
//     fails and removes it; no other registration is touched. (A wait with
//     more failing changes than the batch holds fails as a whole: kevent(2)
//     returns -1 when a receipt finds no room.)
//  9. Removal is not queued: the contract lets the caller close the socket
//     right after Remove(), and a queued EV_DELETE would then fail with EBADF
//     on every wait that follows a close, and could hit a new socket that
//     took the number. Remove() purges the socket's queued changes and
//     deletes its filters at once, with EV_RECEIPT so each delete reports on
//     its own; ENOENT (a filter whose EV_ADD was still queued) is expected.
//  5. EV_EOF is a hint, never a reason to drop data: a read filter with
//     EV_EOF may still have bytes queued (the bug class mio and CPython's
//     selectors hit). It becomes `hangup` (readable); the reader keeps
//     reading until recv() returns 0. On a write filter, EV_EOF means only
//     that the peer stopped reading: the socket is reported writable, so the
//     write reports EPIPE, and never readable (a local shutdown(SHUT_WR) also
//     sets it, and a spurious readable would spin a reader on EAGAIN).
//     A non-zero fflags with EV_EOF is the socket's pending error.
//  6. Wake-up uses EVFILT_USER (NOTE_TRIGGER) where the system has it (macOS,
//     FreeBSD ≥ 8.1, NetBSD ≥ 10, DragonFly), a self-pipe elsewhere
//     (OpenBSD).
//  7. EINTR from kevent() is an empty wait. The queued changes were applied
//     before the signal arrived (they are processed before sleeping), so the
//     queue is cleared.
//  8. kevent() takes a timespec: the timeout needs no rounding to
//     milliseconds.
#include "kqueue/kqueue_dispatcher.h"

#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "asycamore/backend/readiness.h"
#include "asycamore/backend/system_error.h"
#include "asycamore/backend/wakeup_fd.h"

namespace asycamore {
namespace {

#ifdef EVFILT_USER
constexpr std::uintptr_t kWakeIdent = 0;  // ident of the EVFILT_USER event
#endif

class KqueueDispatcher final : public Dispatcher {
 public:
  KqueueDispatcher() : Dispatcher(BackendKind::kKqueue) {}
  ~KqueueDispatcher() override {
    if (kqueue_fd_ >= 0) ::close(kqueue_fd_);
  }

  absl::Status Open();
  void Wake() override;

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest) override {
    // Checked now so a bad descriptor fails this call (rule 4 covers the
    // descriptor closed between now and the next wait).
    if (absl::Status s = CheckDescriptorOpen(socket); !s.ok()) return s;
    QueueDelta(socket, Interest::kNone, interest);
    GrowScratch(socket);
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest old_interest,
                               Interest new_interest) override {
    if (absl::Status s = CheckDescriptorOpen(socket); !s.ok()) return s;
    QueueDelta(socket, old_interest, new_interest);
    return absl::OkStatus();
  }

  absl::Status RemoveFromBackend(NativeSocket socket,
                                 Interest old_interest) override;

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override;

 private:
  // Per-descriptor merge state for one wait (rule 1). `wait_stamp` tells
  // whether `readiness` belongs to the current wait, so nothing needs
  // clearing between waits.
  struct MergeSlot {
    std::uint64_t wait_stamp = 0;
    NativeReadiness readiness;
  };

  void Queue(int fd, short filter, unsigned short flags) {
    struct kevent change;
    EV_SET(&change, fd, filter, flags, 0, 0, nullptr);
    changes_.push_back(change);
  }

  void QueueDelta(int fd, Interest before, Interest after) {
    if (WantsRead(before) != WantsRead(after)) {
      Queue(fd, EVFILT_READ, WantsRead(after) ? EV_ADD : EV_DELETE);
    }
    if (WantsWrite(before) != WantsWrite(after)) {
      Queue(fd, EVFILT_WRITE, WantsWrite(after) ? EV_ADD : EV_DELETE);
    }
  }

  void GrowScratch(int fd) {
    if (static_cast<std::size_t>(fd) >= merge_.size()) {
      merge_.resize(static_cast<std::size_t>(fd) + 1 +
                    static_cast<std::size_t>(fd) / 2);
    }
  }

  // Folds one returned kevent into its socket's merge slot; returns false
  // for entries that are not socket readiness.
  bool Accumulate(const struct kevent& native);

  int kqueue_fd_ = -1;
  WakeupFd wakeup_pipe_;  // only without EVFILT_USER
  std::atomic<bool> wake_pending_{false};
  std::vector<struct kevent> changes_;
  std::vector<struct kevent> native_;
  std::vector<MergeSlot> merge_;  // indexed by descriptor
  std::vector<int> touched_;      // descriptors seen in this wait, in order
  std::uint64_t wait_stamp_ = 0;
};

absl::Status KqueueDispatcher::RemoveFromBackend(NativeSocket socket,
                                                 Interest old_interest) {
  // Rule 9: purge what is still queued for this socket, delete the rest now.
  std::erase_if(changes_, [socket](const struct kevent& change) {
    return static_cast<int>(change.ident) == socket;
  });
  struct kevent deletes[2];
  int count = 0;
  if (WantsRead(old_interest)) {
    EV_SET(&deletes[count++], socket, EVFILT_READ, EV_DELETE | EV_RECEIPT, 0,
           0, nullptr);
  }
  if (WantsWrite(old_interest)) {
    EV_SET(&deletes[count++], socket, EVFILT_WRITE, EV_DELETE | EV_RECEIPT, 0,
           0, nullptr);
  }
  struct kevent receipts[2];
  const timespec no_wait = {0, 0};
  const int returned =
      ::kevent(kqueue_fd_, deletes, count, receipts, count, &no_wait);
  if (returned < 0) return SystemErrorStatus(errno, "kevent(EV_DELETE)");
  for (int i = 0; i < returned; ++i) {
    // Receipts carry EV_ERROR always; data is the result (0: deleted).
    const auto error = static_cast<int>(receipts[i].data);
    if (error == EBADF) {
      return absl::FailedPreconditionError(
          "the socket was closed before it was removed (remove first, then "
          "close); the registration is dropped");
    }
    if (error != 0 && error != ENOENT) {
      return SystemErrorStatus(error, "kevent(EV_DELETE)");
    }
  }
  return absl::OkStatus();
}

absl::Status KqueueDispatcher::Open() {
  kqueue_fd_ = ::kqueue();
  if (kqueue_fd_ < 0) return SystemErrorStatus(errno, "kqueue");
  // A kqueue is not inherited across fork(); close-on-exec keeps it out of
  // exec'd children too.
  ::fcntl(kqueue_fd_, F_SETFD, FD_CLOEXEC);
  struct kevent change;
#ifdef EVFILT_USER
  // EV_CLEAR on the user event only: a trigger is consumed by the wait that
  // reports it.
  EV_SET(&change, kWakeIdent, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
#else
  if (absl::Status s = wakeup_pipe_.Open(); !s.ok()) return s;
  EV_SET(&change, wakeup_pipe_.read_fd(), EVFILT_READ, EV_ADD, 0, 0, nullptr);
#endif
  if (::kevent(kqueue_fd_, &change, 1, nullptr, 0, nullptr) != 0) {
    return SystemErrorStatus(errno, "kevent(register wake-up)");
  }
  return absl::OkStatus();
}

void KqueueDispatcher::Wake() {
#ifdef EVFILT_USER
  // Merge wakes that arrive while one is pending: one system call per wait.
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  struct kevent trigger;
  EV_SET(&trigger, kWakeIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
  ::kevent(kqueue_fd_, &trigger, 1, nullptr, 0, nullptr);
#else
  wakeup_pipe_.Signal();
#endif
}

bool KqueueDispatcher::Accumulate(const struct kevent& native) {
  const int fd = static_cast<int>(native.ident);
#ifdef EVFILT_USER
  if (native.filter == EVFILT_USER) {
    wake_pending_.store(false, std::memory_order_release);
    return false;
  }
#else
  if (fd == wakeup_pipe_.read_fd() && native.filter == EVFILT_READ) {
    wakeup_pipe_.Drain();
    return false;
  }
#endif
  // Rule 4: the result of one queued change; data == 0 means it succeeded.
  if ((native.flags & EV_ERROR) != 0 && native.data == 0) return false;
  if (registrations().Find(fd) == nullptr) return false;  // removed since
  MergeSlot& slot = merge_[static_cast<std::size_t>(fd)];
  if (slot.wait_stamp != wait_stamp_) {
    slot.wait_stamp = wait_stamp_;
    slot.readiness = NativeReadiness{};
    touched_.push_back(fd);
  }
  NativeReadiness& readiness = slot.readiness;
  if ((native.flags & EV_ERROR) != 0) {
    readiness.error = true;
    return true;
  }
  const bool eof = (native.flags & EV_EOF) != 0;
  if (eof && native.fflags != 0) readiness.error = true;  // rule 5
  if (native.filter == EVFILT_READ) {
    readiness.readable = true;
    readiness.hangup = readiness.hangup || eof;
  } else if (native.filter == EVFILT_WRITE) {
    readiness.writable = true;  // rule 5: EV_EOF here is not a read hangup
  }
  return true;
}

absl::Status KqueueDispatcher::WaitForEvents(absl::Duration timeout,
                                             EventBatch& batch) {
  batch.Clear();
  // Rule 3: exactly one batch, so every kevent returned can be delivered.
  if (native_.size() < batch.capacity()) native_.resize(batch.capacity());
  timespec ts;
  timespec* ts_pointer = nullptr;
  if (timeout != absl::InfiniteDuration()) {
    ts = absl::ToTimespec(std::max(timeout, absl::ZeroDuration()));
    ts_pointer = &ts;
  }
  const int ready =
      ::kevent(kqueue_fd_, changes_.data(), static_cast<int>(changes_.size()),
               native_.data(), static_cast<int>(batch.capacity()), ts_pointer);
  const int error = errno;
  changes_.clear();  // applied, or (rule 7) applied before the signal
  if (ready < 0) {
    if (error == EINTR) return absl::OkStatus();
    return SystemErrorStatus(error, "kevent");
  }
  ++wait_stamp_;
  touched_.clear();
  for (int i = 0; i < ready; ++i) {
    Accumulate(native_[static_cast<std::size_t>(i)]);
  }
  for (int fd : touched_) {
    PushNormalizedEvent(fd, *registrations().Find(fd),
                        merge_[static_cast<std::size_t>(fd)].readiness, batch);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateKqueueDispatcher() {
  auto dispatcher = std::make_unique<KqueueDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
