// asycamore-load's command line (ParseLoadCommandLine) on arbitrary
// arguments. Input: the arguments separated by NUL bytes (the program name
// is put in front). Inputs naming --body are skipped: that flag reads a
// file, and the fuzzer must not read the machine's files.
// Properties: no crash; a refusal is InvalidArgument with a message; what
// parses keeps every documented limit, and parsing is a pure function of
// argv (the same arguments give the same options again).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fuzz_check.h"
#include "load_options.h"

namespace asycamore {
namespace {

std::string Summary(const LoadOptions& o) {
  std::string s = absl::StrCat(o.help, " c=", o.connections, " t=", o.threads,
                               " d=", absl::FormatDuration(o.duration), " n=", o.requests,
                               " p=", o.pipeline, " R=", o.rate, " m=", o.method,
                               " T=", absl::FormatDuration(o.timeout), " L=", o.latency,
                               " json=", o.json_path, " svg=", o.svg_path,
                               " url=", o.url.ToString());
  for (const LoadHeader& h : o.headers) absl::StrAppend(&s, " H=", h.name, ":", h.value);
  return s;
}

absl::StatusOr<LoadOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"asycamore-load"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseLoadCommandLine(static_cast<int>(argv.size()), argv.data());
}

}  // namespace
}  // namespace asycamore

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace asycamore;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("--body") != std::string_view::npos) return 0;
  const std::vector<std::string> args =
      absl::StrSplit(absl::string_view(text.data(), text.size()), '\0');
  const absl::StatusOr<LoadOptions> options = Parse(args);
  if (!options.ok()) {
    FUZZ_REQUIRE(options.status().code() == absl::StatusCode::kInvalidArgument &&
                     !options.status().message().empty(),
                 options.status().ToString());
    const absl::StatusOr<LoadOptions> again = Parse(args);
    FUZZ_REQUIRE(!again.ok() && again.status() == options.status(),
                 "a second parse gave another answer");
    return 0;
  }
  const LoadOptions& o = *options;
  const absl::StatusOr<LoadOptions> again = Parse(args);
  FUZZ_REQUIRE(again.ok() && Summary(*again) == Summary(o),
               "a second parse gave another answer: " + Summary(o));
  if (o.help) return 0;
  FUZZ_REQUIRE(o.connections >= 1 && o.connections <= kMaxLoadConnections &&
                   o.threads >= 1 && o.threads <= kMaxLoadThreads &&
                   o.connections >= o.threads && o.pipeline >= 1 &&
                   o.pipeline <= kMaxLoadPipeline && o.rate >= 0 &&
                   o.duration > absl::ZeroDuration() &&
                   o.timeout > absl::ZeroDuration() && !o.method.empty(),
               Summary(o));
  for (const LoadHeader& h : o.headers) {
    FUZZ_REQUIRE(!h.name.empty() &&
                     h.value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos,
                 Summary(o));
  }
  FUZZ_REQUIRE(!o.url.host.empty(), Summary(o));
  return 0;
}
