// The connect driver's ENOBUFS retry (see connect_tcp.cc for the rest).
//
// ENOBUFS from connect() means the kernel had no memory to start the
// connect (Linux: no buffer for the SYN): nothing was sent, and readiness
// will never say when memory is back, so the driver waits on a timer and
// tries again, backing off, a bounded number of times; then the connect
// fails with ENOBUFS like any other immediate failure.
//
// Each attempt uses a new socket. POSIX says a socket whose connect failed
// is in an unspecified state and tells applications to close it and create
// a new one (early BSD manuals listed it as a bug); Stevens' portable
// connect_retry (APUE, 16.4) does just that. (Linux resets the socket to
// closed and would take a second connect, but nothing else promises it.)
// Neither libuv nor libevent retries: both hand ENOBUFS to the caller.
//
// The retry timer lives in the connection's immediate_timer_ slot, which is
// free while waiting (no outcome is known yet): so there is exactly one per
// connection, and Close() and the destructor cancel it with the others.
// Meanwhile the connection is kConnecting without a socket, registered
// nowhere, so nothing can wake the loop for it but the timer.
#include <utility>

#include "absl/time/time.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "internal.h"

namespace asycamore::internal {
namespace {

constexpr absl::Duration kFirstNoBuffersDelay = absl::Milliseconds(5);
// 5 ms doubling eight times: about 1.3 s of waiting in all.
constexpr int kMaxNoBuffersRetries = 8;

}  // namespace

bool ConnectDriver::RetryAfterNoBuffers(TcpConnection& target,
                                        const SocketAddress& address,
                                        SystemError error, int retries) {
  if (ClassifyError(SocketOp::kConnect, error) != ErrorClass::kNoBuffers ||
      retries >= kMaxNoBuffersRetries) {
    return false;
  }
  target.ReleaseSocket();
  target.state_ = ConnectionState::kConnecting;
  target.immediate_timer_ = target.loop_->RunAfter(
      kFirstNoBuffersDelay * (1 << retries), [&target, address, retries] {
        OnNoBuffersRetry(target, address, retries + 1);
      });
  return true;
}

void ConnectDriver::OnNoBuffersRetry(TcpConnection& target,
                                     const SocketAddress& address,
                                     int retries) {
  target.immediate_timer_ = TimerId();
  absl::StatusOr<OwnedSocket> socket = OpenTcpSocket(address.family());
  absl::Status status = socket.status();
  if (socket.ok()) {
    target.socket_ = *std::move(socket);
    status = Attempt(target, address, retries);
  }
  if (!status.ok()) {
    // No socket, or the loop refused it: the connect fails, and the code
    // says why.
    Deliver(target, /*success=*/false, /*immediate=*/false,
            SystemErrorForStatus(status));
  }
}

}  // namespace asycamore::internal
