#include "soak_session.h"

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/connect_tcp.h"

namespace asycamore {
namespace {

// Bytes in flight (sent, not yet answered) a session keeps at most, but a
// slow reader, which sends until its own write queue is blocked.
constexpr std::uint64_t kWindow = 32 * 1024;
// A slow reader's receive buffer: small, so that the bytes it does not
// read back up into the server soon (loopback buffers grow to megabytes).
constexpr int kSlowReceiveBuffer = 64 * 1024;

std::uint64_t Uniform(std::mt19937_64& random, std::uint64_t lowest,
                      std::uint64_t highest) {
  return std::uniform_int_distribution<std::uint64_t>(lowest, highest)(random);
}

}  // namespace

std::string_view SessionRoleName(SessionRole role) {
  switch (role) {
    case SessionRole::kPlain:
      return "plain";
    case SessionRole::kReset:
      return "reset";
    case SessionRole::kHalfClose:
      return "half-close";
    case SessionRole::kSlowReader:
      return "slow-reader";
  }
  return "?";
}

SessionPlan DrawSessionPlan(const SoakMix& mix, absl::Duration gap,
                            std::mt19937_64& random) {
  SessionPlan plan{.gap = gap};
  const int draw = static_cast<int>(Uniform(random, 0, 99));
  if (draw < mix.reset_percent) {
    plan.role = SessionRole::kReset;
  } else if (draw < mix.reset_percent + mix.half_close_percent) {
    plan.role = SessionRole::kHalfClose;
  } else if (draw <
             mix.reset_percent + mix.half_close_percent + mix.slow_percent) {
    plan.role = SessionRole::kSlowReader;
  }
  // A slow reader sends enough to fill the kernel's buffers on both sides
  // and the server's write queue (64 KiB) several times over.
  plan.budget = plan.role == SessionRole::kSlowReader
                    ? Uniform(random, 256 * 1024, 1024 * 1024)
                    : Uniform(random, 1024, 256 * 1024);
  plan.reset_at = Uniform(random, 0, plan.budget - 1);
  plan.pause = absl::Milliseconds(Uniform(random, 100, 1000));
  plan.seed = random();
  return plan;
}

SoakSession::SoakSession(SessionPlan plan,
                         std::unique_ptr<SoakConversation> conversation,
                         absl::AnyInvocable<void()> on_connected,
                         absl::AnyInvocable<void(const SessionOutcome&)> on_end)
    : TcpConnection({.reset_on_abort = true,
                     .on_write_blocked =
                         [this](TcpConnection&) {
                           // Our queue rose past the high watermark while we
                           // did not read: the server stopped taking bytes.
                           if (reading_paused()) pushed_back_ = true;
                         },
                     .on_drained = [this](TcpConnection&) { Pump(); }}),
      plan_(plan),
      conversation_(std::move(conversation)),
      on_connected_(std::move(on_connected)),
      on_end_(std::move(on_end)),
      random_(plan.seed),
      reader_(*this, [this](std::string_view data) { OnData(data); },
              {.on_end = [this] { OnServerEnd(); }}) {
  set_closer([this](TcpConnection&) { Report(); });
}

SoakSession::~SoakSession() {
  if (loop() != nullptr) {
    loop()->CancelTimer(pause_timer_);
    loop()->CancelTimer(gap_timer_);
  }
}

absl::Status SoakSession::Start(EventLoop& loop, const SocketAddress& server) {
  if (absl::Status started =
          ConnectTcp(loop, *this, server, {.timeout = absl::Seconds(30)});
      !started.ok()) {
    return started;
  }
  if (plan_.role == SessionRole::kSlowReader) {
    // Best effort: without it the buffers are larger, the test the same.
    (void)::setsockopt(socket(), SOL_SOCKET, SO_RCVBUF, &kSlowReceiveBuffer,
                       sizeof kSlowReceiveBuffer);
  }
  return absl::OkStatus();
}

void SoakSession::WindDown() {
  winding_down_ = true;
  if (in_gap_) {
    loop()->CancelTimer(gap_timer_);
    in_gap_ = false;
  }
  Pump();
}

void SoakSession::dispatch_event(const Event& event) {
  if (dispatch_state() == ConnectionState::kConnecting) {
    // A failure closes the connection (the closer reports it).
    if (!event.error) OnConnected();
    return;
  }
  if (event.readable) reader_.OnReadable();
}

void SoakSession::OnConnected() {
  connected_ = true;
  on_connected_();
  if (!reader_.Start().ok()) {
    Lose("cannot watch the connection for reading");
    return;
  }
  if (plan_.role == SessionRole::kSlowReader) {
    PauseReading();
    pause_timer_ = loop()->RunAfter(plan_.pause, [this] { ResumeReading(); });
  }
  Pump();
}

void SoakSession::Pump() {
  // From OnConnected the state is still kConnecting (the connect's result is
  // being delivered); what Send queues then goes out once it is connected.
  if (sending_done_ || !connected_ ||
      dispatch_state() == ConnectionState::kClosed) {
    return;
  }
  if (in_gap_ && !winding_down_) return;  // the gap's timer pumps
  const bool slow = plan_.role == SessionRole::kSlowReader;
  while (true) {
    if (plan_.role == SessionRole::kReset &&
        (sent_ >= plan_.reset_at || winding_down_)) {
      reset_done_ = true;
      Abort();  // SO_LINGER 0: a reset; the closer reports
      return;
    }
    if (sent_ >= plan_.budget || winding_down_) break;
    if (write_blocked()) return;  // on_drained pumps again
    if (!slow && conversation_->bytes_in_flight() >= kWindow) return;
    message_.clear();
    conversation_->AppendMessage(random_, message_);
    // A failed send aborts the connection; the closer reports why.
    if (!Send(std::string_view(message_)).ok()) return;
    sent_ += message_.size();
    if (!slow && plan_.gap > absl::ZeroDuration()) {
      // Paced: the next message after a gap of 0 to twice plan_.gap, so
      // that thousands of connections are held, not saturated.
      gap_timer_ = loop()->RunAfter(
          plan_.gap * std::uniform_real_distribution<double>(0, 2)(random_),
          [this] {
            in_gap_ = false;
            Pump();
          });
      in_gap_ = true;
      return;
    }
  }
  FinishSending();
}

void SoakSession::FinishSending() {
  sending_done_ = true;
  if (plan_.role == SessionRole::kHalfClose) {
    fin_sent_ = true;
    (void)Shutdown();  // the answers still in flight must all arrive
    return;
  }
  EndWhenAnswered();
}

void SoakSession::EndWhenAnswered() {
  if (!sending_done_ || fin_sent_ || conversation_->bytes_in_flight() != 0) {
    return;
  }
  fin_sent_ = true;
  (void)Shutdown();  // the server's end comes next: nothing more may
}

void SoakSession::OnData(std::string_view data) {
  if (!loss_.empty()) return;
  if (absl::Status checked = conversation_->OnReceived(data); !checked.ok()) {
    Lose(std::string(checked.message()));
    return;
  }
  Pump();
  EndWhenAnswered();
}

void SoakSession::OnServerEnd() {
  if (!loss_.empty()) return;
  if (absl::Status ended = conversation_->OnEnd(); !ended.ok()) {
    Lose(absl::StrCat("at the server's end: ", ended.message()));
    return;
  }
  if (!sending_done_ || conversation_->bytes_in_flight() != 0) {
    Lose(absl::StrFormat(
        "the server ended the connection with %d bytes unanswered%s",
        conversation_->bytes_in_flight(),
        sending_done_ ? "" : ", before the session's FIN"));
    return;
  }
  completed_ = true;  // the reader closes now: nothing is queued
}

std::string SoakSession::Describe() const {
  return absl::StrFormat(
      "%s session, state %s, %d of %d bytes sent, %d in flight, %d queued%s%s",
      SessionRoleName(plan_.role), ConnectionStateName(dispatch_state()), sent_,
      plan_.budget, conversation_->bytes_in_flight(), queued_bytes(),
      reading_paused() ? ", reading paused" : "",
      write_blocked() ? ", write blocked" : "");
}

void SoakSession::Lose(std::string why) {
  loss_ = std::move(why);
  Abort();
}

void SoakSession::Report() {
  if (loss_.empty() && !completed_ && !reset_done_) {
    loss_ = !connected_ ? absl::StrCat("the connect failed: ",
                                       SystemErrorText(connect_error()))
            : last_error() != kNoSystemError
                ? absl::StrCat("the connection failed: ",
                               SystemErrorText(last_error()))
                : "the connection closed before the session ended";
  }
  on_end_(SessionOutcome{.role = plan_.role,
                         .connected = connected_,
                         .lost = !loss_.empty(),
                         .pushed_back = pushed_back_,
                         .bytes_sent = sent_,
                         .answers = conversation_->answers(),
                         .loss = loss_});
}

}  // namespace asycamore
