// ConnectTcp: the seed's connect_tcp, a nonblocking TCP connect whose result
// reaches the target through its dispatch_event.
//
//   class Client : public TcpConnection {
//     void dispatch_event(const Event& event) override {
//       if (dispatch_state() == ConnectionState::kConnecting) {
//         if (event.error) { Report(GetSockErr(*this)); return; }  // closes
//         ... connected: start writing
//         return;
//       }
//       ...
//     }
//   };
//   Client client;
//   ConnectTcp(loop, client, SocketAddress::Loopback4(port),
//              {.timeout = absl::Seconds(5)});
//
// Rules (see tcp_connection.h for the states):
//   - A connect that completes at once (a loopback connect on illumos or
//     OpenBSD; Linux and Windows always report a TCP connect as in
//     progress) is reported as {readable, !writable, !error}, exactly once,
//     on a later loop iteration (a zero-delay timer), never from inside
//     ConnectTcp.
//   - A connect refused at once is reported on a later iteration too, as
//     {readable, writable, error}, with the code kept for GetSockErr.
//   - EINTR from connect means the connect goes on; connect is never called
//     twice on one socket.
//   - ENOBUFS from connect (POSIX) means it never started: it is tried again
//     on a timer, with a new socket, a few times before it fails.
//   - No free local port (EADDRNOTAVAIL, EAGAIN; WSAEADDRNOTAVAIL,
//     WSAENOBUFS) is a failure whose class, ClassifyError(SocketOp::kConnect,
//     connect_error()), is kAddressesExhausted: connect again later.
//   - On a wake-up, SO_ERROR decides: non-zero is a failure; zero with a
//     peer is success; zero without one is a spurious wake and the wait goes
//     on.
//   - With a timeout, a connect still pending then fails with ETIMEDOUT.
//   - Closing or destroying the target before the result was delivered
//     cancels the delivery.
#ifndef ASYCAMORE_TCPSOCKET_CONNECT_TCP_H_
#define ASYCAMORE_TCPSOCKET_CONNECT_TCP_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/export.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {

struct ConnectOptions {
  // How long the connect may take before it fails with ETIMEDOUT.
  absl::Duration timeout = absl::InfiniteDuration();
};

// Starts connecting `target` to `address` on `loop`; the target's state
// becomes kConnecting. Returns an error (and leaves the target kClosed) when
// the connect cannot even start: the target is not kClosed, no socket could
// be created, or the loop refused the socket. A refused or failed connect is
// not an error here: it is reported through dispatch_event.
ASYCAMORE_TCPSOCKET_API
absl::Status ConnectTcp(EventLoop& loop, TcpConnection& target,
                        const SocketAddress& address,
                        const ConnectOptions& options = {});

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_CONNECT_TCP_H_
