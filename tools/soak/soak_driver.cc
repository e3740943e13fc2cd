#include "soak_driver.h"

#include <unistd.h>

#include <algorithm>
#include <cstddef>
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
      slots_(static_cast<std::size_t>(options_.connections)) {}

SoakDriver::~SoakDriver() { slots_.clear(); }

SoakTally SoakDriver::Run() {
  const absl::Time start = absl::Now();
  std::uint64_t samples = 0, connected_sum = 0;
  // Each timer set here is cancelled before Run returns: the sampler
  // refers to Run's locals, the others to this driver.
  const TimerId wind_down =
      loop_.RunAfter(options_.duration, [this] { WindDown(); });
  TimerId progress;
  if (::isatty(STDERR_FILENO)) {
    progress = loop_.RunEvery(absl::Seconds(1), [this] { ReportProgress(); })
                   .value_or(TimerId());
  }
  const TimerId sampler =
      loop_
          .RunEvery(absl::Milliseconds(100),
                    [&] {
                      if (winding_down_) return;
                      ++samples;
                      connected_sum += static_cast<std::uint64_t>(connected_);
                    })
          .value_or(TimerId());
  for (int slot = 0; slot < options_.connections; ++slot) Want(slot);
  (void)loop_.Run();
  for (TimerId timer : {wind_down, progress, sampler, drain_timer_}) {
    loop_.CancelTimer(timer);
  }
  for (const Slot& slot : slots_) loop_.CancelTimer(slot.cleanup);
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
  Slot& mine = slots_[static_cast<std::size_t>(slot)];
  std::seed_seq sequence{options_.seed, static_cast<std::uint64_t>(slot),
                         mine.sessions_opened++};
  std::mt19937_64 random(sequence);
  ++connecting_;
  ++tally_.opened;
  const SessionPlan plan = DrawSessionPlan(options_.mix, options_.gap, random);
  mine.ended = false;
  mine.session = std::make_unique<SoakSession>(
      plan, MakeConversation(options_.protocol, plan.seed),
      [this] {
        tally_.peak_connections =
            std::max(tally_.peak_connections, ++connected_);
        ConnectFinished();
      },
      [this, slot](const SessionOutcome& outcome) { Ended(slot, outcome); });
  if (absl::Status started = mine.session->Start(loop_, server_);
      !started.ok()) {
    // Not even started (no descriptor, say): the closer will not run. The
    // end is reported on the next turn, not from here: Ended opens the next
    // waiting slot, whose start may fail the same way (EMFILE), and so on,
    // a stack frame per waiting slot.
    mine.cleanup = loop_.RunAfter(
        absl::ZeroDuration(),
        [this, slot,
         outcome = SessionOutcome{.role = plan.role,
                                  .lost = true,
                                  .loss = std::string(started.message())}] {
          Ended(slot, outcome);
        });
  }
}

void SoakDriver::Ended(int slot, const SessionOutcome& outcome) {
  // Past the drain, a session that ends now was already counted as hung.
  if (finished_) return;
  Slot& mine = slots_[static_cast<std::size_t>(slot)];
  mine.ended = true;
  tally_.Add(outcome);
  if (outcome.connected) {
    --connected_;
  } else {
    ConnectFinished();
  }
  if (winding_down_ && --live_ == 0) Finish();
  // The session's own closer is running: it is destroyed on the next turn.
  mine.cleanup = loop_.RunAfter(absl::ZeroDuration(), [this, slot] {
    slots_[static_cast<std::size_t>(slot)].session.reset();
    if (!winding_down_) Want(slot);
  });
}

void SoakDriver::WindDown() {
  winding_down_ = true;
  waiting_.clear();  // never opened: nothing to end
  // Sessions that have reported but wait for their clean-up are not live.
  live_ = static_cast<int>(std::count_if(
      slots_.begin(), slots_.end(),
      [](const Slot& slot) { return slot.session != nullptr && !slot.ended; }));
  if (live_ == 0) {
    Finish();
    return;
  }
  // A reset session ends from its WindDown (Ended counts it down).
  for (Slot& slot : slots_) {
    if (slot.session != nullptr && !slot.ended) slot.session->WindDown();
  }
  if (!finished_) {
    drain_timer_ = loop_.RunAfter(options_.drain, [this] { Drained(); });
  }
}

void SoakDriver::Drained() {
  for (const Slot& slot : slots_) {
    if (slot.session == nullptr || slot.ended) continue;
    ++tally_.hung;
    if (tally_.first_loss.empty()) {
      tally_.first_loss = "hung: " + slot.session->Describe();
    }
  }
  Finish();
}

void SoakDriver::Finish() {
  if (finished_) return;
  finished_ = true;
  loop_.CancelTimer(drain_timer_);
  loop_.Stop();
}

void SoakDriver::ReportProgress() {
  std::fprintf(stderr, "\r%s %d connected, %d sessions ended, %d lost      ",
               winding_down_ ? "[draining]" : "[running]", connected_,
               static_cast<int>(tally_.sessions),
               static_cast<int>(tally_.loss()));
}

}  // namespace asycamore
