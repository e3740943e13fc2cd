#include "load_options.h"

#include <fstream>
#include <iterator>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "cli_values.h"

namespace asycamore {
namespace {

enum class Flag {
  kConnections,
  kThreads,
  kDuration,
  kRequests,
  kPipeline,
  kRate,
  kHeader,
  kMethod,
  kBody,
  kTimeout,
  kLatency,
  kJson,
  kSvg,
  kHelp,
};

struct FlagSpec {
  char short_name;  // 0: long form only
  absl::string_view long_name;
  bool takes_value;
  Flag flag;
};

// wrk's letters where wrk has the flag (-c -t -d -H -L -T), wrk2's -R.
constexpr FlagSpec kFlags[] = {
    {'c', "connections", true, Flag::kConnections},
    {'t', "threads", true, Flag::kThreads},
    {'d', "duration", true, Flag::kDuration},
    {'n', "requests", true, Flag::kRequests},
    {0, "pipeline", true, Flag::kPipeline},
    {'R', "rate", true, Flag::kRate},
    {'H', "header", true, Flag::kHeader},
    {'m', "method", true, Flag::kMethod},
    {0, "body", true, Flag::kBody},
    {'T', "timeout", true, Flag::kTimeout},
    {'L', "latency", false, Flag::kLatency},
    {0, "json", true, Flag::kJson},
    {0, "svg", true, Flag::kSvg},
    {'h', "help", false, Flag::kHelp},
};

const FlagSpec* FindLong(absl::string_view name) {
  for (const FlagSpec& spec : kFlags) {
    if (spec.long_name == name) return &spec;
  }
  return nullptr;
}

const FlagSpec* FindShort(char name) {
  for (const FlagSpec& spec : kFlags) {
    if (spec.short_name != 0 && spec.short_name == name) return &spec;
  }
  return nullptr;
}

// RFC 9110 5.6.2: token = 1*tchar.
bool IsToken(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        absl::string_view("!#$%&'*+-.^_`|~").find(c) ==
            absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

// The flag as the user wrote it, and its value, for messages.
struct Given {
  std::string spelling;  // "-c" or "--connections"
  std::string value;
};

absl::Status Bad(const Given& given, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      given.spelling, " '", absl::CHexEscape(given.value), "': ", why));
}

// Sets `field` to the count given, if it is within lowest..highest.
absl::Status SetCount(const Given& given, int lowest, int highest, int& field) {
  absl::StatusOr<std::uint64_t> n = ParseCount(given.value);
  if (!n.ok()) return Bad(given, n.status().message());
  if (*n < static_cast<std::uint64_t>(lowest) ||
      *n > static_cast<std::uint64_t>(highest)) {
    return Bad(given, absl::StrCat("must be ", lowest, " to ", highest));
  }
  field = static_cast<int>(*n);
  return absl::OkStatus();
}

// Sets `field` to the duration given, if it is more than 0.
absl::Status SetDuration(const Given& given, absl::Duration& field) {
  absl::StatusOr<absl::Duration> d = ParseWrkDuration(given.value);
  if (!d.ok()) return Bad(given, d.status().message());
  if (*d <= absl::ZeroDuration()) return Bad(given, "must be more than 0");
  field = *d;
  return absl::OkStatus();
}

absl::StatusOr<LoadHeader> ParseHeader(const Given& given) {
  const std::size_t colon = given.value.find(':');
  if (colon == std::string::npos) {
    return Bad(given, "a header is \"Name: value\"");
  }
  LoadHeader header;
  header.name = given.value.substr(0, colon);
  header.value = std::string(absl::StripAsciiWhitespace(
      absl::string_view(given.value).substr(colon + 1)));
  if (!IsToken(header.name)) {
    return Bad(given,
               "the header name must be a token (letters, digits and "
               "!#$%&'*+-.^_`|~; no space before the colon)");
  }
  if (header.value.find_first_of(std::string("\r\n\0", 3)) !=
      std::string::npos) {
    return Bad(given, "the header value has a CR, LF or NUL");
  }
  if (absl::EqualsIgnoreCase(header.name, "Content-Length") ||
      absl::EqualsIgnoreCase(header.name, "Transfer-Encoding")) {
    return Bad(given,
               "the body's framing is written from --body (Content-Length); "
               "leave this header out");
  }
  return header;
}

absl::StatusOr<std::string> ReadBody(const Given& given) {
  std::ifstream in(given.value, std::ios::binary);
  if (!in) return Bad(given, "cannot open the file for reading");
  std::string body((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (in.bad()) return Bad(given, "cannot read the file");
  return body;
}

// What was given explicitly, for the checks between flags.
struct Seen {
  std::optional<Given> connections, threads, duration, requests;
};

absl::Status Apply(const FlagSpec& spec, const Given& given,
                   LoadOptions& options, Seen& seen) {
  switch (spec.flag) {
    // (`seen` is only read when every flag parsed.)
    case Flag::kConnections:
      seen.connections = given;
      return SetCount(given, 1, kMaxLoadConnections, options.connections);
    case Flag::kThreads:
      seen.threads = given;
      return SetCount(given, 1, kMaxLoadThreads, options.threads);
    case Flag::kDuration:
      seen.duration = given;
      return SetDuration(given, options.duration);
    case Flag::kRequests: {
      absl::StatusOr<std::uint64_t> n = ParseCount(given.value);
      if (!n.ok()) return Bad(given, n.status().message());
      if (*n == 0) return Bad(given, "must be at least 1");
      options.requests = *n;
      seen.requests = given;
      return absl::OkStatus();
    }
    case Flag::kPipeline:
      return SetCount(given, 1, kMaxLoadPipeline, options.pipeline);
    case Flag::kRate: {
      absl::StatusOr<double> rate = ParseRate(given.value);
      if (!rate.ok()) return Bad(given, rate.status().message());
      if (*rate <= 0) return Bad(given, "must be more than 0 requests/s");
      options.rate = *rate;
      return absl::OkStatus();
    }
    case Flag::kHeader: {
      absl::StatusOr<LoadHeader> header = ParseHeader(given);
      if (!header.ok()) return header.status();
      options.headers.push_back(*std::move(header));
      return absl::OkStatus();
    }
    case Flag::kMethod:
      if (!IsToken(given.value)) {
        return Bad(given,
                   "a method is a token (letters, digits and "
                   "!#$%&'*+-.^_`|~), e.g. GET or POST");
      }
      options.method = given.value;
      return absl::OkStatus();
    case Flag::kBody: {
      absl::StatusOr<std::string> body = ReadBody(given);
      if (!body.ok()) return body.status();
      options.body_path = given.value;
      options.body = *std::move(body);
      return absl::OkStatus();
    }
    case Flag::kTimeout:
      return SetDuration(given, options.timeout);
    case Flag::kJson:
    case Flag::kSvg:
      if (given.value.empty()) return Bad(given, "needs a file name");
      (spec.flag == Flag::kJson ? options.json_path : options.svg_path) =
          given.value;
      return absl::OkStatus();
    case Flag::kLatency:
      options.latency = true;
      return absl::OkStatus();
    case Flag::kHelp:
      options.help = true;
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

std::string Described(const std::optional<Given>& given,
                      absl::string_view default_flag, int default_value) {
  if (given.has_value())
    return absl::StrCat(given->spelling, " ", given->value);
  return absl::StrCat(default_flag, " ", default_value, " (the default)");
}

absl::Status CheckTogether(const Seen& seen, const LoadOptions& options) {
  if (seen.duration.has_value() && seen.requests.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        seen.duration->spelling, " ", seen.duration->value, " and ",
        seen.requests->spelling, " ", seen.requests->value,
        " are exclusive: run for a time or for a number of requests"));
  }
  if (options.connections < options.threads) {
    return absl::InvalidArgumentError(absl::StrCat(
        Described(seen.connections, "-c", options.connections),
        " is fewer than ", Described(seen.threads, "-t", options.threads),
        ": every thread needs at least one connection"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LoadOptions> ParseLoadCommandLine(int argc,
                                                 const char* const* argv) {
  LoadOptions options;
  Seen seen;
  absl::Status first_error = absl::OkStatus();
  std::vector<std::string> positional;
  bool flags_ended = false;
  auto note = [&](absl::Status status) {
    if (first_error.ok() && !status.ok()) first_error = std::move(status);
  };

  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (flags_ended || arg == "-" || !absl::StartsWith(arg, "-")) {
      positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    Given given;
    std::optional<std::string> inline_value;
    if (absl::StartsWith(arg, "--")) {
      absl::string_view name = arg.substr(2);
      const std::size_t equals = name.find('=');
      if (equals != absl::string_view::npos) {
        inline_value = std::string(name.substr(equals + 1));
        name = name.substr(0, equals);
      }
      spec = FindLong(name);
      given.spelling = absl::StrCat("--", name);
    } else {
      spec = FindShort(arg[1]);
      given.spelling = std::string(arg.substr(0, 2));
      if (arg.size() > 2) inline_value = std::string(arg.substr(2));
    }
    if (spec == nullptr) {
      note(absl::InvalidArgumentError(
          absl::StrCat("unknown flag '", absl::CHexEscape(arg), "'")));
      continue;
    }
    if (!spec->takes_value) {
      if (inline_value.has_value()) {
        note(absl::InvalidArgumentError(absl::StrCat("'", absl::CHexEscape(arg),
                                                     "': ", given.spelling,
                                                     " takes no value")));
        continue;
      }
    } else if (inline_value.has_value()) {
      given.value = *inline_value;
    } else if (i + 1 < argc) {
      given.value = argv[++i];
    } else {
      note(absl::InvalidArgumentError(
          absl::StrCat(given.spelling, " needs a value")));
      continue;
    }
    note(Apply(*spec, given, options, seen));
    if (options.help) return LoadOptions{.help = true};
  }
  if (!first_error.ok()) return first_error;

  if (positional.empty()) {
    return absl::InvalidArgumentError(
        "missing the URL to load (http://host[:port][/path])");
  }
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", absl::CHexEscape(positional[1]),
                     "' after the URL '", absl::CHexEscape(positional[0]),
                     "' (one URL per run)"));
  }
  absl::StatusOr<HttpUrl> url = ParseHttpUrl(positional[0]);
  if (!url.ok()) return url.status();
  options.url = *std::move(url);
  if (absl::Status s = CheckTogether(seen, options); !s.ok()) return s;
  return options;
}

std::string LoadUsage() {
  return absl::StrFormat(
      R"(Usage: asycamore-load [options] <url>
  An HTTP/1.1 load generator with wrk's flags, plus a fixed request count,
  pipelining, a constant rate, and JSON and SVG output.

  Options:
    -c, --connections <N>  connections to keep open (default 10; 1 to %d)
    -t, --threads     <N>  threads, one event loop each (default 2; 1 to %d;
                           at most the connections)
    -d, --duration    <T>  how long to run (default 10s)
    -n, --requests    <N>  send N requests in all, then stop (instead of -d)
        --pipeline    <N>  requests in flight per connection (default 1;
                           1 to %d)
    -R, --rate        <N>  constant throughput: N requests/s over all
                           connections; latency is then measured from each
                           request's intended send time (corrected for
                           coordinated omission, as wrk2)
    -H, --header      <H>  add a header, "Name: value" (repeatable; a Host
                           header replaces the URL's)
    -m, --method      <M>  the request method (default GET)
        --body        <F>  send the contents of file F as the request body
    -T, --timeout     <T>  a request unanswered after T is a timeout
                           (default 2s)
    -L, --latency          print the latency distribution
        --json        <F>  write the results to F as JSON
        --svg         <F>  write the latency percentile curve to F as SVG
    -h, --help             print this help and exit

  <url> is http://host[:port][/path][?query]; the host is a name (resolved
  once, at start-up), an IPv4 address or an IPv6 address in brackets.
  Numbers take k, M or G (1k = 1000); times take ms, s, m or h (no unit:
  seconds), as in wrk.

  Exit status: 0 when the run completed (see the report for errors), 1 when
  it could not run (unknown host, nothing listening, ...), 2 for a mistake
  on the command line.
)",
      kMaxLoadConnections, kMaxLoadThreads, kMaxLoadPipeline);
}

}  // namespace asycamore
