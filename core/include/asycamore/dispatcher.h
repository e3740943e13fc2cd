// The dispatcher contract: the one interface every readiness backend
// implements. This header is the specification; the backends and the
// conformance suite (tests/conformance/) are held to it.
//
// Operations
// ----------
//   Add(socket, interest, token)     start watching a socket
//   Modify(socket, interest, token)  change what is watched (and the token)
//   Remove(socket)                   stop watching; call before closing it
//   Wait(timeout, batch)             block until something is ready, the
//                                    timeout passes, or Wake() is called
//   Wake()                           make a Wait return early; any thread
//   name() / kind()                  which backend this is
//
// Tokens. The token is the caller's name for a registration: any value up
// to kMaxToken (2^62 - 1; the top two bits are the backend's, epoll keeps
// the interest there). It comes back in every event unchanged: an event
// names its registration by the token alone, as mio's do. Event::socket is
// left invalid by Wait; map the token to your socket (EventLoop does, with
// its one lookup per event, and fills socket in before dispatch_event).
// Where the system hands back per-socket data, the token lives there and
// the wait path reads no table: epoll_data, the poll array's index, the
// AFD poll's context (iocp). kqueue (which merges a socket's two filters by
// descriptor) and io_uring (whose re-arm needs the descriptor) find it by
// descriptor in the registration table, one lookup; POSIX select, which
// walks descriptors, does the same, and Windows select keeps it in its
// socket entry, found by one hash lookup per ready socket.
// Wait reports only tokens given to Add or Modify, but a token can outlive
// its registration in one case of misuse: on epoll, a socket closed before
// Remove while a duplicate of it is open stays in the kernel's set and goes
// on reporting its old token. A caller that reuses tokens (token = socket
// number is common) then sees the dead socket's readiness under the new
// registration's token; EventLoop never reuses one (a slot's generation
// changes when its registration ends). Remove before close.
//
// Readiness is level-triggered on every backend: a socket that is still
// readable (or writable) after an event is reported again by the next Wait,
// until the read (or write) drains it or the interest changes. Callers do not
// have to drain a socket completely; they may bound their work per event.
//
// Interest is kRead, kWrite or kReadWrite. kNone is refused: to stop
// watching, Remove. Modify keeps nothing of the old interest: turning write
// interest off is Modify(socket, kRead, token).
//
// Wait(timeout):
//   - timeout == absl::ZeroDuration(): poll once and return at once;
//   - timeout == absl::InfiniteDuration(): wait until ready or woken;
//   - otherwise wait at least that long, rounded up to the backend's clock
//     granularity (never down: a rounded-down timeout would spin).
//   It clears `batch`, then fills at most batch.capacity() events. Sockets
//   left out because the batch was full are reported by a later Wait.
//   Every event has readable or writable set (see event.h for the
//   normalisation of errors and hangups). A Wait that returns with no event
//   is not an error: timeouts, Wake() and signals (EINTR) all do that.
//   Wait never allocates; the one virtual call is paid per batch.
//
// Misuse is reported, never fatal: registering a socket twice, modifying or
// removing a socket that is not registered, an invalid handle, a closed
// handle given to Add, an empty interest and a token above kMaxToken all
// return an absl::Status
// whose message names the call, the socket and the backend, and leave the
// dispatcher as it was. A socket closed while registered is the one misuse
// found later, by whichever call next asks the system about it (see below):
// Modify does not look on poll, select, iocp and io_uring (the handle was
// checked at Add, and a check would cost a system call per interest
// change), epoll's and kqueue's own calls refuse it.
//
// Threads: one thread owns a dispatcher (Add/Modify/Remove/Wait). Wake() may
// be called from any thread, any number of times; wakes that arrive while
// one is pending are merged, by the one rule every backend shares
// (backends/support/wake_flag.h), which never loses a wake-up. The caller keeps the
// dispatcher alive while other threads may call Wake() (EventLoop's
// RemoteLoop does that for the loop).
//
// How the backends differ (all of them honour the contract above):
//
//   backend   native trigger    capacity           hangup hint     wait cost
//   --------  ----------------  -----------------  --------------  ---------
//   select    level             FD_SETSIZE (1024   never (the      O(max fd)
//                               on Linux; on       read decides)   (Windows:
//                               Windows 1024                       O(n))
//                               sockets, counted);
//                               Add refuses beyond
//   poll      level             open-file limit    POLLHUP,        O(n)
//                                                  POLLRDHUP
//   epoll     level (no ET)     open-file limit    EPOLLHUP,       O(ready)
//                                                  EPOLLRDHUP
//   kqueue    level (no        open-file limit     EV_EOF          O(ready)
//             EV_CLEAR); read                      (read filter;
//             and write                            write filter:
//             filters merged;                      peer stopped
//             each Add/Modify/                     reading, so
//             Remove is one                        writable)
//             kevent() with
//             EV_RECEIPT
//   iocp      emulated level:   memory             AFD_POLL_       O(ready)
//             one AFD poll per                     DISCONNECT
//             socket, re-armed
//             after delivery
//   io_uring  emulated level:   open-file limit    POLLRDHUP,      O(ready)
//             one one-shot                         POLLHUP
//             POLL_ADD per
//             socket, re-armed
//             after delivery
//             (multishot only
//             for the wake-
//             up); Add/Modify/
//             Remove are
//             queued and
//             submitted with
//             the next Wait
//
// io_uring is built on Linux when liburing is found, and runs only where
// the kernel allows it (probed at run time: no io_uring, a seccomp filter or
// the io_uring_disabled sysctl make it unavailable, with the reason). Its
// changes reach the kernel with the next Wait, so a poll that the system
// refuses later is reported as an error event (the base class has checked at
// Add that the handle is open).
//
// kqueue applies every change in the call that asks for it (one kevent()
// with EV_RECEIPT; a pair whose one change is refused is undone), so Add and
// Modify return the system's refusal as the contract says; it has run here
// only under libkqueue on Linux (see the README), not on a BSD or macOS
// kernel.
//
// A regular file is not a socket, and readiness means nothing for it; the
// backends differ: poll, select and io_uring accept one and report it
// readable and writable on every wait (a file never blocks); epoll refuses
// it (EPERM);
// kqueue's filters report a file readable while its offset is before the
// end (kqueue(2); not run here); on Windows, iocp and select refuse any
// handle that is not a socket. Use a file's own I/O instead.
//
// A socket closed while still registered (misuse: remove first) never
// stops the other sockets from being served, and Remove() always forgets it
// (returning FailedPrecondition or the system's EBADF to say it was closed
// first). Until then: poll and select report it as an error event on every
// wait (in turn with the ready sockets, so a small batch is not theirs
// alone), and accept a Modify of it; epoll and kqueue refuse the Modify
// (EBADF) and drop the socket silently (closing removes it from the kernel
// set, unless a duplicate of the descriptor is still open: then epoll keeps
// reporting it under its old token, which EventLoop drops as stale, so
// remove before close); iocp accepts the Modify,
// completes its poll with LOCAL_CLOSE and stops polling it. io_uring accepts
// the Modify, and its poll request holds the file: the socket stays open
// (its peer sees no FIN, its readiness is still reported) until Remove
// cancels the poll, so there too, remove before close.
//
// Spurious readiness is possible on every backend (another thread read the
// data first; a select/poll race with a peer reset). Treat an event as
// "try the operation", and treat "would block" as "wait again".
#ifndef ASYCAMORE_DISPATCHER_H_
#define ASYCAMORE_DISPATCHER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "asycamore/backend_kind.h"
#include "asycamore/event.h"
#include "asycamore/event_batch.h"
#include "asycamore/export.h"
#include "asycamore/native_socket.h"

