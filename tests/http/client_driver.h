// Drives one HttpClientSocket through a list of requests on a test's loop,
// reconnecting while requests are handed back, and keeps a ledger of how
// every request ended, so each test can check that each one ended exactly
// once (answered or failed) and that the counts add up.
#ifndef ASYCAMORE_TESTS_HTTP_CLIENT_DRIVER_H_
#define ASYCAMORE_TESTS_HTTP_CLIENT_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/http/http_client_socket.h"

namespace asycamore::testing {

// Returns a request for "/t/<tag>" with `method` (a body-less one; POST and
// PUT carry Content-Length: 0).
HttpRequest MakeRequest(std::uint64_t tag,
                        HttpMethod method = HttpMethod::kGet);
std::string TargetFor(std::uint64_t tag);

struct RequestLedger {
  int answered = 0;
  int failed = 0;
  int not_sent = 0;  // times handed back
  int status = 0;
  std::string body;
  HttpErrorClass error_class = HttpErrorClass::kNone;
  std::string message;
};

class ClientDriver {
 public:
  ClientDriver(EventLoop& loop, std::uint16_t port, HttpClientOptions options,
               std::vector<HttpRequest> requests,
               std::size_t max_connections = 20);

  // Starts and iterates the loop until every request ended for good or the
  // connections ran out (then the rest stay handed back); returns whether
  // all ended within `timeout`. Counts the loop's turns into `turns`.
  bool Run(absl::Duration timeout = absl::Seconds(20),
           std::uint64_t* turns = nullptr);

  // Checks that each request ended exactly once for good, that the handed
  // back ones were taken again, and that the socket's counts add up.
  void ExpectEachEndedExactlyOnce() const;

  const RequestLedger& ledger(std::uint64_t tag) const { return ledger_[tag]; }
  int answered() const;
  int failed() const;
  int handed_back() const;
  const std::vector<HttpConnectionEnd>& ends() const { return ends_; }
  const std::vector<std::string>& end_messages() const { return end_messages_; }
  HttpClientSocket& socket() { return socket_; }
  // The send notices (for_each) in order, as "tag:before|after|sent".
  std::vector<std::string> send_log;

 private:
  std::optional<HttpRequest> Next();
  void StartConnection();

  EventLoop& loop_;
  SocketAddress address_;
  HttpClientSocket socket_;
  std::vector<HttpRequest> requests_;
  std::size_t next_ = 0;
  std::deque<HttpRequest> retry_;
  std::vector<RequestLedger> ledger_;
  std::vector<HttpConnectionEnd> ends_;
  std::vector<std::string> end_messages_;
  std::size_t max_connections_;
  std::size_t started_ = 0;
  std::size_t finished_ = 0;  // requests ended for good
  bool start_failed_ = false;
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTP_CLIENT_DRIVER_H_
