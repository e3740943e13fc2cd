#include "load_request.h"

#include <vector>

#include "absl/strings/match.h"
#include "asycamore/http/message_writer.h"

namespace asycamore {

absl::StatusOr<std::string> BuildLoadRequest(const LoadOptions& options) {
  const std::string authority = options.url.Authority();
  std::string_view host = authority;
  std::vector<HttpHeader> headers;
  headers.reserve(options.headers.size());
  for (const LoadHeader& header : options.headers) {
    if (absl::EqualsIgnoreCase(header.name, "Host")) {
      host = header.value;  // the last one given wins, as in wrk
    } else {
      headers.push_back({.name = header.name, .value = header.value});
    }
  }
  return BuildHttpRequest({.method = options.method,
                           .target = options.url.target,
                           .host = host,
                           .headers = headers,
                           .body = options.body});
}

}  // namespace asycamore
