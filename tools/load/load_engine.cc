// The load engine: StartMultipleClients over HttpClientSocket, recording
// into one LoadStats per thread (its own memory: no atomics, no sharing on
// the hot path), merged once after the threads joined.
//
// Per request the hot path does: the source copies a Cord (the thread's own
// copy of the request bytes, so the refcount it bumps is not shared with
// other threads), the socket queues and sends it, the parser counts the
// response in lean mode (no headers or body kept), and on_request_end
// records the status and the latency. Nothing allocates.
//
// --pipeline N keeps between N/2 and N requests in flight per connection:
// it refills when half the window is answered, in one gathered send. A
// window that slid by one request per answer made nginx read and answer
// small batches, and cost 7.5 us of generator CPU per request at depth 16
// where the half-window refill costs 5.8 (wrk, which sends whole batches of
// N: 5.7; measured with the counts of compare-load.sh's runs).
//
// -R (constant throughput, as wrk2): each connection has a schedule of
// rate/connections requests per second, its k-th request intended at
// start + (k + c/connections) / per-connection rate; the send gate holds the
// connection until the next intended time (one timer per connection), and a
// response's latency is measured from its request's intended time, so a
// stalled server shows up in the latency instead of quietly lowering the
// rate (coordinated omission).
#include "load_engine.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "asycamore/http/http_client_socket.h"
#include "asycamore/http/start_multiple_clients.h"

namespace asycamore {
namespace {

LoadErrorClass ToLoadClass(HttpErrorClass error_class) {
  switch (error_class) {
    case HttpErrorClass::kConnectRefused:
    case HttpErrorClass::kConnectTimedOut:
    case HttpErrorClass::kAddressesExhausted:
    case HttpErrorClass::kConnect:
      return LoadErrorClass::kConnect;
    case HttpErrorClass::kWrite: return LoadErrorClass::kWrite;
    case HttpErrorClass::kTimeout: return LoadErrorClass::kTimeout;
    case HttpErrorClass::kParse: return LoadErrorClass::kParse;
    default: return LoadErrorClass::kRead;
  }
}

// A thread's totals for the progress line, written by that thread once a
// second (not per request), read by the thread that reports progress.
struct alignas(64) Published {
  std::atomic<std::uint64_t> responses{0};
  std::atomic<std::uint64_t> errors{0};
};

// What one thread owns: its statistics and its copy of the request.
struct ThreadState {
  explicit ThreadState(LoadStats s) : stats(std::move(s)) {}
  LoadStats stats;
  absl::Cord request;
  std::uint64_t stopped_timed_out = 0;  // unanswered at the end, by age
  std::uint64_t stopped_in_flight = 0;
  std::string stopped_message;
};

// One connection's -R schedule.
struct Pacer {
  double interval_ns = 0;  // between its requests
  double offset = 0;       // its place among the connections, 0..1
  bool started = false;
  SteadyTime start = {};
  std::uint64_t next = 0;  // the number of its next request
  TimerId timer;

  SteadyTime Due(std::uint64_t k) const {
    return start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                       (static_cast<double>(k) + offset) * interval_ns));
  }
};

class HttpLoadEngine final : public LoadEngine {
 public:
  absl::StatusOr<LoadStats> Run(const LoadPlan& plan,
                                ProgressSink& progress) override;
};

