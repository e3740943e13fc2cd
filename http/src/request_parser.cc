#include "asycamore/http/request_parser.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "llhttp_parser.h"

namespace asycamore {

namespace {

// The server side's decisions on top of the shared llhttp glue: refuse a
// declared body past the limit before reading it, end HTTP after CONNECT.
class RequestParserCore final : public http_internal::ParserCore {
 public:
  RequestParserCore(HttpRequestHandler& handler,
                    const HttpRequestParserOptions& options)
      : ParserCore(HTTP_REQUEST,
                   {.max_header_bytes = options.max_header_bytes,
                    .max_header_count = options.max_header_count,
                    .max_body_bytes = options.max_body_bytes,
                    .keep_headers = true,
                    .keep_body = true},
                   "HttpRequestParser"),
        handler_(handler),
        max_body_bytes_(options.max_body_bytes) {}

  bool OnMessageBegin(http_internal::LlhttpParser&) override { return true; }

  bool OnHeadersComplete(http_internal::LlhttpParser& parser) override {
    if (parser.target().empty()) {
      // llhttp 8.1 lets "CONNECT \r\n" through with no target at all.
      parser.Fail(HttpParseError::kMalformed,
                  "the request line has no request-target",
                  parser.message_offset());
      return false;
    }
    if (parser.declared_length() > max_body_bytes_) {
      // Refused before a byte of it is read, so the server can answer 413
      // at once.
      parser.Fail(
          HttpParseError::kBodyTooLarge,
          absl::StrFormat("Content-Length %d passes max_body_bytes (%d)",
                          parser.declared_length(), max_body_bytes_),
          parser.message_offset());
    }
    return parser.method() == HttpMethod::kConnect;
  }

  void OnMessageComplete(http_internal::LlhttpParser& parser) override {
    HttpRequestView view;
    parser.FillMessageView(view);
    view.method = parser.method();
    view.method_name = parser.method_text();
    view.target = parser.target();
    view.keep_alive = view.keep_alive && view.method != HttpMethod::kConnect;
    if (!view.keep_alive) parser.CloseAfterMessage();
    handler_.OnRequest(view);
  }

 private:
  HttpRequestHandler& handler_;
  std::uint64_t max_body_bytes_;
};

}  // namespace

HttpRequestParser::HttpRequestParser(HttpRequestHandler& handler,
                                     HttpRequestParserOptions options)
    : HttpStreamParser(std::make_unique<RequestParserCore>(handler, options)) {}

}  // namespace asycamore
