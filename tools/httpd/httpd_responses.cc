#include "httpd_responses.h"

#include <array>

#include "asycamore/http/message_writer.h"
#include "http_date.h"

namespace asycamore {
namespace {

// The path of a request-target, without its query.
std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

HttpdResponses::HttpdResponses(absl::Time now) {
  second_ = absl::InfinitePast();
  SetNow(now);
}

void HttpdResponses::SetNow(absl::Time now) {
  const absl::Time second = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  if (second == second_) return;
  second_ = second;
  char date[kHttpDateLength];
  WriteHttpDate(second, date);
  date_.assign(date, kHttpDateLength);  // in place: the capacity is kept
  plaintext_.clear();
  Append(200, "text/plain", kPlaintextBody, /*head_only=*/false, "",
         /*close=*/false, plaintext_);
}

void HttpdResponses::AppendAnswer(const HttpRequestView& request,
                                  std::string& out) const {
  const std::string_view path = PathOf(request.target);
  const bool http10 = request.version == HttpVersion{1, 0};
  if (path == "/plaintext" && request.method == HttpMethod::kGet &&
      request.keep_alive && !http10) {
    out.append(plaintext_);  // the hot path
    return;
  }
  // HTTP/1.0 closes unless told otherwise (RFC 9112 9.3).
  const std::string_view connection =
      http10 && request.keep_alive ? "keep-alive" : "";
  const bool close = !request.keep_alive;
  if (path == "/plaintext" && (request.method == HttpMethod::kGet ||
                               request.method == HttpMethod::kHead)) {
    Append(200, "text/plain", kPlaintextBody,
           request.method == HttpMethod::kHead, connection, close, out);
  } else if (path == "/echo" && request.method == HttpMethod::kPost) {
    Append(200, "application/octet-stream", request.body, false, connection,
           close, out);
  } else {
    Append(404, "text/plain", "Not Found", request.method == HttpMethod::kHead,
           connection, close, out);
  }
}

void HttpdResponses::AppendError(int status, std::string& out) const {
  Append(status, "text/plain", StandardReasonPhrase(status), false, "",
         /*close=*/true, out);
}

void HttpdResponses::Append(int status, std::string_view content_type,
                            std::string_view body, bool head_only,
                            std::string_view connection, bool close,
                            std::string& out) const {
  std::array<HttpHeader, 4> headers = {
      HttpHeader{"Server", kServerName}, HttpHeader{"Date", date_},
      HttpHeader{"Content-Type", content_type},
      HttpHeader{"Connection", connection}};
  const std::size_t count = connection.empty() ? 3 : 4;
  // The values are constants or checked by the parser (a body needs no
  // check), so the writer cannot refuse them.
  AppendHttpResponseHead({.status = status,
                          .headers = std::span(headers.data(), count),
                          .content_length = body.size(),
                          .close = close},
                         out)
      .IgnoreError();
  if (!head_only) out.append(body);
}

}  // namespace asycamore
