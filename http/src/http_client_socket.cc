// HttpClientSocket: how a connection's life is driven and how each request
// ends.
//
//   Start ─ConnectTcp─> connect result ─ok─> reader + WriteIterable start
//                            │ failure           │ reads -> parser -> OnResponse
//                            v                   v (front of the ring answered)
//                        closed <──── Abort ─── an end is decided (SetEnd)
//                            │
//                            └─> the closer schedules Finalize (next turn):
//                                every request left in the ring ends there,
//                                then on_end.
//
// The ring holds the requests taken and not yet ended, oldest first; the
// parser's PendingRequestMethod is the front's method. An end decided while
// a read is being parsed (a response that closes HTTP, a callback's Stop)
// waits until the parse returns, so the parser's handler never sees the
// connection close under it. Finalize runs from a timer, at the top of the
// stack, so that on_end may call Start() again at once.
//
// Whether a byte of a request was sent is read off the write queue's stream
// positions: the request occupies [start, end), and bytes_sent() says how
// far the socket took the stream.
#include "asycamore/http/http_client_socket.h"

#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/sock_err.h"

namespace asycamore {
namespace {

std::string_view Std(absl::string_view view) {
  return std::string_view(view.data(), view.size());
}

bool IsRefused(SystemError code) {
  const std::string name = SystemErrorName(code);
  return name == "ECONNREFUSED" || name == "WSAECONNREFUSED";
}

}  // namespace

bool IsIdempotent(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
    case HttpMethod::kHead:
    case HttpMethod::kPut:
    case HttpMethod::kDelete:
    case HttpMethod::kOptions:
    case HttpMethod::kTrace:
      return true;
    default:
      return false;
  }
}

std::string_view HttpErrorClassName(HttpErrorClass error_class) {
  switch (error_class) {
    case HttpErrorClass::kNone: return "none";
    case HttpErrorClass::kConnectRefused: return "connect-refused";
    case HttpErrorClass::kConnectTimedOut: return "connect-timeout";
    case HttpErrorClass::kAddressesExhausted: return "addresses-exhausted";
    case HttpErrorClass::kConnect: return "connect";
    case HttpErrorClass::kRead: return "read";
    case HttpErrorClass::kWrite: return "write";
    case HttpErrorClass::kTimeout: return "timeout";
    case HttpErrorClass::kParse: return "parse";
    case HttpErrorClass::kStopped: return "stopped";
  }
  return "?";
}

bool IsConnectError(HttpErrorClass error_class) {
  return error_class == HttpErrorClass::kConnectRefused ||
         error_class == HttpErrorClass::kConnectTimedOut ||
         error_class == HttpErrorClass::kAddressesExhausted ||
         error_class == HttpErrorClass::kConnect;
}

// ---- life ----

HttpClientSocket::HttpClientSocket(HttpClientOptions options)
    : TcpConnection(std::move(options.connection)),
      options_(std::move(options)),
      parser_(*this, options_.parser) {
  if (options_.pipeline_depth < 1) options_.pipeline_depth = 1;
  ring_.reserve(static_cast<std::size_t>(options_.pipeline_depth));
}

HttpClientSocket::~HttpClientSocket() {
  if (loop() != nullptr) {
    if (timer_.valid()) loop()->CancelTimer(timer_);
    if (finalize_timer_.valid()) loop()->CancelTimer(finalize_timer_);
  }
}

absl::Status HttpClientSocket::Start(EventLoop& loop,
                                     const SocketAddress& address,
                                     HttpRequestSource source) {
  if (running_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "HttpClientSocket::Start(", address.ToString(),
        "): the previous connection (to ", address_.ToString(),
        ") has not ended yet"));
  }
  address_ = address;
  parser_.Reset();
  source_ = std::move(source);
  source_ended_ = false;
  in_data_ = end_pending_ = closing_ = server_closed_ = front_fails_ = false;
  draining_ = false;
  closed_ = false;
  end_class_ = HttpErrorClass::kNone;
  end_code_ = kNoSystemError;
  end_message_.clear();
  sequence_ = 0;
  summary_ = HttpConnectionEnd();
  writer_.reset();
  reader_.reset();
  set_closer([this](TcpConnection&) { OnClosed(); });
  if (absl::Status status = ConnectTcp(loop, *this, address,
                                       {.timeout = options_.connect_timeout});
      !status.ok()) {
    set_closer(nullptr);
    return status;
  }
  running_ = true;
  return absl::OkStatus();
}

