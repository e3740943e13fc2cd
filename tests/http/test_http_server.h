// An in-process HTTP/1.1 server for the client tests, on the test's own
// loop, that misbehaves on purpose: it closes or resets after k responses,
// sends what a script says (malformed, truncated, 1xx, chunked), in pieces
// of chosen sizes on separate loop turns (odd chunk boundaries, a body
// dribbled byte by byte), or never answers. Requests are parsed with
// HttpRequestParser, so pipelined requests are counted exactly.
#ifndef ASYCAMORE_TESTS_HTTP_TEST_HTTP_SERVER_H_
#define ASYCAMORE_TESTS_HTTP_TEST_HTTP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/http/request_parser.h"
#include "asycamore/tcpsocket/accepting_socket.h"

namespace asycamore::testing {

// What a request looked like, for the script.
struct SeenRequest {
  std::size_t connection = 0;  // 0-based, in accept order
  std::size_t index = 0;       // 0-based on its connection
  HttpMethod method = HttpMethod::kGet;
  std::string target;
};

// Returns the body the default script answers `target` with ("body of " +
// target), so a client can check that a response matches its request.
std::string BodyFor(std::string_view target);

// A 200 response with Content-Length carrying BodyFor(target).
std::string OkResponse(std::string_view target);

struct ServerScript {
  // The bytes that answer one request; empty: answer nothing (and none of
  // the requests behind it: a server that hangs). Default: OkResponse.
  std::function<std::string(const SeenRequest&)> respond = nullptr;
  // After this many responses on a connection, end it: a FIN once the
  // responses are flushed, or a reset (RST) with `reset`.
  std::size_t end_after = std::numeric_limits<std::size_t>::max();
  bool reset = false;
  // Only connections numbered below this misbehave (end_after, pieces);
  // later ones answer everything at once, so retried requests succeed.
  std::size_t misbehaving_connections = std::numeric_limits<std::size_t>::max();
  // Send each response in pieces of these sizes (cycled), one piece per
  // `piece_delay`; empty: each response in one send.
  std::vector<std::size_t> piece_sizes = {};
  absl::Duration piece_delay = absl::Milliseconds(1);
};

class TestHttpServer {
 public:
  // Listens on 127.0.0.1, a free port, on `loop`. Fails the test on error.
  TestHttpServer(EventLoop& loop, ServerScript script);
  ~TestHttpServer();

  std::uint16_t port() const;
  std::size_t connections() const { return connections_; }
  // Requests received over every connection (parsed completely).
  std::size_t requests() const { return requests_.size(); }
  const std::vector<SeenRequest>& seen() const { return requests_; }

 private:
  class Connection;
  friend class Connection;

  EventLoop& loop_;
  ServerScript script_;
  std::unique_ptr<AcceptingSocket> listener_;
  std::size_t connections_ = 0;
  std::vector<SeenRequest> requests_;
};

// A TestHttpServer on a loop and thread of its own (for clients that run
// their own threads: StartMultipleClients, asycamore-load). Join() stops
// the thread; read server() only after it.
class TestHttpServerThread {
 public:
  TestHttpServerThread(const std::string& backend, ServerScript script);
  ~TestHttpServerThread();

  void Join();
  std::uint16_t port() const { return port_; }
  TestHttpServer& server() { return *server_; }

 private:
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<TestHttpServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTP_TEST_HTTP_SERVER_H_
