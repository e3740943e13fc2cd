#include "asycamore/http/http_message.h"

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace asycamore {
namespace {

constexpr std::array<std::string_view, 10> kMethodNames = {
    "GET",   "HEAD",    "POST",  "PUT",     "DELETE",
    "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER"};

char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view HttpMethodName(HttpMethod method) {
  return kMethodNames[static_cast<std::size_t>(method)];
}

HttpMethod HttpMethodFromName(std::string_view name) {
  for (std::size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == name) return static_cast<HttpMethod>(i);
  }
  return HttpMethod::kOther;
}

std::optional<std::string_view> FindHeader(std::span<const HttpHeader> headers,
                                           std::string_view name) {
  for (const HttpHeader& header : headers) {
    if (EqualsIgnoringAsciiCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

std::string_view BodyFramingName(BodyFraming framing) {
  switch (framing) {
    case BodyFraming::kNone:
      return "no";
    case BodyFraming::kContentLength:
      return "Content-Length";
    case BodyFraming::kChunked:
      return "chunked";
    case BodyFraming::kUntilEof:
      return "until-EOF";
  }
  return "unknown";
}

std::string_view HttpParseErrorName(HttpParseError error) {
  switch (error) {
    case HttpParseError::kNone:
      return "no error";
    case HttpParseError::kMalformed:
      return "malformed";
    case HttpParseError::kHeadersTooLarge:
      return "headers too large";
    case HttpParseError::kTooManyHeaders:
      return "too many headers";
    case HttpParseError::kBodyTooLarge:
      return "body too large";
    case HttpParseError::kTruncated:
      return "truncated";
    case HttpParseError::kUnexpectedResponse:
      return "unexpected";
    case HttpParseError::kUsage:
      return "misused";
  }
  return "unknown error";
}

int ResponseStatusFor(HttpParseError error) {
  switch (error) {
    case HttpParseError::kNone:
      return 0;
    case HttpParseError::kHeadersTooLarge:
    case HttpParseError::kTooManyHeaders:
      return 431;
    case HttpParseError::kBodyTooLarge:
      return 413;
    default:
      return 400;
  }
}

}  // namespace asycamore
