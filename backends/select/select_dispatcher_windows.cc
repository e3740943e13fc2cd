// Windows select() backend (Winsock).
//
// Quirks this file handles:
//  - A Winsock fd_set is not a bitmap but a count followed by an array of
//    SOCKETs, 64 of them unless FD_SETSIZE is defined before <winsock2.h>.
//    select() reads as many entries as the count says. Instead of
//    redefining FD_SETSIZE (it would have to come before the first
//    <winsock2.h> of every file, and asycamore/native_socket.h is public, so
//    it would become a compile definition forced on every user of the
//    library), the sets here are a struct of the same layout with room for
//    kCapacity sockets, passed as fd_set* (libevent's win32select.c does the
//    same). The capacity counts sockets, not handle values: Add refuses one
//    more with a clear error.
//  - A refused or failed nonblocking connect is reported only in exceptfds
//    (never as readable or writable, unlike POSIX). exceptfds are watched for
//    every socket and reported as an error: readable and writable, per the
//    contract, so SO_ERROR can tell. (TCP urgent data would be reported the
//    same way; asycamore does not use it.)
//  - select() with three empty sets fails with WSAEINVAL instead of
//    sleeping; the wake-up socket is always in the read set, so no set is
//    ever empty.
//  - There is no pipe to wake a select() with: Wake() sends one datagram to
//    a UDP socket connected to itself on 127.0.0.1 (support/wakeup_fd.h).
//  - A socket closed before it was removed makes the whole call fail with
//    WSAENOTSOCK. The wait then finds the closed ones (getsockopt fails),
//    reports each as an error event until it is removed, and selects again
//    without them so the other sockets are still served. Add refuses a
//    closed or foreign handle at once (the base class asks Winsock:
//    ClosedHandles::kByBase), so select() does not fail on it later.
//  - FD_ISSET is a linear search; the returned sets are walked once instead
//    and looked up by socket, so a wait costs O(registered), not O(n^2).
//  - The timeout is a timeval rounded up to whole microseconds; Windows
//    rounds it to its clock tick and may end the wait a little early, so a
//    wait that ends with nothing to report waits again for the rest.
//  - When more sockets are ready than the batch holds, the next wait starts
//    where this one stopped, so the first sockets cannot starve the others.
//  - Error values compared here (the tcpsocket layer's classification is
//    for socket calls, and the backends do not depend on it): WSAENOTSOCK
//    from select (a registered socket was closed, see above) and WSAEINTR
//    (an empty wait). Every other failure is returned as a status.
#include "asycamore/native_socket.h"

#include <winsock2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "select/select_dispatcher.h"
#include "support/readiness.h"
#include "support/wait_timeout.h"
#include "support/wakeup_fd.h"

namespace asycamore {
namespace {

// The most sockets one dispatcher watches (the wake-up socket comes extra).
constexpr std::size_t kCapacity = 1024;

// An fd_set with room for kCapacity sockets plus the wake-up socket.
struct SocketSet {
  u_int fd_count;
  SOCKET fd_array[kCapacity + 1];

  void Clear() { fd_count = 0; }
  void Add(SOCKET socket) { fd_array[fd_count++] = socket; }
  fd_set* native() { return reinterpret_cast<fd_set*>(this); }
};
static_assert(offsetof(SocketSet, fd_count) == offsetof(fd_set, fd_count));
static_assert(offsetof(SocketSet, fd_array) == offsetof(fd_set, fd_array));

// Ready flags of one socket in one wait.
constexpr std::uint8_t kReadable = 1;
constexpr std::uint8_t kWritable = 2;
constexpr std::uint8_t kFailed = 4;

class SelectDispatcher final : public Dispatcher {
 public:
  SelectDispatcher()
      : Dispatcher(BackendKind::kSelect, ClosedHandles::kByBase) {
    sockets_.reserve(kCapacity);
  }

  absl::Status Open() {
    if (absl::Status s = EnsureWinsock(); !s.ok()) return s;
    return wake_.Open();
  }

  void Wake() override { wake_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t token) override {
    if (sockets_.size() >= kCapacity) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "select on Windows watches at most ", kCapacity,
          " sockets (its FD_SETSIZE); use the iocp backend"));
    }
    index_.emplace(socket, sockets_.size());
    sockets_.push_back(Entry{socket, interest, token});
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest,
                               std::uint64_t token) override {
    // Not checked again (Add did): a getsockopt per interest change, for
    // what the wait finds anyway.
    Entry& entry = sockets_[index_.at(socket)];
    entry.interest = new_interest;
    entry.token = token;
    return absl::OkStatus();
  }

  absl::Status ChangeTokenInBackend(NativeSocket socket, Interest,
                                    std::uint64_t token) override {
    sockets_[index_.at(socket)].token = token;
    return absl::OkStatus();
  }

  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    auto it = index_.find(socket);
    const std::size_t index = it->second;
    index_.erase(it);
    if (index + 1 != sockets_.size()) {
      sockets_[index] = sockets_.back();
      index_[sockets_[index].socket] = index;
    }
    sockets_.pop_back();
    if (cursor_ >= sockets_.size()) cursor_ = 0;
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override;

 private:
  struct Entry {
    NativeSocket socket;
    Interest interest;
    std::uint64_t token;     // handed back in events: no lookup per event
    bool closed = false;     // found closed after WSAENOTSOCK
    std::uint8_t ready = 0;  // kReadable | kWritable | kFailed, this wait
  };

  int Select(absl::Duration timeout);
  // Marks registered sockets that were closed; returns how many it found.
  std::size_t FindClosedSockets();
  void MarkReady(const SocketSet& set, std::uint8_t flag);
  void PushReadyEvents(EventBatch& batch);

  WakeupFd wake_;
  std::vector<Entry> sockets_;
  absl::flat_hash_map<NativeSocket, std::size_t> index_;
  SocketSet read_set_;
  SocketSet write_set_;
  SocketSet except_set_;
  std::size_t cursor_ = 0;
};

