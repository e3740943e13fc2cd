// A raw client for the server's tests: loopback sockets written and read by
// hand (so a test chooses every byte and every split), and the answers
// parsed with HttpResponseParser. Each call that waits either iterates the
// test's own loop (the server runs on it, in the test's thread) or, with no
// loop, waits on the socket (the server runs on threads of its own).
#ifndef ASYCAMORE_TESTS_HTTPD_HTTPD_CLIENT_H_
#define ASYCAMORE_TESTS_HTTPD_HTTPD_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "asycamore/event_loop.h"

namespace asycamore::testing {

// One parsed answer.
struct Answer {
  int status = 0;
  std::string body;
  std::string content_type;
  bool has_date = false;
  bool has_server = false;
  bool keep_alive = true;
};

struct ParsedAnswers {
  std::vector<Answer> answers;
  bool complete = true;  // false: the bytes end inside an answer, or are bad
};

// Parses `bytes` as the answers to a series of requests (none of them HEAD).
ParsedAnswers ParseAnswers(std::string_view bytes);

class RawClient {
 public:
  // Connects to 127.0.0.1:`port` (fails the test on error). `loop`: the
  // loop to iterate while waiting, or nullptr.
  RawClient(std::uint16_t port, EventLoop* loop);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends every byte (waiting while the socket is full).
  void Send(std::string_view bytes);
  // Sends what the socket takes now, at most `bytes`; returns the count.
  std::size_t SendSome(std::string_view bytes);
  // Ends the sending side (a half-close: FIN, reading goes on).
  void ShutdownWrite();
  // Lets the loop (if any) run until it has nothing to do at once: the
  // server has read and answered what was sent.
  void Settle();
  // Reads until the server ends the connection or `timeout` passes;
  // returns everything read (ended() says whether the end came).
  std::string ReadUntilEnd(absl::Duration timeout = absl::Seconds(10));
  // Reads until `count` complete answers are in, or `timeout` passes.
  ParsedAnswers ReadAnswers(std::size_t count,
                            absl::Duration timeout = absl::Seconds(10));
  bool ended() const { return ended_; }

 private:
  // Waits a little for the socket to be readable/writable (or runs the
  // loop once).
  void Wait(bool for_write);

  int fd_ = -1;
  EventLoop* loop_;
  std::string received_;
  bool ended_ = false;
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTPD_HTTPD_CLIENT_H_
