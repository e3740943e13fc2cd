// The command-line walk the servers' tools share: long flags only, each
// value as the next argument or after '=' (--port 7000, --port=7000);
// --help or -h anywhere wins over every mistake; the first mistake is kept
// and returned once every argument was looked at.
//
//   absl::StatusOr<EchoOptions> options =
//       cli::ParseLongFlags<EchoOptions>(argc, argv, TakesValue, Apply);
#ifndef ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_
#define ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_

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

// The whole parse for an options struct with a `help` member: a default
// Options, each flag applied with apply(name, spelling, value, options);
// Options{.help = true} after --help, else the first mistake or the
// options (which the caller then checks as a whole).
template <typename Options>
absl::StatusOr<Options> ParseLongFlags(
    int argc, const char* const* argv, FlagTakesValue takes_value,
    absl::Status (*apply)(absl::string_view, absl::string_view,
                          absl::string_view, Options&)) {
  Options options;
  bool help = false;
  const absl::Status walked = WalkLongFlags(
      argc, argv, takes_value,
      [&](absl::string_view name, absl::string_view spelling,
          absl::string_view value) {
        return apply(name, spelling, value, options);
      },
      help);
  if (help) return Options{.help = true};
  if (!walked.ok()) return walked;
  return options;
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
