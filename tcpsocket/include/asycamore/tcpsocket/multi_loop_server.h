// MultiLoopServer: one listening address served by every loop of a
// LoopGroup, one AcceptingSocket per loop.
//
//   auto group = LoopGroup::Create(4, [](int) { return CreateEventLoop(); });
//   auto server = MultiLoopServer::Listen(
//       **group, "0.0.0.0", 8080,
//       [](int index) -> ConnectionFactory { return EchoFactory(index); },
//       {.spreading = Spreading::kHandOff, .listen = {.no_delay = true}});
//   (*group)->Start();
//   ...
//   (*group)->Stop();
//   (*group)->Join();
//   server->reset();  // after Join: the servers belong to the loop threads
//
// Which to pick:
//   - kHandOff (the default): one listener, on loop 0, accepts and hands
//     each socket to the next loop in turn (loop 0 included) through that
//     loop's Post. Every loop gets the same number of connections whatever
//     their addresses, so with few long-lived connections (a load
//     generator's 64, a proxy's upstream pool) no core sits idle. It costs
//     one cross-thread post per connection, and loop 0 does all accepts.
//   - kReusePort: one SO_REUSEPORT listener per loop on the same port; the
//     kernel hashes each connection's addresses and ports to a listener.
//     No hand-off and no shared accept, which suits many short connections;
//     but the hash is not a balance: a handful of connections can land on
//     a few loops and leave the other cores idle (seastar and nginx both
//     note this), and a connection waiting in a busy loop's queue is not
//     taken by an idle one. Linux, DragonFly and FreeBSD only
//     (ReusePortSpreadsConnections()); elsewhere Listen fails with
//     kUnimplemented. On Linux, closing one listener resets the
//     connections still queued on it: stop serving by stopping all loops.
//
// Threads. The group must outlive the server. Listen is called before the
// group starts (it starts each AcceptingSocket on its loop from the calling
// thread). While the group runs, server(i) belongs to loop i's thread
// (reach it with a task posted there); StopAccepting() may be called from
// any thread. Destroy the MultiLoopServer after the group's threads are
// joined; destroying it while they run stops and joins the group first,
// since its servers and their connections live on those threads.
#ifndef ASYCAMORE_TCPSOCKET_MULTI_LOOP_SERVER_H_
#define ASYCAMORE_TCPSOCKET_MULTI_LOOP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/listen_options.h"

namespace asycamore {

// How a MultiLoopServer spreads connections over its loops (see above).
enum class Spreading : std::uint8_t {
  kHandOff,    // one listener hands each socket to the next loop in turn
  kReusePort,  // one SO_REUSEPORT listener per loop, the kernel picks
};

// "handoff" or "reuseport".
std::string_view SpreadingName(Spreading spreading);

struct MultiLoopOptions {
  Spreading spreading = Spreading::kHandOff;
  // For every listener; kReusePort turns reuse_port on.
  ListenOptions listen = {};
  // For every AcceptingSocket.
  AcceptOptions accept = {};
};

// Makes the connection factory of loop `index`, called once per loop, in
// index order, on the thread that calls Listen. Each factory then runs on
// its loop's thread only.
using ConnectionFactoryMaker =
    absl::AnyInvocable<ConnectionFactory(int index)>;

class MultiLoopServer {
 public:
  // Listens on `ip`:`port` (0: a free port, the same on every listener) and
  // starts one AcceptingSocket on every loop of `group`, which must not be
  // started yet. Fails, serving nothing, with a status naming the call and
  // the input, e.g. kUnimplemented for kReusePort where the OS has no
  // SO_REUSEPORT that spreads connections.
  static absl::StatusOr<std::unique_ptr<MultiLoopServer>> Listen(
      LoopGroup& group, std::string_view ip, int port,
      ConnectionFactoryMaker make_factory,
      const MultiLoopOptions& options = {});

  // Stops and joins the group if its threads still run (see above), then
  // destroys the servers and their connections.
  ~MultiLoopServer();

  MultiLoopServer(const MultiLoopServer&) = delete;
  MultiLoopServer& operator=(const MultiLoopServer&) = delete;

  Spreading spreading() const { return spreading_; }
  const SocketAddress& local_address() const { return local_address_; }
  std::uint16_t local_port() const { return local_address_.port(); }
  int size() const { return static_cast<int>(servers_.size()); }

  // The server of loop `index`: on that loop's thread only while the group
  // runs; anywhere before Start and after Join (e.g. to read its stats()).
  AcceptingSocket& server(int index) { return *servers_[index]; }

  // Stops accepting on every loop (AcceptingSocket::Stop, posted to each
  // loop's thread; a socket already handed over and not yet served is
  // closed). Connections being served go on. Any thread. Returns how many
  // loops took the request (a loop already gone does not).
  int StopAccepting();

 private:
  MultiLoopServer(LoopGroup& group, Spreading spreading)
      : group_(group), spreading_(spreading) {}
  absl::Status ListenAll(std::string_view ip, int port,
                         const MultiLoopOptions& options);
  absl::Status StartAll(ConnectionFactoryMaker& make_factory,
                        const AcceptOptions& options);

  LoopGroup& group_;
  Spreading spreading_;
  SocketAddress local_address_;
  // Shared so that a hand-off task still queued on a loop can tell that
  // its server is gone (HandOffTarget holds weak pointers).
  std::vector<std::shared_ptr<AcceptingSocket>> servers_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_MULTI_LOOP_SERVER_H_
