// The command line of asycamore-httpd. ParseHttpdCommandLine is a pure
// function of argv, so that it is unit-tested; main() prints its error
// with HttpdUsage() and exits 2.
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTPD_OPTIONS_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTPD_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "http_server.h"

namespace asycamore {

struct HttpdCommandLine {
  // --help was given: print HttpdUsage() and exit 0; nothing else is set.
  bool help = false;
  HttpdOptions server = {};
};

// Parses argv[1..argc-1]: long flags, each value as the next argument or
// after '=' (--port=8080). --help anywhere wins over every mistake. A
// mistake gets InvalidArgument naming the flag as written and its value.
absl::StatusOr<HttpdCommandLine> ParseHttpdCommandLine(int argc,
                                                       const char* const* argv);

// Returns the usage text (for --help on stdout, after a mistake on stderr).
std::string HttpdUsage();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTPD_OPTIONS_H_
