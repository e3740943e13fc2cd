// asycamore-soak's command line (tools/soak/soak_options.h): the servers'
// conventions, each mistake named with its flag and value.
#include "soak_options.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

absl::StatusOr<SoakOptions> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "asycamore-soak");
  return ParseSoakCommandLine(static_cast<int>(args.size()), args.data());
}

TEST(SoakOptionsTest, FlagsTakeTheirValueNextOrAfterAnEqualsSign) {
  absl::StatusOr<SoakOptions> options = Parse(
      {"--port", "7000", "--protocol=http", "--connections", "5000",
       "--seconds=60", "--seed", "42", "--gap-ms", "0", "--json", "out.json"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->port, 7000);
  EXPECT_EQ(options->protocol, SoakProtocol::kHttp);
  EXPECT_EQ(options->connections, 5000);
  EXPECT_EQ(options->duration, absl::Seconds(60));
  EXPECT_EQ(options->seed, 42u);
  EXPECT_EQ(options->gap, absl::ZeroDuration());
  EXPECT_EQ(options->json_path, "out.json");
}

TEST(SoakOptionsTest, TheSeedTakesEverySixtyFourBitValue) {
  absl::StatusOr<SoakOptions> options =
      Parse({"--port", "1", "--seed", "18446744073709551615"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->seed, 18446744073709551615u);
}

TEST(SoakOptionsTest, HelpWinsOverEveryMistake) {
  absl::StatusOr<SoakOptions> options = Parse({"--bogus", "--help"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->help);
}

TEST(SoakOptionsTest, AMistakeNamesItsFlagAndValue) {
  for (const auto& [args, named] :
       std::vector<std::pair<std::vector<const char*>, std::string>>{
           {{"--port", "1", "--connections", "0"}, "--connections '0'"},
           {{"--port", "1", "--protocol", "ftp"}, "--protocol 'ftp'"},
           {{"--port", "0"}, "--port '0'"},
           {{"--port", "1", "--seconds"}, "--seconds needs a value"},
           {{"--port", "1", "--slow-percent", "101"}, "--slow-percent '101'"},
           {{"--port", "1", "--address", "localhost"}, "--address"},
           {{"--port", "1", "--seed", "18446744073709551616"},
            "--seed '18446744073709551616'"},
           {{"--port", "1", "--backend", "epoll"}, "unknown flag '--backend'"},
           {{"--connections", "10"}, "missing --port"},
           {{"--port", "1", "--reset-percent", "60", "--slow-percent", "50"},
            "add up to more than 100"}}) {
    absl::StatusOr<SoakOptions> options = Parse(args);
    ASSERT_FALSE(options.ok()) << named;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(options.status().message(), named))
        << options.status();
  }
}

}  // namespace
}  // namespace asycamore
