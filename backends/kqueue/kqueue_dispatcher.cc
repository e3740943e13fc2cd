// kqueue backend (macOS, FreeBSD, NetBSD, OpenBSD, DragonFly).
//
// Where it has run: on Linux under libkqueue 2.7.0, a userspace kqueue built
// over epoll (the linux-libkqueue lane runs every suite on it), and compiled
// against real macOS headers (the macos-compile lane). It has not run on a
// BSD or macOS kernel here: what only a kernel does (the tests libkqueue
// cannot pass are listed in the README) is still trusted by reading. Each
// rule below names the failure it avoids. Everything that is not
// kqueue-specific (misuse checks, the registration table, event
// normalisation, the pipe wake-up) is the same code the other backends run.
//
// Quirks this file handles:
//  1. Read and write are separate filters, so one wait can return two
//     kevents for one socket. They are merged into one Event per socket per
//     wait (as Redis's ae_kqueue.c does): two events would make the loop call
//     a target twice, and a target that closes its socket on the first call
//     would be handed a dead descriptor by the second.
//  2. Level-triggered: filters are added without EV_CLEAR, so unread data is
//     reported again by the next wait, as the contract requires.
//  3. Every change is applied by the call that asks for it. Add, Modify and
//     Remove submit their filter changes at once, in one kevent() with
//     EV_RECEIPT, and read each change's own result. So the call returns the
//     system's refusal of its own change, as the contract says, and no
//     change can be lost. (Changes queued for the next wait were refused
//     there, away from their caller; and kevent() stops at a failing change
//     when its event list has no room for the error, so a queue cleared
//     after such a wait dropped every change behind the failure, leaving
//     later sockets silently unwatched.) It costs one kevent() per change of
//     interest, as mio's registration does, and no other system call: the
//     kevent() itself says whether the descriptor is open. The wait submits
//     no change.
//  4. A call with two changes (read and write) whose one change fails undoes
//     the other, so a refused Add or Modify leaves the kernel's filters as
//     the registration table says they are.
//  5. A socket closed before Remove() has lost its filters already (the
//     kernel drops a descriptor's knotes when it is closed). EV_DELETE then
//     says EBADF, or ENOENT if the number is open again; both mean "closed
//     first", reported while the registration is still dropped.
//  6. The event list holds exactly one batch, and every kevent returned is
//     delivered (merged kevents never outnumber the batch): the kernel
//     re-queues level-triggered knotes in order, and a backend that dropped
//     the overflow would drop the same socket on every wait.
//  7. EV_EOF is a hint, never a reason to drop data: a read filter with
//     EV_EOF may still have bytes queued (the bug class mio and CPython's
//     selectors hit). It becomes `hangup` (readable); the reader keeps
//     reading until recv() returns 0. On a write filter, EV_EOF means only
//     that the peer stopped reading: the socket is reported writable, so the
//     write reports EPIPE, and never readable (a local shutdown(SHUT_WR) also
//     sets it, and a spurious readable would spin a reader on EAGAIN).
//     A non-zero fflags with EV_EOF is the socket's pending error.
//  8. Wake-up uses EVFILT_USER (NOTE_TRIGGER) where the system has it (macOS,
//     FreeBSD >= 8.1, NetBSD >= 10, DragonFly), a self-pipe elsewhere
//     (OpenBSD). Wakes that arrive while one is pending are merged by the
//     rule every backend shares (wake_flag.h): raised before the trigger,
//     withdrawn if kevent() refuses it, cleared when a wait reports the
//     EVFILT_USER event.
//  9. EINTR from kevent() is an empty wait; it carried no change to retry.
// 10. kevent() takes a timespec: the timeout needs no rounding to
//     milliseconds.
// 11. Error values compared here (the tcpsocket layer's classification is
//     for socket calls, and the backends do not depend on it): EINTR from
//     the waiting kevent() (rule 9, an empty wait), and EBADF and ENOENT in
//     an EV_DELETE receipt (rule 5, closed first). Every other failure is
//     returned as a status.
#include "kqueue/kqueue_dispatcher.h"

#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "support/readiness.h"
#include "support/wake_flag.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

