#include "echo_options.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "asycamore/backend_kind.h"
#include "asycamore/backend_registry.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "cli/long_flags.h"
#include "cli/socket_flags.h"

namespace asycamore {
namespace {

absl::Status SetBackend(absl::string_view spelling, absl::string_view value,
                        EchoOptions& options) {
  const std::optional<BackendKind> kind =
      BackendKindFromName(cli::StdView(value));
  if (!kind.has_value() || !FindBackend(*kind).ok()) {
    return cli::BadValue(spelling, value,
                         absl::StrCat("this build has ", BuiltBackendNames()));
  }
  options.backend = std::string(value);
  return absl::OkStatus();
}

absl::Status SetAddress(absl::string_view spelling, absl::string_view value,
                        EchoOptions& options) {
  return cli::SetAddressFlag(spelling, value, options.address);
}

absl::Status SetSpreading(absl::string_view spelling, absl::string_view value,
                          EchoOptions& options) {
  for (Spreading s : {Spreading::kHandOff, Spreading::kReusePort}) {
    if (cli::StdView(value) == SpreadingName(s)) {
      options.spreading = s;
      return absl::OkStatus();
    }
  }
  return cli::BadValue(spelling, value, "must be handoff or reuseport");
}

// 0 picks a free port.
absl::Status SetPort(absl::string_view spelling, absl::string_view value,
                     EchoOptions& options) {
  return cli::SetPortFlag(spelling, value, 0, options.port);
}

absl::Status SetThreads(absl::string_view spelling, absl::string_view value,
                        EchoOptions& options) {
  return cli::SetWholeNumber(spelling, value, 1, kMaxEchoThreads,
                             options.threads);
}

// Every flag that takes a value, and what sets it.
constexpr cli::LongFlag<EchoOptions> kFlags[] = {
    {"port", SetPort},           {"threads", SetThreads},
    {"backend", SetBackend},     {"address", SetAddress},
    {"spreading", SetSpreading},
};

}  // namespace

absl::StatusOr<EchoOptions> ParseEchoCommandLine(int argc,
                                                 const char* const* argv) {
  absl::StatusOr<EchoOptions> options =
      cli::ParseLongFlags<EchoOptions>(argc, argv, kFlags);
  if (!options.ok() || options->help) return options;
  if (options->port < 0) {
    return absl::InvalidArgumentError(
        "missing --port (0 picks a free port and prints it)");
  }
  return options;
}

std::string EchoUsage() {
  return absl::StrFormat(
      R"(Usage: asycamore-echo --port <P> [options]
  A TCP echo server: every byte is sent back, in order. A client that stops
  reading is slowed down (the server stops reading while more than 64 KiB
  of replies wait); at a client's end the replies still queued are flushed
  before the server closes.

  Options:
    --port    <P>   the TCP port to listen on (0 to %d; 0 picks a free one)
    --address <IP>  the numeric IPv4 or IPv6 address to listen on
                    (default 127.0.0.1; 0.0.0.0 or :: for every interface)
    --backend <B>   the readiness backend: %s (default %s)
    --threads <N>   threads, one event loop each (default 1; 1 to %d)
    --spreading <S> how connections reach the loops: handoff (default; one
                    listener hands each to the next loop in turn) or
                    reuseport (one SO_REUSEPORT listener per loop, the
                    kernel picks; Linux and FreeBSD only)
    -h, --help      print this help and exit

  Prints "listening on <address>:<port>" on stdout once it accepts, and
  runs until SIGINT or SIGTERM. Exit status: 0 after a signal, 1 when it
  cannot serve (port in use, ...), 2 for a mistake on the command line.
)",
      kMaxPort, BuiltBackendNames(), std::string(BackendName(DefaultBackend())),
      kMaxEchoThreads);
}

}  // namespace asycamore
