// SocketOps: the system calls the tcpsocket drivers make, as a table of
// function pointers. The default table makes the real calls; tests swap in
// a table that injects EINTR, EAGAIN, ENOBUFS, short reads and short writes
// at exactly the call they want (ScopedSocketOps). When nothing is swapped
// the cost is one indirect call per system call.
//
// Every entry reports failure as a SystemError value instead of through
// errno, so an injected failure needs no global state and the same table
// shape serves Windows (WSAGetLastError) unchanged.
#ifndef ASYCAMORE_TCPSOCKET_SOCKET_OPS_H_
#define ASYCAMORE_TCPSOCKET_SOCKET_OPS_H_

#include <cstddef>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/socket_address.h"

namespace asycamore {

// A byte range to send (one element of a gathered write).
struct ConstBuffer {
  const void* data = nullptr;
  std::size_t size = 0;
};

// The outcome of one read or write call: `bytes` moved, or `error` != 0.
struct IoResult {
  std::size_t bytes = 0;
  SystemError error = kNoSystemError;
};

// The outcome of one accept call: a new nonblocking, close-on-exec socket,
// or `error` != 0.
struct AcceptedSocket {
  NativeSocket socket = kInvalidSocket;
  SystemError error = kNoSystemError;
};

// The outcome of reading SO_ERROR: the pending error (consumed by the read),
// or `call_error` when getsockopt itself failed.
struct PendingError {
  SystemError pending = kNoSystemError;
  SystemError call_error = kNoSystemError;
};

struct SocketOps {
  // Reads at most `size` bytes (recv). bytes == 0 with no error: the end.
  IoResult (*receive)(NativeSocket socket, void* buffer, std::size_t size);
  // Sends the buffers in order with one call (sendmsg/WSASend); never raises
  // SIGPIPE. `count` is at most kMaxSendBuffers.
  IoResult (*send)(NativeSocket socket, const ConstBuffer* buffers,
                   std::size_t count);
  // Starts a connect; returns 0 or the error (EINPROGRESS...).
  SystemError (*connect)(NativeSocket socket, const SocketAddress& address);
  // Accepts one connection, nonblocking and close-on-exec.
  AcceptedSocket (*accept)(NativeSocket listener);
  // Reads and clears SO_ERROR.
  PendingError (*take_pending_error)(NativeSocket socket);
  // Returns 0 if `socket` has a peer (its connect finished), else the error
  // (ENOTCONN while a connect is still going on).
  SystemError (*check_connected)(NativeSocket socket);
};

// The most buffers one send call takes (IOV_MAX is at least 16 on POSIX;
// Linux and the BSDs allow 1024).
inline constexpr std::size_t kMaxSendBuffers = 64;

// Returns the table of real system calls for this OS.
ASYCAMORE_TCPSOCKET_API const SocketOps& SystemSocketOps();

namespace internal {
extern ASYCAMORE_TCPSOCKET_API const SocketOps* current_socket_ops;
}  // namespace internal

// Returns the table the drivers use now.
inline const SocketOps& CurrentSocketOps() {
  return *internal::current_socket_ops;
}

// Swaps in `ops` for the lifetime of the object (tests only). Not
// thread-safe: create it on the thread running the loops, while no other
// thread makes socket calls through the table.
class ASYCAMORE_TCPSOCKET_API ScopedSocketOps {
 public:
  explicit ScopedSocketOps(const SocketOps& ops)
      : previous_(internal::current_socket_ops) {
    internal::current_socket_ops = &ops;
  }
  ~ScopedSocketOps() { internal::current_socket_ops = previous_; }
  ScopedSocketOps(const ScopedSocketOps&) = delete;
  ScopedSocketOps& operator=(const ScopedSocketOps&) = delete;

 private:
  const SocketOps* previous_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCKET_OPS_H_
