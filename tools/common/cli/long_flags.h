// The command-line walk the servers' tools share: long flags only, each
// value as the next argument or after '=' (--port 7000, --port=7000);
// --help or -h anywhere wins over every mistake; the first mistake is kept
// and returned once every argument was looked at.
//
//   constexpr cli::LongFlag<EchoOptions> kFlags[] = {{"port", SetPort}, ...};
//   absl::StatusOr<EchoOptions> options =
//       cli::ParseLongFlags<EchoOptions>(argc, argv, kFlags);
#ifndef ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_
#define ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_

#include <algorithm>
#include <span>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace asycamore::cli {

// Says whether `name` (without the dashes: "port") is a flag that takes a
// value.
using FlagTakesValue = absl::FunctionRef<bool(absl::string_view name)>;
// Applies one flag: `name` without the dashes, `spelling` as written
// ("--port"), and its value.
using FlagApply = absl::FunctionRef<absl::Status(absl::string_view name,
                                                 absl::string_view spelling,
                                                 absl::string_view value)>;

// Calls `apply` for each flag. A flag `takes_value` does not know, an
// operand, or a missing value is an InvalidArgument naming it. Sets `help`
// (and returns OK at once) when --help or -h is given.
absl::Status WalkLongFlags(int argc, const char* const* argv,
                           FlagTakesValue takes_value, FlagApply apply,
                           bool& help);

// One flag that takes a value: its name without the dashes ("port") and
// what applies it, given the flag as written ("--port") and its value.
template <typename Options>
struct LongFlag {
  absl::string_view name;
  absl::Status (*set)(absl::string_view spelling, absl::string_view value,
                      Options& options) = nullptr;
};

// The whole parse for an options struct with a `help` member: a default
// Options, each flag found in `flags` by name and set; Options{.help =
// true} after --help, else the first mistake or the options (which the
// caller then checks as a whole).
template <typename Options>
absl::StatusOr<Options> ParseLongFlags(
    int argc, const char* const* argv,
    std::span<const LongFlag<Options>> flags) {
  auto find = [flags](absl::string_view name) {
    return std::find_if(
        flags.begin(), flags.end(),
        [name](const LongFlag<Options>& flag) { return flag.name == name; });
  };
  Options options;
  bool help = false;
  const absl::Status walked = WalkLongFlags(
      argc, argv,
      [&](absl::string_view name) { return find(name) != flags.end(); },
      [&](absl::string_view name, absl::string_view spelling,
          absl::string_view value) {
        return find(name)->set(spelling, value, options);
      },
      help);
  if (help) return Options{.help = true};
  if (!walked.ok()) return walked;
  return options;
}

// The library's calls take std::string_view, a distinct type from Debian's
// absl::string_view.
inline std::string_view StdView(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

// Returns InvalidArgument "<spelling> '<value>': <why>" (the value escaped).
absl::Status BadValue(absl::string_view spelling, absl::string_view value,
                      absl::string_view why);

// Sets `field` to the whole number `value`, if it is within lowest..highest;
// else returns BadValue saying the range.
absl::Status SetWholeNumber(absl::string_view spelling, absl::string_view value,
                            int lowest, int highest, int& field);

}  // namespace asycamore::cli

#endif  // ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_
