#include "soak_options.h"

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "cli/long_flags.h"
#include "cli/socket_flags.h"

namespace asycamore {
namespace {

constexpr int kMaxSeconds = 7 * 24 * 3600;

// --seconds and --drain-seconds: 1 to kMaxSeconds.
template <absl::Duration SoakOptions::*Field>
absl::Status SetSeconds(absl::string_view spelling, absl::string_view value,
                        SoakOptions& options) {
  int seconds = 0;
  absl::Status set =
      cli::SetWholeNumber(spelling, value, 1, kMaxSeconds, seconds);
  if (set.ok()) options.*Field = absl::Seconds(seconds);
  return set;
}

// The --...-percent flags: 0 to 100 (ParseSoakCommandLine checks the sum).
template <int SoakMix::*Field>
absl::Status SetPercent(absl::string_view spelling, absl::string_view value,
                        SoakOptions& options) {
  return cli::SetWholeNumber(spelling, value, 0, 100, options.mix.*Field);
}

absl::Status SetConnections(absl::string_view spelling, absl::string_view value,
                            SoakOptions& options) {
  return cli::SetWholeNumber(spelling, value, 1, kMaxSoakConnections,
                             options.connections);
}

absl::Status SetJsonPath(absl::string_view, absl::string_view value,
                         SoakOptions& options) {
  options.json_path = std::string(value);
  return absl::OkStatus();
}

absl::Status SetPort(absl::string_view spelling, absl::string_view value,
                     SoakOptions& options) {
  return cli::SetPortFlag(spelling, value, 1, options.port);
}

absl::Status SetAddress(absl::string_view spelling, absl::string_view value,
                        SoakOptions& options) {
  return cli::SetAddressFlag(spelling, value, options.address);
}

absl::Status SetProtocol(absl::string_view spelling, absl::string_view value,
                         SoakOptions& options) {
  if (value != "echo" && value != "http") {
    return cli::BadValue(spelling, value, "must be echo or http");
  }
  options.protocol =
      value == "echo" ? SoakProtocol::kEcho : SoakProtocol::kHttp;
  return absl::OkStatus();
}

absl::Status SetGap(absl::string_view spelling, absl::string_view value,
                    SoakOptions& options) {
  int gap_ms = 0;
  absl::Status set = cli::SetWholeNumber(spelling, value, 0, 60'000, gap_ms);
  if (set.ok()) options.gap = absl::Milliseconds(gap_ms);
  return set;
}

absl::Status SetSeed(absl::string_view spelling, absl::string_view value,
                     SoakOptions& options) {
  if (!absl::SimpleAtoi(value, &options.seed)) {
    return cli::BadValue(spelling, value,
                         "must be a whole number from 0 to 2^64-1");
  }
  return absl::OkStatus();
}

// Every flag that takes a value, and what sets it.
constexpr cli::LongFlag<SoakOptions> kFlags[] = {
    {"port", SetPort},
    {"address", SetAddress},
    {"protocol", SetProtocol},
    {"connections", SetConnections},
    {"seconds", SetSeconds<&SoakOptions::duration>},
    {"drain-seconds", SetSeconds<&SoakOptions::drain>},
    {"gap-ms", SetGap},
    {"seed", SetSeed},
    {"reset-percent", SetPercent<&SoakMix::reset_percent>},
    {"half-close-percent", SetPercent<&SoakMix::half_close_percent>},
    {"slow-percent", SetPercent<&SoakMix::slow_percent>},
    {"json", SetJsonPath},
};

}  // namespace

absl::StatusOr<SoakOptions> ParseSoakCommandLine(int argc,
                                                 const char* const* argv) {
  absl::StatusOr<SoakOptions> parsed =
      cli::ParseLongFlags<SoakOptions>(argc, argv, kFlags);
  if (!parsed.ok() || parsed->help) return parsed;
  const SoakOptions& options = *parsed;
  if (options.port < 0) return absl::InvalidArgumentError("missing --port");
  const SoakMix& mix = options.mix;
  if (mix.reset_percent + mix.half_close_percent + mix.slow_percent > 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--reset-percent %d, --half-close-percent %d and --slow-percent %d "
        "add up to more than 100",
        mix.reset_percent, mix.half_close_percent, mix.slow_percent));
  }
  return parsed;
}

std::string SoakUsage() {
  return absl::StrFormat(
      R"(Usage: asycamore-soak --port <P> [options]
  Holds many connections to an echo server (asycamore-echo) or an HTTP
  server (asycamore-httpd) for a while and verifies every byte and every
  answer. Each connection runs sessions back to back; a session sends
  seeded pseudo-random data (echo: chunks; http: GET /plaintext and
  POST /echo with a body), checks what comes back, and ends one of four
  ways: plainly (every answer read, then a FIN), by a reset (SO_LINGER 0
  close at a random point), by a half-close (FIN right after the last
  send, then the rest read until the server's end), or as a slow reader
  (reading paused for 0.1 to 1 s while sending on, so that the server's
  backpressure engages). A byte or answer missing, wrong or extra, a
  connect that fails, or a session still open --drain-seconds after the
  end is a loss.

  Options:
    --port <P>               the server's TCP port (1 to %d), required
    --address <IP>           its numeric address (default 127.0.0.1)
    --protocol echo|http     what to speak (default echo)
    --connections <N>        connections held at once (default 100; 1 to %d)
    --seconds <S>            how long to run (default 10)
    --drain-seconds <S>      how long the sessions may take to finish
                             after that (default 30)
    --gap-ms <MS>            the mean gap between a session's messages
                             (default 500; 0: none); a session sends 1 to
                             256 KiB, in chunks of up to 16 KiB (echo) or
                             requests with bodies of up to 4 KiB (http),
                             32 KiB in flight at most
    --seed <S>               the sessions' plans (default 1; printed)
    --reset-percent <N>      sessions ending with a reset (default 20)
    --half-close-percent <N> sessions ending with a half-close (default 20)
    --slow-percent <N>       slow-reader sessions (default 10); one sends
                             256 KiB to 1 MiB without gaps
    --json <PATH>            write the tally there
    -h, --help               print this help and exit

  Raises the soft limit on open files (setrlimit) when --connections needs
  it, and says so. Prints one summary line. Exit status: 0 with no loss, 1
  for a loss or when it cannot run, 2 for a mistake on the command line.
)",
      kMaxPort, kMaxSoakConnections);
}

}  // namespace asycamore
