// The umbrella asycamore::asycamore: every layer at once. A loop on the
// default backend accepts a loopback connection made through ConnectTcp,
// then stops. Exits 0 when the connect succeeded and was accepted.
#include <cstdio>
#include <memory>
#include <string>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/tcpsocket.h"

namespace {

class Client : public asycamore::TcpConnection {
 public:
  void dispatch_event(const asycamore::Event& event) override {
    if (dispatch_state() == asycamore::ConnectionState::kConnecting) {
      connected = !event.error;
      loop()->Stop();
    }
  }
  bool connected = false;
};

}  // namespace

int main() {
  auto loop = asycamore::CreateEventLoop();
  if (!loop.ok()) {
    std::fprintf(stderr, "%s\n", loop.status().ToString().c_str());
    return 1;
  }
  auto server = asycamore::ListenTcp("127.0.0.1", 0, 8);
  if (!server.ok()) return 1;
  int accepted = 0;
  if (!(*server)
           ->Start(**loop,
                   [&](asycamore::OwnedSocket, asycamore::AcceptingSocket&,
                       asycamore::ConnectionCloser)
                       -> std::unique_ptr<asycamore::TcpConnection> {
                     ++accepted;
                     return nullptr;  // declined: the socket closes
                   })
           .ok()) {
    return 1;
  }
  Client client;
  if (!asycamore::ConnectTcp(**loop, client,
                             asycamore::SocketAddress::Loopback4(
                                 (*server)->local_port()),
                             {.timeout = absl::Seconds(5)})
           .ok()) {
    return 1;
  }
  (*loop)->RunAfter(absl::Seconds(5), [&] { (*loop)->Stop(); });
  if (!(*loop)->Run().ok() || !client.connected) return 1;
  // The accept may come in the same pass as the connect's result or later.
  for (int i = 0; i < 100 && accepted == 0; ++i) {
    if (!(*loop)->Iterate(absl::Milliseconds(10)).ok()) return 1;
  }
  client.Abort();
  server->reset();
  std::printf("asycamore: connected and accepted on %s\n",
              std::string((*loop)->backend_name()).c_str());
  return accepted == 1 ? 0 : 1;
}
