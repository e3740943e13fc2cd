// ConnectTcp: the nonblocking connect rules of tcp_connection.h.
//
// How the result is found:
//   connect() returns 0 or a failure at once (0: a loopback connect on
//     illumos or OpenBSD; a failure: a loopback refusal on FreeBSD or
//     Solaris, no free local port): the outcome is stored and a zero-delay
//     timer delivers it on the next loop iteration. (Linux and Windows
//     always report a TCP connect as in progress, loopback included.) The
//     socket is registered for reading meanwhile; if an event comes first
//     (the peer sent data at once), it delivers the stored outcome instead
//     and cancels the timer, so it arrives exactly once.
//   connect() says "in progress" (EINPROGRESS, or EINTR): the socket is
//     registered for writing. Success makes it writable; failure makes it
//     readable and writable with an error pending. On each wake-up SO_ERROR
//     decides: non-zero is the failure (and reading it clears it, so the
//     code is kept in connect_error()); zero and a peer (getpeername) is
//     success; zero and no peer yet is a spurious wake: keep waiting.
//   connect() says ENOBUFS: the connect never started; a timer tries again
//     with a new socket (connect_retry.cc).
//   A timeout timer turns a connect still pending into ETIMEDOUT.
// Every timer is cancelled by Close() and by the destructor, so a result
// never reaches a closed or destroyed target.
#include "asycamore/tcpsocket/connect_tcp.h"

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "asycamore/tcpsocket/socket_ops.h"
#include "internal.h"

namespace asycamore {
namespace internal {

absl::Status ConnectDriver::Start(EventLoop& loop, TcpConnection& target,
                                  const SocketAddress& address,
                                  const ConnectOptions& options) {
  const auto fail = [&](const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat("ConnectTcp(", address.ToString(),
                                     "): ", status.message()));
  };
  if (!address.valid()) {
    return absl::InvalidArgumentError("ConnectTcp: the address is empty");
  }
  if (target.state_ != ConnectionState::kClosed || target.socket_.valid()) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat("the target is ", AsAbsl(ConnectionStateName(target.state_)),
                     ", not closed")));
  }
  absl::StatusOr<OwnedSocket> socket = OpenTcpSocket(address.family());
  if (!socket.ok()) return fail(socket.status());

  target.loop_ = &loop;
  target.socket_ = *std::move(socket);
  target.connect_error_ = kNoSystemError;
  target.last_error_ = kNoSystemError;
  ++target.connect_attempt_;
  if (absl::Status status = Attempt(target, address, /*retries=*/0);
      !status.ok()) {
    return fail(status);
  }
  if (options.timeout != absl::InfiniteDuration()) {
    target.timeout_timer_ =
        loop.RunAfter(options.timeout, [&target] { OnTimeout(target); });
  }
  return absl::OkStatus();
}

absl::Status ConnectDriver::Attempt(TcpConnection& target,
                                    const SocketAddress& address,
                                    int retries) {
  // Called once per socket, whatever it returns: after EINTR the connect
  // goes on in the background and a second call would fail (EALREADY).
  const SystemError error =
      CurrentSocketOps().connect(target.socket_.get(), address);
  if (RetryAfterNoBuffers(target, address, error, retries)) {
    return absl::OkStatus();
  }
  const bool at_once = error == kNoSystemError ||
                       ClassifyError(SocketOp::kConnect, error) !=
                           ErrorClass::kInProgress;
  // kClosed on the first attempt, kConnecting on an ENOBUFS retry (whose
  // failure is then delivered as the connect's result).
  const ConnectionState before = target.state_;
  target.connect_interest_ = at_once ? Interest::kRead : Interest::kWrite;
  target.state_ = ConnectionState::kConnecting;
  if (absl::Status status = target.UpdateRegistration(); !status.ok()) {
    target.state_ = before;
    target.connect_interest_ = Interest::kNone;
    target.ReleaseSocket();
    return status;
  }
  if (at_once) {
    target.connect_completed_at_once_ = true;
    target.immediate_error_ = error;
    target.immediate_timer_ = target.loop_->RunAfter(
        absl::ZeroDuration(), [&target] { OnImmediateTimer(target); });
  }
  return absl::OkStatus();
}

