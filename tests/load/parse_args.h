// Running the command-line parser on a list of arguments, for the tests.
#ifndef ASYCAMORE_TESTS_LOAD_PARSE_ARGS_H_
#define ASYCAMORE_TESTS_LOAD_PARSE_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "load_options.h"

namespace asycamore::testing {

// Returns ParseLoadCommandLine's result for `args` (the program name is
// put in front).
absl::StatusOr<LoadOptions> ParseArgs(std::vector<std::string> args);

// The same for arguments that must parse: a failure fails the test (and
// default options are returned).
LoadOptions OptionsFrom(std::vector<std::string> args);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_LOAD_PARSE_ARGS_H_
