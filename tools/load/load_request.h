// The request a run sends: built once per run, before the loops start, so
// that the hot path only copies bytes.
#ifndef ASYCAMORE_TOOLS_LOAD_LOAD_REQUEST_H_
#define ASYCAMORE_TOOLS_LOAD_LOAD_REQUEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "load_options.h"

namespace asycamore {

// Returns the bytes of one request: `options.method` on the URL's target,
// Host from the URL (or the -H Host header, which replaces it), the other
// -H headers in order, and the --body with its Content-Length. Fails only
// when BuildHttpRequest refuses the input (the command-line parser has
// checked the same rules, so that means a LoadOptions made by hand).
absl::StatusOr<std::string> BuildLoadRequest(const LoadOptions& options);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LOAD_REQUEST_H_