void ConnectDriver::OnImmediateTimer(TcpConnection& target) {
  target.immediate_timer_ = TimerId();
  if (target.state_ != ConnectionState::kConnecting ||
      !target.connect_completed_at_once_) {
    return;
  }
  Deliver(target, target.immediate_error_ == kNoSystemError,
          /*immediate=*/true, target.immediate_error_);
}

void ConnectDriver::OnTimeout(TcpConnection& target) {
  target.timeout_timer_ = TimerId();
  if (target.state_ != ConnectionState::kConnecting) return;
  Deliver(target, /*success=*/false, /*immediate=*/false, TimedOutError());
}

void ConnectDriver::OnEvent(TcpConnection& target, const Event& event) {
  (void)event;  // the flags are hints; SO_ERROR and getpeername decide
  if (target.connect_completed_at_once_) {
    // The outcome is already known; this event merely came before the
    // zero-delay timer in the same iteration.
    Deliver(target, target.immediate_error_ == kNoSystemError,
            /*immediate=*/true, target.immediate_error_);
    return;
  }
  const SocketOps& ops = CurrentSocketOps();
  const PendingError pending = ops.take_pending_error(target.socket_.get());
  const SystemError failure = pending.call_error != kNoSystemError
                                  ? pending.call_error
                                  : pending.pending;
  if (failure != kNoSystemError) {
    Deliver(target, /*success=*/false, /*immediate=*/false, failure);
    return;
  }
  const SystemError check = ops.check_connected(target.socket_.get());
  if (check == kNoSystemError) {
    Deliver(target, /*success=*/true, /*immediate=*/false, kNoSystemError);
    return;
  }
  switch (ClassifyError(SocketOp::kConnectCheck, check)) {
    case ErrorClass::kInProgress:   // spurious wake: not connected yet
    case ErrorClass::kInterrupted:  // ask again on the next event
      return;
    default:
      Deliver(target, /*success=*/false, /*immediate=*/false, check);
      return;
  }
}

void ConnectDriver::Deliver(TcpConnection& target, bool success,
                            bool immediate, SystemError error) {
  target.CancelConnectTimers();
  Event event;
  event.socket = target.socket_.get();
  if (success) {
    // From now on the target reads; writing is watched while bytes are
    // queued (Send during kConnecting) or the target asked for it.
    target.connect_interest_ = Interest::kNone;
    target.want_read_ = true;
    if (absl::Status status = target.UpdateRegistration(); !status.ok()) {
      // Connected, but the loop will not watch the socket: a failed connect,
      // with a code that says why (GetSockErr must not say "no error").
      success = false;
      error = SystemErrorForStatus(status);
    }
  }
  if (success) {
    event.readable = immediate;  // the seed's immediate-connect event
    event.writable = !immediate;
  } else {
    target.connect_error_ = error;
    event.readable = true;
    event.writable = true;
    event.error = true;
  }
  const std::uint32_t attempt = target.connect_attempt_;
  TcpConnection::AliveGuard alive(target);
  target.dispatch_event(event);
  if (!alive.alive()) return;
  // The target may have closed (or closed and reconnected) in its handler.
  if (target.state_ != ConnectionState::kConnecting ||
      target.connect_attempt_ != attempt) {
    return;
  }
  if (success) {
    target.OnConnected();  // kConnected; what Send queued goes out
  } else {
    target.last_error_ = error;
    target.Teardown();
  }
}

}  // namespace internal

absl::Status ConnectTcp(EventLoop& loop, TcpConnection& target,
                        const SocketAddress& address,
                        const ConnectOptions& options) {
  return internal::ConnectDriver::Start(loop, target, address, options);
}

}  // namespace asycamore
