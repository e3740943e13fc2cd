#include "soak_driver.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace asycamore {
namespace {

// Connects in flight at once, at most: half of asycamore-echo's backlog
// (511, ListenOptions' default).
constexpr int kMaxConnecting = 256;

}  // namespace

SoakDriver::SoakDriver(EventLoop& loop, SoakOptions options,
                       SocketAddress server)
    : loop_(loop),
      options_(std::move(options)),
      server_(server),
      slots_(options_.connections),
      sessions_opened_(options_.connections, 0) {}

SoakDriver::~SoakDriver() { slots_.clear(); }

SoakTally SoakDriver::Run() {
  const absl::Time start = absl::Now();
  loop_.RunAfter(options_.duration, [this] { WindDown(); });
  if (::isatty(STDERR_FILENO)) {
    (void)loop_.RunEvery(absl::Seconds(1), [this] { ReportProgress(); });
  }
  std::uint64_t samples = 0, connected_sum = 0;
  (void)loop_.RunEvery(absl::Milliseconds(100), [&] {
    if (winding_down_) return;
    ++samples;
    connected_sum += static_cast<std::uint64_t>(connected_);
  });
  for (int slot = 0; slot < options_.connections; ++slot) Want(slot);
  (void)loop_.Run();
  if (::isatty(STDERR_FILENO)) std::fputs("\n", stderr);
  tally_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (samples > 0) {
    tally_.mean_connections =
        static_cast<double>(connected_sum) / static_cast<double>(samples);
  }
  return tally_;
}

void SoakDriver::Want(int slot) {
  if (connecting_ >= kMaxConnecting) {
    waiting_.push_back(slot);
    return;
  }
  Open(slot);
}

void SoakDriver::ConnectFinished() {
  --connecting_;
  if (!waiting_.empty() && !winding_down_) {
    const int next = waiting_.front();
    waiting_.pop_front();
    Open(next);
  }
}

void SoakDriver::Open(int slot) {
  std::seed_seq sequence{options_.seed, static_cast<std::uint64_t>(slot),
                         sessions_opened_[slot]++};
  std::mt19937_64 random(sequence);
  ++connecting_;
  const SessionPlan plan = DrawSessionPlan(options_.mix, options_.gap, random);
  slots_[slot] = std::make_unique<SoakSession>(
      plan, MakeConversation(options_.protocol, plan.seed),
      [this] {
        tally_.peak_connections =
            std::max(tally_.peak_connections, ++connected_);
        ConnectFinished();
      },
      [this, slot](const SessionOutcome& outcome) { Ended(slot, outcome); });
  if (absl::Status started = slots_[slot]->Start(loop_, server_);
      !started.ok()) {
    // Not even started (no descriptor, say): the closer will not run.
    Ended(slot, SessionOutcome{.role = plan.role,
                               .lost = true,
                               .loss = std::string(started.message())});
  }
}

void SoakDriver::Ended(int slot, const SessionOutcome& outcome) {
  tally_.Add(outcome);
  if (outcome.connected) {
    --connected_;
  } else {
    ConnectFinished();
  }
  // The session's own closer is running: it is destroyed on the next turn.
  loop_.RunAfter(absl::ZeroDuration(), [this, slot] {
    slots_[slot].reset();
    if (!winding_down_) {
      Want(slot);
    } else if (--live_ == 0) {
      loop_.Stop();
    }
  });
}

void SoakDriver::WindDown() {
  winding_down_ = true;
  waiting_.clear();  // never opened: nothing to end
  live_ = static_cast<int>(
      std::count_if(slots_.begin(), slots_.end(),
                    [](const auto& session) { return session != nullptr; }));
  if (live_ == 0) {
    loop_.Stop();
    return;
  }
  for (auto& session : slots_) {
    if (session != nullptr) session->WindDown();
  }
  loop_.RunAfter(options_.drain, [this] {
    tally_.hung = static_cast<std::uint64_t>(live_);
    for (const auto& session : slots_) {
      if (session != nullptr && tally_.first_loss.empty()) {
        tally_.first_loss = "hung: " + session->Describe();
      }
    }
    loop_.Stop();
  });
}

void SoakDriver::ReportProgress() {
  std::fprintf(stderr, "\r%s %d connected, %d sessions ended, %d lost      ",
               winding_down_ ? "[draining]" : "[running]", connected_,
               static_cast<int>(tally_.sessions),
               static_cast<int>(tally_.loss()));
}

}  // namespace asycamore
