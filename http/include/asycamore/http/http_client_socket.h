// HttpClientSocket: the seed's HTTPClientSocket, an HTTP/1.1 client
// connection state on TcpConnection. It takes complete requests from a
// source (the seed's iterable), sends them with WriteIterable, pipelining
// up to `pipeline_depth` in flight, parses the responses with
// HttpResponseParser and matches them to the requests in order.
//
//   HttpClientSocket client({.pipeline_depth = 16,
//                            .response_timeout = absl::Seconds(2)});
//   client.set_on_request_end([](HttpRequest& request,
//                                const HttpRequestOutcome& outcome) {
//     switch (outcome.result) {
//       case RequestResult::kAnswered: ... outcome.response->status_code
//       case RequestResult::kFailed:   ... outcome.error.message
//       case RequestResult::kNotSent:  ... send `request` again elsewhere
//     }
//   });
//   client.set_on_end([](const HttpConnectionEnd& end) { ... });
//   client.Start(loop, address, [&]() -> std::optional<HttpRequest> {
//     return HttpRequest{.bytes = get, .method = HttpMethod::kGet};
//   });
//
// One Start() is one connection's life: connect, send and receive until the
// source ends and every request is answered (then a graceful close), or
// until the server, an error or Stop() ends it. on_end runs once at the end;
// Start() may then be called again (the buffers are kept).
//
// Each request taken from the source ends exactly once, through
// on_request_end, in the order the requests were taken:
//
//   kAnswered  its final response arrived (1xx interim responses are not
//              answers; HEAD, 204 and 304 answers have no body).
//   kFailed    it will not be answered; error says why (class + message):
//                kParse    its response was malformed, over the header
//                          limit, or cut short by the server's close;
//                kTimeout  no response within response_timeout;
//                kRead / kWrite  the connection failed (a reset) or the
//                          server closed it, after the request (or part of
//                          it) was sent, and the method is not idempotent;
//                kStopped  Stop() ended the connection after it was sent.
//   kNotSent   handed back: the server never processed it, so it may be
//              sent again on a new connection. That is the case for a
//              request of which no byte was sent; for every request
//              pipelined behind a response that ended HTTP on the
//              connection (Connection: close, HTTP/1.0, a body delimited by
//              the close); and for an idempotent request (GET, HEAD, PUT,
//              DELETE, OPTIONS, TRACE; RFC 9110 9.2.2) the server reset or
//              closed the connection under before answering it.
//
// When the connection ends, the request whose response was being received
// takes the error (kParse for a malformed or truncated response, the error's
// class otherwise); the requests behind it follow the kNotSent rule. So
// taken == answered + failed + not_sent + in_flight at every moment
// (checked in debug builds), and nothing is reported twice or forgotten.
//
// Cost per request in the steady state (the load generator's hot path):
// no allocation (the requests' bytes are shared Cords, the in-flight ring
// and the parser's buffers keep their capacity); the socket's eager send
// writes at once, so write interest is armed only when the socket is full;
// a read that returns less than the buffer ends the readable event; the
// requests one read's responses make room for leave in one gathered send;
// one response timer per connection, moved forward only when it fires.
//
// Callbacks run on the loop's thread. They may call Stop(); they must not
// destroy the socket (do that on a later loop turn, after on_end). Not
// thread-safe.
#ifndef ASYCAMORE_HTTP_HTTP_CLIENT_SOCKET_H_
#define ASYCAMORE_HTTP_HTTP_CLIENT_SOCKET_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/export.h"
#include "asycamore/http/http_message.h"
#include "asycamore/http/response_parser.h"
#include "asycamore/ring_queue.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/tcpsocket/write_iterable.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

// One complete request. Build its bytes once (BuildHttpRequest) and share
// them: copying a Cord shares its memory.
struct HttpRequest {
  absl::Cord bytes = {};
  // Decides whether its response has a body (HEAD) and whether it may be
  // retried after a reset (idempotent methods).
  HttpMethod method = HttpMethod::kGet;
  std::uint64_t tag = 0;  // yours
  // Yours too: e.g. when it was meant to be sent (a load generator's
  // schedule); the socket does not read it.
  SteadyTime intended_time = {};
  // Set by the socket: when it was taken for sending on this connection,
  // and how many connections it was taken by (1 on the first).
  SteadyTime taken_time = {};
  std::uint32_t attempts = 0;
};

