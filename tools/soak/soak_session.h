// SoakSession: one connection's session of a soak run. It connects, sends
// its conversation's messages (a window of them in flight), checks every
// answer, and ends as its plan says:
//   - kPlain: every answer read, then its FIN; the server's end must come
//     after every answer;
//   - kReset: at a random point, with bytes in flight, it closes with
//     SO_LINGER 0 (the server gets a reset); what arrived until then must
//     still be right;
//   - kHalfClose: its FIN right after the last send, answers still in
//     flight; the server must send them all before its end;
// Each but a slow reader sends one message, then waits a random gap (mean
// plan.gap) before the next, and keeps at most 32 KiB unanswered.
//   - kSlowReader: reading paused for a while at the start, sending on
//     (no window) until its own queue passes the high watermark, so that
//     the server's write queue fills and the server stops reading; then it
//     reads everything and ends as kPlain does.
// Its outcome goes to `on_end` once, when the connection has closed (from
// the connection's closer: the owner must not destroy the session there,
// but on a later loop turn).
#ifndef ASYCAMORE_TOOLS_SOAK_SOAK_SESSION_H_
#define ASYCAMORE_TOOLS_SOAK_SOAK_SESSION_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/timer_queue.h"
#include "soak_conversation.h"
#include "soak_options.h"

namespace asycamore {

enum class SessionRole : std::uint8_t {
  kPlain,
  kReset,
  kHalfClose,
  kSlowReader
};

// Returns "plain", "reset", "half-close" or "slow-reader".
std::string_view SessionRoleName(SessionRole role);

struct SessionPlan {
  SessionRole role = SessionRole::kPlain;
  std::uint64_t budget = 0;    // bytes to send
  std::uint64_t reset_at = 0;  // kReset: resets once this many are sent
  absl::Duration pause = absl::ZeroDuration();  // kSlowReader
  // The mean gap between two messages (none for a slow reader).
  absl::Duration gap = absl::ZeroDuration();
  std::uint64_t seed = 0;  // the conversation's and the message sizes'
};

// Draws a session's role (by `mix`) and its sizes; `gap` is the mean gap
// between its messages.
SessionPlan DrawSessionPlan(const SoakMix& mix, absl::Duration gap,
                            std::mt19937_64& random);

struct SessionOutcome {
  SessionRole role = SessionRole::kPlain;
  bool connected = false;
  bool lost = false;         // something was missing, wrong or extra
  bool pushed_back = false;  // kSlowReader: the server stopped taking bytes
  std::uint64_t bytes_sent = 0;
  std::uint64_t answers = 0;  // verified (echo: bytes; http: responses)
  std::string loss = "";      // what was wrong, when lost
};

class SoakSession : public TcpConnection {
 public:
  SoakSession(SessionPlan plan, std::unique_ptr<SoakConversation> conversation,
              absl::AnyInvocable<void()> on_connected,
              absl::AnyInvocable<void(const SessionOutcome&)> on_end);
  ~SoakSession() override;

  // Starts connecting; an error when the connect cannot even start.
  absl::Status Start(EventLoop& loop, const SocketAddress& server);

  // The run is over: send nothing more; a reset session resets now, the
  // others end as planned once their answers are in.
  void WindDown();

  void dispatch_event(const Event& event) override;

  // "slow-reader session, state fin-sent, 81920 of 300000 bytes sent, 4096
  // in flight, 2000 queued, reading paused": for a session that hung.
  std::string Describe() const;

 private:
  void OnConnected();
  void Pump();
  void FinishSending();
  void EndWhenAnswered();
  void OnData(std::string_view data);
  void OnServerEnd();
  void Lose(std::string why);
  void Report();

  SessionPlan plan_;
  std::unique_ptr<SoakConversation> conversation_;
  absl::AnyInvocable<void()> on_connected_;
  absl::AnyInvocable<void(const SessionOutcome&)> on_end_;
  std::mt19937_64 random_;
  DataReader reader_;
  std::string message_;
  std::uint64_t sent_ = 0;
  TimerId pause_timer_;
  TimerId gap_timer_;
  bool in_gap_ = false;
  bool connected_ = false;
  bool winding_down_ = false;
  bool sending_done_ = false;
  bool fin_sent_ = false;
  bool reset_done_ = false;
  bool completed_ = false;
  bool pushed_back_ = false;
  std::string loss_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_SOAK_SESSION_H_