#ifdef EVFILT_USER
constexpr std::uintptr_t kWakeIdent = 0;  // ident of the EVFILT_USER event
#endif

// The filter changes one call submits (rule 3): at most one per filter,
// each with EV_RECEIPT so that each reports its own result.
struct FilterChanges {
  struct kevent list[2];
  int count = 0;

  void Push(int fd, short filter, unsigned short action) {
    EV_SET(&list[count++], fd, filter, action | EV_RECEIPT, 0, 0, nullptr);
  }
};

// The changes that turn interest `before` into `after` on `fd`.
FilterChanges Delta(int fd, Interest before, Interest after) {
  FilterChanges changes;
  if (WantsRead(before) != WantsRead(after)) {
    changes.Push(fd, EVFILT_READ, WantsRead(after) ? EV_ADD : EV_DELETE);
  }
  if (WantsWrite(before) != WantsWrite(after)) {
    changes.Push(fd, EVFILT_WRITE, WantsWrite(after) ? EV_ADD : EV_DELETE);
  }
  return changes;
}

// "kevent(EV_ADD EVFILT_WRITE)", for the status of a refused change.
std::string DescribeChange(const struct kevent& change) {
  return absl::StrCat(
      "kevent(", (change.flags & EV_ADD) != 0 ? "EV_ADD" : "EV_DELETE",
      change.filter == EVFILT_READ ? " EVFILT_READ" : " EVFILT_WRITE", ")");
}

class KqueueDispatcher final : public Dispatcher {
 public:
  KqueueDispatcher()
      : Dispatcher(BackendKind::kKqueue, ClosedHandles::kBySystem) {}
  ~KqueueDispatcher() override {
    if (kqueue_fd_ >= 0) ::close(kqueue_fd_);
  }

  absl::Status Open();
  void Wake() override;

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t) override {
    GrowScratch(socket);  // before the kernel knows it: nothing to undo
    return Change(socket, Interest::kNone, interest);
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest old_interest,
                               Interest new_interest, std::uint64_t) override {
    return Change(socket, old_interest, new_interest);
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

  // Rule 3: submits `changes` in one kevent() and stores each one's result
  // (0, or the errno it was refused with) in `results`, in order.
  absl::Status Submit(const FilterChanges& changes, int (&results)[2]);
  // Rules 3 and 4: applies the changes from `before` to `after`, or none.
  absl::Status Change(int fd, Interest before, Interest after);

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
  WakeFlag wake_pending_;  // only with EVFILT_USER (wake_flag.h)
  std::vector<struct kevent> native_;
  std::vector<MergeSlot> merge_;  // indexed by descriptor
  std::vector<int> touched_;      // descriptors seen in this wait, in order
  std::uint64_t wait_stamp_ = 0;
};

absl::Status KqueueDispatcher::Submit(const FilterChanges& changes,
                                      int (&results)[2]) {
  struct kevent receipts[2];
  const timespec no_wait = {0, 0};
  // With EV_RECEIPT every change yields exactly one receipt, in order, and
  // the list has room for all of them, so kevent() never stops early and
  // never waits for events.
  const int returned = ::kevent(kqueue_fd_, changes.list, changes.count,
                                receipts, changes.count, &no_wait);
  if (returned < 0) return SystemErrorStatus(errno, "kevent");
  if (returned != changes.count) {
    return absl::InternalError(absl::StrCat("kevent returned ", returned,
                                            " receipts for ", changes.count,
                                            " changes"));
  }
  for (int i = 0; i < returned; ++i) {
    // A receipt carries EV_ERROR always; data is the result (0: applied).
    results[i] = static_cast<int>(receipts[i].data);
  }
  return absl::OkStatus();
}