void HttpClientSocket::dispatch_event(const Event& event) {
  if (dispatch_state() == ConnectionState::kConnecting) {
    OnConnectResult(event);
    return;
  }
  if (event.readable && reader_ != nullptr) reader_->OnReadable();
}

void HttpClientSocket::OnConnectResult(const Event& event) {
  if (event.error) {
    const SockErr error = GetSockErr(*this);
    HttpErrorClass error_class = HttpErrorClass::kConnect;
    if (error.code == TimedOutError()) {
      error_class = HttpErrorClass::kConnectTimedOut;
    } else if (ClassifyError(SocketOp::kConnect, error.code) ==
               ErrorClass::kAddressesExhausted) {
      error_class = HttpErrorClass::kAddressesExhausted;
    } else if (IsRefused(error.code)) {
      error_class = HttpErrorClass::kConnectRefused;
    }
    SetEnd(error_class, error.code,
           Describe(absl::StrCat("connect: ", error.text)), false);
    return;  // the connection closes itself; the closer reports
  }
  summary_.connected = true;
  reader_ = std::make_unique<DataReader>(
      *this, [this](std::string_view data) { OnData(data); },
      DataReaderOptions{.buffer_size = options_.read_buffer_size,
                        .close_on_end = false,
                        .on_end = [this] { OnPeerEnd(); },
                        .on_error = [this](const IoStep& step) {
                          OnReadError(step);
                        }});
  writer_ = std::make_unique<WriteIterable>(
      *this, [this] { return TakeRequest(); },
      [this](const WriteItem& item, WriteFlags flags) {
        OnItemWritten(item, flags);
      },
      options_.before_and_after,
      WriteOptions{.on_finish = nullptr, .may_take = [this] {
                     return MayTake();
                   }});
  now_ = SteadyClock::now();
  // Takes the first requests; they leave once the connect completes (the
  // connection feeds the writer then).
  writer_->OnWritable();
}

// ---- sending ----

bool HttpClientSocket::MayTake() {
  if (end_pending_ || closing_ || closed_) return false;
  if (ring_.size() >= static_cast<std::size_t>(options_.pipeline_depth)) {
    draining_ = true;
    return false;
  }
  if (draining_) {
    if (ring_.size() > static_cast<std::size_t>(options_.refill_at)) {
      return false;
    }
    draining_ = false;
  }
  return !send_gate_ || send_gate_();
}

std::optional<WriteItem> HttpClientSocket::TakeRequest() {
  std::optional<HttpRequest> next;
  if (source_) next = source_();
  if (!next.has_value()) {
    source_ended_ = true;
    summary_.source_ended = true;
    return std::nullopt;
  }
  InFlight& entry = ring_.push_back(InFlight());
  entry.request = *std::move(next);
  entry.request.taken_time = now_;
  ++entry.request.attempts;
  entry.start = bytes_sent() + queued_bytes();
  entry.end = entry.start + entry.request.bytes.size();
  ++taken_;
  CheckAccounts();
  if (!timer_.valid()) ArmTimer();
  return WriteItem(entry.request.bytes, taken_);
}

void HttpClientSocket::OnItemWritten(const WriteItem& item, WriteFlags flags) {
  if (!on_send_ || flags.not_sent) return;  // the end reports those
  // The item's tag is its number among the requests taken; the ring's front
  // is number taken_ - size + 1.
  const std::uint64_t first = taken_ - ring_.size() + 1;
  if (item.tag < first || item.tag > taken_) return;  // already answered
  on_send_(ring_[static_cast<std::size_t>(item.tag - first)].request,
           flags);
}

void HttpClientSocket::ResumeSending() {
  if (!running_ || closed_ || writer_ == nullptr || in_data_) return;
  now_ = SteadyClock::now();
  Pump();
}