#ifdef _WIN32
#include "absl/container/flat_hash_map.h"
#else
#include <vector>
#endif

namespace asycamore {

class ASYCAMORE_CORE_API Dispatcher {
 public:
  // The largest token Add and Modify take (see "Tokens" above).
  static constexpr std::uint64_t kMaxToken = (std::uint64_t{1} << 62) - 1;

  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  virtual ~Dispatcher() = default;

  // Starts watching `socket` for `interest`; events carry `token`.
  absl::Status Add(NativeSocket socket, Interest interest, std::uint64_t token);

  // Replaces the interest and token of a registered socket.
  absl::Status Modify(NativeSocket socket, Interest interest,
                      std::uint64_t token);

  // Stops watching `socket`. Call it before closing the socket. If the socket
  // was closed first, the registration is still dropped and the returned
  // status says so.
  absl::Status Remove(NativeSocket socket);

  // Waits for readiness; see the contract above.
  absl::Status Wait(absl::Duration timeout, EventBatch& batch) {
    return WaitForEvents(timeout, batch);
  }

  // Makes a current or the next Wait return early. Thread-safe.
  virtual void Wake() = 0;

  BackendKind kind() const { return kind_; }
  std::string_view name() const { return BackendName(kind_); }

  // Returns the number of registered sockets.
  std::size_t registered_count() const { return registrations_.size(); }
  // Returns whether `socket` is registered.
  bool IsRegistered(NativeSocket socket) const {
    return registrations_.Find(socket) != nullptr;
  }

