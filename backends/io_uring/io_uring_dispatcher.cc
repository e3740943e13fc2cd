// Linux io_uring backend: one IORING_OP_POLL_ADD per registered socket.
//
// Quirks this file handles:
//  - Add, Modify and Remove only queue submission entries (SQEs); they reach
//    the kernel with the next Wait's io_uring_enter, which submits and waits
//    in one system call. So the backend cannot hear the system's refusal at
//    Add: the base class checks that the descriptor is open
//    (ClosedHandles::kByBase), and a poll that fails later (EBADF, ...) is
//    reported as an error event.
//  - Multishot polls (IORING_POLL_ADD_MULTI, probed at run time: the
//    wake-up's poll asks for it, and a kernel without it answers EINVAL)
//    report readiness found at arming, then only new wake-ups: edge-
//    triggered. The wake-up's eventfd wants exactly that. The contract is
//    level-triggered, so a socket's poll is one-shot, armed again after each
//    delivery: a POLL_ADD of a still-ready socket completes at once. (Sockets
//    on multishot polls, RingOptions::multishot, are re-checked after each
//    delivery by updating the poll in place, IORING_POLL_UPDATE_EVENTS; the
//    update looks the request up in the ring's cancel hash, 64 buckets here,
//    which made it 1.2x to 2.4x raw epoll against 1.0x to 1.25x one-shot.)
//    A completion without IORING_CQE_F_MORE ends a request (one-shot polls
//    always, multishot ones on CQ overflow or a failed update): it is armed
//    again after delivery. Every request ends with exactly one such
//    completion, and only that completion re-arms, so a socket never has two
//    polls.
//  - The ring is IORING_SETUP_COOP_TASKRUN (5.19): completions wait for the
//    loop thread's next entry instead of interrupting it. SINGLE_ISSUER and
//    DEFER_TASKRUN (6.1) measured faster still (chain A=100 at 1.00x raw
//    epoll), but bind a ring to one thread, and loops are made on one thread
//    and run on another (LoopGroup): not used.
//  - The user_data of a poll is (serial << 32 | descriptor); the serial
//    changes with every POLL_ADD. Completions of a removed or replaced
//    request, or of an earlier socket with the same number, carry an old
//    serial and are dropped.
//  - Remove cancels by user_data (POLL_REMOVE). Closing a descriptor does
//    not cancel its poll: the request holds the file, which stays open (the
//    peer sees no FIN) until Remove, so remove before close.
//  - A change to a POLL_ADD still in the SQ edits that entry (Modify) or
//    turns it into a NOP (Remove): a registration made and dropped between
//    two waits costs the kernel nothing.
//  - Completions are reaped into a per-descriptor ready mask before events
//    are built, so a full batch, a full SQ (submit, reap, retry) or an
//    -EBUSY from the kernel never loses one. IORING_FEAT_NODROP is required:
//    overflowed completions are kept by the kernel and flushed in.
//  - The kernel always reports POLLERR, POLLHUP and POLLRDHUP. A completion
//    that brings nothing the interest asked for (POLLRDHUP on a write-only
//    registration) is not delivered and, on a multishot poll, not re-checked
//    either, or the wait would spin.
//  - Completions that make no event (a cancelled poll's, a stale one's) may
//    end the system wait early: the Wait waits again for the rest of its
//    timeout (support/wait_timeout.h).
//  - Closing a ring makes the kernel post task work (TWA_SIGNAL) to each
//    thread that used it, which interrupts that thread's next blocking
//    system call with EINTR, whatever it is: another backend's infinite
//    wait, a sleep. So the destructor cancels every request, reaps the
//    completions, and keeps the quiet ring open for the next dispatcher
//    made on this thread (a few per thread; closed when the thread ends).
//    A forked child inherits the pool but shares those rings' queues with
//    its parent, so a ring is reused only by the process that pooled it.
//  - Error values compared here (the backends do not use the tcpsocket
//    layer's classification): EINTR and ETIME from the wait (an empty
//    wait), EBUSY and EAGAIN from a submission (reap, then retry),
//    ECANCELED on a poll (it
//    ended, no readiness), EINVAL on the wake-up's poll (no multishot),
//    EINVAL from io_uring_setup (older kernel: fewer flags), ENOSYS and
//    EPERM from it (the backend is unavailable here, with that reason).
#include "io_uring/io_uring_dispatcher.h"

