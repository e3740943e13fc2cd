// IOCP backend (Windows): level-triggered readiness emulated with AFD poll
// requests (afd.h) that complete on one I/O completion port, the way wepoll,
// mio and libuv's uv_poll do it.
//
// How it works: each registered socket owns one SocketState holding one
// poll request. At most one request per socket is in flight. A request asks
// AFD for the events of the socket's interest and completes on the port as
// soon as one of them holds (at once if it already does). Wait reaps the
// completions, turns each into one Event, and queues the socket to be polled
// again at the start of the next Wait: a socket that is still ready then
// completes at once, which gives level-triggered readiness, and the caller's
// reads and writes in between are already taken into account.
//
// Quirks this file handles (seen under Wine 8; written so that it is right on
// Windows too):
//  - GetQueuedCompletionStatusEx that times out returns FALSE with
//    WAIT_TIMEOUT, and Wine may still set the entry count to 1: on FALSE the
//    count is ignored.
//  - A request's result is read from its own IO_STATUS_BLOCK, never from
//    OVERLAPPED_ENTRY.Internal (its upper 32 bits were garbage under Wine).
//  - A poll whose condition already holds returns STATUS_SUCCESS at once and
//    still queues a completion (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is not
//    set), so every submitted request is handled in one place, the reaping.
//    Only an NT error status means nothing was queued.
//  - Modify to an interest the request in flight does not cover cancels it
//    (NtCancelIoFileEx); the completion comes back as STATUS_CANCELLED and
//    the socket is polled again with the new mask. A narrower interest keeps
//    the request: if it completes for an event no longer wanted, no Event is
//    made and the socket is polled again.
//  - Remove with a request in flight cancels it, and the SocketState stays
//    allocated until the cancelled completion is reaped: the kernel writes
//    the status block on completion, so freeing it earlier would be a
//    use-after-free. The destructor cancels and reaps every request too.
//  - A socket closed while registered (without Remove): the request in
//    flight completes with AFD_POLL_LOCAL_CLOSE, and a new request on a
//    closed handle fails at once with STATUS_INVALID_HANDLE. Either way the
//    socket is no longer polled and reports nothing; Remove frees it. Other
//    sockets are not affected.
//  - A refused connect is AFD_POLL_CONNECT_FAIL (Wine reports it again on
//    every poll), a reset AFD_POLL_ABORT: both become `error` (readable and
//    writable per the interest). The peer's FIN is AFD_POLL_DISCONNECT
//    (`hangup`); AFD reports it only once the queued data was read, until
//    then RECEIVE. AFD_POLL_CONNECT is never reported by Wine and is not
//    asked for: a finished connect shows as AFD_POLL_SEND.
//  - The Windows wait clock is coarse (about 15.6 ms on Windows, 1 ms under
//    Wine) and a wait may end slightly early; Wait waits again for the rest
//    of its timeout when it woke with nothing to report, so a timeout is
//    never cut short.
//  - AFD cancels by walking the requests of one AFD handle, so sockets are
//    spread over AFD handles of at most 32 each (as wepoll does).
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): WAIT_TIMEOUT
//    from GetQueuedCompletionStatusEx (an empty wait), and the NT statuses
//    of poll requests named above (STATUS_CANCELLED, STATUS_INVALID_HANDLE,
//    any other NT error). afd.cc compares WSAENOTSOCK while it looks for a
//    base socket.
//  - Wake() posts a completion packet with no OVERLAPPED; wakes that arrive
//    while one is pending are merged (wake_flag.h), and the flag is cleared
//    once the packet was dequeued.
#include "iocp/iocp_dispatcher.h"

#include <winsock2.h>
#include <windows.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"
#include "asycamore/system_error.h"
#include "iocp/afd.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wake_flag.h"

