// The echo server's logic, written once: asycamore-echo serves it, the
// tests in tests/echo drive it, and the README shows it.
//
//   (*server)->Start(loop, EchoConnectionFactory());
//
// Each connection sends back every byte it reads, in order. Backpressure:
// when its write queue rises above the high watermark (the peer reads more
// slowly than it writes) it stops reading until the queue has drained to
// the low watermark, so a peer that never reads holds at most one read
// past the high watermark, not the whole stream. At the peer's end
// (its FIN) it flushes what is still queued, sends its own FIN and closes:
// no byte is lost, however long the flush takes.
#ifndef ASYCAMORE_TOOLS_ECHO_ECHO_SERVICE_H_
#define ASYCAMORE_TOOLS_ECHO_ECHO_SERVICE_H_

#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {

class EchoConnection : public TcpConnection {
 public:
  // Adopts an accepted socket; start it reading with WatchRead(true) (an
  // AcceptingSocket does so for the connections its factory returns).
  // The write queue's watermarks are ConnectionOptions' defaults.
  EchoConnection(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer);

  void dispatch_event(const Event& event) override;

 private:
  DataReader reader_;
};

// The factory AcceptingSocket::Start takes: an EchoConnection per accepted
// socket, on the server's loop.
ConnectionFactory EchoConnectionFactory();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_ECHO_ECHO_SERVICE_H_
