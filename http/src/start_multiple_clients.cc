// StartMultipleClients: a Slot per connection (its HttpClientSocket, kept
// for the whole run and started again for each reconnect, its source and
// its queue of handed-back requests), a ThreadRun per loop (its slots, its
// share of max_requests, its counts), and the calling thread waiting for
// every ThreadRun to report done. Only that report crosses threads (under a
// mutex, once per thread); everything else stays on its loop's thread.
#include "asycamore/http/start_multiple_clients.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "asycamore/backend_registry.h"

namespace asycamore {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

struct RunShared;
struct ThreadRun;

struct Slot {
  Slot(ThreadRun& owner, ClientPlace where, HttpClientOptions options)
      : thread(owner), place(where), socket(std::move(options)) {}

  ThreadRun& thread;
  ClientPlace place;
  HttpClientSocket socket;
  ClientSetup setup;
  std::deque<HttpRequest> retry;
  std::uint64_t budget = kUnlimited;  // requests it may still take
  bool source_ended = false;
  bool finished = false;
  int failures_in_row = 0;
  TimerId restart_timer;
};

// What the loops report to the calling thread. std::mutex, not
// absl::Mutex: Debian's abseil is built without ThreadSanitizer's
// annotations, so TSan cannot see its locking.
struct RunShared {
  std::mutex mutex;
  std::condition_variable changed;
  int threads = 0;
  int threads_done = 0;  // guarded by mutex
};

struct ThreadRun {
  int index = 0;
  EventLoop* loop = nullptr;
  const MultipleClientsOptions* options = nullptr;
  RunShared* shared = nullptr;
  std::vector<std::unique_ptr<Slot>> slots;
  MultipleClientsResult counts;
  int active = 0;
  bool stopping = false;
  TimerId deadline_timer;
  TimerId tick_timer;

