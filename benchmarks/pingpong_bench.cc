// pingpong/<backend>/bytes:<size>/reads:<r>: one message bounced over a
// loopback TCP connection through the tcpsocket layer: the client connects
// with ConnectTcp, the server is a ListenTcp AcceptingSocket running
// workloads/echo_connection.h, both ends read with DataReader (at most r
// reads per event) and write with TcpConnection::Send (the connection's
// queue, which sends at once while it is empty), all on one loop. One iteration is one round trip (two events).
// pingpong/raw_epoll/bytes:<size> is the floor: the same sockets driven by
// a bare epoll_wait loop with one recv and one send per event.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "registry.h"
#include "workloads/alloc_counter.h"
#include "workloads/echo_connection.h"

namespace asycamore::bench {
namespace {

DataReaderOptions ReaderOptions(int reads_per_event) {
  DataReaderOptions options;
  options.max_reads_per_event = reads_per_event;
  return options;
}

class PingClient final : public TcpConnection {
 public:
  explicit PingClient(int reads_per_event)
      : reader_(
            *this, [this](std::string_view data) { received += data.size(); },
            ReaderOptions(reads_per_event)) {}

  void dispatch_event(const Event& event) override {
    if (dispatch_state() == ConnectionState::kConnecting) {
      (event.error ? failed : connected) = true;
      return;
    }
    if (event.readable) reader_.OnReadable();
  }

  absl::Status StartReading() { return reader_.Start(); }

  bool connected = false;
  bool failed = false;
  std::size_t received = 0;

 private:
  DataReader reader_;
};

void PingPong(benchmark::State& state, std::string backend, std::size_t size,
              int reads_per_event) {
  absl::StatusOr<std::unique_ptr<EventLoop>> created =
      EventLoop::Create({.backend = backend});
  if (!created.ok()) {
    state.SkipWithError(created.status().ToString().c_str());
    return;
  }
  EventLoop& loop = **created;
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  if (!server.ok()) {
    state.SkipWithError(server.status().ToString().c_str());
    return;
  }
  absl::Status started = (*server)->Start(loop, EchoFactory(reads_per_event));
  PingClient client(reads_per_event);
  if (!started.ok() ||
      !ConnectTcp(loop, client, SocketAddress::Loopback4((*server)->local_port()))
           .ok()) {
    state.SkipWithError("cannot start the server or the connect");
    return;
  }
  for (int i = 0; i < 1000 && (!client.connected ||
                               (*server)->connection_count() == 0);
       ++i) {
    if (client.failed || !loop.Iterate(absl::Milliseconds(10)).ok()) break;
  }
  if (!client.connected || (*server)->connection_count() == 0 ||
      !client.StartReading().ok()) {
    state.SkipWithError("the loopback connection was not established");
    return;
  }
  const std::string message(size, 'p');
  const AllocationCounts before = CurrentAllocations();
  for (auto _ : state) {
    client.received = 0;
    if (!client.Send(message).ok()) {
      state.SkipWithError("send failed");
      break;
    }
    while (client.received < size) {
      absl::StatusOr<IterationResult> pass = loop.Iterate(absl::Seconds(1));
      if (!pass.ok() || pass->events == 0) {
        state.SkipWithError("no reply within a second");
        return;
      }
    }
  }
  if (AllocationCountingEnabled() && state.iterations() > 0) {
    state.counters["allocs_per_roundtrip"] =
        static_cast<double>(CurrentAllocations().allocations -
                            before.allocations) /
        static_cast<double>(state.iterations());
  }
  client.Abort();
  (*server)->AbortAllConnections();
}

#ifdef __linux__
void PingPongRawEpoll(benchmark::State& state, std::size_t size) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0 || client < 0 ||
      ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 16) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    state.SkipWithError("loopback set-up failed");
    return;
  }
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (int fd : {server, client}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  const std::string message(size, 'p');
  char buffer[8192];
  epoll_event events[256];
  for (auto _ : state) {
    std::size_t received = 0;
    if (::send(client, message.data(), size, MSG_NOSIGNAL) !=
        static_cast<ssize_t>(size)) {
      state.SkipWithError("send failed");
      break;
    }
    while (received < size) {
      const int ready = ::epoll_wait(ep, events, 256, 1000);
      if (ready <= 0) {
        state.SkipWithError("no reply within a second");
        break;
      }
      for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) continue;
        if (fd == server) {
          ::send(server, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL);
        } else {
          received += static_cast<std::size_t>(got);
        }
      }
    }
  }
  for (int fd : {ep, server, client, listener}) ::close(fd);
}
#endif  // __linux__

}  // namespace

void RegisterPingPongBenchmarks() {
  for (std::size_t size : {64, 4096}) {
    for (const std::string& backend : RunnableBackends()) {
      for (int reads : {1, 16}) {
        benchmark::RegisterBenchmark(
            absl::StrCat("pingpong/", backend, "/bytes:", size, "/reads:", reads)
                .c_str(),
            PingPong, backend, size, reads)
            ->UseRealTime();
      }
    }
#ifdef __linux__
    benchmark::RegisterBenchmark(
        absl::StrCat("pingpong/raw_epoll/bytes:", size).c_str(), PingPongRawEpoll,
        size)
        ->UseRealTime();
#endif
  }
}

}  // namespace asycamore::bench
