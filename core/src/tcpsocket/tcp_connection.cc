// TcpConnection: states, routing of events, readiness interest, reading
// switches and the three ways to close. The write queue's path (Send, the
// flush, watermarks, the ENOBUFS retry) is in tcp_connection_send.cc.
//
// Interest is computed, never toggled by hand: WantedInterest() derives it
// from the state, your switches (WatchRead/WatchWrite, PauseReading), the
// queue (write while it holds bytes), a close in progress (read to see the
// peer's end) and the ENOBUFS backoff, and RefreshInterest() applies it.
// So no path can leave write interest off with bytes queued (the stall a
// connect result used to cause) or on with nothing to write (a spin).
#include "asycamore/tcpsocket/tcp_connection.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "internal.h"
#include "read_buffer.h"

namespace asycamore {
namespace {

// What Close(timeout) reads and drops per event while it waits for the
// peer's end, at most (bounded like any reader).
constexpr int kDiscardReadsPerEvent = 16;
constexpr std::size_t kDiscardReadSize = 8192;

}  // namespace

std::string_view ConnectionStateName(ConnectionState state) {
  switch (state) {
    case ConnectionState::kClosed: return "closed";
    case ConnectionState::kConnecting: return "connecting";
    case ConnectionState::kConnected: return "connected";
    case ConnectionState::kClosing: return "closing";
    case ConnectionState::kFinSent: return "fin-sent";
  }
  return "?";
}

TcpConnection::TcpConnection(ConnectionOptions options)
    : options_(std::move(options)) {}

TcpConnection::TcpConnection(EventLoop& loop, OwnedSocket socket,
                             ConnectionCloser closer,
                             ConnectionOptions options)
    : loop_(&loop),
      socket_(std::move(socket)),
      state_(socket_.valid() ? ConnectionState::kConnected
                             : ConnectionState::kClosed),
      closer_(std::move(closer)),
      options_(std::move(options)) {}

TcpConnection::~TcpConnection() {
  // Calls further up the stack (a delivery, a flush) learn that their
  // connection is gone and touch nothing of it.
  for (AliveGuard* guard = guards_; guard != nullptr; guard = guard->outer_) {
    guard->alive_ = false;
  }
  CancelTimers();
  if (observer_ != nullptr) observer_->OnConnectionGone();
  ReleaseSocket();
}

void TcpConnection::Router::dispatch_event(const Event& event) {
  owner_->Route(event);
}

void TcpConnection::Route(const Event& event) {
  if (state_ == ConnectionState::kConnecting) {
    internal::ConnectDriver::OnEvent(*this, event);
    return;
  }
  if (state_ == ConnectionState::kClosed || tearing_down_) return;
  AliveGuard guard(*this);
  // The queue first: an error hint makes every watched direction ready, so
  // the send reports it when only the queue watches writing.
  if (event.writable && WriteSideOpen()) {
    OnWritable();
    if (!guard.alive() || state_ == ConnectionState::kClosed) return;
  }
  if (close_mode_ == CloseMode::kClose) {
    if (event.readable) DiscardIncoming();
    return;
  }
  Event passed = event;
  passed.readable = event.readable && want_read_ && !read_paused_;
  passed.writable = event.writable && want_write_;
  if (!passed.readable && !passed.writable) return;
  dispatch_event(passed);
}

bool TcpConnection::WriteSideOpen() const {
  return state_ == ConnectionState::kConnected ||
         state_ == ConnectionState::kClosing;
}

bool TcpConnection::can_read() const {
  if (!socket_.valid() || tearing_down_) return false;
  if (state_ == ConnectionState::kClosed) return false;
  return close_mode_ != CloseMode::kClose && !read_paused_ && !read_backoff_;
}

Interest TcpConnection::WantedInterest() const {
  if (state_ == ConnectionState::kConnecting &&
      connect_interest_ != Interest::kNone) {
    return connect_interest_;
  }
  const bool read =
      !read_backoff_ && (close_mode_ == CloseMode::kClose
                             ? !peer_ended_
                             : want_read_ && !read_paused_);
  const bool queue_write = WriteSideOpen() && !write_backoff_ &&
                           (!queue_.empty() || observer_wants_room_);
  const bool write = want_write_ || queue_write;
  return (read ? Interest::kRead : Interest::kNone) |
         (write ? Interest::kWrite : Interest::kNone);
}

absl::Status TcpConnection::UpdateRegistration() {
  const Interest wanted = WantedInterest();
  if (wanted == registered_interest_) return absl::OkStatus();
  if (wanted == Interest::kNone) {
    // The dispatcher refuses an empty interest: watching nothing is
    // deregistering.
    absl::Status status = loop_->Deregister(registration_);
    registration_ = RegistrationHandle();
    registered_interest_ = Interest::kNone;
    return status;
  }
  if (!registration_.valid()) {
    absl::StatusOr<RegistrationHandle> handle =
        loop_->Register(socket_.get(), wanted, &router_);
    if (!handle.ok()) return handle.status();
    registration_ = *handle;
  } else {
    if (absl::Status status = loop_->SetInterest(registration_, wanted);
        !status.ok()) {
      return status;
    }
  }
  registered_interest_ = wanted;
  return absl::OkStatus();
}

void TcpConnection::RefreshInterest() {
  if (!socket_.valid() || tearing_down_) return;
  if (!UpdateRegistration().ok()) {
    // Without the registration nothing would ever move again (a select
    // backend refusing a descriptor beyond FD_SETSIZE, say): end it.
    Teardown();
  }
}

absl::Status TcpConnection::WatchRead(bool on) {
  return Watch(want_read_, on, "WatchRead");
}

absl::Status TcpConnection::WatchWrite(bool on) {
  return Watch(want_write_, on, "WatchWrite");
}

absl::Status TcpConnection::Watch(bool& want, bool on, const char* call) {
  if (want == on) return absl::OkStatus();
  if (state_ == ConnectionState::kConnecting && !tearing_down_) {
    // Applied with the connect's result (there may be no socket yet, while
    // an ENOBUFS retry waits).
    want = on;
    return absl::OkStatus();
  }
  if (!socket_.valid() || tearing_down_) {
    if (!on) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(call, ": the connection is ",
                     internal::AsAbsl(ConnectionStateName(state_))));
  }
  want = on;
  absl::Status status = UpdateRegistration();
  if (!status.ok()) want = !on;
  return status;
}