namespace asycamore {
namespace {

// Completion keys: AFD handles complete poll requests under kPollKey; Wake()
// posts under kWakeKey (with a null OVERLAPPED).
constexpr ULONG_PTR kPollKey = 1;
constexpr ULONG_PTR kWakeKey = 2;

// The most sockets whose requests share one AFD handle.
constexpr int kSocketsPerAfdHandle = 32;

// Returns the AFD events to poll for. Aborts, failed connects and local
// closes are always asked for; the peer's FIN only with read interest (a
// writer that does not read would otherwise be woken by it forever).
ULONG AfdEvents(Interest interest) {
  ULONG events = afd::kAbort | afd::kConnectFail | afd::kLocalClose;
  if (WantsRead(interest)) {
    events |= afd::kReceive | afd::kAccept | afd::kDisconnect;
  }
  if (WantsWrite(interest)) events |= afd::kSend;
  return events;
}

struct AfdHandle {
  HANDLE handle = nullptr;
  int users = 0;
};

// One registered (or removed, still being cancelled) socket. Standard layout
// with the request first, so a completion's lpOverlapped (the address of the
// request's status block) is the address of the SocketState.
struct SocketState {
  afd::PollRequest request{};
  NativeSocket socket = kInvalidSocket;
  SOCKET base_socket = INVALID_SOCKET;
  AfdHandle* afd = nullptr;
  Interest interest = Interest::kNone;
  std::uint64_t token = 0;  // handed back in events: no lookup per event
  ULONG pending_events = 0;   // the mask of the request in flight
  bool poll_pending = false;  // a request is in flight
  bool cancel_requested = false;
  bool queued = false;   // in the update queue
  bool removed = false;  // deregistered; freed once its request completes
  bool closed = false;   // closed under us: never polled again
};

static_assert(std::is_standard_layout_v<SocketState>);
static_assert(offsetof(SocketState, request) == 0);
static_assert(offsetof(afd::PollRequest, io_status) == 0);

SocketState* StateOf(LPOVERLAPPED overlapped) {
  return reinterpret_cast<SocketState*>(overlapped);
}

class IocpDispatcher final : public Dispatcher {
 public:
  IocpDispatcher() : Dispatcher(BackendKind::kIocp, ClosedHandles::kByBase) {}
  ~IocpDispatcher() override;

  absl::Status Open();

  void Wake() override {
    if (!wake_pending_.Raise()) return;
    if (!::PostQueuedCompletionStatus(port_, 0, kWakeKey, nullptr)) {
      wake_pending_.Withdraw();  // nothing was posted
    }
  }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t token) override;
  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest,
                               std::uint64_t token) override;
  absl::Status ChangeTokenInBackend(NativeSocket socket, Interest,
                                    std::uint64_t token) override;
  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override;
  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override;

 private:
  absl::StatusOr<AfdHandle*> PickAfdHandle();
  void QueueUpdate(SocketState* state);
  void FreeState(SocketState* state);
  // Submits or cancels the requests of the queued sockets.
  void UpdateQueuedSockets(EventBatch& batch);
  // Handles one reaped completion; returns true for a wake-up.
  bool HandleCompletion(const OVERLAPPED_ENTRY& entry, EventBatch& batch);
  void PushError(const SocketState& state, EventBatch& batch);

  HANDLE port_ = nullptr;
  std::vector<std::unique_ptr<AfdHandle>> afd_handles_;
  absl::flat_hash_map<NativeSocket, std::unique_ptr<SocketState>> states_;
  // Removed sockets whose request is still in flight (owned; freed when the
  // completion is reaped).
  absl::flat_hash_set<SocketState*> removed_;
  // Sockets to poll (again) before the next wait. Reserved for every
  // registered socket at Add, so Wait never grows it.
  std::vector<SocketState*> update_queue_;
  std::vector<OVERLAPPED_ENTRY> entries_;
  WakeFlag wake_pending_;  // wake_flag.h
};

absl::Status IocpDispatcher::Open() {
  if (absl::Status s = EnsureWinsock(); !s.ok()) return s;
  if (absl::Status s = afd::LoadNtdll(); !s.ok()) return s;
  port_ = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  if (port_ == nullptr) {
    return SystemErrorStatus(static_cast<int>(::GetLastError()),
                             "CreateIoCompletionPort");
  }
  entries_.resize(EventBatch::kDefaultCapacity);
  return absl::OkStatus();
}

