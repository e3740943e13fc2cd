#include "httpd_connection.h"

#include <utility>

#include "absl/time/clock.h"

namespace asycamore {

// ---- HttpdLoop ----

HttpdLoop::HttpdLoop(EventLoop& loop, HttpdConnectionOptions options)
    : loop_(loop), options_(std::move(options)), responses_(absl::Now()) {
  // A positive period cannot be refused.
  clock_timer_ = *loop_.RunEvery(absl::Seconds(1),
                                 [this] { responses_.SetNow(absl::Now()); });
}

HttpdLoop::~HttpdLoop() { loop_.CancelTimer(clock_timer_); }

void HttpdLoop::Add(HttpdConnection& connection) {
  connection.next_ = first_;
  if (first_ != nullptr) first_->previous_ = &connection;
  first_ = &connection;
  ++count_;
}

void HttpdLoop::Remove(HttpdConnection& connection) {
  if (connection.previous_ != nullptr) {
    connection.previous_->next_ = connection.next_;
  } else {
    first_ = connection.next_;
  }
  if (connection.next_ != nullptr) {
    connection.next_->previous_ = connection.previous_;
  }
  --count_;
}

// Closers release connections to their owner, which destroys them on a
// later turn: the list does not change under these walks.
void HttpdLoop::DrainAll() {
  for (HttpdConnection* c = first_; c != nullptr; c = c->next_) c->Drain();
}

void HttpdLoop::AbortAll() {
  for (HttpdConnection* c = first_; c != nullptr; c = c->next_) c->Abort();
}

// ---- HttpdConnection ----

HttpdConnection::HttpdConnection(HttpdLoop& shared, OwnedSocket socket,
                                 ConnectionCloser closer)
    : TcpConnection(
          shared.loop(), std::move(socket), std::move(closer),
          {.high_watermark = shared.options().high_watermark,
           .low_watermark = shared.options().low_watermark,
           .on_write_blocked = [](TcpConnection& c) { c.PauseReading(); },
           .on_drained = [](TcpConnection& c) { c.ResumeReading(); }}),
      shared_(shared),
      parser_(*this, shared.options().limits),
      reader_(*this, [this](std::string_view data) { OnData(data); },
              {.close_timeout = shared.options().close_timeout}) {
  shared_.Add(*this);
}

HttpdConnection::~HttpdConnection() { shared_.Remove(*this); }

void HttpdConnection::dispatch_event(const Event& event) {
  if (event.readable) reader_.OnReadable();
}

void HttpdConnection::Drain() {
  draining_ = true;
  if (parser_.idle() && !done_) {
    done_ = true;
    Flush();
  }
}

void HttpdConnection::OnData(std::string_view data) {
  if (!parser_.Feed(data).ok() && !done_) {
    // Every request before the error was answered (into out_) already.
    shared_.responses().AppendError(ResponseStatusFor(parser_.error()), out_);
    done_ = true;
  }
  Flush();
}

void HttpdConnection::OnRequest(const HttpRequestView& request) {
  if (done_) return;  // pipelined behind the last answer: never processed
  ++answered_;
  if (draining_ && request.keep_alive) {
    HttpRequestView last = request;
    last.keep_alive = false;  // the answer says close
    shared_.responses().AppendAnswer(last, out_);
  } else {
    shared_.responses().AppendAnswer(request, out_);
  }
  if (!request.keep_alive || draining_) done_ = true;
}

void HttpdConnection::Flush() {
  if (!out_.empty()) {
    // A failed send aborts the connection (the closer runs); nothing is
    // left to do then.
    Send(std::string_view(out_)).IgnoreError();
    out_.clear();
  }
  if (done_ && dispatch_state() != ConnectionState::kClosed) {
    Close(shared_.options().close_timeout);
  }
}

ConnectionFactory HttpdConnectionFactory(HttpdLoop& shared) {
  return [&shared](OwnedSocket socket, AcceptingSocket&,
                   ConnectionCloser closer) -> std::unique_ptr<TcpConnection> {
    return std::make_unique<HttpdConnection>(shared, std::move(socket),
                                             std::move(closer));
  };
}

}  // namespace asycamore
