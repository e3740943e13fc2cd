#include "test_http_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "gtest/gtest.h"

namespace asycamore::testing {

std::string BodyFor(std::string_view target) {
  return absl::StrCat("body of ",
                      absl::string_view(target.data(), target.size()));
}

std::string OkResponse(std::string_view target) {
  const std::string body = BodyFor(target);
  return absl::StrCat("HTTP/1.1 200 OK\r\nContent-Length: ", body.size(),
                      "\r\n\r\n", body);
}

class TestHttpServer::Connection : public TcpConnection,
                                   private HttpRequestHandler {
 public:
  Connection(TestHttpServer& server, std::size_t number, EventLoop& loop,
             OwnedSocket socket, ConnectionCloser closer)
      : TcpConnection(loop, std::move(socket), std::move(closer),
                      {.reset_on_abort = server.script_.reset}),
        server_(server),
        script_(server.script_),
        number_(number),
        misbehaves_(number < server.script_.misbehaving_connections),
        parser_(*this, {.max_header_bytes = 64 * 1024}),
        reader_(*this, [this](std::string_view data) {
          // A request the parser refuses is the client test's bug: ignore.
          parser_.Feed(data).IgnoreError();
        }) {}

  ~Connection() override {
    if (piece_timer_.valid()) loop()->CancelTimer(piece_timer_);
  }

  void dispatch_event(const Event& event) override {
    if (event.readable) reader_.OnReadable();
  }

 private:
  void OnRequest(const HttpRequestView& request) override {
    if (ending_ || hung_) return;
    SeenRequest seen{.connection = number_,
                     .index = index_++,
                     .method = request.method,
                     .target = std::string(request.target)};
    server_.requests_.push_back(seen);
    std::string bytes =
        script_.respond ? script_.respond(seen) : OkResponse(seen.target);
    if (bytes.empty()) {
      hung_ = true;  // answers nothing from here on
      return;
    }
    out_ += bytes;
    ++answered_;
    if (misbehaves_ && answered_ >= script_.end_after) ending_ = true;
    if (!misbehaves_ || script_.piece_sizes.empty()) {
      Flush(out_.size());
    } else if (!piece_timer_.valid()) {
      SendPiece();
    }
  }

  void Flush(std::size_t size) {
    if (Send(std::string_view(out_).substr(0, size)).ok()) {
      out_.erase(0, size);
    } else {
      out_.clear();
    }
    if (ending_ && out_.empty()) {
      if (script_.reset) {
        Abort();
      } else {
        Close(absl::Seconds(5));
      }
    }
  }

  void SendPiece() {
    const std::size_t size =
        script_.piece_sizes[pieces_++ % script_.piece_sizes.size()];
    Flush(std::min(size, out_.size()));
    if (!out_.empty() && dispatch_state() == ConnectionState::kConnected) {
      piece_timer_ = loop()->RunAfter(script_.piece_delay, [this] {
        piece_timer_ = TimerId();
        SendPiece();
      });
    }
  }

  TestHttpServer& server_;
  const ServerScript& script_;
  std::size_t number_;
  bool misbehaves_;
  HttpRequestParser parser_;
  DataReader reader_;
  std::string out_;
  std::size_t index_ = 0;
  std::size_t answered_ = 0;
  std::size_t pieces_ = 0;
  bool ending_ = false;
  bool hung_ = false;
  TimerId piece_timer_;
};

TestHttpServer::TestHttpServer(EventLoop& loop, ServerScript script)
    : loop_(loop), script_(std::move(script)) {
  auto listener = ListenTcp("127.0.0.1", 0, 128);
  if (!listener.ok()) {
    ADD_FAILURE() << listener.status();
    return;
  }
  listener_ = *std::move(listener);
  const absl::Status started = listener_->Start(
      loop_, [this](OwnedSocket socket, AcceptingSocket& server,
                    ConnectionCloser closer) -> std::unique_ptr<TcpConnection> {
        return std::make_unique<Connection>(*this, connections_++,
                                            *server.loop(), std::move(socket),
                                            std::move(closer));
      });
  EXPECT_TRUE(started.ok()) << started;
}

TestHttpServer::~TestHttpServer() = default;

std::uint16_t TestHttpServer::port() const {
  return listener_ == nullptr ? 0 : listener_->local_port();
}

TestHttpServerThread::TestHttpServerThread(const std::string& backend,
                                           ServerScript script) {
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  if (!loop.ok()) {
    ADD_FAILURE() << loop.status();
    return;
  }
  loop_ = *std::move(loop);
  server_ = std::make_unique<TestHttpServer>(*loop_, std::move(script));
  port_ = server_->port();
  thread_ = std::thread([this] {
    while (!stop_.load()) loop_->Iterate(absl::Milliseconds(5)).IgnoreError();
  });
}

TestHttpServerThread::~TestHttpServerThread() {
  Join();
  server_.reset();  // before its loop
}

void TestHttpServerThread::Join() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace asycamore::testing