// Returns true for GET, HEAD, PUT, DELETE, OPTIONS and TRACE (RFC 9110
// 9.2.2): a request the server may have received can be sent again.
ASYCAMORE_HTTP_API bool IsIdempotent(HttpMethod method);

// Yields the next request, or nullopt at the end (the seed's iterable).
using HttpRequestSource = absl::AnyInvocable<std::optional<HttpRequest>()>;

enum class RequestResult : std::uint8_t { kAnswered, kFailed, kNotSent };

// Why a request failed or a connection ended.
enum class HttpErrorClass : std::uint8_t {
  kNone,
  kConnectRefused,      // nothing listens there (ECONNREFUSED)
  kConnectTimedOut,     // connect_timeout passed (or ETIMEDOUT)
  kAddressesExhausted,  // no local port free: retry after a pause
  kConnect,             // any other connect failure (unreachable...)
  kRead,                // a read failed, or the server closed too early
  kWrite,               // a send failed
  kTimeout,             // response_timeout passed without a response
  kParse,               // a malformed, oversized or truncated response
  kStopped,             // Stop() was called
};

// Returns "connect-refused", "connect-timeout", "addresses-exhausted",
// "connect", "read", "write", "timeout", "parse", "stopped" ("none").
ASYCAMORE_HTTP_API
std::string_view HttpErrorClassName(HttpErrorClass error_class);

// Returns true for the connect classes (the connection never carried a
// request).
ASYCAMORE_HTTP_API bool IsConnectError(HttpErrorClass error_class);

struct HttpClientError {
  HttpErrorClass error_class = HttpErrorClass::kNone;
  SystemError system_error = kNoSystemError;  // when a socket call failed
  // Says what happened, naming the peer and the request's place on the
  // connection. Valid during the callback.
  std::string_view message = {};
};

struct HttpRequestOutcome {
  RequestResult result = RequestResult::kAnswered;
  // kAnswered: the response (views valid during the callback).
  const HttpResponseView* response = nullptr;
  // kFailed: why; kNotSent: why the connection ended under it.
  HttpClientError error = {};
  // When the response completed (kAnswered) or the request ended. Read once
  // per read event, not per request.
  SteadyTime end_time = {};
};

// How one Start() ended.
struct HttpConnectionEnd {
  // kNone: the source ended and every request was answered, or the server
  // closed the connection between requests (a keep-alive timeout).
  HttpErrorClass error_class = HttpErrorClass::kNone;
  SystemError system_error = kNoSystemError;
  std::string_view message = {};
  bool connected = false;       // the connect succeeded
  bool source_ended = false;    // the source returned nullopt
  // The server ended HTTP on the connection (Connection: close, HTTP/1.0,
  // a body delimited by the close, an upgrade).
  bool server_closed = false;
  std::uint64_t bytes_read = 0;  // on this connection
  // Requests of this connection, by outcome.
  std::uint64_t answered = 0;
  std::uint64_t failed = 0;
  std::uint64_t not_sent = 0;
};

struct HttpClientOptions {
  // Requests in flight (sent or being sent, not yet answered), at most.
  int pipeline_depth = 1;
  // Once the depth is reached, take new requests only when this many or
  // fewer are left in flight: pipeline_depth - 1 (or more) slides the
  // window, one request per answer; 0 sends in batches of the depth, as wrk
  // pipelines. Batches let the server read and answer whole batches, which
  // costs both sides fewer system calls per request.
  int refill_at = std::numeric_limits<int>::max();
  absl::Duration connect_timeout = absl::Seconds(10);
  // A request unanswered this long after it was taken fails (kTimeout) and
  // ends the connection. Infinite: no timer.
  absl::Duration response_timeout = absl::InfiniteDuration();
  HttpResponseParserOptions parser = {};
  std::size_t read_buffer_size = 16 * 1024;  // bytes one read asks for
  // Passed to WriteIterable: for_each also before and after the first send.
  bool before_and_after = false;
  ConnectionOptions connection = {};
};

// The seed's for_each, per request: see WriteIterable for the flags.
using HttpSendCallback =
    absl::AnyInvocable<void(const HttpRequest&, WriteFlags)>;
using HttpRequestEndCallback =
    absl::AnyInvocable<void(HttpRequest&, const HttpRequestOutcome&)>;
using HttpConnectionEndCallback =
    absl::AnyInvocable<void(const HttpConnectionEnd&)>;
// Asked before each request is taken; false holds the source back until
// ResumeSending() (a load generator's schedule).
using HttpSendGate = absl::AnyInvocable<bool()>;

