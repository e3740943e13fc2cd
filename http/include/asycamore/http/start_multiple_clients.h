// StartMultipleClients: the seed's start_multiple_clients. N connections
// (HttpClientSocket), each with its own source of requests, spread over T
// threads with one event loop each (a LoopGroup); connections reconnect when
// the server closes them and send again what was handed back; the run stops
// at a deadline, after a total request count, or when every source ends,
// and returns the merged counts.
//
//   absl::StatusOr<MultipleClientsResult> result = StartMultipleClients({
//       .address = address, .connections = 64, .threads = 2,
//       .client = {.pipeline_depth = 16},
//       .duration = absl::Seconds(10),
//       .source_factory = [&](const ClientContext&) -> ClientSetup {
//         return {.source = [request]() -> std::optional<HttpRequest> {
//           return request;   // the same shared bytes, forever
//         }};
//       },
//       .on_request_end = [&](const ClientPlace& place, HttpRequest& request,
//                             const HttpRequestOutcome& outcome) {
//         per_thread[place.thread].Record(outcome);   // no sharing
//       }});
//
// Threads and sharing. Connection c runs on thread c % T. The callbacks run
// on the connection's thread, concurrently across threads, with the thread's
// index, so a caller records into its own per-thread state: nothing is
// shared on the hot path (no atomics, no locks); the counts are merged once,
// after the threads have joined. The factory runs on the calling thread,
// once per connection, before any thread starts; the sources and gates it
// returns then run on their connection's thread.
//
// Every request ends exactly once, reported to on_request_end (only final
// outcomes; hand-backs are re-sent by the run itself):
//   - kAnswered, kFailed as HttpClientSocket reports them;
//   - a request handed back (HttpClientSocket's kNotSent) is sent again on
//     the connection's next connect, up to max_attempts takes; past that it
//     fails with the error that handed it back (kRead when none);
//   - when the run stops (deadline), requests sent and unanswered fail with
//     kStopped, and those taken but never sent end kNotSent;
//   - when a connection's connects fail max_connect_failures times in a
//     row, the requests waiting to be re-sent on it fail with that connect
//     error, and the connection gives up (its source is not drained).
// So result.taken == answered + failed + not_sent.
//
// Reconnects: at once after the server closed the connection (a close
// between requests, Connection: close, a reset); after reconnect_backoff
// after a failed connect (addresses exhausted included, where a pause lets
// TIME_WAIT ports free up).
//
// -n exactness: with max_requests, the sources are asked for exactly that
// many requests in all (split over the connections beforehand, so no
// counter is shared), never more; a run that reaches the deadline first
// takes fewer.
#ifndef ASYCAMORE_HTTP_START_MULTIPLE_CLIENTS_H_
#define ASYCAMORE_HTTP_START_MULTIPLE_CLIENTS_H_

#include <cstdint>
#include <functional>
#include <limits>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/event_loop.h"
#include "asycamore/export.h"
#include "asycamore/http/http_client_socket.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/socket_address.h"

namespace asycamore {

// Where a callback comes from.
struct ClientPlace {
  int thread = 0;      // 0..threads-1
  int connection = 0;  // 0..connections-1, over all threads
  // How many connects this connection started before the current one.
  std::uint32_t life = 0;
};

// What the factory is given for one connection.
struct ClientContext {
  ClientPlace place = {};
  EventLoop* loop = nullptr;  // the connection's; use it on its thread only
  // Makes the connection ask its gate again (call on the loop's thread,
  // e.g. from a timer the gate armed).
  std::function<void()> resume_sending = nullptr;
};

// What one connection sends.
struct ClientSetup {
  HttpRequestSource source = nullptr;  // nullopt: this connection is done
  HttpSendGate gate = nullptr;         // optional: false holds it back
};

using ClientSetupFactory = absl::AnyInvocable<ClientSetup(const ClientContext&)>;
using ClientRequestEndCallback = std::function<void(
    const ClientPlace&, HttpRequest&, const HttpRequestOutcome&)>;
using ClientConnectionEndCallback =
    std::function<void(const ClientPlace&, const HttpConnectionEnd&)>;

// The per-connection settings (HttpClientOptions without its callbacks).
struct ClientSettings {
  int pipeline_depth = 1;
  int refill_at = std::numeric_limits<int>::max();  // see HttpClientOptions
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration response_timeout = absl::InfiniteDuration();
  HttpResponseParserOptions parser = {};
  std::size_t read_buffer_size = 16 * 1024;
};

struct MultipleClientsOptions {
  SocketAddress address = {};
  int connections = 1;
  // At most `connections` (extra threads would have nothing to run).
  int threads = 1;
  // Makes thread i's loop; unset: CreateEventLoop() (the default backend).
  LoopFactory loop_factory = nullptr;
  ClientSettings client = {};
  // Stop then (infinite: when the sources end or max_requests is reached).
  absl::Duration duration = absl::InfiniteDuration();
  // Take at most this many requests from the sources in all; 0: no limit.
  std::uint64_t max_requests = 0;
  absl::Duration reconnect_backoff = absl::Milliseconds(10);
  int max_connect_failures = 5;  // in a row, per connection
  std::uint32_t max_attempts = 3;  // takes of one request, at most
  ClientSetupFactory source_factory = nullptr;
  ClientRequestEndCallback on_request_end = nullptr;
  ClientConnectionEndCallback on_connection_end = nullptr;
  // Runs on each loop's thread every tick_period (e.g. to publish that
  // thread's counts for a progress line), and once when the thread is done.
  std::function<void(int thread)> on_thread_tick = nullptr;
  absl::Duration tick_period = absl::Seconds(1);
  // Runs on the calling thread every progress_period while the run goes on.
  std::function<void()> on_progress = nullptr;
  absl::Duration progress_period = absl::Seconds(1);
};

struct MultipleClientsResult {
  std::uint64_t taken = 0;     // requests taken from the sources
  std::uint64_t answered = 0;
  std::uint64_t failed = 0;
  std::uint64_t not_sent = 0;  // taken, never sent, when the run ended
  std::uint64_t retried = 0;   // hand-backs taken again
  std::uint64_t connects = 0;  // connects that succeeded
  std::uint64_t connect_failures = 0;
  absl::Duration elapsed = absl::ZeroDuration();
};

// Runs the clients until the run stops (see above) and returns the counts.
// Fails before anything starts when the options are out of range (naming
// them) or a loop cannot be made.
ASYCAMORE_HTTP_API
absl::StatusOr<MultipleClientsResult> StartMultipleClients(
    MultipleClientsOptions options);

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_START_MULTIPLE_CLIENTS_H_
