#include "asycamore/http/response_parser.h"

#include <memory>
#include <optional>

#include "absl/strings/str_format.h"

#include "llhttp_parser.h"

namespace asycamore {

namespace {

// The client side's decisions on top of the shared llhttp glue: which
// responses have no body, which are interim, when HTTP ends.
class ResponseParserCore final : public http_internal::ParserCore {
 public:
  ResponseParserCore(HttpResponseHandler& handler,
                     const HttpResponseParserOptions& options)
      : ParserCore(HTTP_RESPONSE,
                   {.max_header_bytes = options.max_header_bytes,
                    .max_header_count = options.max_header_count,
                    .max_body_bytes = options.max_body_bytes,
                    .keep_headers = options.keep_headers,
                    .keep_body = options.keep_body},
                   "HttpResponseParser"),
        handler_(handler) {}

  bool OnMessageBegin(http_internal::LlhttpParser& parser) override {
    const std::optional<HttpMethod> method = handler_.PendingRequestMethod();
    if (!method.has_value()) {
      parser.Fail(HttpParseError::kUnexpectedResponse,
                  "a response began while no request was outstanding",
                  parser.message_offset());
      return false;
    }
    request_method_ = *method;
    return true;
  }

  bool OnHeadersComplete(http_internal::LlhttpParser& parser) override {
    const int status = parser.status_code();
    // llhttp 8.1 takes one to three digits; RFC 9112 4 says three, so "1"
    // and "099" are no status at all (and must not answer a request).
    if (status < 100) {
      parser.Fail(HttpParseError::kMalformed,
                  absl::StrFormat("the status code %d is not three digits",
                                  status),
                  parser.message_offset());
      return false;
    }
    interim_ = status / 100 == 1 && status != 101;
    upgraded_ = status == 101 ||
                (request_method_ == HttpMethod::kConnect && status / 100 == 2);
    // RFC 9112 6.3: these responses end at their header section. llhttp 8.1
    // knows 1xx, 204 and 304 only when they carry no length header, and
    // never knows the request was HEAD or CONNECT.
    return interim_ || upgraded_ || status == 204 || status == 304 ||
           request_method_ == HttpMethod::kHead;
  }

  void OnMessageComplete(http_internal::LlhttpParser& parser) override {
    HttpResponseView view;
    parser.FillMessageView(view);
    view.status_code = parser.status_code();
    view.reason = parser.reason();
    view.upgraded = upgraded_;
    view.keep_alive = view.keep_alive && !upgraded_;
    if (interim_) {
      view.keep_alive = true;  // the final response decides
      handler_.OnInterimResponse(view);
      return;
    }
    if (!view.keep_alive) parser.CloseAfterMessage();
    handler_.OnResponse(view);
  }

 private:
  HttpResponseHandler& handler_;
  HttpMethod request_method_ = HttpMethod::kGet;
  bool interim_ = false;
  bool upgraded_ = false;
};

}  // namespace

HttpResponseParser::HttpResponseParser(HttpResponseHandler& handler,
                                       HttpResponseParserOptions options)
    : HttpStreamParser(std::make_unique<ResponseParserCore>(handler, options)) {
}

}  // namespace asycamore
