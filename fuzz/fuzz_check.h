// FUZZ_REQUIRE: the fuzz targets' one assertion. A broken property prints
// what broke and aborts, which libFuzzer reports as a crash and saves the
// input that caused it (crash-<sha1>, replayed with `<target> <file>`).
#ifndef ASYCAMORE_FUZZ_FUZZ_CHECK_H_
#define ASYCAMORE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

#define FUZZ_REQUIRE(condition, message)                                    \
  do {                                                                      \
    if (!(condition)) {                                                     \
      std::fprintf(stderr, "%s:%d: property broken: %s\n  %s\n", __FILE__,  \
                   __LINE__, #condition, std::string(message).c_str());     \
      std::abort();                                                         \
    }                                                                       \
  } while (false)

// Debian's abseil has its own string_view: views the library returns go
// through this into absl::StrCat.
inline absl::string_view Text(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

#endif  // ASYCAMORE_FUZZ_FUZZ_CHECK_H_
