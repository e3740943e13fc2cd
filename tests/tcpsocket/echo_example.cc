// The README's tcpsocket example: an echo server and a client on one loop.
// The client sends a few lines with WriteIterable, reads the echo with
// DataReader and closes; the program exits 0 when every byte came back.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/tcpsocket.h"

using namespace asycamore;

// Server side: echo whatever arrives, in order.
class EchoConnection : public TcpConnection {
 public:
  EchoConnection(EventLoop& loop, NativeSocket socket, ConnectionCloser closer)
      : TcpConnection(loop, socket, std::move(closer)),
        reader_(*this, [this](absl::string_view data) {
          pending_.append(data.data(), data.size());
          Flush();
        }) {}

  void dispatch_event(const Event& event) override {
    if (event.readable) reader_.OnReadable();  // closes on the peer's end
    if (event.writable && dispatch_state() == ConnectionState::kConnected) {
      Flush();
    }
  }

 private:
  void Flush() {
    SocketWriter writer(pending_);
    while (!writer.done()) {
      if (!writer.Step(socket()).ok()) break;  // would block: wait, or error
    }
    pending_.erase(0, writer.sent());
    (void)WatchWrite(!pending_.empty());
  }

  DataReader reader_;
  std::string pending_;
};

// Client side: connect, send the lines, read the echo, close.
class EchoClient : public TcpConnection {
 public:
  explicit EchoClient(std::vector<WriteItem> lines, std::size_t expected)
      : lines_(std::move(lines)), expected_(expected) {}

  void dispatch_event(const Event& event) override {
    if (dispatch_state() == ConnectionState::kConnecting) {
      if (event.error) {  // refused, unreachable or timed out
        std::fprintf(stderr, "connect: %s\n", GetSockErr(*this).text.c_str());
        return;  // the library closes the connection
      }
      writer_ = std::make_unique<WriteIterable>(
          *this, ItemsFrom(std::move(lines_)),
          [](const WriteItem& item, WriteFlags flags) {
            if (flags.sent()) std::printf("sent line %d\n", int(item.tag));
          });
      reader_ = std::make_unique<DataReader>(
          *this, [this](absl::string_view data) {
            echoed_.append(data.data(), data.size());
            if (echoed_.size() == expected_) Close();  // all came back
          });
      writer_->OnWritable();
      return;
    }
    if (event.writable) writer_->OnWritable();
    if (event.readable && dispatch_state() == ConnectionState::kConnected) {
      reader_->OnReadable();
    }
  }

  const std::string& echoed() const { return echoed_; }

 private:
  std::vector<WriteItem> lines_;
  std::size_t expected_;
  std::unique_ptr<WriteIterable> writer_;
  std::unique_ptr<DataReader> reader_;
  std::string echoed_;
};

int main() {
  std::unique_ptr<EventLoop> loop = EventLoop::Create().value();

  auto server = ListenTcp("127.0.0.1", 0, 128);  // port 0: any free port
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->Start(*loop, [](NativeSocket socket, AcceptingSocket& server_state,
                             ConnectionCloser connection_closer) {
    return std::make_unique<EchoConnection>(*server_state.loop(), socket,
                                            std::move(connection_closer));
  }).IgnoreError();

  std::vector<WriteItem> lines;
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    expected += line;
    lines.emplace_back(std::move(line), i);
  }
  EchoClient client(std::move(lines), expected.size());
  client.set_closer([&](TcpConnection&) { loop->Stop(); });
  absl::Status started =
      ConnectTcp(*loop, client, SocketAddress::Loopback4((*server)->local_port()),
                 {.timeout = absl::Seconds(5)});
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.ToString().c_str());
    return 1;
  }
  loop->RunAfter(absl::Seconds(10), [&] { loop->Stop(); });  // a safety net
  loop->Run().IgnoreError();

  std::printf("echoed back: %s", client.echoed().c_str());
  return client.echoed() == expected ? 0 : 1;
}
