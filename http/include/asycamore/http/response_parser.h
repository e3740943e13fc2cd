// HttpResponseParser: the client side of HTTP/1.1 framing. Bytes in, in any
// chunks; complete responses out, in order, through a handler.
//
//   class Client : public HttpResponseHandler {
//     std::optional<HttpMethod> PendingRequestMethod() override {
//       return in_flight_.empty() ? std::nullopt : in_flight_.front().method;
//     }
//     void OnResponse(const HttpResponseView& r) override {
//       Complete(in_flight_.front(), r.status_code, r.body_size);
//       in_flight_.pop_front();
//       if (!r.keep_alive) ResendOnNewConnection(in_flight_);
//     }
//   };
//   HttpResponseParser parser(client, {.keep_body = false});
//   ... for each read: if (!parser.Feed(data).ok()) { parser.error() ... }
//   ... at the peer's end of stream: parser.Finish();
//
// What it decides, so that the caller does not:
//   - a response to HEAD, and every 1xx, 204 and 304, has no body even when
//     it carries Content-Length or Transfer-Encoding (llhttp 8.1 would read
//     one for 204/304; the parser tells it not to);
//   - 100, 102, 103 and other 1xx except 101 are interim: OnInterimResponse,
//     and the request still waits for its final response;
//   - a 101, or a 2xx to CONNECT, ends HTTP on the connection: the response is
//     final, keep_alive is false and the bytes after it are not parsed;
//   - keep_alive is false after `Connection: close`, after an HTTP/1.0
//     response without `Connection: keep-alive`, and after a body delimited
//     by the connection's end. Requests pipelined behind such a response were
//     never processed by the server (RFC 9112 9.6): re-send them. Bytes that
//     arrive after it are ignored (counted in ignored_bytes()).
//
// The views in HttpResponseView (reason, headers, body) point into the
// parser's buffers and are valid during the callback only: copy what you keep.
//
// Memory: headers and the kept body go into buffers that keep their capacity
// from one response to the next (and across Reset()), so once they have grown
// to the largest response, parsing allocates nothing. With keep_headers and
// keep_body off (the load generator's lean mode) nothing is stored at all:
// the view has the status, the header count and the body size.
//
// Errors stop the parser for good; Feed and Finish return the same status
// from then on, and error() gives its code. The message names what went
// wrong and the byte offset in the connection's stream.
//
// Not thread-safe. The handler must not call Feed, Finish or Reset.
#ifndef ASYCAMORE_HTTP_RESPONSE_PARSER_H_
#define ASYCAMORE_HTTP_RESPONSE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "asycamore/export.h"
#include "asycamore/http/http_message.h"
#include "asycamore/http/http_stream_parser.h"

namespace asycamore {

// One response, as the handler sees it.
// keep_alive false: the server closes the connection after this response.
struct HttpResponseView : HttpMessageView {
  int status_code = 0;
  std::string_view reason;  // empty when keep_headers is off
  // True after a 101 or a 2xx to CONNECT: the connection no longer speaks
  // HTTP (keep_alive is false too).
  bool upgraded = false;
};

class ASYCAMORE_HTTP_API HttpResponseHandler {
 public:
  virtual ~HttpResponseHandler() = default;

  // Returns the method of the oldest request not yet answered by a final
  // response, or nullopt when none is outstanding (the response is then a
  // kUnexpectedResponse error). Called as each response (interim too) begins.
  virtual std::optional<HttpMethod> PendingRequestMethod() = 0;

  // Called for each interim (1xx but 101) response; the request still waits.
  virtual void OnInterimResponse(const HttpResponseView& response) {
    static_cast<void>(response);
  }

  // Called for each final response, in order.
  virtual void OnResponse(const HttpResponseView& response) = 0;
};

struct HttpResponseParserOptions {
  // The header section's bytes (status line, header lines, the blank line,
  // and any blank lines before the status line) past which the response is
  // refused with kHeadersTooLarge.
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_header_count = 512;
  // Refuses (kBodyTooLarge) a kept body past this. Not applied when the body
  // is not kept: then only its size is counted.
  std::uint64_t max_body_bytes = std::numeric_limits<std::uint64_t>::max();
  bool keep_headers = true;  // reason and headers in the view
  bool keep_body = true;     // body in the view
};

class ASYCAMORE_HTTP_API HttpResponseParser : public HttpStreamParser {
 public:
  // `handler` must outlive the parser. Feed, Finish, Reset and the state
  // accessors are HttpStreamParser's.
  explicit HttpResponseParser(HttpResponseHandler& handler,
                              HttpResponseParserOptions options = {});
};

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_RESPONSE_PARSER_H_
