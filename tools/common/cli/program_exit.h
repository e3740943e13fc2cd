// How the tools' main() ends, alike for every program: exit 0 after --help
// (the usage on stdout), 1 when it cannot run (its message on stderr), 2
// for a mistake on the command line (the mistake, then the usage, on
// stderr). Each message starts with the program's name.
//
//   absl::StatusOr<EchoOptions> options = ParseEchoCommandLine(argc, argv);
//   if (std::optional<int> end = cli::EndAfterParsing(kProgram, options,
//                                                     EchoUsage)) {
//     return *end;
//   }
//   ... if (!server.ok()) return cli::Fail(kProgram, server.status());
#ifndef ASYCAMORE_TOOLS_COMMON_CLI_PROGRAM_EXIT_H_
#define ASYCAMORE_TOOLS_COMMON_CLI_PROGRAM_EXIT_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace asycamore::cli {

inline constexpr int kExitCannotRun = 1;
inline constexpr int kExitUsage = 2;

// Prints "<program>: <status message>" on stderr; returns kExitCannotRun.
int Fail(const char* program, const absl::Status& status);

// Prints "<program>: <status message>", a blank line and `usage` on
// stderr; returns kExitUsage.
int UsageMistake(const char* program, const absl::Status& status,
                 const std::string& usage);

// Prints `usage` on stdout; returns 0.
int PrintHelp(const std::string& usage);

// After parsing options that have a `help` member: the status main returns
// now (a mistake, or --help), or nullopt to go on.
template <typename Options>
std::optional<int> EndAfterParsing(const char* program,
                                   const absl::StatusOr<Options>& options,
                                   std::string (*usage)()) {
  if (!options.ok()) return UsageMistake(program, options.status(), usage());
  if (options->help) return PrintHelp(usage());
  return std::nullopt;
}

}  // namespace asycamore::cli

#endif  // ASYCAMORE_TOOLS_COMMON_CLI_PROGRAM_EXIT_H_