absl::StatusOr<LoadStats> HttpLoadEngine::Run(const LoadPlan& plan,
                                              ProgressSink& progress) {
  const LoadOptions& o = plan.options;
  const int threads = std::max(1, std::min(o.threads, o.connections));
  std::vector<std::unique_ptr<ThreadState>> state;
  for (int t = 0; t < threads; ++t) {
    absl::StatusOr<LoadStats> stats = LoadStats::Create();
    if (!stats.ok()) return stats.status();
    state.push_back(std::make_unique<ThreadState>(*std::move(stats)));
    // Built once per thread, not per request: a Cord of its own, so the
    // reference count each request bumps stays in this thread's cache.
    state.back()->request = absl::Cord(plan.request);
  }
  std::vector<Published> published(static_cast<std::size_t>(threads));
  const HttpMethod method = HttpMethodFromName(o.method);
  const bool paced = o.rate > 0;
  const std::int64_t timeout_ns = absl::ToInt64Nanoseconds(o.timeout);

  MultipleClientsOptions run{
      .address = plan.address,
      .connections = o.connections,
      .threads = threads,
      .client = {.pipeline_depth = o.pipeline,
                 .refill_at = o.pipeline / 2,
                 .connect_timeout = o.timeout,
                 .response_timeout = o.timeout,
                 .parser = {.keep_headers = false, .keep_body = false}},
      .duration = o.requests > 0 ? absl::InfiniteDuration() : o.duration,
      .max_requests = o.requests,
  };
  run.source_factory = [&](const ClientContext& context) -> ClientSetup {
    ThreadState* mine = state[static_cast<std::size_t>(context.place.thread)].get();
    if (!paced) {
      return {.source = [mine, method]() -> std::optional<HttpRequest> {
        return HttpRequest{.bytes = mine->request, .method = method};
      }};
    }
    auto pacer = std::make_shared<Pacer>();
    pacer->interval_ns = 1e9 * o.connections / o.rate;
    pacer->offset = static_cast<double>(context.place.connection) / o.connections;
    EventLoop* loop = context.loop;
    return {
        .source = [mine, method, pacer]() -> std::optional<HttpRequest> {
          return HttpRequest{.bytes = mine->request,
                             .method = method,
                             .intended_time = pacer->Due(pacer->next++)};
        },
        .gate = [pacer, loop, resume = context.resume_sending]() {
          const SteadyTime now = SteadyClock::now();
          if (!pacer->started) {
            pacer->started = true;
            pacer->start = now;
          }
          const SteadyTime due = pacer->Due(pacer->next);
          if (due <= now) return true;
          if (!pacer->timer.valid()) {
            pacer->timer = loop->RunAfter(
                absl::FromChrono(due - now), [pacer, resume] {
                  pacer->timer = TimerId();
                  resume();
                });
          }
          return false;
        }};
  };
  run.on_request_end = [&state, paced, timeout_ns](
                           const ClientPlace& place, HttpRequest& request,
                           const HttpRequestOutcome& outcome) {
    ThreadState& mine = *state[static_cast<std::size_t>(place.thread)];
    switch (outcome.result) {
      case RequestResult::kAnswered: {
        const SteadyTime from = paced ? request.intended_time : request.taken_time;
        mine.stats.RecordResponse(
            outcome.response->status_code,
            std::chrono::duration_cast<std::chrono::nanoseconds>(
                outcome.end_time - from)
                .count());
        return;
      }
      case RequestResult::kFailed:
        if (outcome.error.error_class != HttpErrorClass::kStopped) {
          mine.stats.RecordError(ToLoadClass(outcome.error.error_class),
                                 outcome.error.message, 1);
          return;
        }
        [[fallthrough]];  // still in flight when the run ended
      case RequestResult::kNotSent: {
        const auto age = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             outcome.end_time - request.taken_time)
                             .count();
        if (outcome.result == RequestResult::kFailed && age >= timeout_ns) {
          ++mine.stopped_timed_out;
          if (mine.stopped_message.empty()) {
            mine.stopped_message = absl::StrCat(
                "unanswered for --timeout (",
                absl::FormatDuration(absl::Nanoseconds(timeout_ns)),
                ") when the run ended");
          }
        } else {
          ++mine.stopped_in_flight;
        }
        return;
      }
    }
  };
  run.on_connection_end = [&state](const ClientPlace& place,
                                   const HttpConnectionEnd& end) {
    ThreadState& mine = *state[static_cast<std::size_t>(place.thread)];
    mine.stats.AddBytesRead(end.bytes_read);
    if (end.connected) mine.stats.RecordConnect(place.life > 0);
    // An error that failed no request (a refused connect, a reset whose
    // requests all went again) is still counted, once.
    if (end.failed == 0 && end.error_class != HttpErrorClass::kNone &&
        end.error_class != HttpErrorClass::kStopped) {
      mine.stats.RecordError(ToLoadClass(end.error_class), end.message, 0);
    }
  };
  run.on_thread_tick = [&state, &published](int thread) {
    const LoadStats& stats = state[static_cast<std::size_t>(thread)]->stats;
    published[static_cast<std::size_t>(thread)].responses.store(
        stats.responses(), std::memory_order_relaxed);
    published[static_cast<std::size_t>(thread)].errors.store(
        stats.error_count(), std::memory_order_relaxed);
  };
  const absl::Time started = absl::Now();
  run.on_progress = [&published, &progress, started] {
    LoadProgress now{.elapsed = absl::Now() - started};
    for (const Published& p : published) {
      now.responses += p.responses.load(std::memory_order_relaxed);
      now.errors += p.errors.load(std::memory_order_relaxed);
    }
    progress.Report(now);
  };

  absl::StatusOr<MultipleClientsResult> result =
      StartMultipleClients(std::move(run));
  progress.Finish();
  if (!result.ok()) return result.status();

  // The threads have joined: merge once.
  LoadStats total = std::move(state[0]->stats);
  for (std::size_t t = 0; t < state.size(); ++t) {
    ThreadState& mine = *state[t];
    LoadStats& stats = t == 0 ? total : mine.stats;
    stats.RecordUnfinished(mine.stopped_timed_out, mine.stopped_in_flight,
                           mine.stopped_message);
    if (t > 0) {
      if (absl::Status s = total.Merge(stats); !s.ok()) return s;
    }
  }
  total.set_elapsed(result->elapsed);
  return total;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadEngine>> CreateLoadEngine() {
  return std::unique_ptr<LoadEngine>(new HttpLoadEngine());
}

}  // namespace asycamore
