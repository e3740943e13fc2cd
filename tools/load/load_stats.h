// LoadStats: what one load-generator thread counts, merged once at the end.
// Each thread owns one (no atomics, no sharing on the hot path); the hot
// path calls RecordResponse / AddBytesRead, which do not allocate. What it
// counts is what wrk's users ask for and do not get:
//   - requests answered, per status code; only 2xx count as successes
//     (wrk#123 counts 4xx/5xx answers as requests done);
//   - errors per class (connect, read, write, timeout, parse), each with a
//     count and the first message seen (wrk#295 shows counts only);
//   - requests still unanswered when the run ended: those that had waited
//     the full --timeout are timeouts, the others are counted as in flight
//     (wrk#297 and wrk#316 drop both silently);
//   - bytes read, connects and reconnects, and the latency histogram.
#ifndef ASYCAMORE_TOOLS_LOAD_LOAD_STATS_H_
#define ASYCAMORE_TOOLS_LOAD_LOAD_STATS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "latency_histogram.h"

namespace asycamore {

enum class LoadErrorClass : std::uint8_t {
  kConnect,  // the connect failed (refused, timed out, no local port)
  kRead,     // a read failed or the server closed with requests in flight
  kWrite,    // a write failed
  kTimeout,  // a request went unanswered for --timeout
  kParse,    // the response was malformed (or truncated)
};
inline constexpr std::size_t kLoadErrorClassCount = 5;

// Returns "connect", "read", "write", "timeout" or "parse".
std::string_view LoadErrorClassName(LoadErrorClass error_class);

struct LoadErrorCount {
  std::uint64_t count = 0;     // errors of this class
  std::uint64_t requests = 0;  // requests that ended with it (not retried)
  std::string sample = {};     // the first message seen; empty if none
};

class LoadStats {
 public:
  // Status codes 0..999 are counted one by one (an HTTP status has three
  // digits); anything else is counted as status 0.
  static constexpr int kStatusCodeLimit = 1000;

  // Creates empty statistics with the histogram's default range (1 us to
  // 1 h at 3 significant digits).
  static absl::StatusOr<LoadStats> Create(
      const LatencyHistogramOptions& latency = {});

  // Counts one answered request: its status and its latency (from its
  // send, or from its intended send time with -R).
  void RecordResponse(int status, std::int64_t latency_ns) {
    ++responses_;
    ++status_counts_[status >= 0 && status < kStatusCodeLimit ? status : 0];
    latency_.Record(latency_ns);
  }
  void AddBytesRead(std::uint64_t bytes) { bytes_read_ += bytes; }
  void RecordConnect(bool reconnect) {
    ++connects_;
    if (reconnect) ++reconnects_;
  }
  // Counts one error of `error_class`, which ended `requests_ended`
  // requests (0 when they are sent again, e.g. on a new connection). Keeps
  // `message` if it is the first of its class (the only allocation here).
  void RecordError(LoadErrorClass error_class, std::string_view message,
                   std::uint64_t requests_ended);
  // Counts the requests still unanswered when the run ended: those that had
  // waited at least --timeout as timeouts (one error, `timed_out` requests,
  // `message` kept as its sample), the rest as in flight.
  void RecordUnfinished(std::uint64_t timed_out, std::uint64_t in_flight,
                        std::string_view message);
  // Sets how long the run took (the engine sets it; Merge keeps the
  // longest).
  void set_elapsed(absl::Duration elapsed) { elapsed_ = elapsed; }

  // Adds `other` (another thread's statistics) to these: counts add up, the
  // first sample of each error class is kept, elapsed is the longer one.
  absl::Status Merge(const LoadStats& other);

  // Answered requests, whatever their status.
  std::uint64_t responses() const { return responses_; }
  // Answered requests with a 2xx status.
  std::uint64_t successes() const;
  std::uint64_t status_count(int status) const {
    return status >= 0 && status < kStatusCodeLimit ? status_counts_[status]
                                                    : 0;
  }
  // Requests that ended with an error (timeouts included).
  std::uint64_t failed_requests() const;
  // successes() / (responses() + failed_requests()); 0 when nothing ended.
  double success_rate() const;
  const LoadErrorCount& error(LoadErrorClass error_class) const {
    return errors_[static_cast<std::size_t>(error_class)];
  }
  std::uint64_t error_count() const;  // over all classes
  std::uint64_t in_flight_at_end() const { return in_flight_at_end_; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t connects() const { return connects_; }
  std::uint64_t reconnects() const { return reconnects_; }
  absl::Duration elapsed() const { return elapsed_; }
  const LatencyHistogram& latency() const { return latency_; }

 private:
  explicit LoadStats(LatencyHistogram latency);

  std::uint64_t responses_ = 0;
  std::array<std::uint64_t, kStatusCodeLimit> status_counts_ = {};
  std::array<LoadErrorCount, kLoadErrorClassCount> errors_ = {};
  std::uint64_t in_flight_at_end_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t connects_ = 0;
  std::uint64_t reconnects_ = 0;
  absl::Duration elapsed_ = absl::ZeroDuration();
  LatencyHistogram latency_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LOAD_STATS_H_
