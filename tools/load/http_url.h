// HttpUrl: the one URL a load run targets, http://host[:port][/path][?query].
// Parsed strictly at start-up, so that a mistake is named on the command
// line instead of showing up as a stream of failed requests.
#ifndef ASYCAMORE_TOOLS_LOAD_HTTP_URL_H_
#define ASYCAMORE_TOOLS_LOAD_HTTP_URL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace asycamore {

struct HttpUrl {
  // A name ("localhost"), an IPv4 address, or an IPv6 address without its
  // brackets ("::1").
  std::string host = {};
  bool ipv6_literal = false;
  std::uint16_t port = 80;
  bool port_given = false;
  // The request target: the path and the query, "/" when the URL has none.
  // The fragment (#...) is not part of it: it never goes to a server.
  std::string target = "/";

  // Returns the Host header value (RFC 9112 3.2): the host, bracketed when
  // it is an IPv6 address, and ":port" when the URL gave one.
  std::string Authority() const;
  // Returns "http://" + Authority() + target.
  std::string ToString() const;
};

// Parses `url`. Refuses, with InvalidArgument naming the URL and what is
// wrong: another scheme (https: "not supported", TLS is not built in), user
// information, an empty or malformed host, a bad IPv6 literal, a port that is
// not 1..65535, and a path or query with a space, a control character or a
// byte outside ASCII (percent-encode those).
absl::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_HTTP_URL_H_