void HttpClientSocket::Pump() {
  if (closed_ || end_pending_ || writer_ == nullptr) return;
  if (!source_ended_ && !closing_) writer_->OnWritable();
  if (closed_ || end_pending_) return;
  if (source_ended_ && ring_.empty() && !closing_) {
    // Every request answered and no more to come: the connection is done.
    closing_ = true;
    Abort();
  }
}

// ---- receiving ----

std::optional<HttpMethod> HttpClientSocket::PendingRequestMethod() {
  if (ring_.empty()) return std::nullopt;
  return ring_.front().request.method;
}

void HttpClientSocket::OnResponse(const HttpResponseView& response) {
  ++sequence_;
  Report(ring_.front(), RequestResult::kAnswered, {}, &response);
  ring_.pop_front();
  if (!response.keep_alive) {
    // RFC 9112 9.6: the server processed nothing after this response.
    server_closed_ = true;
    summary_.server_closed = true;
    if (!ring_.empty()) {
      SetEnd(HttpErrorClass::kNone, kNoSystemError,
             Describe(absl::StrFormat(
                 "the server ended the connection after response %d (%s)",
                 sequence_,
                 response.upgraded ? "an upgrade"
                 : response.version == HttpVersion{1, 0}
                     ? "HTTP/1.0"
                     : "Connection: close")),
             false);
    }
    end_pending_ = true;
  }
}

void HttpClientSocket::OnData(std::string_view data) {
  now_ = SteadyClock::now();
  in_data_ = true;
  const absl::Status status = parser_.Feed(data);
  in_data_ = false;
  if (!status.ok() && !end_pending_) {
    SetEnd(HttpErrorClass::kParse, kNoSystemError,
           Describe(Std(status.message())), !ring_.empty());
    end_pending_ = true;
  }
  if (end_pending_) {
    EndNow();
    return;
  }
  Pump();
}

void HttpClientSocket::OnPeerEnd() {
  now_ = SteadyClock::now();
  in_data_ = true;
  const absl::Status status = parser_.Finish();  // a body until the close
  in_data_ = false;
  if (!status.ok()) {
    SetEnd(HttpErrorClass::kParse, kNoSystemError,
           Describe(Std(status.message())), !ring_.empty());
  } else if (!ring_.empty()) {
    SetEnd(HttpErrorClass::kRead, kNoSystemError,
           Describe(absl::StrFormat(
               "the server closed the connection with %d request(s) "
               "unanswered",
               ring_.size())),
           false);
  }
  EndNow();
}

void HttpClientSocket::OnReadError(const IoStep& step) {
  // A reset in the middle of a response fails that request; before one
  // began, the requests follow the retry rule.
  SetEnd(HttpErrorClass::kRead, step.error,
         Describe(absl::StrCat("read: ", SystemErrorText(step.error))),
         !parser_.idle() && !ring_.empty());
  // The reader aborts the connection next; the closer reports.
}

// ---- the response timer ----

SteadyTime HttpClientSocket::Deadline(const InFlight& entry) const {
  return SaturatingDeadline(entry.request.taken_time,
                            options_.response_timeout);
}

void HttpClientSocket::ArmTimer() {
  if (options_.response_timeout == absl::InfiniteDuration() || ring_.empty() ||
      loop() == nullptr) {
    return;
  }
  const SteadyTime deadline = Deadline(ring_.front());
  const SteadyTime now = SteadyClock::now();
  const absl::Duration delay =
      deadline > now ? absl::FromChrono(deadline - now) : absl::ZeroDuration();
  timer_ = loop()->RunAfter(delay, [this] {
    timer_ = TimerId();
    OnTimer();
  });
}

void HttpClientSocket::OnTimer() {
  if (closed_ || ring_.empty()) return;
  const SteadyTime now = SteadyClock::now();
  if (now < Deadline(ring_.front())) {
    ArmTimer();  // the request it was armed for was answered: the next one
    return;
  }
  now_ = now;
  SetEnd(HttpErrorClass::kTimeout, TimedOutError(),
         Describe(absl::StrFormat(
             "no response within %s (response %d on the connection)",
             absl::FormatDuration(options_.response_timeout), sequence_ + 1)),
         true);
  EndNow();
}

