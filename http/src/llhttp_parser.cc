#include "llhttp_parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_format.h"

namespace asycamore::http_internal {
namespace {

LlhttpParser& Self(llhttp_t* p) { return *static_cast<LlhttpParser*>(p->data); }

}  // namespace

// Built on first use, so that a parser constructed during static
// initialisation still finds its callbacks.
const llhttp_settings_t& LlhttpParser::Settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &LlhttpParser::OnMessageBeginCb;
    // Every span appends to the text buffer; the *_complete callback that
    // follows settles which token it was.
    s.on_method = &LlhttpParser::OnSpanCb;
    s.on_url = &LlhttpParser::OnSpanCb;
    s.on_status = &LlhttpParser::OnSpanCb;
    s.on_header_field = &LlhttpParser::OnSpanCb;
    s.on_header_value = &LlhttpParser::OnSpanCb;
    s.on_method_complete = &LlhttpParser::OnMethodCompleteCb;
    s.on_url_complete = &LlhttpParser::OnUrlCompleteCb;
    s.on_status_complete = &LlhttpParser::OnStatusCompleteCb;
    s.on_header_field_complete = &LlhttpParser::OnHeaderFieldCompleteCb;
    s.on_header_value_complete = &LlhttpParser::OnHeaderValueCompleteCb;
    s.on_headers_complete = &LlhttpParser::OnHeadersCompleteCb;
    s.on_body = &LlhttpParser::OnBodyCb;
    s.on_message_complete = &LlhttpParser::OnMessageCompleteCb;
    return s;
  }();
  return settings;
}

LlhttpParser::LlhttpParser(llhttp_type_t type, MessageObserver& observer,
                           MessageLimits limits, std::string_view api)
    : observer_(observer),
      limits_(limits),
      api_(api),
      side_(type == HTTP_REQUEST ? "request" : "response") {
  // Ranges into the text buffer are 32-bit; the limit keeps them in range.
  limits_.max_header_bytes = std::min<std::size_t>(
      limits_.max_header_bytes, std::numeric_limits<std::uint32_t>::max() / 2);
  llhttp_init(&parser_, type, &Settings());
  parser_.data = this;
}

void LlhttpParser::Reset() {
  llhttp_init(&parser_, static_cast<llhttp_type_t>(parser_.type), &Settings());
  parser_.data = this;
  StartMessage();
  in_message_ = false;
  in_headers_ = true;
  in_finish_ = false;
  finished_ = false;
  closed_ = false;
  fed_ = 0;
  total_fed_ = 0;
  header_bytes_ = 0;
  header_start_ = 0;
  ignored_ = 0;
  error_ = HttpParseError::kNone;
  status_ = absl::OkStatus();
}

void LlhttpParser::StartMessage() {
  // clear() keeps the capacity: the steady state allocates nothing.
  text_.clear();
  token_begin_ = 0;
  method_ = target_ = reason_ = field_ = Range{};
  header_ranges_.clear();
  header_views_.clear();
  views_built_ = false;
  header_count_ = 0;
  span_bytes_ = 0;
  body_.clear();
  body_size_ = 0;
  declared_length_ = 0;
  framing_ = BodyFraming::kNone;
}

absl::Status LlhttpParser::Feed(std::string_view data) {
  total_fed_ += data.size();
  if (error_ != HttpParseError::kNone) return status_;
  if (finished_) {
    return Fail(HttpParseError::kUsage,
                "Feed after Finish (the stream had ended)", fed_);
  }
  const char* p = data.data();
  const char* const end = p + data.size();
  for (;;) {
    if (closed_) {
      ignored_ += static_cast<std::uint64_t>(end - p);
      fed_ += static_cast<std::uint64_t>(end - p);
      return absl::OkStatus();
    }
    const bool started_in_headers = in_headers_;
    call_begin_ = p;
    // In a header section, llhttp gets at most one byte past the limit:
    // whatever it would find further on (a malformation, too many fields, a
    // body too large) comes after the limit was passed, and must not be
    // reported instead of it, or the error would depend on how the stream
    // was cut into reads.
    std::size_t length = static_cast<std::size_t>(end - p);
    if (started_in_headers) {
      length = static_cast<std::size_t>(std::min<std::uint64_t>(
          length, limits_.max_header_bytes - header_bytes_ + 1));
    }
    const llhttp_errno_t err = llhttp_execute(&parser_, p, length);
    if (error_ != HttpParseError::kNone) return status_;  // a callback failed
    const char* stop =
        err == HPE_OK ? p + length : llhttp_get_error_pos(&parser_);
    if (err != HPE_OK && err != HPE_PAUSED && err != HPE_PAUSED_UPGRADE) {
      const std::uint64_t at = fed_ + static_cast<std::uint64_t>(stop - p);
      return Fail(HttpParseError::kMalformed,
                  absl::StrFormat("%s (%s)", llhttp_errno_name(err),
                                  llhttp_get_error_reason(&parser_)),
                  at);
    }
    const auto consumed = static_cast<std::uint64_t>(stop - p);
    fed_ += consumed;
    p = stop;
    if (started_in_headers) {
      header_bytes_ += consumed;
      if (header_bytes_ > limits_.max_header_bytes)
        return FailHeadersTooLarge();
    }
    if (err == HPE_OK) return absl::OkStatus();
    if (err == HPE_PAUSED_UPGRADE) {
      // Only reached when the owner did not close the connection: it treats
      // the Upgrade as ignored (the request parser does, RFC 9110 7.8).
      llhttp_resume_after_upgrade(&parser_);
    } else {
      llhttp_resume(&parser_);
      if (in_headers_) {
        // Paused at a message's end: the next header section starts here.
        header_bytes_ = 0;
        header_start_ = fed_;
      }
      // Paused at the end of a header section, llhttp runs on even with no
      // byte left, so that a message without a body completes now.
    }
    if (p == end && in_headers_) return absl::OkStatus();
  }
}

