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
//    a UDP socket connected to itself on 127.0.0.1.
//  - A socket closed before it was removed makes the whole call fail with
//    WSAENOTSOCK. The wait then finds the closed ones (getsockopt fails),
//    reports each as an error event until it is removed, and selects again
//    without them so the other sockets are still served.
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
#include "asycamore/native_socket.h"  // first: it sets NOMINMAX and
                                      // WIN32_LEAN_AND_MEAN before <windows.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "asycamore/backend/readiness.h"
#include "asycamore/backend/system_error.h"
#include "asycamore/backend/wake_flag.h"
#include "select/select_dispatcher.h"

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

// Remove's answer when the socket was closed first (a misuse survived).
absl::Status ClosedBeforeRemove() {
  return absl::FailedPreconditionError(
      "the socket was closed before it was removed (remove first, then "
      "close); the registration is dropped");
}

// Ready flags of one socket in one wait.
constexpr std::uint8_t kReadable = 1;
constexpr std::uint8_t kWritable = 2;
constexpr std::uint8_t kFailed = 4;

// Rounds up to whole microseconds so a tiny timeout never becomes zero.
timeval RoundedTimeval(absl::Duration timeout) {
  const std::int64_t micros = absl::ToInt64Microseconds(
      absl::Ceil(std::max(timeout, absl::ZeroDuration()),
                 absl::Microseconds(1)));
  timeval tv;
  const std::int64_t seconds = std::min<std::int64_t>(micros / 1000000, LONG_MAX);
  tv.tv_sec = static_cast<long>(seconds);
  tv.tv_usec = static_cast<long>(micros % 1000000);
  return tv;
}

// A UDP socket connected to itself: a datagram sent to it makes it readable.
class WakeSocket {
 public:
  WakeSocket() = default;
  WakeSocket(const WakeSocket&) = delete;
  WakeSocket& operator=(const WakeSocket&) = delete;
  ~WakeSocket() {
    if (socket_ != INVALID_SOCKET) ::closesocket(socket_);
  }

  absl::Status Open() {
    socket_ = ::WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                           WSA_FLAG_NO_HANDLE_INHERIT);
    if (socket_ == INVALID_SOCKET) {
      return SystemErrorStatus(::WSAGetLastError(), "select wake-up: socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int length = sizeof(address);
    sockaddr* raw = reinterpret_cast<sockaddr*>(&address);
    if (::bind(socket_, raw, length) != 0 ||
        ::getsockname(socket_, raw, &length) != 0 ||
        ::connect(socket_, raw, length) != 0) {
      return SystemErrorStatus(::WSAGetLastError(),
                               "select wake-up: bind/connect 127.0.0.1");
    }
    u_long nonblocking = 1;
    if (::ioctlsocket(socket_, FIONBIO, &nonblocking) != 0) {
      return SystemErrorStatus(::WSAGetLastError(),
                               "select wake-up: ioctlsocket(FIONBIO)");
    }
    return absl::OkStatus();
  }

  SOCKET socket() const { return socket_; }

  // Makes socket() readable. Thread-safe; a signal that arrives while one is
  // pending costs no system call (wake_flag.h).
  void Signal() {
    if (!pending_.Raise()) return;
    const char byte = 1;
    // A full buffer means a datagram is already queued: nothing is lost.
    ::send(socket_, &byte, 1, 0);
  }

  // Consumes pending signals (on the waiting thread): read, then clear
  // (wake_flag.h says why).
  void Drain() {
    char buffer[16];
    while (::recv(socket_, buffer, sizeof(buffer), 0) > 0) {
    }
    pending_.Clear();
  }

 private:
  SOCKET socket_ = INVALID_SOCKET;
  WakeFlag pending_;
};

class SelectDispatcher final : public Dispatcher {
 public:
  SelectDispatcher() : Dispatcher(BackendKind::kSelect) {
    sockets_.reserve(kCapacity);
  }

  absl::Status Open() {
    if (absl::Status s = EnsureWinsock(); !s.ok()) return s;
    return wake_.Open();
  }

