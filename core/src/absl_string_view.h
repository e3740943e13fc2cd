// Public headers speak std::string_view. Debian's abseil has its own,
// distinct absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), and
// absl::StrCat and absl::Status take only that one: .cc files cross over
// here.
#ifndef ASYCAMORE_SRC_ABSL_STRING_VIEW_H_
#define ASYCAMORE_SRC_ABSL_STRING_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace asycamore {

inline absl::string_view AbslView(std::string_view view) {
  return absl::string_view(view.data(), view.size());
}

}  // namespace asycamore

#endif  // ASYCAMORE_SRC_ABSL_STRING_VIEW_H_