absl::Status LlhttpParser::Finish() {
  if (error_ != HttpParseError::kNone) return status_;
  if (finished_) return absl::OkStatus();
  finished_ = true;
  if (closed_ || !in_message_) return absl::OkStatus();
  in_finish_ = true;
  const llhttp_errno_t err = llhttp_finish(&parser_);
  in_finish_ = false;
  if (error_ != HttpParseError::kNone) return status_;
  if (err == HPE_OK && !in_message_) return absl::OkStatus();  // body until EOF
  return FailTruncated();
}

const absl::Status& LlhttpParser::Fail(HttpParseError error,
                                       std::string_view what,
                                       std::uint64_t offset) {
  if (error_ != HttpParseError::kNone)
    return status_;  // the first error stands
  error_ = error;
  const std::string message =
      absl::StrFormat("%s: %s %s at byte %d of the stream: %s", api_, side_,
                      HttpParseErrorName(error), offset, what);
  switch (error) {
    case HttpParseError::kHeadersTooLarge:
    case HttpParseError::kTooManyHeaders:
    case HttpParseError::kBodyTooLarge:
      status_ = absl::ResourceExhaustedError(message);
      break;
    case HttpParseError::kTruncated:
      status_ = absl::DataLossError(message);
      break;
    case HttpParseError::kUsage:
      status_ = absl::FailedPreconditionError(message);
      break;
    default:
      status_ = absl::InvalidArgumentError(message);
      break;
  }
  return status_;
}

const absl::Status& LlhttpParser::FailHeadersTooLarge() {
  return Fail(HttpParseError::kHeadersTooLarge,
              absl::StrFormat("the header section passed max_header_bytes (%d)",
                              limits_.max_header_bytes),
              header_start_ + limits_.max_header_bytes);
}

const absl::Status& LlhttpParser::FailTruncated() {
  std::string where;
  if (in_headers_) {
    where = absl::StrFormat(
        "the stream ended in the header section, after %d bytes of it",
        header_bytes_);
  } else if (framing_ == BodyFraming::kContentLength) {
    where =
        absl::StrFormat("the stream ended in the body, after %d of %d bytes",
                        body_size_, declared_length_);
  } else {
    where =
        absl::StrFormat("the stream ended in the %s body, after %d bytes of it",
                        BodyFramingName(framing_), body_size_);
  }
  return Fail(HttpParseError::kTruncated, where, fed_);
}

std::uint64_t LlhttpParser::OffsetOf(const char* at) const {
  return fed_ + static_cast<std::uint64_t>(at - call_begin_);
}

int LlhttpParser::OnSpanCb(llhttp_t* p, const char* at, std::size_t length) {
  return Self(p).Append(at, length);
}

int LlhttpParser::Append(const char* at, std::size_t length) {
  span_bytes_ += length;
  if (span_bytes_ > limits_.max_header_bytes) {
    // More text than the whole section may hold: the raw count (which also
    // holds the separators) is past the limit too.
    if (in_headers_) {
      FailHeadersTooLarge();
    } else {
      Fail(HttpParseError::kHeadersTooLarge,
           absl::StrFormat("the trailer fields passed max_header_bytes (%d)",
                           limits_.max_header_bytes),
           OffsetOf(at));
    }
    return -1;
  }
  if (limits_.keep_headers) text_.append(at, length);
  return 0;
}

LlhttpParser::Range LlhttpParser::EndToken() {
  const auto end = static_cast<std::uint32_t>(text_.size());
  const Range range{token_begin_, end};
  token_begin_ = end;
  return range;
}

int LlhttpParser::OnMessageBeginCb(llhttp_t* p) {
  LlhttpParser& self = Self(p);
  self.StartMessage();
  self.in_message_ = true;
  return self.observer_.OnMessageBegin(self) ? 0 : -1;
}

int LlhttpParser::OnMethodCompleteCb(llhttp_t* p) {
  Self(p).method_ = Self(p).EndToken();
  return 0;
}

int LlhttpParser::OnUrlCompleteCb(llhttp_t* p) {
  Self(p).target_ = Self(p).EndToken();
  return 0;
}

