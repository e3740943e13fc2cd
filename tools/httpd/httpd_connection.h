// HttpdConnection: one client of asycamore-httpd, and HttpdLoop, what the
// connections of one event loop share.
//
// A read is parsed at once (HttpRequestParser); every request it completes
// is answered into the connection's output buffer, in request order, and
// the answers of one read leave with one Send. So pipelined requests cost
// one read and one send per batch, and nothing allocates in the steady
// state: the parser's buffers and the output buffer keep their capacity,
// and Send copies only what the socket does not take.
//
// Ends of a connection, each after the answers owed are flushed
// (TcpConnection::Close: flush, FIN, wait for the peer's end, bounded by
// close_timeout):
//   - a request that does not keep the connection alive (HTTP/1.0 without
//     keep-alive, `Connection: close`): its answer says close, later bytes
//     are ignored;
//   - a parse error: the requests before it are answered, then the error
//     (400, 413 or 431, with `Connection: close`);
//   - the peer's end (a half-close): the answers to everything it sent go
//     out first (DataReader's close_on_end);
//   - Drain() (the server stops): at once between requests, else after the
//     answer to the request being received, which says close.
// Backpressure: past the high watermark of unsent answers the connection
// stops reading (the client's requests wait in the kernel, and then in the
// client), and reads again once the queue falls to the low watermark.
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTPD_CONNECTION_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTPD_CONNECTION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/http/request_parser.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/timer_queue.h"
#include "httpd_responses.h"

namespace asycamore {

struct HttpdConnectionOptions {
  // The request limits: 431 past the header limits, 413 past the body's.
  HttpRequestParserOptions limits = {};
  // How long a closing connection may take to flush and see the peer's end.
  absl::Duration close_timeout = absl::Seconds(5);
  std::size_t high_watermark = 64 * 1024;
  std::size_t low_watermark = 32 * 1024;
};

class HttpdConnection;

// What the connections of one loop share: the options, the answers with
// the loop's cached Date (refreshed every second by a timer), and the list
// of open connections, to drain or abort them all. Lives on its loop's
// thread; destroy it after its connections, before the loop.
class HttpdLoop {
 public:
  HttpdLoop(EventLoop& loop, HttpdConnectionOptions options);
  ~HttpdLoop();

  HttpdLoop(const HttpdLoop&) = delete;
  HttpdLoop& operator=(const HttpdLoop&) = delete;

  EventLoop& loop() const { return loop_; }
  const HttpdConnectionOptions& options() const { return options_; }
  const HttpdResponses& responses() const { return responses_; }

  std::size_t connection_count() const { return count_; }
  // Drain() on every open connection (see HttpdConnection).
  void DrainAll();
  // Abort() on every open connection.
  void AbortAll();

 private:
  friend class HttpdConnection;
  void Add(HttpdConnection& connection);
  void Remove(HttpdConnection& connection);

  EventLoop& loop_;
  HttpdConnectionOptions options_;
  HttpdResponses responses_;
  TimerId clock_timer_;
  HttpdConnection* first_ = nullptr;  // an intrusive list: no allocation
  std::size_t count_ = 0;
};

class HttpdConnection final : public TcpConnection, private HttpRequestHandler {
 public:
  // Adopts an accepted socket; reading starts with Start() (AcceptingSocket
  // watches it for the connections its factory makes).
  HttpdConnection(HttpdLoop& shared, OwnedSocket socket,
                  ConnectionCloser closer);
  ~HttpdConnection() override;

  void dispatch_event(const Event& event) override;

  // Stops taking requests (see the header comment).
  void Drain();

  std::uint64_t requests_answered() const { return answered_; }

 private:
  friend class HttpdLoop;  // its list links

  void OnData(std::string_view data);
  void OnRequest(const HttpRequestView& request) override;
  // Sends what was answered, then closes if the connection is done.
  void Flush();

  HttpdLoop& shared_;
  HttpRequestParser parser_;
  DataReader reader_;
  std::string out_;  // the answers of the current read
  std::uint64_t answered_ = 0;
  bool draining_ = false;
  bool done_ = false;  // the last answer is written; close once it is sent
  HttpdConnection* previous_ = nullptr;
  HttpdConnection* next_ = nullptr;
};

// Returns the factory that makes each accepted socket of `shared`'s loop an
// HttpdConnection (for AcceptingSocket::Start or MultiLoopServer).
ConnectionFactory HttpdConnectionFactory(HttpdLoop& shared);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTPD_CONNECTION_H_
