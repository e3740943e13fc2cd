// EchoConnection: an echo server's connection on the tcpsocket layer,
// written the way a product writes it: DataReader into Send, reading paused
// while the write queue is above its high watermark, and the graceful close
// DataReader makes at the peer's end. Shared by the ping-pong and
// idle-connection benchmarks so both measure the same connection.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_CONNECTION_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_CONNECTION_H_

#include <memory>
#include <string_view>
#include <utility>

#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore::bench {

class EchoConnection final : public TcpConnection {
 public:
  EchoConnection(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer,
                 int reads_per_event)
      : TcpConnection(
            loop, std::move(socket), std::move(closer),
            {.on_write_blocked = [](TcpConnection& c) { c.PauseReading(); },
             .on_drained = [](TcpConnection& c) { c.ResumeReading(); }}),
        reader_(*this, [this](std::string_view data) { (void)Send(data); },
                {.max_reads_per_event = reads_per_event}) {}

  void dispatch_event(const Event& event) override {
    if (event.readable) reader_.OnReadable();
  }

 private:
  DataReader reader_;
};

// Returns a factory that makes an EchoConnection of every accepted socket.
inline ConnectionFactory EchoFactory(int reads_per_event) {
  return [reads_per_event](OwnedSocket socket, AcceptingSocket& server_state,
                           ConnectionCloser closer) {
    return std::make_unique<EchoConnection>(*server_state.loop(),
                                            std::move(socket),
                                            std::move(closer), reads_per_event);
  };
}

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_CONNECTION_H_
