// Between std::string_view (what the tools' headers take, as the project's
// public headers do) and absl::string_view (what abseil's string functions
// take): Debian's abseil makes them distinct types, so the conversion is
// spelled out once here.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_VIEWS_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_VIEWS_H_

#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace asycamore::report {

inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

inline std::string_view ToStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

// Returns `text` with quotes, backslashes and unprintable bytes C-escaped,
// for quoting user input in a message.
inline std::string Escaped(std::string_view text) {
  return absl::CHexEscape(ToAbsl(text));
}

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_VIEWS_H_