IocpDispatcher::~IocpDispatcher() {
  // Cancel every request in flight and reap the completions before freeing
  // the states the kernel writes into.
  std::size_t in_flight = 0;
  for (auto& entry : states_) {
    SocketState& state = *entry.second;
    if (!state.poll_pending) continue;
    ++in_flight;
    if (!state.cancel_requested) {
      afd::CancelPoll(state.afd->handle, state.request);
    }
  }
  for (SocketState* state : removed_) {
    if (state->poll_pending) ++in_flight;
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (in_flight > 0 && port_ != nullptr && absl::Now() < give_up) {
    ULONG count = 0;
    if (!::GetQueuedCompletionStatusEx(port_, entries_.data(),
                                       static_cast<ULONG>(entries_.size()),
                                       &count, 100, FALSE)) {
      continue;  // timed out (count is not to be trusted then)
    }
    for (ULONG i = 0; i < count; ++i) {
      if (entries_[i].lpOverlapped == nullptr) continue;  // a wake-up
      SocketState* state = StateOf(entries_[i].lpOverlapped);
      if (state->poll_pending) {
        state->poll_pending = false;
        --in_flight;
      }
    }
  }
  // A request that never completed keeps its state allocated: leaking it is
  // safe, freeing it is not.
  for (auto& entry : states_) {
    if (entry.second->poll_pending) (void)entry.second.release();
  }
  for (SocketState* state : removed_) {
    if (!state->poll_pending) delete state;
  }
  states_.clear();
  for (const auto& afd : afd_handles_) ::CloseHandle(afd->handle);
  if (port_ != nullptr) ::CloseHandle(port_);
}

absl::StatusOr<AfdHandle*> IocpDispatcher::PickAfdHandle() {
  for (const auto& afd : afd_handles_) {
    if (afd->users < kSocketsPerAfdHandle) return afd.get();
  }
  absl::StatusOr<HANDLE> handle = afd::OpenAfdHandle(port_, kPollKey);
  if (!handle.ok()) return handle.status();
  auto afd = std::make_unique<AfdHandle>();
  afd->handle = *handle;
  afd_handles_.push_back(std::move(afd));
  return afd_handles_.back().get();
}

void IocpDispatcher::QueueUpdate(SocketState* state) {
  if (state->queued) return;
  state->queued = true;
  update_queue_.push_back(state);
}

void IocpDispatcher::FreeState(SocketState* state) {
  --state->afd->users;
  delete state;
}

absl::Status IocpDispatcher::AddToBackend(NativeSocket socket,
                                          Interest interest,
                                          std::uint64_t token) {
  // The base class found the handle open (kByBase): Wine answers
  // SIO_BASE_HANDLE even for a closed one.
  absl::StatusOr<SOCKET> base = afd::BaseSocket(socket);
  if (!base.ok()) return base.status();
  absl::StatusOr<AfdHandle*> afd = PickAfdHandle();
  if (!afd.ok()) return afd.status();
  auto state = std::make_unique<SocketState>();
  state->socket = socket;
  state->base_socket = *base;
  state->afd = *afd;
  state->interest = interest;
  state->token = token;
  ++state->afd->users;
  update_queue_.reserve(states_.size() + 1);
  SocketState* raw = state.get();
  states_.emplace(socket, std::move(state));
  QueueUpdate(raw);  // polled at the start of the next wait
  return absl::OkStatus();
}

absl::Status IocpDispatcher::ModifyInBackend(NativeSocket socket, Interest,
                                             Interest new_interest,
                                             std::uint64_t token) {
  // Not checked again (Add did): a getsockopt per interest change, while a
  // closed socket's next poll fails (or completes with LOCAL_CLOSE) anyway.
  auto it = states_.find(socket);
  if (it == states_.end()) return absl::InternalError("no IOCP socket state");
  it->second->interest = new_interest;
  it->second->token = token;
  QueueUpdate(it->second.get());
  return absl::OkStatus();
}

absl::Status IocpDispatcher::ChangeTokenInBackend(NativeSocket socket,
                                                  Interest,
                                                  std::uint64_t token) {
  auto it = states_.find(socket);
  if (it == states_.end()) return absl::InternalError("no IOCP socket state");
  it->second->token = token;
  return absl::OkStatus();
}

absl::Status IocpDispatcher::RemoveFromBackend(NativeSocket socket, Interest) {
  auto it = states_.find(socket);
  if (it == states_.end()) return absl::InternalError("no IOCP socket state");
  SocketState* state = it->second.release();
  states_.erase(it);
  if (state->queued) {
    update_queue_.erase(
        std::find(update_queue_.begin(), update_queue_.end(), state));
    state->queued = false;
  }
  if (!state->poll_pending) {
    FreeState(state);
  } else {
    state->removed = true;
    if (!state->cancel_requested) {
      afd::CancelPoll(state->afd->handle, state->request);
      state->cancel_requested = true;
    }
    removed_.insert(state);
  }
  return absl::OkStatus();
}

void IocpDispatcher::PushError(const SocketState& state, EventBatch& batch) {
  if (batch.full()) return;
  NativeReadiness readiness;
  readiness.error = true;
  PushNormalizedEvent(state.interest, state.token, readiness, batch);
}

void IocpDispatcher::UpdateQueuedSockets(EventBatch& batch) {
  std::size_t kept = 0;
  for (SocketState* state : update_queue_) {
    state->queued = false;
    if (state->closed) continue;
    const ULONG wanted = AfdEvents(state->interest);
    if (state->poll_pending) {
      // The request in flight misses an event now wanted: cancel it; its
      // completion brings the socket back here. Otherwise keep it.
      if ((wanted & ~state->pending_events) != 0 && !state->cancel_requested) {
        afd::CancelPoll(state->afd->handle, state->request);
        state->cancel_requested = true;
      }
      continue;
    }
    const afd::NtStatus status = afd::SubmitPoll(
        state->afd->handle, state->base_socket, wanted, state->request);
    if (!afd::IsNtError(status)) {
      state->poll_pending = true;
      state->pending_events = wanted;
      continue;
    }
    if (status == afd::kStatusInvalidHandle) {
      state->closed = true;  // closed before it was removed
      continue;
    }
    // Any other refusal: report an error, so the caller's next read or write
    // says what is wrong, and try again at the next wait.
    PushError(*state, batch);
    state->queued = true;
    update_queue_[kept++] = state;
  }
  update_queue_.resize(kept);
}

bool IocpDispatcher::HandleCompletion(const OVERLAPPED_ENTRY& entry,
                                      EventBatch& batch) {
  if (entry.lpOverlapped == nullptr) {
    wake_pending_.Clear();  // the packet was dequeued: consumed
    return true;
  }
  SocketState* state = StateOf(entry.lpOverlapped);
  state->poll_pending = false;
  state->cancel_requested = false;
  state->pending_events = 0;
  if (state->removed) {
    removed_.erase(state);
    FreeState(state);
    return false;
  }
  const afd::NtStatus status = state->request.io_status.status;
  const afd::PollInfo& info = state->request.info;
  if (status == afd::kStatusCancelled) {
    // Cancelled by a Modify: poll again with the new mask.
  } else if (status == afd::kStatusInvalidHandle) {
    state->closed = true;
    return false;
  } else if (afd::IsNtError(status)) {
    PushError(*state, batch);  // the request itself failed
  } else if (status == afd::kStatusSuccess && info.number_of_handles >= 1) {
    const ULONG events = info.handles[0].events;
    if ((events & afd::kLocalClose) != 0) {
      state->closed = true;  // closed while polled; Remove frees the state
      return false;
    }
    if (!batch.full()) {
      NativeReadiness readiness;
      readiness.readable = (events & (afd::kReceive | afd::kAccept)) != 0;
      readiness.writable = (events & afd::kSend) != 0;
      readiness.hangup = (events & afd::kDisconnect) != 0;
      readiness.error = (events & (afd::kAbort | afd::kConnectFail)) != 0;
      PushNormalizedEvent(state->interest, state->token, readiness, batch);
    }
  }
  QueueUpdate(state);
  return false;
}

absl::Status IocpDispatcher::WaitForEvents(absl::Duration timeout,
                                           EventBatch& batch) {
  batch.Clear();
  // Grows only when a larger batch than any before is passed in.
  if (entries_.size() < batch.capacity()) entries_.resize(batch.capacity());
  const WaitDeadline deadline(timeout);
  for (;;) {
    UpdateQueuedSockets(batch);
    if (batch.full()) return absl::OkStatus();
    DWORD milliseconds = INFINITE;
    if (!batch.empty()) {
      milliseconds = 0;  // errors to report already: only collect
    } else if (!deadline.forever()) {
      milliseconds = static_cast<DWORD>(TimeoutMilliseconds(deadline.Left()));
    }
    ULONG count = 0;
    if (!::GetQueuedCompletionStatusEx(
            port_, entries_.data(),
            static_cast<ULONG>(batch.capacity() - batch.size()), &count,
            milliseconds, FALSE)) {
      const DWORD error = ::GetLastError();
      if (error != WAIT_TIMEOUT) {
        return SystemErrorStatus(static_cast<int>(error),
                                 "GetQueuedCompletionStatusEx");
      }
      count = 0;  // Wine may say 1 here
    }
    bool woken = false;
    for (ULONG i = 0; i < count; ++i) {
      woken |= HandleCompletion(entries_[i], batch);
    }
    if (!batch.empty() || woken || deadline.Over()) return absl::OkStatus();
    // Woken by completions that made no event (a cancel, an event no longer
    // wanted) or a little early: wait for the rest of the timeout.
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateIocpDispatcher() {
  auto dispatcher = std::make_unique<IocpDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

}  // namespace asycamore
