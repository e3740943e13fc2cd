#include "httpd_options.h"

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "asycamore/backend_registry.h"
#include "asycamore/loop_group.h"

namespace asycamore {
namespace {

constexpr std::uint64_t kMaxLimit = std::uint64_t{1} << 40;

absl::Status Bad(absl::string_view flag, absl::string_view value,
                 absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " '", absl::CHexEscape(value), "': ", why));
}

template <typename T>
absl::Status SetNumber(absl::string_view flag, absl::string_view value,
                       std::uint64_t lowest, std::uint64_t highest, T& field) {
  std::uint64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < lowest || n > highest) {
    return Bad(flag, value,
               absl::StrCat("must be a whole number, ", lowest, " to ",
                            highest));
  }
  field = static_cast<T>(n);
  return absl::OkStatus();
}

// Applies one flag that takes a value.
absl::Status Apply(absl::string_view flag, absl::string_view value,
                   HttpdOptions& options) {
  if (flag == "--address") {
    if (value.empty()) return Bad(flag, value, "needs a numeric IP address");
    options.address = std::string(value);
    return absl::OkStatus();
  }
  if (flag == "--port") return SetNumber(flag, value, 0, 65535, options.port);
  if (flag == "--threads") {
    return SetNumber(flag, value, 1, LoopGroup::kMaxLoops, options.threads);
  }
  if (flag == "--backend") {
    if (!CreateDispatcher(std::string_view(value.data(), value.size())).ok()) {
      return Bad(flag, value,
                 absl::StrCat("not a backend of this build (",
                              BuiltBackendNames(), ")"));
    }
    options.backend = std::string(value);
    return absl::OkStatus();
  }
  HttpRequestParserOptions& limits = options.connection.limits;
  if (flag == "--max-header-bytes") {
    return SetNumber(flag, value, 64, kMaxLimit, limits.max_header_bytes);
  }
  if (flag == "--max-headers") {
    return SetNumber(flag, value, 1, kMaxLimit, limits.max_header_count);
  }
  if (flag == "--max-body-bytes") {
    return SetNumber(flag, value, 0, kMaxLimit, limits.max_body_bytes);
  }
  if (flag == "--drain-timeout") {
    absl::Duration d;
    if (!absl::ParseDuration(value, &d) || d < absl::ZeroDuration()) {
      return Bad(flag, value, "must be a duration such as 5s or 250ms");
    }
    options.drain_timeout = d;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown flag '", flag, "'"));
}

bool TakesValue(absl::string_view flag) {
  for (absl::string_view f :
       {"--address", "--port", "--threads", "--backend", "--max-header-bytes",
        "--max-headers", "--max-body-bytes", "--drain-timeout"}) {
    if (f == flag) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<HttpdCommandLine> ParseHttpdCommandLine(
    int argc, const char* const* argv) {
  HttpdCommandLine line;
  absl::Status first_error = absl::OkStatus();
  auto note = [&](absl::Status status) {
    if (first_error.ok() && !status.ok()) first_error = std::move(status);
  };
  std::optional<std::string> spread_flag;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return HttpdCommandLine{.help = true};
    if (!absl::StartsWith(arg, "--")) {
      note(absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument '", absl::CHexEscape(arg), "' (no operands)")));
      continue;
    }
    absl::string_view flag = arg;
    std::optional<absl::string_view> value;
    if (const std::size_t equals = arg.find('='); equals != arg.npos) {
      flag = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    if (flag == "--reuseport" || flag == "--handoff") {
      if (value.has_value()) {
        note(Bad(flag, *value, "takes no value"));
      } else if (spread_flag.has_value() && *spread_flag != flag) {
        note(absl::InvalidArgumentError(absl::StrCat(
            *spread_flag, " and ", flag,
            " are exclusive: one way to spread connections over the loops")));
      }
      spread_flag = std::string(flag);
      line.server.spread =
          flag == "--reuseport" ? Spreading::kReusePort : Spreading::kHandOff;
      continue;
    }
    if (!TakesValue(flag)) {
      note(absl::InvalidArgumentError(
          absl::StrCat("unknown flag '", absl::CHexEscape(flag), "'")));
      continue;
    }
    if (!value.has_value()) {
      if (i + 1 >= argc) {
        note(absl::InvalidArgumentError(absl::StrCat(flag, " needs a value")));
        continue;
      }
      value = argv[++i];
    }
    note(Apply(flag, *value, line.server));
  }
  if (!first_error.ok()) return first_error;
  return line;
}

std::string HttpdUsage() {
  const HttpdOptions d;
  return absl::StrFormat(
      R"(Usage: asycamore-httpd [options]
  A multi-loop HTTP/1.1 server (keep-alive, pipelining), the benchmark
  target of asycamore: GET /plaintext answers "Hello, World!" as the
  TechEmpower plaintext test expects, POST /echo returns the request body,
  anything else is 404. SIGINT or SIGTERM: stop accepting, finish the
  answers owed, exit 0.

  Options:
    --address <IP>          numeric IPv4 or IPv6 address (default %s)
    --port <N>              TCP port, 0 for any free one (default %d); the
                            port is printed on stdout once listening
    --threads <N>           event loops, one thread each (default %d)
    --backend <NAME>        the readiness backend (%s; default: the
                            build's default)
    --handoff               one listener; each accepted connection goes to
                            the next loop in turn (the default)
    --reuseport             one listener per loop on the same port
                            (SO_REUSEPORT): the kernel spreads connections
    --max-header-bytes <N>  request line and headers, at most (default %d;
                            past it: 431)
    --max-headers <N>       header fields, at most (default %d; past: 431)
    --max-body-bytes <N>    request body, at most (default %d; past: 413)
    --drain-timeout <T>     on a signal, how long connections may take to
                            finish their answers (default %s)
    -h, --help              print this help and exit

  Exit status: 0 after a signal-driven shutdown, 1 when the server cannot
  start (address in use, ...), 2 for a mistake on the command line.
)",
      d.address, d.port, d.threads, BuiltBackendNames(),
      d.connection.limits.max_header_bytes,
      d.connection.limits.max_header_count, d.connection.limits.max_body_bytes,
      absl::FormatDuration(d.drain_timeout));
}

}  // namespace asycamore
