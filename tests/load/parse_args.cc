#include "parse_args.h"

#include "gtest/gtest.h"

namespace asycamore::testing {

absl::StatusOr<LoadOptions> ParseArgs(std::vector<std::string> args) {
  args.insert(args.begin(), "asycamore-load");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  return ParseLoadCommandLine(static_cast<int>(args.size()), argv.data());
}

LoadOptions OptionsFrom(std::vector<std::string> args) {
  absl::StatusOr<LoadOptions> o = ParseArgs(std::move(args));
  EXPECT_TRUE(o.ok()) << o.status();
  return o.ok() ? *std::move(o) : LoadOptions{};
}

}  // namespace asycamore::testing
