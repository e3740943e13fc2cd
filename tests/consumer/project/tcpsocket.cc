// asycamore::tcpsocket (and core), without any backend: addresses, error
// classes and a listening socket need no loop. Exits 0 when a listener on a
// free loopback port was made and the classification answers as documented.
#include <cstdio>

#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/error_class.h"
#include "asycamore/tcpsocket/socket_address.h"

int main() {
  auto address = asycamore::SocketAddress::Parse("::1", 8080);
  if (!address.ok() || address->port() != 8080) return 1;
  if (asycamore::SocketAddress::Parse("localhost", 80).ok()) return 1;  // numeric only
  if (asycamore::ClassifyError(asycamore::SocketOp::kRead,
                               asycamore::kNoSystemError) !=
      asycamore::ErrorClass::kNone) {
    return 1;
  }
  auto server = asycamore::ListenTcp("127.0.0.1", 0, 8);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  if ((*server)->local_port() == 0) return 1;
  std::printf("tcpsocket: listening on %s\n",
              (*server)->local_address().ToString().c_str());
  return 0;
}