int LlhttpParser::OnStatusCompleteCb(llhttp_t* p) {
  Self(p).reason_ = Self(p).EndToken();
  return 0;
}

int LlhttpParser::OnHeaderFieldCompleteCb(llhttp_t* p) {
  Self(p).field_ = Self(p).EndToken();
  return 0;
}

int LlhttpParser::OnHeaderValueCompleteCb(llhttp_t* p) {
  LlhttpParser& self = Self(p);
  Range value = self.EndToken();
  if (++self.header_count_ > self.limits_.max_header_count) {
    // The section's start: the callback knows no byte position.
    self.Fail(HttpParseError::kTooManyHeaders,
              absl::StrFormat(
                  "the header section (or trailer) starting there has more "
                  "than max_header_count (%d) fields",
                  self.limits_.max_header_count),
              self.header_start_);
    return -1;
  }
  if (self.limits_.keep_headers) {
    // llhttp drops the whitespace before a value, not after it.
    while (value.end > value.begin && (self.text_[value.end - 1] == ' ' ||
                                       self.text_[value.end - 1] == '\t')) {
      --value.end;
    }
    self.header_ranges_.push_back({self.field_, value});
  }
  return 0;
}

int LlhttpParser::OnHeadersCompleteCb(llhttp_t* p) {
  LlhttpParser& self = Self(p);
  self.in_headers_ = false;
  self.declared_length_ = self.declared_length();
  const bool no_body = self.observer_.OnHeadersComplete(self);
  if (self.error_ != HttpParseError::kNone) return -1;
  if (no_body) {
    self.framing_ = BodyFraming::kNone;
    // What returning 1 would do; set by hand because the callback returns
    // HPE_PAUSED (so that Feed sees where the header section ended) and
    // llhttp's after_headers_complete reads the flag on resume.
    p->flags |= F_SKIPBODY;
  } else if ((p->flags & F_CHUNKED) != 0) {
    self.framing_ = BodyFraming::kChunked;
  } else if ((p->flags & F_TRANSFER_ENCODING) != 0) {
    self.framing_ = BodyFraming::kUntilEof;  // llhttp refuses this in a request
  } else if ((p->flags & F_CONTENT_LENGTH) != 0) {
    self.framing_ = BodyFraming::kContentLength;
  } else {
    self.framing_ =
        p->type == HTTP_REQUEST ? BodyFraming::kNone : BodyFraming::kUntilEof;
  }
  return HPE_PAUSED;
}

int LlhttpParser::OnBodyCb(llhttp_t* p, const char* at, std::size_t length) {
  LlhttpParser& self = Self(p);
  const std::uint64_t before = self.body_size_;
  self.body_size_ += length;
  if (self.limits_.keep_body) {
    if (self.body_size_ > self.limits_.max_body_bytes) {
      // The offset of the first body byte past the limit.
      self.Fail(HttpParseError::kBodyTooLarge,
                absl::StrFormat("the body passed max_body_bytes (%d)",
                                self.limits_.max_body_bytes),
                self.OffsetOf(at) + (self.limits_.max_body_bytes - before));
      return -1;
    }
    self.body_.append(at, length);
  }
  return 0;
}

int LlhttpParser::OnMessageCompleteCb(llhttp_t* p) {
  LlhttpParser& self = Self(p);
  self.in_message_ = false;
  self.in_headers_ = true;
  self.observer_.OnMessageComplete(self);
  if (self.error_ != HttpParseError::kNone) return -1;
  // Pausing tells Feed where the message ended; llhttp_finish has no more
  // bytes to tell about.
  return self.in_finish_ ? 0 : HPE_PAUSED;
}

std::span<const HttpHeader> LlhttpParser::headers() {
  if (!views_built_) {
    views_built_ = true;
    header_views_.clear();
    for (const HeaderRange& h : header_ranges_) {
      header_views_.push_back({Text(h.name), Text(h.value)});
    }
  }
  return header_views_;
}

void LlhttpParser::FillMessageView(HttpMessageView& view) {
  view.version = version();
  view.headers = headers();
  view.header_count = header_count_;
  view.body = body_;
  view.body_size = body_size_;
  view.framing = framing_;
  view.keep_alive = llhttp_should_keep_alive(&parser_) != 0;
}

HttpMethod LlhttpParser::method() const {
  switch (static_cast<llhttp_method_t>(parser_.method)) {
    case HTTP_GET:
      return HttpMethod::kGet;
    case HTTP_HEAD:
      return HttpMethod::kHead;
    case HTTP_POST:
      return HttpMethod::kPost;
    case HTTP_PUT:
      return HttpMethod::kPut;
    case HTTP_DELETE:
      return HttpMethod::kDelete;
    case HTTP_PATCH:
      return HttpMethod::kPatch;
    case HTTP_OPTIONS:
      return HttpMethod::kOptions;
    case HTTP_TRACE:
      return HttpMethod::kTrace;
    case HTTP_CONNECT:
      return HttpMethod::kConnect;
    default:
      return HttpMethod::kOther;
  }
}

}  // namespace asycamore::http_internal
