// LlhttpParser: the llhttp glue both HttpRequestParser and HttpResponseParser
// are built on (private to the http library; llhttp.h is not a public header).
// It owns the llhttp state, stores the start line, headers and body in
// buffers that keep their capacity, enforces the limits, and turns llhttp's
// errors into statuses that name the byte. The owner (MessageObserver) makes
// the protocol decisions that differ between the sides: which messages have
// no body, what to deliver, when HTTP ends on the connection.
//
// How the header section is measured exactly, over any chunking: the parser
// pauses llhttp (HPE_PAUSED) when the headers complete and when a message
// completes, so every llhttp_execute call lies entirely in one message's
// header section or entirely after it; the bytes a call consumed while in the
// header section are added to the section's count. A header section therefore
// runs from the end of the previous message (blank lines before a start line
// count) to the end of its blank line. Stored text is checked in the span
// callbacks too, so a single huge read cannot make the buffers outgrow the
// limit before the call returns.
#ifndef ASYCAMORE_HTTP_SRC_LLHTTP_PARSER_H_
#define ASYCAMORE_HTTP_SRC_LLHTTP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "asycamore/http/http_message.h"
#include "llhttp.h"

namespace asycamore::http_internal {

class LlhttpParser;

class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  // A message's first byte arrived. Return false after calling
  // parser.Fail() to refuse it.
  virtual bool OnMessageBegin(LlhttpParser& parser) = 0;
  // The header section is complete. Return true when the message has no
  // body whatever its headers say (HEAD, 1xx, 204, 304, ...). May call
  // parser.Fail() (its return value is then ignored).
  virtual bool OnHeadersComplete(LlhttpParser& parser) = 0;
  // The message is complete: deliver it. May call parser.CloseAfterMessage().
  virtual void OnMessageComplete(LlhttpParser& parser) = 0;
};

struct MessageLimits {
  std::size_t max_header_bytes = 0;
  std::size_t max_header_count = 0;
  std::uint64_t max_body_bytes = 0;  // applied to kept bodies only
  bool keep_headers = true;
  bool keep_body = true;
};

class LlhttpParser {
 public:
  // `api` is the public class's name, for messages.
  LlhttpParser(llhttp_type_t type, MessageObserver& observer,
               MessageLimits limits, std::string_view api);

  LlhttpParser(const LlhttpParser&) = delete;
  LlhttpParser& operator=(const LlhttpParser&) = delete;

  absl::Status Feed(std::string_view data);
  absl::Status Finish();
  void Reset();

  // Stops the parser with `error`; `what` says why. Returns the status.
  const absl::Status& Fail(HttpParseError error, std::string_view what,
                           std::uint64_t offset);
  // Ignores every byte after the current message (HTTP ended on the
  // connection).
  void CloseAfterMessage() { closed_ = true; }

  // The current message (valid from OnHeadersComplete on).
  const llhttp_t& raw() const { return parser_; }
  int status_code() const { return parser_.status_code; }
  HttpVersion version() const {
    return {parser_.http_major, parser_.http_minor};
  }
  HttpMethod method() const;
  std::string_view method_text() const { return Text(method_); }
  std::string_view target() const { return Text(target_); }
  std::string_view reason() const { return Text(reason_); }
  // Built on first use after the message completed.
  std::span<const HttpHeader> headers();
  // Fills what every message view has; keep_alive is llhttp's verdict.
  // Call in OnMessageComplete.
  void FillMessageView(HttpMessageView& view);
  // The Content-Length the headers declared, 0 without one (call in
  // OnHeadersComplete).
  std::uint64_t declared_length() const {
    return (parser_.flags & F_CONTENT_LENGTH) != 0 ? parser_.content_length : 0;
  }
  // Where the current message's header section began in the stream.
  std::uint64_t message_offset() const { return header_start_; }

  HttpParseError error() const { return error_; }
  const absl::Status& status() const { return status_; }
  bool idle() const { return !in_message_; }
  bool closed() const { return closed_; }
  std::uint64_t bytes_fed() const { return total_fed_; }
  std::uint64_t ignored_bytes() const { return ignored_; }
  std::string_view api() const { return api_; }

 private:
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  struct HeaderRange {
    Range name;
    Range value;
  };

  std::string_view Text(Range range) const {
    return std::string_view(text_).substr(range.begin, range.end - range.begin);
  }
  void StartMessage();
  int Append(const char* at, std::size_t length);
  Range EndToken();
  const absl::Status& FailHeadersTooLarge();
  const absl::Status& FailTruncated();
  // The stream offset of `at`, a byte of the llhttp_execute call running.
  std::uint64_t OffsetOf(const char* at) const;

  // llhttp callbacks (llhttp_t::data is the LlhttpParser).
  static int OnMessageBeginCb(llhttp_t* p);
  static int OnSpanCb(llhttp_t* p, const char* at, std::size_t length);
  static int OnMethodCompleteCb(llhttp_t* p);
  static int OnUrlCompleteCb(llhttp_t* p);
  static int OnStatusCompleteCb(llhttp_t* p);
  static int OnHeaderFieldCompleteCb(llhttp_t* p);
  static int OnHeaderValueCompleteCb(llhttp_t* p);
  static int OnHeadersCompleteCb(llhttp_t* p);
  static int OnBodyCb(llhttp_t* p, const char* at, std::size_t length);
  static int OnMessageCompleteCb(llhttp_t* p);
  static const llhttp_settings_t& Settings();

  MessageObserver& observer_;
  MessageLimits limits_;
  std::string_view api_;
  std::string_view side_;
  llhttp_t parser_;

  // Start line and header text, back to back; ranges index it.
  std::string text_;
  std::uint32_t token_begin_ = 0;
  Range method_;
  Range target_;
  Range reason_;
  Range field_;
  std::vector<HeaderRange> header_ranges_;
  std::vector<HttpHeader> header_views_;
  bool views_built_ = false;
  std::size_t header_count_ = 0;
  std::size_t span_bytes_ = 0;  // start line and header bytes seen by spans

  std::string body_;
  std::uint64_t body_size_ = 0;
  std::uint64_t declared_length_ = 0;
  BodyFraming framing_ = BodyFraming::kNone;

  bool in_message_ = false;
  bool in_headers_ = true;  // in a header section (or before a message)
  bool in_finish_ = false;
  bool finished_ = false;
  bool closed_ = false;
  std::uint64_t fed_ = 0;             // stream offset of the next byte to parse
  std::uint64_t total_fed_ = 0;       // every byte given to Feed
  const char* call_begin_ = nullptr;  // where the running llhttp_execute began
  std::uint64_t header_bytes_ = 0;    // of the current header section so far
  std::uint64_t header_start_ = 0;
  std::uint64_t ignored_ = 0;
  HttpParseError error_ = HttpParseError::kNone;
  absl::Status status_;
};

// The side-specific part of a public parser: owns the LlhttpParser and
// observes it. HttpStreamParser forwards its calls to parser().
class ParserCore : public MessageObserver {
 public:
  LlhttpParser& parser() { return parser_; }
  const LlhttpParser& parser() const { return parser_; }

 protected:
  ParserCore(llhttp_type_t type, MessageLimits limits, std::string_view api)
      : parser_(type, *this, limits, api) {}

 private:
  LlhttpParser parser_;
};

}  // namespace asycamore::http_internal

#endif  // ASYCAMORE_HTTP_SRC_LLHTTP_PARSER_H_