 protected:
  // Who finds a closed handle. kBySystem: the backend's own calls refuse one
  // (epoll_ctl, kevent say EBADF). kByBase: they would accept one silently
  // (poll, select, AFD polls), so the base class asks the system, once at
  // Add (refused: a closed handle is misuse) and once after Remove (to say
  // the socket was closed first), never on the wait path or at Modify.
  enum class ClosedHandles : std::uint8_t { kBySystem, kByBase };

  Dispatcher(BackendKind kind, ClosedHandles closed_handles)
      : kind_(kind), closed_handles_(closed_handles) {}

  // Backend hooks. The base class has already checked the handle, the
  // interest, the token and the registration state (and, with kByBase, that
  // the handle is open); a hook only talks to the system and returns a
  // status describing the system's refusal (the base class adds the call,
  // socket and backend to the message). The token goes into the system's
  // user data (see "Tokens"). ModifyInBackend is called when the interest
  // changes, ChangeTokenInBackend when only the token does; its default
  // does nothing, which is right only for a backend that reads the token
  // from FindRegistration (one that keeps it must override it).
  virtual absl::Status AddToBackend(NativeSocket socket, Interest interest,
                                    std::uint64_t token) = 0;
  virtual absl::Status ModifyInBackend(NativeSocket socket, Interest old_interest,
                                       Interest new_interest,
                                       std::uint64_t token) = 0;
  virtual absl::Status ChangeTokenInBackend(NativeSocket /*socket*/,
                                            Interest /*interest*/,
                                            std::uint64_t /*token*/) {
    return absl::OkStatus();
  }
  virtual absl::Status RemoveFromBackend(NativeSocket socket,
                                         Interest old_interest) = 0;
  virtual absl::Status WaitForEvents(absl::Duration timeout,
                                     EventBatch& batch) = 0;

  // What a registered socket asked for.
  struct Registration {
    Interest interest = Interest::kNone;  // kNone marks a free entry
    std::uint64_t token = 0;
  };

  // Returns the registration of `socket`, or nullptr (for backends whose
  // system hands back the descriptor rather than user data: POSIX select,
  // kqueue's merging of its two filters, io_uring's re-arm).
  const Registration* FindRegistration(NativeSocket socket) const {
    return registrations_.Find(socket);
  }

  // Returns whether `socket` is an open handle (one system call).
  static bool IsOpenHandle(NativeSocket socket);

  // Remove's status when the socket was closed before it was removed (the
  // registration is dropped all the same), for a backend whose own call
  // found that out (kqueue's EV_DELETE).
  static absl::Status ClosedBeforeRemoveError();

 private:
  // What the dispatcher knows about each registered socket. On POSIX,
  // descriptors are small and dense, so it is a vector indexed by
  // descriptor: a lookup per event is one bounds check and one load.
  // Windows SOCKETs are not dense, so there it is a hash map.
  class RegistrationTable {
   public:
    const Registration* Find(NativeSocket socket) const {
#ifdef _WIN32
      auto it = entries_.find(socket);
      return it == entries_.end() ? nullptr : &it->second;
#else
      if (socket < 0 || static_cast<std::size_t>(socket) >= entries_.size()) {
        return nullptr;
      }
      const Registration& entry = entries_[static_cast<std::size_t>(socket)];
      return entry.interest == Interest::kNone ? nullptr : &entry;
#endif
    }
    // Records or replaces the registration of `socket`.
    void Set(NativeSocket socket, Interest interest, std::uint64_t token);
    // Forgets `socket`, which must be registered.
    void Erase(NativeSocket socket);
    std::size_t size() const { return size_; }

   private:
#ifdef _WIN32
    absl::flat_hash_map<NativeSocket, Registration> entries_;
#else
    std::vector<Registration> entries_;
#endif
    std::size_t size_ = 0;
  };

  absl::Status CheckHandle(const char* call, NativeSocket socket) const;
  absl::Status CheckInterest(const char* call, NativeSocket socket,
                             Interest interest) const;
  absl::Status CheckToken(const char* call, NativeSocket socket,
                          Interest interest, std::uint64_t token) const;

  BackendKind kind_;
  ClosedHandles closed_handles_;
  RegistrationTable registrations_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_DISPATCHER_H_