  void StartAll(absl::Duration until_deadline);
  void Launch(Slot& slot);
  std::optional<HttpRequest> Next(Slot& slot);
  void OnRequestEnd(Slot& slot, HttpRequest& request,
                    const HttpRequestOutcome& outcome);
  void OnEnd(Slot& slot, const HttpConnectionEnd& end);
  void Finish(Slot& slot, RequestResult result, const HttpClientError& error);
  void Report(Slot& slot, HttpRequest& request, const HttpRequestOutcome& o);
  void StopAll();
  void Done();
};

void ThreadRun::StartAll(absl::Duration until_deadline) {
  active = 0;
  for (auto& slot : slots) {
    // A share of max_requests of nothing (fewer requests than
    // connections): that connection never connects.
    if (slot->budget == 0) {
      slot->finished = true;
    } else {
      ++active;
    }
  }
  if (until_deadline != absl::InfiniteDuration()) {
    deadline_timer = loop->RunAfter(until_deadline, [this] {
      deadline_timer = TimerId();
      StopAll();
    });
  }
  if (options->on_thread_tick) {
    auto timer = loop->RunEvery(options->tick_period,
                                [this] { options->on_thread_tick(index); });
    if (timer.ok()) tick_timer = *timer;
  }
  if (active == 0) {
    Done();
    return;
  }
  for (auto& slot : slots) {
    if (!slot->finished) Launch(*slot);
  }
}

void ThreadRun::Launch(Slot& slot) {
  const absl::Status status = slot.socket.Start(
      *loop, options->address, [this, &slot] { return Next(slot); });
  if (!status.ok()) {
    // The connect could not even begin (no socket): count it as a failed
    // connect, and try again after the pause like one.
    HttpConnectionEnd end;
    end.error_class = HttpErrorClass::kConnect;
    const std::string message = std::string(status.message());
    end.message = message;
    OnEnd(slot, end);
  }
}

std::optional<HttpRequest> ThreadRun::Next(Slot& slot) {
  if (!slot.retry.empty()) {
    HttpRequest request = std::move(slot.retry.front());
    slot.retry.pop_front();
    ++counts.retried;
    return request;
  }
  if (slot.source_ended || stopping || slot.budget == 0) return std::nullopt;
  std::optional<HttpRequest> request =
      slot.setup.source ? slot.setup.source() : std::nullopt;
  if (!request.has_value()) {
    slot.source_ended = true;
    return std::nullopt;
  }
  request->attempts = 0;
  if (slot.budget != kUnlimited) --slot.budget;
  ++counts.taken;
  return request;
}

void ThreadRun::Report(Slot& slot, HttpRequest& request,
                       const HttpRequestOutcome& outcome) {
  switch (outcome.result) {
    case RequestResult::kAnswered: ++counts.answered; break;
    case RequestResult::kFailed: ++counts.failed; break;
    case RequestResult::kNotSent: ++counts.not_sent; break;
  }
  if (options->on_request_end) {
    options->on_request_end(slot.place, request, outcome);
  }
}

void ThreadRun::OnRequestEnd(Slot& slot, HttpRequest& request,
                             const HttpRequestOutcome& outcome) {
  if (outcome.result != RequestResult::kNotSent) {
    Report(slot, request, outcome);
    return;
  }
  if (stopping) {
    Report(slot, request, outcome);  // never sent, and never will be
    return;
  }
  if (request.attempts >= options->max_attempts) {
    HttpRequestOutcome failed = outcome;
    failed.result = RequestResult::kFailed;
    if (failed.error.error_class == HttpErrorClass::kNone) {
      failed.error.error_class = HttpErrorClass::kRead;
    }
    Report(slot, request, failed);
    return;
  }
  slot.retry.push_back(std::move(request));
}

// Ends, with `result`, every request waiting to be re-sent on `slot`.
void ThreadRun::Finish(Slot& slot, RequestResult result,
                       const HttpClientError& error) {
  const SteadyTime now = SteadyClock::now();
  while (!slot.retry.empty()) {
    HttpRequest request = std::move(slot.retry.front());
    slot.retry.pop_front();
    Report(slot, request,
           HttpRequestOutcome{.result = result, .error = error, .end_time = now});
  }
  if (!slot.finished) {
    slot.finished = true;
    if (--active == 0) Done();
  }
}

void ThreadRun::OnEnd(Slot& slot, const HttpConnectionEnd& end) {
  if (end.connected) {
    ++counts.connects;
    slot.failures_in_row = 0;
  } else {
    ++counts.connect_failures;
    ++slot.failures_in_row;
  }
  if (options->on_connection_end) options->on_connection_end(slot.place, end);
  ++slot.place.life;
  if (stopping) {
    Finish(slot, RequestResult::kNotSent,
           {.error_class = HttpErrorClass::kStopped,
            .message = "the run ended before it was sent again"});
    return;
  }
  if (!end.connected && slot.failures_in_row >= options->max_connect_failures) {
    Finish(slot, RequestResult::kFailed,
           {.error_class = end.error_class,
            .system_error = end.system_error,
            .message = end.message});
    return;
  }
  if (slot.retry.empty() && (slot.source_ended || slot.budget == 0)) {
    Finish(slot, RequestResult::kNotSent, {});
    return;
  }
  const absl::Duration delay =
      end.connected ? absl::ZeroDuration() : options->reconnect_backoff;
  slot.restart_timer = loop->RunAfter(delay, [this, &slot] {
    slot.restart_timer = TimerId();
    Launch(slot);
  });
}

void ThreadRun::StopAll() {
  if (stopping) return;
  stopping = true;
  for (auto& slot : slots) {
    if (slot->finished) continue;
    if (slot->restart_timer.valid()) {
      // Waiting to reconnect: nothing in flight, only what waits to be re-sent.
      loop->CancelTimer(slot->restart_timer);
      slot->restart_timer = TimerId();
      Finish(*slot, RequestResult::kNotSent,
             {.error_class = HttpErrorClass::kStopped,
              .message = "the run ended before it was sent again"});
    } else {
      slot->socket.Stop();  // its on_end finishes the slot
    }
  }
}

void ThreadRun::Done() {
  if (deadline_timer.valid()) loop->CancelTimer(deadline_timer);
  deadline_timer = TimerId();
  if (tick_timer.valid()) loop->CancelTimer(tick_timer);
  tick_timer = TimerId();
  if (options->on_thread_tick) options->on_thread_tick(index);
  {
    std::lock_guard<std::mutex> lock(shared->mutex);
    ++shared->threads_done;
  }
  shared->changed.notify_all();
}

absl::Status CheckOptions(const MultipleClientsOptions& o) {
  auto bad = [](auto&&... parts) {
    return absl::InvalidArgumentError(
        absl::StrCat("StartMultipleClients: ", parts...));
  };
  if (!o.address.valid()) return bad("no address");
  if (o.connections < 1) return bad("connections = ", o.connections, " (>= 1)");
  if (o.threads < 1 || o.threads > LoopGroup::kMaxLoops) {
    return bad("threads = ", o.threads, " (1..", LoopGroup::kMaxLoops, ")");
  }
  if (o.client.pipeline_depth < 1) {
    return bad("pipeline_depth = ", o.client.pipeline_depth, " (>= 1)");
  }
  if (o.duration <= absl::ZeroDuration()) {
    return bad("duration = ", absl::FormatDuration(o.duration), " (> 0)");
  }
  if (!o.source_factory) return bad("no source_factory");
  if (o.max_attempts < 1) return bad("max_attempts = 0 (>= 1)");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MultipleClientsResult> StartMultipleClients(
    MultipleClientsOptions options) {
  if (absl::Status status = CheckOptions(options); !status.ok()) return status;
  const int threads = std::min(options.threads, options.connections);
  LoopFactory factory = std::move(options.loop_factory);
  if (!factory) {
    factory = [](int) { return CreateEventLoop(); };
  }
  absl::StatusOr<std::unique_ptr<LoopGroup>> group =
      LoopGroup::Create(threads, std::move(factory));
  if (!group.ok()) return group.status();

  RunShared shared;
  shared.threads = threads;
  std::vector<std::unique_ptr<ThreadRun>> runs;
  for (int t = 0; t < threads; ++t) {
    auto run = std::make_unique<ThreadRun>();
    run->index = t;
    run->loop = &(*group)->loop(t);
    run->options = &options;
    run->shared = &shared;
    runs.push_back(std::move(run));
  }
  const auto connections = static_cast<std::uint64_t>(options.connections);
  for (int c = 0; c < options.connections; ++c) {
    ThreadRun& run = *runs[static_cast<std::size_t>(c % threads)];
    HttpClientOptions client{
        .pipeline_depth = options.client.pipeline_depth,
        .refill_at = options.client.refill_at,
        .connect_timeout = options.client.connect_timeout,
        .response_timeout = options.client.response_timeout,
        .parser = options.client.parser,
        .read_buffer_size = options.client.read_buffer_size};
    auto slot = std::make_unique<Slot>(
        run, ClientPlace{.thread = run.index, .connection = c},
        std::move(client));
    Slot* raw = slot.get();
    if (options.max_requests != 0) {
      // Connection c's share: the count split as evenly as it goes.
      raw->budget = options.max_requests / connections +
                    (static_cast<std::uint64_t>(c) <
                             options.max_requests % connections
                         ? 1
                         : 0);
    }
    raw->setup = options.source_factory(ClientContext{
        .place = raw->place,
        .loop = run.loop,
        .resume_sending = [raw] { raw->socket.ResumeSending(); }});
    if (raw->setup.gate) raw->socket.set_send_gate(std::move(raw->setup.gate));
    raw->socket.set_on_request_end(
        [raw](HttpRequest& request, const HttpRequestOutcome& outcome) {
          raw->thread.OnRequestEnd(*raw, request, outcome);
        });
    raw->socket.set_on_end([raw](const HttpConnectionEnd& end) {
      raw->thread.OnEnd(*raw, end);
    });
    run.slots.push_back(std::move(slot));
  }

  const absl::Time started = absl::Now();
  for (auto& run : runs) {
    ThreadRun* raw = run.get();
    const absl::Duration duration = options.duration;
    (*group)->Post(raw->index, [raw, duration] { raw->StartAll(duration); });
  }
  if (absl::Status status = (*group)->Start(); !status.ok()) return status;
  for (;;) {
    bool done = false;
    {
      std::unique_lock<std::mutex> lock(shared.mutex);
      done = shared.changed.wait_for(
          lock, absl::ToChronoNanoseconds(options.progress_period),
          [&shared] { return shared.threads_done == shared.threads; });
    }
    if (done) break;
    if (options.on_progress) options.on_progress();
  }
  MultipleClientsResult total;
  total.elapsed = absl::Now() - started;
  (*group)->Stop();
  const absl::Status joined = (*group)->Join();
  for (const auto& run : runs) {
    total.taken += run->counts.taken;
    total.answered += run->counts.answered;
    total.failed += run->counts.failed;
    total.not_sent += run->counts.not_sent;
    total.retried += run->counts.retried;
    total.connects += run->counts.connects;
    total.connect_failures += run->counts.connect_failures;
  }
  runs.clear();  // the sockets, after their threads, before their loops
  if (!joined.ok()) return joined;
  return total;
}

}  // namespace asycamore
