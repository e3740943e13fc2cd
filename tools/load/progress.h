// The live progress line: once a second on stderr, and only when stderr is
// a terminal (a log or a pipe gets the report alone).
#ifndef ASYCAMORE_TOOLS_LOAD_PROGRESS_H_
#define ASYCAMORE_TOOLS_LOAD_PROGRESS_H_

#include <memory>
#include <string>

#include "load_engine.h"
#include "load_options.h"

namespace asycamore {

// Returns the line for `now`, the rate measured since `before`:
// "[3.0s/10s] 230.1k req/s, 690312 responses, 0 errors" (with -n:
// "[3.0s] 690312/1000000 requests, 230.1k req/s, 0 errors").
std::string FormatProgressLine(const LoadOptions& options,
                               const LoadProgress& before,
                               const LoadProgress& now);

// Returns a sink that redraws the line on file descriptor `fd` when it is a
// terminal (isatty), or one that prints nothing.
std::unique_ptr<ProgressSink> MakeProgressSink(const LoadOptions& options,
                                               int fd);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_PROGRESS_H_
