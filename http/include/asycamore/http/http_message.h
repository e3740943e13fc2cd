// The vocabulary the HTTP/1.1 parsers and writers share: methods, versions,
// header views, how a body is framed, and the parse errors (a code to switch
// on, with the status a server answers it with).
#ifndef ASYCAMORE_HTTP_HTTP_MESSAGE_H_
#define ASYCAMORE_HTTP_HTTP_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "asycamore/export.h"

namespace asycamore {

// The methods the HTTP layer treats specially, and kOther for the rest (the
// request parser still gives the method's text).
enum class HttpMethod : std::uint8_t {
  kGet,
  kHead,  // its response has no body, whatever its headers say
  kPost,
  kPut,
  kDelete,
  kPatch,
  kOptions,
  kTrace,
  kConnect,  // a 2xx answer turns the connection into a tunnel
  kOther,
};

// Returns "GET", "HEAD", ...; "OTHER" for kOther.
ASYCAMORE_HTTP_API std::string_view HttpMethodName(HttpMethod method);

// Returns the method named `name` (case-sensitive, as RFC 9110 says), kOther
// when it is none of the above.
ASYCAMORE_HTTP_API HttpMethod HttpMethodFromName(std::string_view name);

struct HttpVersion {
  std::uint8_t major = 1;
  std::uint8_t minor = 1;

  friend bool operator==(HttpVersion, HttpVersion) = default;
};

// One header field as it arrived: the name's case kept, the value without
// the whitespace around it. The views point into the parser's buffer.
struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

// Returns the value of the first header named `name` (ASCII case-insensitive),
// or nullopt.
ASYCAMORE_HTTP_API
std::optional<std::string_view> FindHeader(std::span<const HttpHeader> headers,
                                           std::string_view name);

// How a message's body is delimited.
enum class BodyFraming : std::uint8_t {
  kNone,           // no body: HEAD, 1xx, 204, 304, or no length and a request
  kContentLength,  // Content-Length bytes
  kChunked,        // Transfer-Encoding: chunked
  kUntilEof,       // a response with neither: the body ends with the connection
};

ASYCAMORE_HTTP_API std::string_view BodyFramingName(BodyFraming framing);

// What a request and a response share, as a parser's handler sees them. The
// views point into the parser's buffers: valid during the callback only.
struct HttpMessageView {
  HttpVersion version;
  std::span<const HttpHeader> headers;  // empty when headers are not kept
  std::size_t header_count = 0;         // counted in every mode
  std::string_view body;                // empty when the body is not kept
  std::uint64_t body_size = 0;          // bytes of body (after de-chunking)
  BodyFraming framing = BodyFraming::kNone;
  // False: HTTP ends on the connection after this message.
  bool keep_alive = true;
};

// Why a parser stopped. Every error stops the parser for good (Reset() starts
// it over for a new connection).
enum class HttpParseError : std::uint8_t {
  kNone,
  kMalformed,           // not HTTP/1.x; the status says what, at which byte
  kHeadersTooLarge,     // the header section passed max_header_bytes
  kTooManyHeaders,      // more header fields than max_header_count
  kBodyTooLarge,        // a body (declared or received) past max_body_bytes
  kTruncated,           // the connection ended inside a message
  kUnexpectedResponse,  // a response arrived with no request outstanding
  kUsage,               // Feed after Finish, or a callback's misuse
};

ASYCAMORE_HTTP_API std::string_view HttpParseErrorName(HttpParseError error);

// Returns the status code a server answers a request parse error with: 431
// for header limits, 413 for a body too large, 400 for the rest (0 for kNone).
ASYCAMORE_HTTP_API int ResponseStatusFor(HttpParseError error);

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_HTTP_MESSAGE_H_
