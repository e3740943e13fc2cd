// The exit statuses every tool gives, and the messages that go with them,
// written once: 0 after --help (usage on stdout), 1 when the program cannot
// do its job ("<program>: <why>" on stderr), 2 for a mistake on the command
// line (the mistake, a blank line and the usage on stderr).
#ifndef ASYCAMORE_TOOLS_COMMON_PROGRAM_EXIT_STATUS_H_
#define ASYCAMORE_TOOLS_COMMON_PROGRAM_EXIT_STATUS_H_

#include <string>

#include "absl/status/status.h"

namespace asycamore::program {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadCommandLine = 2;

// Prints "<program>: <status's message>" on stderr; returns kExitFailure.
int Fail(const char* program, const absl::Status& status);

// Prints the command line's mistake and the usage on stderr; returns
// kExitBadCommandLine.
int BadCommandLine(const char* program, const absl::Status& mistake,
                   const std::string& usage);

// Prints the usage on stdout (for --help); returns 0.
int PrintUsage(const std::string& usage);

}  // namespace asycamore::program

#endif  // ASYCAMORE_TOOLS_COMMON_PROGRAM_EXIT_STATUS_H_