// ---- ending ----

std::string HttpClientSocket::Describe(std::string_view what) const {
  return absl::StrCat("HttpClientSocket(", address_.ToString(), "): ",
                      absl::string_view(what.data(), what.size()));
}

void HttpClientSocket::SetEnd(HttpErrorClass error_class, SystemError code,
                              std::string message, bool failed_front) {
  if (!end_message_.empty()) return;  // the first reason stands
  end_class_ = error_class;
  end_code_ = code;
  end_message_ = std::move(message);
  front_fails_ = failed_front;
}

void HttpClientSocket::Stop() {
  if (!running_ || closed_) return;
  SetEnd(HttpErrorClass::kStopped, kNoSystemError,
         Describe("stopped by the caller"), false);
  EndNow();
}

void HttpClientSocket::EndNow() {
  if (in_data_) {
    end_pending_ = true;  // OnData ends it once the parser returned
    return;
  }
  end_pending_ = true;
  Abort();  // the closer runs (OnClosed)
}

void HttpClientSocket::OnClosed() {
  closed_ = true;
  if (timer_.valid()) {
    loop()->CancelTimer(timer_);
    timer_ = TimerId();
  }
  finalize_timer_ = loop()->RunAfter(absl::ZeroDuration(), [this] {
    finalize_timer_ = TimerId();
    Finalize();
  });
}

void HttpClientSocket::Finalize() {
  if (end_message_.empty()) {
    // Nothing said why: a send failed (the connection tore itself down), or
    // the connection ended cleanly.
    if (last_error() != kNoSystemError) {
      SetEnd(HttpErrorClass::kWrite, last_error(),
             Describe(absl::StrCat("send: ", SystemErrorText(last_error()))),
             false);
    }
  }
  const HttpClientError error{.error_class = end_class_,
                              .system_error = end_code_,
                              .message = end_message_};
  const std::uint64_t sent = bytes_sent();
  now_ = SteadyClock::now();
  bool first = true;
  while (!ring_.empty()) {
    InFlight& entry = ring_.front();
    RequestResult result = RequestResult::kNotSent;
    if (first && front_fails_) {
      result = RequestResult::kFailed;
    } else if (sent <= entry.start || server_closed_) {
      result = RequestResult::kNotSent;  // the server never processed it
    } else if (end_class_ == HttpErrorClass::kStopped ||
               !IsIdempotent(entry.request.method)) {
      result = RequestResult::kFailed;
    }
    first = false;
    HttpClientError reported = error;
    if (result == RequestResult::kFailed &&
        reported.error_class == HttpErrorClass::kNone) {
      reported.error_class = HttpErrorClass::kRead;
    }
    Report(entry, result, reported, nullptr);
    ring_.pop_front();
  }
  CheckAccounts();
  summary_.bytes_read = reader_ != nullptr ? reader_->bytes_read() : 0;
  summary_.error_class = end_class_;
  summary_.system_error = end_code_;
  summary_.message = end_message_;
  running_ = false;
  source_ = nullptr;
  if (on_end_) on_end_(summary_);
}

void HttpClientSocket::Report(InFlight& entry, RequestResult result,
                              const HttpClientError& error,
                              const HttpResponseView* response) {
  switch (result) {
    case RequestResult::kAnswered:
      ++answered_;
      ++summary_.answered;
      break;
    case RequestResult::kFailed:
      ++failed_;
      ++summary_.failed;
      break;
    case RequestResult::kNotSent:
      ++not_sent_;
      ++summary_.not_sent;
      break;
  }
  // Counted before the callback (it sees the request still in the ring).
  assert(taken_ == answered_ + failed_ + not_sent_ + ring_.size() - 1);
  if (on_request_end_) {
    on_request_end_(entry.request, HttpRequestOutcome{.result = result,
                                                      .response = response,
                                                      .error = error,
                                                      .end_time = now_});
  }
}

void HttpClientSocket::CheckAccounts() const {
  assert(taken_ == answered_ + failed_ + not_sent_ + ring_.size());
}

}  // namespace asycamore
