// The echo workload's server on asycamore: the echo product's connection
// (tools/echo: TcpConnection's write queue, DataReader, backpressure,
// flush-then-close) behind an AcceptingSocket, on one backend's loop.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "echo_service.h"
#include "workloads/runners.h"

namespace asycamore::bench {

absl::Status ServeEchoAsycamore(const std::string& backend, int listen_fd) {
  OwnedSocket listener(listen_fd);
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  if (!loop.ok()) return loop.status();
  AcceptingSocket server(std::move(listener), SocketAddress::Loopback4(0));
  if (absl::Status s = server.Start(**loop, EchoConnectionFactory()); !s.ok()) {
    return s;
  }
  while (server.stats().accepted == 0 || server.connection_count() > 0) {
    absl::StatusOr<IterationResult> pass = (*loop)->Iterate(absl::Seconds(1));
    if (!pass.ok()) return pass.status();
  }
  return absl::OkStatus();
}

}  // namespace asycamore::bench
