// The README's tcpsocket example: an echo server and a client on one loop.
// The server is asycamore-echo's EchoConnection (tools/echo/echo_service.h):
// it echoes with backpressure (it stops reading while its write queue is
// above the high watermark) and, at the client's end, flushes its replies
// before it closes. The client sends a few lines and a payload far
// bigger than the socket buffers with WriteIterable, half-closes once they
// are sent, and reads the echo until the server's end. The program exits 0
// when every byte came back.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "echo_service.h"

using namespace asycamore;

// Client side: connect, send the items, half-close, read the echo.
class EchoClient : public TcpConnection {
 public:
  explicit EchoClient(std::vector<WriteItem> items)
      : items_(std::move(items)),
        reader_(*this, [this](std::string_view data) { echoed_.append(data); }) {}

  void dispatch_event(const Event& event) override {
    if (dispatch_state() == ConnectionState::kConnecting) {
      if (event.error) {  // refused, unreachable or timed out
        std::fprintf(stderr, "connect: %s\n", GetSockErr(*this).text.c_str());
        return;  // the library closes the connection
      }
      writer_ = std::make_unique<WriteIterable>(
          *this, ItemsFrom(std::move(items_)),
          [](const WriteItem& item, WriteFlags flags) {
            if (flags.sent()) std::printf("sent item %d\n", int(item.tag));
          },
          /*before_and_after=*/false,
          WriteOptions{.on_finish = [this](WriteProgress progress) {
            if (progress == WriteProgress::kDone) (void)Shutdown();  // FIN
          }});
      writer_->OnWritable();  // from here on the connection drives it
      return;
    }
    if (event.readable) reader_.OnReadable();  // at the server's end: close
  }

  const std::string& echoed() const { return echoed_; }

 private:
  std::vector<WriteItem> items_;
  DataReader reader_;
  std::unique_ptr<WriteIterable> writer_;
  std::string echoed_;
};

int main() {
  std::unique_ptr<EventLoop> loop = CreateEventLoop().value();

  auto server = ListenTcp("127.0.0.1", 0, 128);  // port 0: any free port
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->Start(*loop, EchoConnectionFactory()).IgnoreError();

  std::vector<WriteItem> items;
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    expected += line;
    items.emplace_back(std::move(line), i);
  }
  std::string payload(16 << 20, 'x');  // 16 MiB: backpressure on both ends
  expected += payload;
  items.emplace_back(std::move(payload), 3);

  EchoClient client(std::move(items));
  client.set_closer([&](TcpConnection&) { loop->Stop(); });
  absl::Status started =
      ConnectTcp(*loop, client, SocketAddress::Loopback4((*server)->local_port()),
                 {.timeout = absl::Seconds(5)});
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.ToString().c_str());
    return 1;
  }
  loop->RunAfter(absl::Seconds(30), [&] { loop->Stop(); });  // a safety net
  loop->Run().IgnoreError();

  std::printf("echoed back %zu of %zu bytes\n", client.echoed().size(),
              expected.size());
  return client.echoed() == expected ? 0 : 1;
}
