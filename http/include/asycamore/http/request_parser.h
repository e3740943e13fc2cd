// HttpRequestParser: the server side of HTTP/1.1 framing. Bytes in, in any
// chunks; complete requests out, in order, through a handler.
//
//   class Connection : public HttpRequestHandler {
//     void OnRequest(const HttpRequestView& r) override {
//       if (r.target == "/plaintext") Answer(200, "Hello, World!",
//       r.keep_alive);
//       ...
//     }
//   };
//   HttpRequestParser parser(connection, {.max_header_bytes = 8192});
//   ... for each read:
//   if (absl::Status s = parser.Feed(data); !s.ok()) {
//     AnswerAndClose(ResponseStatusFor(parser.error()));  // 400, 413 or 431
//   }
//
// Pipelined requests come out one by one, each complete with its body
// (Content-Length or chunked; a request with neither has none).
// keep_alive is the server's decision to make: true for HTTP/1.1 unless
// `Connection: close`, false for HTTP/1.0 unless `Connection: keep-alive`,
// and false after CONNECT (the bytes after it are a tunnel's, not parsed).
// An `Upgrade` request is an ordinary request here: a server may ignore the
// header (RFC 9110 7.8), and parsing goes on with the next request.
//
// Limits, each its own error code: the header section (request line, header
// lines, blank line) past max_header_bytes and more than max_header_count
// fields are kHeadersTooLarge / kTooManyHeaders (431); a body past
// max_body_bytes is kBodyTooLarge (413), reported as soon as the headers
// declare it when Content-Length does; malformed input is kMalformed (400).
// An error stops the parser; the requests completed before it were all
// delivered, so a server can answer them, then the error, then close.
//
// The views in HttpRequestView are valid during the callback only. Buffers
// keep their capacity, so steady-state parsing allocates nothing.
//
// Not thread-safe. The handler must not call Feed, Finish or Reset.
#ifndef ASYCAMORE_HTTP_REQUEST_PARSER_H_
#define ASYCAMORE_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "asycamore/export.h"
#include "asycamore/http/http_message.h"
#include "asycamore/http/http_stream_parser.h"

namespace asycamore {

// keep_alive false: answer this request, then close the connection.
struct HttpRequestView : HttpMessageView {
  HttpMethod method = HttpMethod::kGet;
  std::string_view method_name;  // the method as sent, e.g. "PROPFIND"
  std::string_view target;       // the request-target, e.g. "/plaintext?x=1"
};

class ASYCAMORE_HTTP_API HttpRequestHandler {
 public:
  virtual ~HttpRequestHandler() = default;
  // Called for each complete request, in order.
  virtual void OnRequest(const HttpRequestView& request) = 0;
};

struct HttpRequestParserOptions {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_header_count = 100;
  std::uint64_t max_body_bytes = 1024 * 1024;
};

class ASYCAMORE_HTTP_API HttpRequestParser : public HttpStreamParser {
 public:
  // `handler` must outlive the parser. Feed, Finish, Reset and the state
  // accessors are HttpStreamParser's.
  explicit HttpRequestParser(HttpRequestHandler& handler,
                             HttpRequestParserOptions options = {});
};

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_REQUEST_PARSER_H_
