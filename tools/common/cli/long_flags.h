// The command-line walk the servers' tools share: long flags only, each
// value as the next argument or after '=' (--port 7000, --port=7000);
// --help or -h anywhere wins over every mistake; the first mistake is kept
// and returned once every argument was looked at.
//
//   absl::Status walked = cli::WalkLongFlags(argc, argv, TakesValue,
//       [&](absl::string_view name, absl::string_view spelling,
//           absl::string_view value) { return Apply(name, spelling, value); },
//       help);
#ifndef ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_
#define ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace asycamore::cli {

// Calls `apply(name, spelling, value)` for each flag, `name` without the
// dashes ("port"), `spelling` as written ("--port"). A flag that
// `takes_value` does not know, an operand, or a missing value is an
// InvalidArgument naming it. Sets `help` (and returns OK at once) when
// --help or -h is given.
absl::Status WalkLongFlags(
    int argc, const char* const* argv,
    absl::FunctionRef<bool(absl::string_view name)> takes_value,
    absl::FunctionRef<absl::Status(absl::string_view name,
                                   absl::string_view spelling,
                                   absl::string_view value)>
        apply,
    bool& help);

// Returns InvalidArgument "<spelling> '<value>': <why>" (the value escaped).
absl::Status BadValue(absl::string_view spelling, absl::string_view value,
                      absl::string_view why);

// Sets `field` to the whole number `value`, if it is within lowest..highest;
// else returns BadValue saying the range.
absl::Status SetWholeNumber(absl::string_view spelling, absl::string_view value,
                            int lowest, int highest, int& field);

}  // namespace asycamore::cli

#endif  // ASYCAMORE_TOOLS_COMMON_CLI_LONG_FLAGS_H_