#include <liburing.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "asycamore/system_error.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

std::atomic<int> simulated_setup_error{0};

// Quiet rings kept open for reuse on this thread (see the quirks).
struct RingPool {
  static constexpr std::size_t kMax = 4;
  struct Entry {
    unsigned sq_entries = 0;
    pid_t owner = 0;
    io_uring ring{};
  };
  ~RingPool() {
    for (Entry& entry : entries) io_uring_queue_exit(&entry.ring);
    gone = true;
  }
  std::vector<Entry> entries;
  static thread_local bool gone;  // trivially destructible: safe to read late
};
thread_local bool RingPool::gone = false;
thread_local RingPool ring_pool;

bool TakePooledRing(unsigned sq_entries, io_uring& ring) {
  if (RingPool::gone || ring_pool.entries.empty()) return false;
  const pid_t self = ::getpid();
  for (std::size_t i = 0; i < ring_pool.entries.size(); ++i) {
    if (ring_pool.entries[i].sq_entries != sq_entries ||
        ring_pool.entries[i].owner != self) {
      continue;
    }
    ring = ring_pool.entries[i].ring;
    ring_pool.entries.erase(ring_pool.entries.begin() +
                            static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

// Keeps `ring` (quiet: no request in flight, queues empty) or closes it.
void ReleaseRing(unsigned sq_entries, io_uring& ring, bool quiet) {
  if (quiet && !RingPool::gone && ring_pool.entries.size() < RingPool::kMax) {
    ring_pool.entries.push_back({sq_entries, ::getpid(), ring});
    return;
  }
  io_uring_queue_exit(&ring);
}

// user_data: the top two bits say whose completion it is.
constexpr int kOwnerShift = 62;
constexpr std::uint64_t kPollOwner = 0;     // a socket's poll
constexpr std::uint64_t kControlOwner = 1;  // POLL_REMOVE, update, NOP
constexpr std::uint64_t kWakeOwner = 2;     // the wake-up's poll
// (3: liburing's own timeouts on kernels without IORING_FEAT_EXT_ARG.)
constexpr std::uint64_t kControlData = kControlOwner << kOwnerShift;
constexpr std::uint64_t kWakeData = kWakeOwner << kOwnerShift;
constexpr std::uint32_t kSerialMask = (1u << 30) - 1;

std::uint64_t PollData(int fd, std::uint32_t serial) {
  return (static_cast<std::uint64_t>(serial) << 32) |
         static_cast<std::uint32_t>(fd);
}

std::uint32_t PollMask(Interest interest) {
  std::uint32_t mask = 0;
  if (WantsRead(interest)) mask |= POLLIN | POLLRDHUP;
  if (WantsWrite(interest)) mask |= POLLOUT;
  return mask;
}

// The reason io_uring_setup failed with `error`, for "cannot run here".
absl::Status SetupErrorStatus(int error) {
  std::string why;
  if (error == ENOSYS) why = " (this kernel has no io_uring)";
  if (error == EPERM) {
    std::ifstream sysctl("/proc/sys/kernel/io_uring_disabled");
    int disabled = 0;
    if (sysctl >> disabled && disabled != 0) {
      why = absl::StrCat(" (kernel.io_uring_disabled=", disabled, ")");
    } else {
      why = " (a seccomp filter or the container forbids io_uring)";
    }
  }
  const absl::Status status = SystemErrorStatus(error, "io_uring_setup");
  const std::string message = absl::StrCat(status.message(), why);
  // A shortage may pass; the rest is how this machine is.
  if (error == ENOMEM || error == EMFILE || error == ENFILE || error == EAGAIN) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::UnavailableError(message);
}

// io_uring_queue_init_params, or the simulated failure.
int SetupRing(unsigned entries, io_uring& ring, io_uring_params& params) {
  if (const int error = simulated_setup_error.load(); error != 0) return -error;
  return io_uring_queue_init_params(entries, &ring, &params);
}

constexpr const char* kNoDropMissing =
    "io_uring: the kernel lacks IORING_FEAT_NODROP (Linux 5.5), without "
    "which an overflowing completion queue loses completions";

absl::Status ProbeOnce() {
  io_uring ring{};
  io_uring_params params{};
  if (const int r = SetupRing(2, ring, params); r < 0) {
    return SetupErrorStatus(-r);
  }
  absl::Status status;
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if ((params.features & IORING_FEAT_NODROP) == 0) {
    status = absl::UnavailableError(kNoDropMissing);
  } else if (probe == nullptr ||
             !io_uring_opcode_supported(probe, IORING_OP_POLL_ADD) ||
             !io_uring_opcode_supported(probe, IORING_OP_POLL_REMOVE)) {
    status = absl::UnavailableError(
        "io_uring: the kernel does not list POLL_ADD and POLL_REMOVE "
        "(IORING_REGISTER_PROBE, Linux 5.6)");
  }
  if (probe != nullptr) io_uring_free_probe(probe);
  io_uring_queue_exit(&ring);
  return status;
}

class IoUringDispatcher final : public Dispatcher {
 public:
  explicit IoUringDispatcher(const io_uring_testing::RingOptions& options)
      : Dispatcher(BackendKind::kIoUring, ClosedHandles::kByBase),
        options_(options) {}
  ~IoUringDispatcher() override {
    if (!ring_open_) return;
    const bool quiet = CancelEverything();
    ReleaseRing(options_.sq_entries, ring_, quiet);
  }

  absl::Status Open() {
    if (absl::Status s = wakeup_.Open(); !s.ok()) return s;
    if (simulated_setup_error.load() == 0 &&
        TakePooledRing(options_.sq_entries, ring_)) {
      ring_open_ = true;
      return Start();
    }
    // Completions need not interrupt the loop thread (it enters the kernel
    // to wait anyway); IORING_SQ_TASKRUN says when a zero-timeout wait must
    // enter to see them. Older kernels refuse the newer flags: fewer then.
    constexpr unsigned kBase = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
    constexpr unsigned kFlagSets[] = {
        kBase | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
            IORING_SETUP_TASKRUN_FLAG,
        kBase};
    int r = -EINVAL;
    for (unsigned flags : kFlagSets) {
      io_uring_params params{};
      params.flags = flags;
      params.cq_entries = options_.sq_entries * 8;
      r = SetupRing(options_.sq_entries, ring_, params);
      if (r != -EINVAL) break;
    }
    if (r < 0) return SetupErrorStatus(-r);
    ring_open_ = true;
    return Start();
  }

  // Queues the wake-up's poll on a new or pooled ring.
  absl::Status Start() {
    if ((ring_.features & IORING_FEAT_NODROP) == 0) {
      return absl::UnavailableError(kNoDropMissing);
    }
    if ((ring_.features & IORING_FEAT_CQE_SKIP) != 0) {
      skip_success_ = IOSQE_CQE_SKIP_SUCCESS;
    }
    multishot_ = options_.multishot;
    return ArmWake();
  }

  void Wake() override { wakeup_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t) override {
    const auto index = static_cast<std::size_t>(socket);
    if (index >= slots_.size()) {
      slots_.resize(index + 1 + index / 2);
      // The lists hold each descriptor at most once: reserving here keeps
      // Wait from allocating.
      ready_.reserve(slots_.size());
      attention_.reserve(slots_.size());
      flushing_.reserve(slots_.size());
    }
    // (An attention entry left by an earlier socket of this number stays:
    // FlushAttention looks at the slot as it is then.)
    Slot& slot = slots_[index];
    slot.registered = true;
    slot.ready = 0;
    absl::Status status = Arm(socket, slot, PollMask(interest));
    if (!status.ok()) slot.registered = false;
    return status;
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest, std::uint64_t) override {
    Slot& slot = slots_[static_cast<std::size_t>(socket)];
    const std::uint32_t mask = PollMask(new_interest);
    // Not armed: it is on the attention list, whose re-arm reads the new
    // interest.
    if (!slot.armed) return absl::OkStatus();
    if (slot.pending_epoch == submit_epoch_) {
      PrepareAdd(slot.pending_add, socket, mask, slot.serial);
      return absl::OkStatus();
    }
    if (multishot_) return Update(socket, slot, mask);
    io_uring_sqe* sqe = nullptr;
    if (absl::Status s = NextSqe(sqe); !s.ok()) return s;
    io_uring_prep_poll_remove(sqe, PollData(socket, slot.serial));
    SetControl(sqe);
    return Arm(socket, slot, mask);
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    Slot& slot = slots_[static_cast<std::size_t>(socket)];
    slot.registered = false;
    slot.ready = 0;
    if (!slot.armed) return absl::OkStatus();
    slot.armed = false;
    if (slot.pending_epoch == submit_epoch_) {
      --in_flight_;  // the POLL_ADD never reaches the kernel
      io_uring_prep_nop(slot.pending_add);
      SetControl(slot.pending_add);
      slot.pending_epoch = 0;
      return absl::OkStatus();
    }
    io_uring_sqe* sqe = nullptr;
    if (absl::Status s = NextSqe(sqe); !s.ok()) return s;
    io_uring_prep_poll_remove(sqe, PollData(socket, slot.serial));
    SetControl(sqe);
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override {
    batch.Clear();
    if (absl::Status s = FlushAttention(); !s.ok()) return s;
    const bool finite = timeout > absl::ZeroDuration() &&
                        timeout != absl::InfiniteDuration();
    // Only a finite wait reads the clock.
    std::optional<WaitDeadline> deadline;
    if (finite) deadline.emplace(timeout);
    absl::Duration left = timeout;
    for (;;) {
      if (ready_.empty() && !woken_) {
        if (absl::Status s = SubmitAndWait(left); !s.ok()) return s;
      }
      Reap();
      Fill(batch);
      if (!batch.empty() || woken_ || timeout <= absl::ZeroDuration()) break;
      if (finite) {
        if (deadline->Over()) break;
        left = deadline->Left();
      }
    }
    woken_ = false;
    return absl::OkStatus();
  }

 private:
  // What the ring knows about one descriptor.
  struct Slot {
    io_uring_sqe* pending_add = nullptr;  // its POLL_ADD, while still in the
    std::uint64_t pending_epoch = 0;      // SQ (pending_epoch == submit_epoch_)
    std::uint32_t serial = 0;             // of its current poll request
    std::uint32_t ready = 0;              // poll bits reaped, not delivered
    bool registered = false;
    bool armed = false;      // a poll request is in flight (or queued)
    bool in_ready = false;   // on ready_
    bool attention = false;  // on attention_: re-arm or re-check at next Wait
  };

  void SetControl(io_uring_sqe* sqe) const {
    sqe->user_data = kControlData;
    sqe->flags |= skip_success_;
  }

  void PrepareAdd(io_uring_sqe* sqe, int fd, std::uint32_t mask,
                  std::uint32_t serial) const {
    if (multishot_) {
      io_uring_prep_poll_multishot(sqe, fd, mask);
    } else {
      io_uring_prep_poll_add(sqe, fd, mask);
    }
    sqe->user_data = PollData(fd, serial);
  }

  // A new poll request for the slot's registration (a new serial first, so
  // that anything reaped from here on of the old request is stale).
  absl::Status Arm(int fd, Slot& slot, std::uint32_t mask) {
    slot.serial = (slot.serial + 1) & kSerialMask;
    slot.armed = false;
    io_uring_sqe* sqe = nullptr;
    if (absl::Status s = NextSqe(sqe); !s.ok()) return s;
    PrepareAdd(sqe, fd, mask, slot.serial);
    ++in_flight_;
    slot.armed = true;
    slot.pending_add = sqe;
    slot.pending_epoch = submit_epoch_;
    return absl::OkStatus();
  }

  // Changes a multishot poll's mask in place; the kernel looks at the socket
  // again, so it also serves as the level-triggered re-check.
  absl::Status Update(int fd, Slot& slot, std::uint32_t mask) {
    io_uring_sqe* sqe = nullptr;
    if (absl::Status s = NextSqe(sqe); !s.ok()) return s;
    const std::uint64_t data = PollData(fd, slot.serial);
    io_uring_prep_poll_update(
        sqe, data, data, mask,
        IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA |
            IORING_POLL_ADD_MULTI);
    SetControl(sqe);
    return absl::OkStatus();
  }

  absl::Status ArmWake() {
    io_uring_sqe* sqe = nullptr;
    if (absl::Status s = NextSqe(sqe); !s.ok()) return s;
    if (wake_multishot_) {
      io_uring_prep_poll_multishot(sqe, wakeup_.read_fd(), POLLIN);
    } else {
      io_uring_prep_poll_add(sqe, wakeup_.read_fd(), POLLIN);
    }
    sqe->user_data = kWakeData;
    ++in_flight_;
    wake_armed_ = true;
    return absl::OkStatus();
  }

  // Returns a free SQE; when the SQ is full, submits it first.
  absl::Status NextSqe(io_uring_sqe*& sqe) {
    sqe = io_uring_get_sqe(&ring_);
    if (sqe != nullptr) return absl::OkStatus();
    if (absl::Status s = Submit(); !s.ok()) return s;
    sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      return absl::ResourceExhaustedError(
          "io_uring: the submission queue stays full after a submit");
    }
    return absl::OkStatus();
  }

  // Submits the queued SQEs without waiting. EBUSY and EAGAIN (completion
  // queue overflowing on older kernels, no memory for requests): reap what
  // is there, then retry, a few times.
  absl::Status Submit() {
    for (int attempt = 0;; ++attempt) {
      ++submit_epoch_;
      const int r = io_uring_submit(&ring_);
      if (r >= 0) return absl::OkStatus();
      if (r == -EINTR) continue;
      if ((r == -EBUSY || r == -EAGAIN) && attempt < 8) {
        Reap();
        continue;
      }
      return SystemErrorStatus(-r, "io_uring_submit");
    }
  }

  // Submits the queued SQEs and waits up to `timeout` for a completion, in
  // one io_uring_enter.
  absl::Status SubmitAndWait(absl::Duration timeout) {
    const bool queued = io_uring_sq_ready(&ring_) > 0;
    if (timeout <= absl::ZeroDuration()) {
      const bool must_enter =
          queued || (IO_URING_READ_ONCE(*ring_.sq.kflags) &
                     (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
      if (!must_enter) return absl::OkStatus();
      ++submit_epoch_;
      return WaitResult(io_uring_submit_and_get_events(&ring_),
                        "io_uring_submit_and_get_events");
    }
    if (!queued && io_uring_cq_ready(&ring_) > 0) return absl::OkStatus();
    ++submit_epoch_;
    if (timeout == absl::InfiniteDuration()) {
      return WaitResult(io_uring_submit_and_wait(&ring_, 1),
                        "io_uring_submit_and_wait");
    }
    const timespec native = absl::ToTimespec(timeout);
    __kernel_timespec ts{};
    ts.tv_sec = native.tv_sec;
    ts.tv_nsec = native.tv_nsec;
    io_uring_cqe* cqe = nullptr;
    return WaitResult(
        io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr),
        "io_uring_submit_and_wait_timeout");
  }

  absl::Status WaitResult(int r, const char* what) {
    if (r >= 0 || r == -ETIME || r == -EINTR) return absl::OkStatus();
    if (r == -EBUSY || r == -EAGAIN) {
      Reap();  // makes room; the entries are submitted by the next call
      return absl::OkStatus();
    }
    return SystemErrorStatus(-r, what);
  }

  // Moves every completion into the slots (and flushes the kernel's
  // overflow list in).
  void Reap() {
    for (;;) {
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        ++seen;
        Complete(*cqe);
      }
      io_uring_cq_advance(&ring_, seen);
      if (!io_uring_cq_has_overflow(&ring_)) return;
      if (io_uring_get_events(&ring_) < 0) return;
    }
  }

  void Complete(const io_uring_cqe& cqe) {
    const std::uint64_t owner = cqe.user_data >> kOwnerShift;
    const bool ended = (cqe.flags & IORING_CQE_F_MORE) == 0;
    if (ended && (owner == kPollOwner || owner == kWakeOwner)) --in_flight_;
    if (owner == kWakeOwner) {
      if (ended) wake_armed_ = false;
      if (cqe.res == -EINVAL && wake_multishot_) {
        wake_multishot_ = false;  // no multishot here: one-shot from now on
        return;
      }
      wakeup_.Drain();
      woken_ = true;
      return;
    }
    if (owner != kPollOwner) return;  // failed controls, liburing timeouts
    const auto fd = static_cast<std::size_t>(cqe.user_data & 0xffffffffu);
    if (fd >= slots_.size()) return;
    Slot& slot = slots_[fd];
    if (!slot.registered ||
        slot.serial != ((cqe.user_data >> 32) & kSerialMask)) {
      return;  // a removed, replaced or earlier socket's request
    }
    if (ended) slot.armed = false;
    std::uint32_t bits = 0;
    if (cqe.res > 0) bits = static_cast<std::uint32_t>(cqe.res);
    if (cqe.res < 0 && cqe.res != -ECANCELED) bits = POLLERR;  // EBADF, ...
    if (bits == 0) {
      if (!slot.armed) NeedsAttention(static_cast<int>(fd), slot);
      return;
    }
    slot.ready |= bits;
    if (!slot.in_ready) {
      slot.in_ready = true;
      ready_.push_back(static_cast<int>(fd));
    }
  }

  void NeedsAttention(int fd, Slot& slot) {
    if (slot.attention) return;
    slot.attention = true;
    attention_.push_back(fd);
  }

  // Builds events from the ready list, oldest first; what does not fit
  // stays for the next Wait.
  void Fill(EventBatch& batch) {
    std::size_t used = 0;
    for (; used < ready_.size() && !batch.full(); ++used) {
      const int fd = ready_[used];
      Slot& slot = slots_[static_cast<std::size_t>(fd)];
      slot.in_ready = false;
      const Registration* registration = FindRegistration(fd);
      if (!slot.registered || registration == nullptr) continue;
      const NativeReadiness readiness = PollBitsReadiness(slot.ready);
      slot.ready = 0;
      const bool pushed = PushNormalizedEvent(
          registration->interest, registration->token, readiness, batch);
      // Delivered: look again next Wait (level-triggered). Not delivered
      // and still armed: nothing to look again for (see the quirks).
      if (pushed || !slot.armed) NeedsAttention(fd, slot);
    }
    ready_.erase(ready_.begin(),
                 ready_.begin() + static_cast<std::ptrdiff_t>(used));
  }

  // Queues the re-arms and re-checks that the last events asked for.
  absl::Status FlushAttention() {
    if (!wake_armed_) {
      if (absl::Status s = ArmWake(); !s.ok()) return s;
    }
    flushing_.swap(attention_);
    absl::Status status;
    for (const int fd : flushing_) {
      Slot& slot = slots_[static_cast<std::size_t>(fd)];
      if (!slot.attention || !status.ok()) continue;
      slot.attention = false;
      const Registration* registration = FindRegistration(fd);
      if (!slot.registered || registration == nullptr) continue;
      const std::uint32_t mask = PollMask(registration->interest);
      if (!slot.armed) {
        status = Arm(fd, slot, mask);
      } else if (multishot_ && slot.pending_epoch != submit_epoch_) {
        status = Update(fd, slot, mask);
      }
    }
    flushing_.clear();
    return status;
  }

  // Cancels every request and reaps the completions here. Closing a ring
  // with requests in flight makes the kernel cancel them later and post
  // their completions as task work to this thread, which interrupts its next
  // blocking system call (EINTR), whatever that is: another backend's wait,
  // a test's sleep.
  // Returns whether the ring is quiet now.
  bool CancelEverything() {
    for (std::size_t fd = 0; fd < slots_.size(); ++fd) {
      if (slots_[fd].armed) {
        (void)RemoveFromBackend(static_cast<int>(fd), Interest::kNone);
      }
    }
    io_uring_sqe* sqe = nullptr;
    if (wake_armed_ && NextSqe(sqe).ok()) {
      io_uring_prep_poll_remove(sqe, kWakeData);
      SetControl(sqe);
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(1);
    while (in_flight_ > 0 && absl::Now() < deadline) {
      if (!SubmitAndWait(absl::Milliseconds(10)).ok()) break;
      Reap();
    }
    if (io_uring_sq_ready(&ring_) > 0 && Submit().ok()) Reap();
    return in_flight_ == 0 && io_uring_sq_ready(&ring_) == 0 &&
           io_uring_cq_ready(&ring_) == 0;
  }

  io_uring_testing::RingOptions options_;
  io_uring ring_{};
  bool ring_open_ = false;
  bool multishot_ = false;       // sockets' polls (RingOptions::multishot)
  bool wake_multishot_ = true;   // until the kernel says EINVAL
  unsigned skip_success_ = 0;  // IOSQE_CQE_SKIP_SUCCESS where supported
  std::uint64_t submit_epoch_ = 1;
  // Poll requests queued or in the kernel, whether current or stale: each
  // ends with one completion without IORING_CQE_F_MORE.
  std::int64_t in_flight_ = 0;
  WakeupFd wakeup_;
  bool wake_armed_ = false;
  bool woken_ = false;  // a wake-up was reaped; the next Wait returns
  std::vector<Slot> slots_;     // by descriptor
  std::vector<int> ready_;      // descriptors with reaped readiness
  std::vector<int> attention_;  // descriptors to re-arm or re-check
  std::vector<int> flushing_;   // attention_ being worked through
};

absl::StatusOr<std::unique_ptr<Dispatcher>> Create(
    const io_uring_testing::RingOptions& options) {
  auto dispatcher = std::make_unique<IoUringDispatcher>(options);
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace

absl::Status ProbeIoUring() {
  if (const int error = simulated_setup_error.load(); error != 0) {
    return SetupErrorStatus(error);
  }
  // Kept once known for good; a passing shortage (ENOMEM, EMFILE) is not.
  static std::atomic<bool> known{false};
  static absl::Status probed;
  static std::mutex mutex;
  if (known.load(std::memory_order_acquire)) return probed;
  std::lock_guard<std::mutex> lock(mutex);
  if (known.load(std::memory_order_relaxed)) return probed;
  absl::Status status = ProbeOnce();
  if (!absl::IsResourceExhausted(status)) {
    probed = status;
    known.store(true, std::memory_order_release);
  }
  return status;
}

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateIoUringDispatcher() {
  return Create(io_uring_testing::RingOptions{});
}

namespace io_uring_testing {

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(
    const RingOptions& options) {
  return Create(options);
}

void SimulateSetupError(int error) { simulated_setup_error.store(error); }

}  // namespace io_uring_testing
}  // namespace asycamore
