// asycamore-httpd's command line: every flag, and every mistake named.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "httpd_options.h"

namespace asycamore {
namespace {

absl::StatusOr<HttpdCommandLine> Parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"asycamore-httpd"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseHttpdCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(HttpdOptions, DefaultsWithoutFlags) {
  auto line = Parse({});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_FALSE(line->help);
  EXPECT_EQ(line->server.port, 8080);
  EXPECT_EQ(line->server.threads, 1);
  EXPECT_EQ(line->server.spread, Spreading::kHandOff);
}

TEST(HttpdOptions, EveryFlagIsApplied) {
  auto line = Parse({"--port", "0", "--threads=4", "--reuseport", "--address",
                     "::1", "--backend", "poll", "--max-header-bytes", "4096",
                     "--max-headers=20", "--max-body-bytes", "10",
                     "--drain-timeout", "250ms"});
  ASSERT_TRUE(line.ok()) << line.status();
  const HttpdOptions& o = line->server;
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.spread, Spreading::kReusePort);
  EXPECT_EQ(o.address, "::1");
  EXPECT_EQ(o.backend, "poll");
  EXPECT_EQ(o.connection.limits.max_header_bytes, 4096u);
  EXPECT_EQ(o.connection.limits.max_header_count, 20u);
  EXPECT_EQ(o.connection.limits.max_body_bytes, 10u);
  EXPECT_EQ(o.drain_timeout, absl::Milliseconds(250));
}

TEST(HttpdOptions, HelpWinsOverMistakes) {
  auto line = Parse({"--port", "nope", "--help"});
  ASSERT_TRUE(line.ok());
  EXPECT_TRUE(line->help);
}

TEST(HttpdOptions, MistakesNameTheFlagAndTheValue) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--port", "65536"}, "--port '65536': must be a whole number, 0 to 65535"},
      {{"--threads", "0"}, "--threads '0'"},
      {{"--threads"}, "--threads needs a value"},
      {{"--backend", "nope"}, "--backend 'nope': not a backend of this build"},
      {{"--bogus"}, "unknown flag '--bogus'"},
      {{"8080"}, "unexpected argument '8080'"},
      {{"--reuseport", "--handoff"}, "are exclusive"},
      {{"--reuseport=1"}, "takes no value"},
      {{"--drain-timeout", "soon"}, "--drain-timeout 'soon'"},
  };
  for (const Case& c : cases) {
    auto line = Parse(c.args);
    ASSERT_FALSE(line.ok()) << c.args[0];
    EXPECT_EQ(line.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(line.status().message()).find(c.message),
              std::string::npos)
        << line.status();
  }
}

TEST(HttpdOptions, UsageNamesEveryFlag) {
  const std::string usage = HttpdUsage();
  for (const char* flag :
       {"--address", "--port", "--threads", "--backend", "--handoff",
        "--reuseport", "--max-header-bytes", "--max-headers",
        "--max-body-bytes", "--drain-timeout", "--help"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace asycamore