class ASYCAMORE_HTTP_API HttpClientSocket : public TcpConnection,
                                            private HttpResponseHandler {
 public:
  explicit HttpClientSocket(HttpClientOptions options = {});
  // Ends the connection at once without reporting anything more (no
  // callback runs), as TcpConnection's destructor does.
  ~HttpClientSocket() override;

  void set_on_request_end(HttpRequestEndCallback callback) {
    on_request_end_ = std::move(callback);
  }
  void set_on_end(HttpConnectionEndCallback callback) {
    on_end_ = std::move(callback);
  }
  void set_on_send(HttpSendCallback callback) { on_send_ = std::move(callback); }
  void set_send_gate(HttpSendGate gate) { send_gate_ = std::move(gate); }

  // Connects to `address` and starts taking requests from `source` once
  // connected. Fails (nothing starts, on_end does not run) while a previous
  // Start is still running, or when the connect cannot even begin.
  absl::Status Start(EventLoop& loop, const SocketAddress& address,
                     HttpRequestSource source);

  // Takes requests again after the send gate said no.
  void ResumeSending();

  // Ends the connection now: requests sent and unanswered fail (kStopped),
  // the others are handed back (kNotSent); then on_end. Safe from
  // callbacks (it then takes effect when the current read is parsed).
  void Stop();

  bool running() const { return running_; }
  // Over this object's life (every Start).
  std::uint64_t taken() const { return taken_; }
  std::uint64_t answered() const { return answered_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t not_sent() const { return not_sent_; }
  std::size_t in_flight() const { return ring_.size(); }
  const HttpClientOptions& options() const { return options_; }

  void dispatch_event(const Event& event) override;

 private:
  struct InFlight {
    HttpRequest request;
    std::uint64_t start = 0;  // its first byte's position in the stream
    std::uint64_t end = 0;    // after its last byte
  };

  // HttpResponseHandler
  std::optional<HttpMethod> PendingRequestMethod() override;
  void OnResponse(const HttpResponseView& response) override;

  void OnConnectResult(const Event& event);
  void OnData(std::string_view data);
  void OnPeerEnd();
  void OnReadError(const IoStep& step);
  std::optional<WriteItem> TakeRequest();
  bool MayTake();
  void OnItemWritten(const WriteItem& item, WriteFlags flags);
  void OnWriterFinished(WriteProgress progress);
  void Pump();
  void ArmTimer();
  void OnTimer();
  SteadyTime Deadline(const InFlight& entry) const;
  // Records why the connection ends; the first reason stands.
  void SetEnd(HttpErrorClass error_class, SystemError code,
              std::string message, bool failed_front);
  void EndNow();
  // The closer: reports on the next loop turn, from the top of the stack.
  void OnClosed();
  void Finalize();
  void Report(InFlight& entry, RequestResult result, const HttpClientError& e,
              const HttpResponseView* response);
  void CheckAccounts() const;
  std::string Describe(std::string_view what) const;

  HttpClientOptions options_;
  HttpResponseParser parser_;
  std::unique_ptr<DataReader> reader_;
  std::unique_ptr<WriteIterable> writer_;
  HttpRequestSource source_;
  HttpRequestEndCallback on_request_end_;
  HttpConnectionEndCallback on_end_;
  HttpSendCallback on_send_;
  HttpSendGate send_gate_;
  RingQueue<InFlight> ring_;  // in flight, oldest first (pipeline_depth)
  SocketAddress address_;
  TimerId timer_;           // the response timeout, one per connection
  TimerId finalize_timer_;  // reports the end on the turn after the close
  SteadyTime now_ = {};  // read once per read event
  bool running_ = false;
  bool closed_ = false;  // the socket closed; the report is pending
  bool draining_ = false;  // the depth was reached: wait for refill_at
  bool source_ended_ = false;
  bool in_data_ = false;      // parsing a read: ending waits until after
  bool end_pending_ = false;  // an end was decided inside the parse
  bool closing_ = false;      // the graceful close after the last answer
  bool server_closed_ = false;
  bool front_fails_ = false;  // the end's error belongs to the front request
  HttpErrorClass end_class_ = HttpErrorClass::kNone;
  SystemError end_code_ = kNoSystemError;
  std::string end_message_;
  std::uint64_t sequence_ = 0;  // requests answered on this connection
  HttpConnectionEnd summary_;
  std::uint64_t taken_ = 0;
  std::uint64_t answered_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t not_sent_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_HTTP_CLIENT_SOCKET_H_