int SelectDispatcher::Select(absl::Duration timeout) {
  read_set_.Clear();
  write_set_.Clear();
  except_set_.Clear();
  read_set_.Add(wake_.read_fd());
  for (const Entry& entry : sockets_) {
    if (entry.closed) continue;
    if (WantsRead(entry.interest)) read_set_.Add(entry.socket);
    if (WantsWrite(entry.interest)) write_set_.Add(entry.socket);
    except_set_.Add(entry.socket);
  }
  timeval tv;
  timeval* tv_pointer = nullptr;
  if (timeout != absl::InfiniteDuration()) {
    tv = TimeoutTimeval(timeout);
    tv_pointer = &tv;
  }
  // The first argument is ignored by Winsock.
  return ::select(0, read_set_.native(), write_set_.native(),
                  except_set_.native(), tv_pointer);
}

std::size_t SelectDispatcher::FindClosedSockets() {
  std::size_t found = 0;
  for (Entry& entry : sockets_) {
    if (entry.closed) continue;
    if (!IsOpenHandle(entry.socket)) {
      entry.closed = true;
      ++found;
    }
  }
  return found;
}

void SelectDispatcher::MarkReady(const SocketSet& set, std::uint8_t flag) {
  for (u_int i = 0; i < set.fd_count; ++i) {
    auto it = index_.find(set.fd_array[i]);
    if (it != index_.end()) sockets_[it->second].ready |= flag;
  }
}

void SelectDispatcher::PushReadyEvents(EventBatch& batch) {
  const std::size_t count = sockets_.size();
  bool stopped = false;
  // Round-robin from where the last full batch stopped, wrapped by a
  // subtraction, not a modulo. The start is kept apart from cursor_, which
  // moves when this batch fills: every entry's ready bits are still
  // cleared exactly once.
  const std::size_t start = cursor_ < count ? cursor_ : 0;
  for (std::size_t scanned = 0; scanned < count; ++scanned) {
    std::size_t index = start + scanned;
    if (index >= count) index -= count;
    Entry& entry = sockets_[index];
    if (entry.ready == 0 && !entry.closed) continue;
    if (!stopped && batch.full()) {
      cursor_ = index;  // start here next time
      stopped = true;
    }
    if (!stopped) {
      NativeReadiness readiness;
      readiness.readable = (entry.ready & kReadable) != 0;
      readiness.writable = (entry.ready & kWritable) != 0;
      readiness.error = (entry.ready & kFailed) != 0 || entry.closed;
      PushNormalizedEvent(entry.interest, entry.token, readiness, batch);
    }
    entry.ready = 0;
  }
}

absl::Status SelectDispatcher::WaitForEvents(absl::Duration timeout,
                                             EventBatch& batch) {
  batch.Clear();
  const WaitDeadline deadline(timeout);
  for (;;) {
    bool any_closed = false;
    for (const Entry& entry : sockets_) any_closed |= entry.closed;
    // Closed sockets are ready now (as errors): do not block.
    const int ready =
        Select(any_closed ? absl::ZeroDuration() : deadline.Left());
    if (ready == SOCKET_ERROR) {
      const int error = ::WSAGetLastError();
      if (error == WSAENOTSOCK && FindClosedSockets() > 0) continue;
      if (error == WSAEINTR) return absl::OkStatus();
      return SystemErrorStatus(error, "select");
    }
    bool woken = false;
    for (u_int i = 0; i < read_set_.fd_count; ++i) {
      if (read_set_.fd_array[i] == wake_.read_fd()) woken = true;
    }
    if (woken) wake_.Drain();
    MarkReady(read_set_, kReadable);
    MarkReady(write_set_, kWritable);
    MarkReady(except_set_, kFailed);
    PushReadyEvents(batch);
    if (!batch.empty() || woken || deadline.Over()) return absl::OkStatus();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateSelectDispatcher() {
  auto dispatcher = std::make_unique<SelectDispatcher>();
  if (absl::Status s = dispatcher->Open(); !s.ok()) return s;
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

std::size_t SelectHandleLimit() { return kCapacity; }

}  // namespace asycamore
