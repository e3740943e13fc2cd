#include "cli/long_flags.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace asycamore::cli {

absl::Status WalkLongFlags(int argc, const char* const* argv,
                           FlagTakesValue takes_value, FlagApply apply,
                           bool& help) {
  help = false;
  absl::Status first_error = absl::OkStatus();
  auto note = [&](absl::Status status) {
    if (first_error.ok() && !status.ok()) first_error = std::move(status);
  };
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return absl::OkStatus();
    }
    if (!absl::StartsWith(arg, "--")) {
      note(absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", absl::CHexEscape(arg),
                       "' (every setting is a flag, e.g. --port 7000)")));
      continue;
    }
    absl::string_view name = arg.substr(2);
    std::optional<absl::string_view> value;
    if (const std::size_t equals = name.find('=');
        equals != absl::string_view::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    const std::string spelling = absl::StrCat("--", name);
    if (!takes_value(name)) {
      note(absl::InvalidArgumentError(
          absl::StrCat("unknown flag '", absl::CHexEscape(arg), "'")));
      continue;
    }
    if (!value.has_value()) {
      if (i + 1 == argc) {
        note(absl::InvalidArgumentError(
            absl::StrCat(spelling, " needs a value")));
        continue;
      }
      value = argv[++i];
    }
    note(apply(name, spelling, *value));
  }
  return first_error;
}

absl::Status BadValue(absl::string_view spelling, absl::string_view value,
                      absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(spelling, " '", absl::CHexEscape(value), "': ", why));
}

absl::Status SetWholeNumber(absl::string_view spelling, absl::string_view value,
                            int lowest, int highest, int& field) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < lowest || n > highest) {
    return BadValue(
        spelling, value,
        absl::StrCat("must be a whole number from ", lowest, " to ", highest));
  }
  field = n;
  return absl::OkStatus();
}

}  // namespace asycamore::cli
