// The command line of asycamore-soak, the soak driver:
//
//   asycamore-soak --port 7000 --protocol echo --connections 5000
//                  --seconds 60 --seed 42 --json soak.json   (one line)
//
// The servers' conventions (tools/common/cli/long_flags.h): long flags, a
// value as the next argument or after '='; --help anywhere wins; a mistake
// gets InvalidArgument naming the flag as written and its value, and main()
// prints it with SoakUsage() on stderr and exits 2.
#ifndef ASYCAMORE_TOOLS_SOAK_SOAK_OPTIONS_H_
#define ASYCAMORE_TOOLS_SOAK_SOAK_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace asycamore {

// What the driver speaks: raw bytes to asycamore-echo, or HTTP/1.1
// (GET /plaintext and POST /echo) to asycamore-httpd.
enum class SoakProtocol { kEcho, kHttp };

// The share of sessions, in percent, that end each way; the rest end
// plainly (every answer read, then the driver's FIN).
struct SoakMix {
  int reset_percent = 20;       // SO_LINGER 0 close at a random point
  int half_close_percent = 20;  // FIN right after the last send, then read
  int slow_percent = 10;        // reading paused while sending on
};

struct SoakOptions {
  // --help was given: print SoakUsage() and exit 0; nothing else is set.
  bool help = false;
  std::string address = "127.0.0.1";  // --address, numeric IPv4 or IPv6
  int port = -1;                      // --port, required
  SoakProtocol protocol = SoakProtocol::kEcho;  // --protocol echo|http
  int connections = 100;                        // --connections, held at once
  absl::Duration duration = absl::Seconds(10);  // --seconds
  // --drain-seconds: after `duration`, how long the sessions may take to
  // finish before those left count as hung.
  absl::Duration drain = absl::Seconds(30);
  // --gap-ms: the mean gap between a session's messages (0: none), so that
  // the connections are many and busy, not saturating one core.
  absl::Duration gap = absl::Milliseconds(500);
  std::uint64_t seed = 1;      // --seed: the sessions' plans
  SoakMix mix = {};            // --reset/--half-close/--slow percent
  std::string json_path = "";  // --json: write the tally there
};

// The most connections --connections accepts.
inline constexpr int kMaxSoakConnections = 100'000;

// Parses argv[1..argc-1]; a pure function of argv.
absl::StatusOr<SoakOptions> ParseSoakCommandLine(int argc,
                                                 const char* const* argv);

// Returns the usage text (for --help on stdout, after a mistake on stderr).
std::string SoakUsage();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_SOAK_OPTIONS_H_
