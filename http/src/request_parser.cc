#include "asycamore/http/request_parser.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "llhttp_parser.h"

namespace asycamore {

// The server side's decisions on top of the shared llhttp glue: refuse a
// declared body past the limit before reading it, end HTTP after CONNECT.
class HttpRequestParser::Impl final : public http_internal::MessageObserver {
 public:
  Impl(HttpRequestHandler& handler, const HttpRequestParserOptions& options)
      : handler_(handler),
        max_body_bytes_(options.max_body_bytes),
        parser_(HTTP_REQUEST, *this,
                {.max_header_bytes = options.max_header_bytes,
                 .max_header_count = options.max_header_count,
                 .max_body_bytes = options.max_body_bytes,
                 .keep_headers = true,
                 .keep_body = true},
                "HttpRequestParser") {}

  http_internal::LlhttpParser& parser() { return parser_; }

  bool OnMessageBegin(http_internal::LlhttpParser&) override { return true; }

  bool OnHeadersComplete(http_internal::LlhttpParser& parser) override {
    if (parser.declared_length() > max_body_bytes_) {
      // Refused before a byte of it is read, so the server can answer 413
      // at once.
      parser.Fail(HttpParseError::kBodyTooLarge,
                  absl::StrFormat("Content-Length %d passes max_body_bytes (%d)",
                                  parser.declared_length(), max_body_bytes_),
                  parser.message_offset());
    }
    return parser.method() == HttpMethod::kConnect;
  }

  void OnMessageComplete(http_internal::LlhttpParser& parser) override {
    HttpRequestView view;
    view.method = parser.method();
    view.method_name = parser.method_text();
    view.target = parser.target();
    view.version = parser.version();
    view.headers = parser.headers();
    view.body = parser.body();
    view.framing = parser.framing();
    view.keep_alive = view.method != HttpMethod::kConnect && parser.keep_alive();
    if (!view.keep_alive) parser.CloseAfterMessage();
    handler_.OnRequest(view);
  }

 private:
  HttpRequestHandler& handler_;
  std::uint64_t max_body_bytes_;
  http_internal::LlhttpParser parser_;
};

HttpRequestParser::HttpRequestParser(HttpRequestHandler& handler,
                                     HttpRequestParserOptions options)
    : impl_(std::make_unique<Impl>(handler, options)) {}

HttpRequestParser::~HttpRequestParser() = default;

absl::Status HttpRequestParser::Feed(std::string_view data) {
  return impl_->parser().Feed(data);
}
absl::Status HttpRequestParser::Finish() { return impl_->parser().Finish(); }
void HttpRequestParser::Reset() { impl_->parser().Reset(); }
HttpParseError HttpRequestParser::error() const { return impl_->parser().error(); }
bool HttpRequestParser::idle() const { return impl_->parser().idle(); }
bool HttpRequestParser::closed() const { return impl_->parser().closed(); }
std::uint64_t HttpRequestParser::bytes_fed() const { return impl_->parser().bytes_fed(); }
std::uint64_t HttpRequestParser::ignored_bytes() const {
  return impl_->parser().ignored_bytes();
}

}  // namespace asycamore