absl::Status KqueueDispatcher::Change(int fd, Interest before, Interest after) {
  const FilterChanges changes = Delta(fd, before, after);
  int results[2] = {0, 0};
  if (absl::Status s = Submit(changes, results); !s.ok()) return s;
  int refused = -1;
  FilterChanges undo;  // rule 4: the inverse of each change that was applied
  for (int i = 0; i < changes.count; ++i) {
    const struct kevent& change = changes.list[i];
    if (results[i] != 0) {
      if (refused < 0) refused = i;
    } else {
      undo.Push(fd, change.filter,
                (change.flags & EV_ADD) != 0 ? EV_DELETE : EV_ADD);
    }
  }
  if (refused < 0) return absl::OkStatus();
  if (undo.count > 0) {
    int ignored[2];
    (void)Submit(undo, ignored);
  }
  return SystemErrorStatus(results[refused],
                           DescribeChange(changes.list[refused]));
}

absl::Status KqueueDispatcher::RemoveFromBackend(NativeSocket socket,
                                                 Interest old_interest) {
  const FilterChanges deletes = Delta(socket, old_interest, Interest::kNone);
  int results[2] = {0, 0};
  if (absl::Status s = Submit(deletes, results); !s.ok()) return s;
  for (int i = 0; i < deletes.count; ++i) {
    if (results[i] == EBADF || results[i] == ENOENT) {  // rule 5
      return ClosedBeforeRemoveError();
    }
    if (results[i] != 0) {
      return SystemErrorStatus(results[i], DescribeChange(deletes.list[i]));
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
  // Merge wakes that arrive while one is pending: one system call per wait
  // (wake_flag.h).
  if (!wake_pending_.Raise()) return;
  struct kevent trigger;
  EV_SET(&trigger, kWakeIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
  if (::kevent(kqueue_fd_, &trigger, 1, nullptr, 0, nullptr) != 0) {
    wake_pending_.Withdraw();  // nothing was triggered
  }
#else
  wakeup_pipe_.Signal();
#endif
}

bool KqueueDispatcher::Accumulate(const struct kevent& native) {
  const int fd = static_cast<int>(native.ident);
#ifdef EVFILT_USER
  if (native.filter == EVFILT_USER) {
    wake_pending_.Clear();  // the trigger was consumed (EV_CLEAR)
    return false;
  }
#else
  if (fd == wakeup_pipe_.read_fd() && native.filter == EVFILT_READ) {
    wakeup_pipe_.Drain();
    return false;
  }
#endif
  // Only registered descriptors have a merge slot (sized by Add).
  if (FindRegistration(fd) == nullptr) return false;
  MergeSlot& slot = merge_[static_cast<std::size_t>(fd)];
  if (slot.wait_stamp != wait_stamp_) {
    slot.wait_stamp = wait_stamp_;
    slot.readiness = NativeReadiness{};
    touched_.push_back(fd);
  }
  NativeReadiness& readiness = slot.readiness;
  const bool eof = (native.flags & EV_EOF) != 0;
  if (eof && native.fflags != 0) readiness.error = true;  // rule 7
  if (native.filter == EVFILT_READ) {
    readiness.readable = true;
    readiness.hangup = readiness.hangup || eof;
  } else if (native.filter == EVFILT_WRITE) {
    readiness.writable = true;  // rule 7: EV_EOF here is not a read hangup
  }
  return true;
}

absl::Status KqueueDispatcher::WaitForEvents(absl::Duration timeout,
                                             EventBatch& batch) {
  batch.Clear();
  // Rule 6: exactly one batch, so every kevent returned can be delivered.
  if (native_.size() < batch.capacity()) native_.resize(batch.capacity());
  timespec ts;
  timespec* ts_pointer = nullptr;
  if (timeout != absl::InfiniteDuration()) {
    ts = absl::ToTimespec(std::max(timeout, absl::ZeroDuration()));
    ts_pointer = &ts;
  }
  const int ready = ::kevent(kqueue_fd_, nullptr, 0, native_.data(),
                             static_cast<int>(batch.capacity()), ts_pointer);
  if (ready < 0) {
    const int error = errno;
    if (error == EINTR) return absl::OkStatus();  // rule 9
    return SystemErrorStatus(error, "kevent");
  }
  ++wait_stamp_;
  touched_.clear();
  for (int i = 0; i < ready; ++i) {
    Accumulate(native_[static_cast<std::size_t>(i)]);
  }
  for (int fd : touched_) {
    const Registration& registration = *FindRegistration(fd);
    PushNormalizedEvent(registration.interest, registration.token,
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
