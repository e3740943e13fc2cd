#include "http_url.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "report/views.h"

namespace asycamore {
namespace {

using report::Escaped;
using report::ToAbsl;

absl::Status Refuse(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("URL '", absl::CHexEscape(url), "': ", why));
}

// A registered name or an IPv4 address: letters, digits, '-', '.', '_'.
bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

std::string HttpUrl::Authority() const {
  std::string out = ipv6_literal ? absl::StrCat("[", host, "]") : host;
  if (port_given) absl::StrAppend(&out, ":", port);
  return out;
}

std::string HttpUrl::ToString() const {
  return absl::StrCat("http://", Authority(), target);
}

absl::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url_text) {
  const absl::string_view url = ToAbsl(url_text);
  absl::string_view rest = url;
  const std::size_t scheme_end = rest.find("://");
  if (scheme_end == absl::string_view::npos) {
    return Refuse(url, "expected http://host[:port][/path]");
  }
  const std::string scheme = absl::AsciiStrToLower(rest.substr(0, scheme_end));
  if (scheme == "https") {
    return Refuse(url,
                  "https is not supported: asycamore-load speaks plain "
                  "HTTP/1.1 (no TLS); use http://, or put a TLS terminator "
                  "in front of the server");
  }
  if (scheme != "http") {
    return Refuse(url, absl::StrCat("the scheme '", scheme,
                                    "' is not supported (only http://)"));
  }
  rest.remove_prefix(scheme_end + 3);

  const std::size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  absl::string_view after = authority_end == absl::string_view::npos
                                ? absl::string_view()
                                : rest.substr(authority_end);
  if (absl::StrContains(authority, '@')) {
    return Refuse(url, "user information (user@host) is not supported");
  }

  HttpUrl out;
  absl::string_view port_text;
  bool has_port = false;
  if (absl::StartsWith(authority, "[")) {
    const std::size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return Refuse(url, "the IPv6 address has no closing ']'");
    }
    out.host = std::string(authority.substr(1, close - 1));
    out.ipv6_literal = true;
    absl::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') {
        return Refuse(url, "expected ':port' after the IPv6 address");
      }
      port_text = tail.substr(1);
      has_port = true;
    }
    absl::StatusOr<SocketAddress> literal = SocketAddress::Parse(out.host, 80);
    if (out.host.find(':') == std::string::npos || !literal.ok() ||
        literal->family() != SocketAddress::Family::kIpv6) {
      return Refuse(url,
                    absl::StrCat("'[", out.host, "]' is not an IPv6 address"));
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    if (colon != absl::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
      authority = authority.substr(0, colon);
    }
    if (absl::StrContains(authority, ':')) {
      return Refuse(url,
                    "an IPv6 address must be in brackets: http://[::1]:8080/");
    }
    out.host = std::string(authority);
    for (char c : out.host) {
      if (!IsHostNameChar(c)) {
        return Refuse(url,
                      absl::StrFormat(
                          "the host '%s' has the character '%s', which no "
                          "host name or address has",
                          Escaped(out.host), Escaped(std::string_view(&c, 1))));
      }
    }
  }
  if (out.host.empty()) return Refuse(url, "the host is empty");

  if (has_port) {
    absl::StatusOr<std::uint16_t> port =
        ParsePort(std::string_view(port_text.data(), port_text.size()));
    if (!port.ok()) return Refuse(url, port.status().message());
    if (*port == 0) return Refuse(url, "port 0 cannot be connected to");
    out.port = *port;
    out.port_given = true;
  }

  // The target: the path and query up to the fragment.
  after = after.substr(0, after.find('#'));
  for (std::size_t i = 0; i < after.size(); ++i) {
    const auto c = static_cast<unsigned char>(after[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return Refuse(url,
                    absl::StrFormat("the path has the byte 0x%02x at offset %d "
                                    "(percent-encode it: a space is %%20)",
                                    c, i));
    }
  }
  // (out.target is "/" already when the URL has no path.)
  if (!after.empty()) {
    out.target =
        after.front() == '?' ? absl::StrCat("/", after) : std::string(after);
  }
  return out;
}

}  // namespace asycamore