void TcpConnection::PauseReading() {
  read_paused_ = true;
  RefreshInterest();
}

void TcpConnection::ResumeReading() {
  read_paused_ = false;
  RefreshInterest();
}

void TcpConnection::OnPeerEnd() {
  peer_ended_ = true;
  if (close_mode_ == CloseMode::kClose &&
      state_ == ConnectionState::kFinSent) {
    Teardown();
  }
}

void TcpConnection::OnConnected() {
  state_ = close_mode_ == CloseMode::kShutdown ? ConnectionState::kClosing
                                               : ConnectionState::kConnected;
  AliveGuard guard(*this);
  if (!queue_.empty() || observer_ != nullptr) {
    OnWritable();
    if (!guard.alive() || state_ == ConnectionState::kClosed) return;
  }
  if (queue_.empty()) OnQueueEmpty();
  if (!guard.alive()) return;
  RefreshInterest();
}

// ---- closing ----

absl::Status TcpConnection::Shutdown() {
  if (state_ == ConnectionState::kClosed || tearing_down_) {
    return absl::FailedPreconditionError(
        "TcpConnection::Shutdown: the connection is closed");
  }
  if (close_mode_ != CloseMode::kNone) return absl::OkStatus();
  close_mode_ = CloseMode::kShutdown;
  if (state_ == ConnectionState::kConnecting) return absl::OkStatus();
  state_ = ConnectionState::kClosing;
  // Inside a flush, the flush sends the FIN once it has emptied the queue.
  if (queue_.empty() && !flushing_) OnQueueEmpty();
  return absl::OkStatus();
}

void TcpConnection::Close(absl::Duration timeout) {
  if (state_ == ConnectionState::kClosed || tearing_down_) return;
  if (state_ == ConnectionState::kConnecting) {
    Abort();
    return;
  }
  if (close_mode_ == CloseMode::kClose) return;
  close_mode_ = CloseMode::kClose;
  if (state_ == ConnectionState::kConnected) {
    state_ = ConnectionState::kClosing;
  }
  if (timeout != absl::InfiniteDuration()) {
    // The slot is free here (the connect's timeout went with its result);
    // cancelling first keeps "one timer per slot" true whatever the path.
    if (timeout_timer_.valid()) loop_->CancelTimer(timeout_timer_);
    timeout_timer_ = loop_->RunAfter(timeout, [this] {
      timeout_timer_ = TimerId();
      // Cut short: what is still queued was not sent in time.
      if (!queue_.empty() && last_error_ == kNoSystemError) {
        last_error_ = TimedOutError();
      }
      Teardown();
    });
  }
  if (state_ == ConnectionState::kFinSent) {
    if (peer_ended_) {
      Teardown();
      return;
    }
  } else if (queue_.empty() && !flushing_) {
    OnQueueEmpty();  // FIN now; closes at once if the peer already ended
    return;
  }
  RefreshInterest();  // reading (to see the end) on, whatever you watched
}

