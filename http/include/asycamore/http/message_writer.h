// Writing HTTP/1.1 messages: a request for the client (built once, sent many
// times, e.g. by a load generator) and a response head for the server
// (appended into a buffer the connection reuses, so the steady state does not
// allocate).
//
//   absl::StatusOr<std::string> request = BuildHttpRequest(
//       {.method = "GET", .target = "/plaintext", .host = "localhost:8080"});
//
//   out.clear();  // capacity kept
//   AppendHttpResponseHead({.status = 200, .content_length = body.size()},
//   out); out.append(body);
//
// Both check what they are given (a token for the method and header names,
// no CR, LF or NUL in values, a target without spaces) and refuse the rest
// with a status naming the input: a header value with a line break in it
// would let a caller's data split the message (response splitting).
#ifndef ASYCAMORE_HTTP_MESSAGE_WRITER_H_
#define ASYCAMORE_HTTP_MESSAGE_WRITER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "asycamore/export.h"
#include "asycamore/http/http_message.h"

namespace asycamore {

struct HttpRequestSpec {
  std::string_view method = "GET";
  std::string_view target = "/";
  // The Host header, required in HTTP/1.1 (RFC 9112 3.2): "name[:port]".
  std::string_view host = "";
  // More header fields, sent as given. Content-Length and Transfer-Encoding
  // are refused: the builder writes Content-Length from `body`.
  std::span<const HttpHeader> headers = {};
  std::string_view body = "";
};

// Returns the request's bytes: start line, Host, the headers, Content-Length
// when there is a body or the method is POST, PUT or PATCH, the blank line and
// the body.
ASYCAMORE_HTTP_API
absl::StatusOr<std::string> BuildHttpRequest(const HttpRequestSpec& spec);

struct HttpResponseSpec {
  int status = 200;
  // Empty: the standard phrase for `status` (StandardReasonPhrase).
  std::string_view reason = "";
  // More header fields, sent as given (Date, Server, Content-Type...).
  // Content-Length and Transfer-Encoding are refused, as in requests.
  std::span<const HttpHeader> headers = {};
  // Written as Content-Length (not for 1xx, 204 and 304, which have no
  // body). For a HEAD request, give the length the GET would have and send
  // no body.
  std::uint64_t content_length = 0;
  bool close = false;  // adds `Connection: close`
};

// Appends the response's status line and header section to `out`.
ASYCAMORE_HTTP_API
absl::Status AppendHttpResponseHead(const HttpResponseSpec& spec,
                                    std::string& out);

// Returns the reason phrase RFC 9110 gives `status`, or "Unknown".
ASYCAMORE_HTTP_API std::string_view StandardReasonPhrase(int status);

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_MESSAGE_WRITER_H_
