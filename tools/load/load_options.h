// LoadOptions and the command line of asycamore-load: wrk's flags (-c -t -d
// -H --latency --timeout, with wrk's number and duration syntax), plus -n
// (a fixed request count, wrk#204), --pipeline, -R (constant throughput, as
// wrk2), -m, --body, --json and --svg.
//
// ParseLoadCommandLine is a pure function of argv (it reads only the --body
// file), so that it can be unit-tested and fuzzed; main() prints its error
// with LoadUsage() and exits 2.
#ifndef ASYCAMORE_TOOLS_LOAD_LOAD_OPTIONS_H_
#define ASYCAMORE_TOOLS_LOAD_LOAD_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http_url.h"

namespace asycamore {

// One -H "Name: value" header, checked (a token for the name; no CR, LF or
// NUL in the value).
struct LoadHeader {
  std::string name = {};
  std::string value = {};
};

struct LoadOptions {
  // --help was given: print LoadUsage() and exit 0; nothing else is set.
  bool help = false;

  int connections = 10;  // -c: wrk's default
  int threads = 2;       // -t: one event loop each; connections >= threads
  // -d, the run's length, unless `requests` is set (-n).
  absl::Duration duration = absl::Seconds(10);
  // -n: send this many requests in all and stop when each has ended; 0: run
  // for `duration`.
  std::uint64_t requests = 0;
  int pipeline = 1;  // --pipeline: requests in flight per connection
  // -R: requests per second over all connections, each request sent at its
  // intended time and its latency measured from then; 0: as fast as possible.
  double rate = 0;
  std::vector<LoadHeader> headers = {};  // -H, in order
  std::string method = "GET";            // -m
  std::string body_path = {};            // --body (its contents are in `body`)
  std::string body = {};
  // --timeout: a request unanswered this long ends as a timeout.
  absl::Duration timeout = absl::Seconds(2);
  bool latency = false;        // --latency: print the latency distribution
  std::string json_path = {};  // --json: write the results there
  std::string svg_path = {};   // --svg: write the latency curve there
  HttpUrl url = {};
};

// The limits the parser enforces (stated in the usage).
inline constexpr int kMaxLoadConnections = 1'000'000;
inline constexpr int kMaxLoadThreads = 1'024;
inline constexpr int kMaxLoadPipeline = 1'024;

// Parses argv[1..argc-1]. Flags take their value as the next argument, or
// after '=' (--connections=64), or attached to a short flag (-c64). "--" ends
// the flags. --help anywhere wins over every mistake. A mistake gets
// InvalidArgument whose message names the flag as written and its value.
absl::StatusOr<LoadOptions> ParseLoadCommandLine(int argc,
                                                 const char* const* argv);

// Returns the usage text (for --help on stdout, after a mistake on stderr).
std::string LoadUsage();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LOAD_OPTIONS_H_