std::size_t TcpConnection::Abort() {
  if (state_ == ConnectionState::kClosed || tearing_down_) return 0;
  const std::size_t dropped = queue_.size();
  if (options_.reset_on_abort && socket_.valid()) {
    SetResetOnClose(socket_.get()).IgnoreError();
  }
  Teardown();
  return dropped;
}

void TcpConnection::OnQueueEmpty() {
  if (state_ != ConnectionState::kClosing) return;
  // A failing shutdown means the peer is gone already; the reads that
  // follow report how (an error, or the end).
  ShutdownSend(socket_.get()).IgnoreError();
  state_ = ConnectionState::kFinSent;
  if (close_mode_ == CloseMode::kClose && peer_ended_) {
    Teardown();
    return;
  }
  RefreshInterest();
}

void TcpConnection::DiscardIncoming() {
  internal::ReadBuffer buffer(kDiscardReadSize);
  for (int i = 0; i < kDiscardReadsPerEvent; ++i) {
    const IoStep step = ReceiveStep(socket_.get(), buffer.data(), buffer.size());
    switch (step.status) {
      case IoStatus::kOk:
        if (step.bytes < buffer.size()) return;  // the rest comes later
        continue;
      case IoStatus::kWouldBlock:
        return;
      case IoStatus::kNoBuffers:
        BackOffReading();
        return;
      case IoStatus::kEnd:
        peer_ended_ = true;
        if (state_ == ConnectionState::kFinSent) {
          Teardown();
        } else {
          RefreshInterest();  // the flush goes on; the end is known
        }
        return;
      case IoStatus::kError:
        last_error_ = step.error;
        Teardown();
        return;
    }
  }
}

void TcpConnection::CancelConnectTimers() {
  if (loop_ == nullptr) return;
  if (immediate_timer_.valid()) loop_->CancelTimer(immediate_timer_);
  if (timeout_timer_.valid()) loop_->CancelTimer(timeout_timer_);
  immediate_timer_ = TimerId();
  timeout_timer_ = TimerId();
  connect_completed_at_once_ = false;
}

void TcpConnection::CancelTimers() {
  CancelConnectTimers();
  if (loop_ != nullptr && retry_timer_.valid()) {
    loop_->CancelTimer(retry_timer_);
  }
  retry_timer_ = TimerId();
}

void TcpConnection::ReleaseSocket() {
  // Deregister before closing: once closed, the descriptor number can be
  // reused by the next socket the process opens.
  if (registration_.valid()) {
    loop_->Deregister(registration_).IgnoreError();
    registration_ = RegistrationHandle();
  }
  registered_interest_ = Interest::kNone;
  socket_.reset();
}

void TcpConnection::Teardown() {
  if (tearing_down_) return;
  tearing_down_ = true;
  CancelTimers();
  dropped_bytes_ = queue_.Clear();
  write_blocked_ = false;
  if (observer_ != nullptr) {
    // Its not_sent notices may call back (Send is refused from here on).
    internal::WriteObserver* observer = observer_;
    observer_ = nullptr;
    AliveGuard guard(*this);
    observer->OnDropped(last_error_);
    if (!guard.alive()) return;
  }
  ReleaseSocket();
  state_ = ConnectionState::kClosed;
  close_mode_ = CloseMode::kNone;
  connect_interest_ = Interest::kNone;
  want_read_ = false;
  want_write_ = false;
  read_paused_ = false;
  read_backoff_ = false;
  write_backoff_ = false;
  peer_ended_ = false;
  observer_wants_room_ = false;
  tearing_down_ = false;
  if (closer_) {
    // Moved out first: the closer may arrange for this connection's
    // destruction, and runs once.
    ConnectionCloser closer = std::move(closer_);
    closer_ = nullptr;
    closer(*this);
  }
}

}  // namespace asycamore
