#include "asycamore/http/response_parser.h"

#include <memory>
#include <optional>

#include "llhttp_parser.h"

namespace asycamore {

// The client side's decisions on top of the shared llhttp glue: which
// responses have no body, which are interim, when HTTP ends.
class HttpResponseParser::Impl final : public http_internal::MessageObserver {
 public:
  Impl(HttpResponseHandler& handler, const HttpResponseParserOptions& options)
      : handler_(handler),
        parser_(HTTP_RESPONSE, *this,
                {.max_header_bytes = options.max_header_bytes,
                 .max_header_count = options.max_header_count,
                 .max_body_bytes = options.max_body_bytes,
                 .keep_headers = options.keep_headers,
                 .keep_body = options.keep_body},
                "HttpResponseParser") {}

  http_internal::LlhttpParser& parser() { return parser_; }

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
    view.status_code = parser.status_code();
    view.reason = parser.reason();
    view.version = parser.version();
    view.headers = parser.headers();
    view.header_count = parser.header_count();
    view.body = parser.body();
    view.body_size = parser.body_size();
    view.framing = parser.framing();
    view.upgraded = upgraded_;
    view.keep_alive = !upgraded_ && parser.keep_alive();
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
  http_internal::LlhttpParser parser_;
  HttpMethod request_method_ = HttpMethod::kGet;
  bool interim_ = false;
  bool upgraded_ = false;
};

HttpResponseParser::HttpResponseParser(HttpResponseHandler& handler,
                                       HttpResponseParserOptions options)
    : impl_(std::make_unique<Impl>(handler, options)) {}

HttpResponseParser::~HttpResponseParser() = default;

absl::Status HttpResponseParser::Feed(std::string_view data) {
  return impl_->parser().Feed(data);
}
absl::Status HttpResponseParser::Finish() { return impl_->parser().Finish(); }
void HttpResponseParser::Reset() { impl_->parser().Reset(); }
HttpParseError HttpResponseParser::error() const { return impl_->parser().error(); }
bool HttpResponseParser::idle() const { return impl_->parser().idle(); }
bool HttpResponseParser::closed() const { return impl_->parser().closed(); }
std::uint64_t HttpResponseParser::bytes_fed() const { return impl_->parser().bytes_fed(); }
std::uint64_t HttpResponseParser::ignored_bytes() const {
  return impl_->parser().ignored_bytes();
}

}  // namespace asycamore
