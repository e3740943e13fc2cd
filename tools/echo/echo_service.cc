#include "echo_service.h"

#include <memory>
#include <string_view>
#include <utility>

#include "absl/time/time.h"

namespace asycamore {

EchoConnection::EchoConnection(EventLoop& loop, OwnedSocket socket,
                               ConnectionCloser closer)
    : TcpConnection(
          loop, std::move(socket), std::move(closer),
          {.on_write_blocked = [](TcpConnection& c) { c.PauseReading(); },
           .on_drained = [](TcpConnection& c) { c.ResumeReading(); }}),
      // Send only fails once the connection is closing or closed (an error
      // aborted it); the closer then reports that, so the status is dropped.
      reader_(*this, [this](std::string_view data) { (void)Send(data); },
              // At the peer's end: flush, FIN, close. No deadline: a peer
              // that stops reading is backpressure, not a reason to drop
              // its bytes; a peer that is gone ends the flush with an error.
              {.close_timeout = absl::InfiniteDuration()}) {}

void EchoConnection::dispatch_event(const Event& event) {
  if (event.readable) reader_.OnReadable();  // at the end: flush, FIN, close
}

ConnectionFactory EchoConnectionFactory() {
  return
      [](OwnedSocket socket, AcceptingSocket& server_state,
         ConnectionCloser connection_closer) -> std::unique_ptr<TcpConnection> {
        return std::make_unique<EchoConnection>(*server_state.loop(),
                                                std::move(socket),
                                                std::move(connection_closer));
      };
}

}  // namespace asycamore
