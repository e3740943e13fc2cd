// The seam between asycamore-load's start-up and its run loop. Start-up
// (load_main.cc) parses the command line, resolves the host, picks the
// address and builds the request; a LoadEngine then runs the connections
// and returns the merged statistics; the reports format them.
//
// The engine is the library's HTTP client (HttpClientSocket,
// StartMultipleClients: issue 13); load_engine.cc says how it records.
//
// What an engine must do (the reports rely on it):
//   - `plan.options.threads` threads, one event loop each, the connections
//     spread over them; per-thread LoadStats, merged once at the end;
//   - send `plan.request` (pipelined up to `plan.options.pipeline` per
//     connection), reconnecting when the server closes;
//   - stop after `options.duration`, or when `options.requests` requests
//     have ended (answered, failed or timed out);
//   - with `options.rate` > 0, send request k of the run at start + k/rate
//     (spread over the connections) and measure its latency from that
//     intended time, not from the actual send (coordinated omission);
//   - count a request unanswered for `options.timeout` as a timeout, and at
//     the end call RecordUnfinished for those still in flight;
//   - call `progress.Report` about once a second from the thread that called
//     Run, and `progress.Finish` once before returning.
#ifndef ASYCAMORE_TOOLS_LOAD_LOAD_ENGINE_H_
#define ASYCAMORE_TOOLS_LOAD_LOAD_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "load_options.h"
#include "load_stats.h"

namespace asycamore {

// What a run is given, all decided before any loop starts.
struct LoadPlan {
  const LoadOptions& options;
  SocketAddress address = {};  // the one every connection uses
  std::string request = {};    // the bytes of one request (BuildLoadRequest)
};

// A running total, as the progress line shows it.
struct LoadProgress {
  absl::Duration elapsed = absl::ZeroDuration();
  std::uint64_t responses = 0;  // answered so far, over all threads
  std::uint64_t errors = 0;     // errors so far, over all classes
};

// Where a run's progress goes (a terminal line, or nowhere).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Called about once a second with the totals so far.
  virtual void Report(const LoadProgress& progress) = 0;
  // Called once when the run has ended.
  virtual void Finish() = 0;
};

class LoadEngine {
 public:
  virtual ~LoadEngine() = default;
  // Runs the plan and returns the merged statistics. An error means the run
  // could not happen (no loop, no thread); failed requests are statistics.
  virtual absl::StatusOr<LoadStats> Run(const LoadPlan& plan,
                                        ProgressSink& progress) = 0;
};

// Returns the engine: StartMultipleClients over HttpClientSocket.
absl::StatusOr<std::unique_ptr<LoadEngine>> CreateLoadEngine();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LOAD_ENGINE_H_