  void Wake() override { wake_.Signal(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest) override {
    if (sockets_.size() >= kCapacity) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "select on Windows watches at most ", kCapacity,
          " sockets (its FD_SETSIZE); use the iocp backend"));
    }
    // A closed or foreign handle is refused now; select() would only fail
    // the whole wait with it later.
    if (absl::Status s = CheckSocketOpen(socket); !s.ok()) return s;
    index_.emplace(socket, sockets_.size());
    sockets_.push_back(Entry{socket, interest});
    return absl::OkStatus();
  }

  absl::Status ModifyInBackend(NativeSocket socket, Interest,
                               Interest new_interest) override {
    // Not checked again (Add did): a getsockopt per interest change, for
    // what the wait finds anyway.
    sockets_[index_.at(socket)].interest = new_interest;
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
    if (!CheckSocketOpen(socket).ok()) return ClosedBeforeRemove();
    return absl::OkStatus();
  }

  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override;

 private:
  struct Entry {
    NativeSocket socket;
    Interest interest;
    bool closed = false;     // found closed after WSAENOTSOCK
    std::uint8_t ready = 0;  // kReadable | kWritable | kFailed, this wait
  };

  int Select(absl::Duration timeout, bool forever);
  // Marks registered sockets that were closed; returns how many it found.
  std::size_t FindClosedSockets();
  void MarkReady(const SocketSet& set, std::uint8_t flag);
  void PushReadyEvents(EventBatch& batch);

  WakeSocket wake_;
  std::vector<Entry> sockets_;
  absl::flat_hash_map<NativeSocket, std::size_t> index_;
  SocketSet read_set_;
  SocketSet write_set_;
  SocketSet except_set_;
  std::size_t cursor_ = 0;
};

int SelectDispatcher::Select(absl::Duration timeout, bool forever) {
  read_set_.Clear();
  write_set_.Clear();
  except_set_.Clear();
  read_set_.Add(wake_.socket());
  for (const Entry& entry : sockets_) {
    if (entry.closed) continue;
    if (WantsRead(entry.interest)) read_set_.Add(entry.socket);
    if (WantsWrite(entry.interest)) write_set_.Add(entry.socket);
    except_set_.Add(entry.socket);
  }
  timeval tv;
  timeval* tv_pointer = nullptr;
  if (!forever) {
    tv = RoundedTimeval(timeout);
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
    if (!CheckSocketOpen(entry.socket).ok()) {
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
  for (std::size_t scanned = 0; scanned < count; ++scanned) {
    const std::size_t index = (cursor_ + scanned) % count;
    Entry& entry = sockets_[index];
    if (entry.ready == 0 && !entry.closed) continue;
    if (!stopped && batch.full()) {
      cursor_ = index;  // start here next time
      stopped = true;
    }
    if (!stopped) {
      const Registration* registration = registrations().Find(entry.socket);
      if (registration != nullptr) {
        NativeReadiness readiness;
        readiness.readable = (entry.ready & kReadable) != 0;
        readiness.writable = (entry.ready & kWritable) != 0;
        readiness.error = (entry.ready & kFailed) != 0 || entry.closed;
        PushNormalizedEvent(entry.socket, *registration, readiness, batch);
      }
    }
    entry.ready = 0;
  }
}

absl::Status SelectDispatcher::WaitForEvents(absl::Duration timeout,
                                             EventBatch& batch) {
  batch.Clear();
  const bool forever = timeout == absl::InfiniteDuration();
  const absl::Time deadline =
      forever ? absl::InfiniteFuture()
              : absl::Now() + std::max(timeout, absl::ZeroDuration());
  for (;;) {
    bool any_closed = false;
    for (const Entry& entry : sockets_) any_closed |= entry.closed;
    // Closed sockets are ready now (as errors): do not block.
    const absl::Duration left =
        any_closed ? absl::ZeroDuration() : deadline - absl::Now();
    const int ready = Select(left, forever && !any_closed);
    if (ready == SOCKET_ERROR) {
      const int error = ::WSAGetLastError();
      if (error == WSAENOTSOCK && FindClosedSockets() > 0) continue;
      if (error == WSAEINTR) return absl::OkStatus();
      return SystemErrorStatus(error, "select");
    }
    bool woken = false;
    for (u_int i = 0; i < read_set_.fd_count; ++i) {
      if (read_set_.fd_array[i] == wake_.socket()) woken = true;
    }
    if (woken) wake_.Drain();
    MarkReady(read_set_, kReadable);
    MarkReady(write_set_, kWritable);
    MarkReady(except_set_, kFailed);
    PushReadyEvents(batch);
    if (!batch.empty() || woken || timeout <= absl::ZeroDuration()) {
      return absl::OkStatus();
    }
    if (!forever && absl::Now() >= deadline) return absl::OkStatus();
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
