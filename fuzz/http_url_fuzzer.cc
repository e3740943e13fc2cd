// The load generator's URL parser (tools/load/http_url.h) on arbitrary
// text. Properties: no crash; a refusal is InvalidArgument; what parses
// prints (ToString) as a URL that parses back to the same fields, and a
// target that a request line can carry (no space, control or non-ASCII).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "fuzz_check.h"
#include "http_url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace asycamore;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<HttpUrl> url = ParseHttpUrl(text);
  if (!url.ok()) {
    FUZZ_REQUIRE(url.status().code() == absl::StatusCode::kInvalidArgument,
                 url.status().ToString());
    return 0;
  }
  FUZZ_REQUIRE(!url->host.empty() && url->port != 0, url->ToString());
  FUZZ_REQUIRE(!url->target.empty() && url->target.front() == '/', url->target);
  for (const char c : url->target) {
    const auto byte = static_cast<unsigned char>(c);
    FUZZ_REQUIRE(byte > 0x20 && byte < 0x7f && c != '#',
                 absl::StrCat("target byte ", byte, " in ", url->target));
  }
  const std::string printed = url->ToString();
  const absl::StatusOr<HttpUrl> again = ParseHttpUrl(printed);
  FUZZ_REQUIRE(again.ok(), absl::StrCat(printed, ": ", again.status().ToString()));
  FUZZ_REQUIRE(again->host == url->host && again->port == url->port &&
                   again->port_given == url->port_given &&
                   again->ipv6_literal == url->ipv6_literal &&
                   again->target == url->target && again->ToString() == printed,
               absl::StrCat(printed, " parsed back as ", again->ToString()));
  return 0;
}
