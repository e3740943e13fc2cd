// The command line, through the pure parser: every flag in each of its
// forms, and every mistake named by flag and value (main() turns each into
// exit status 2 with the usage; load_binary_test.cc checks that once).
#include "load_options.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "parse_args.h"

namespace asycamore {
namespace {

using testing::ParseArgs;

std::string WriteTempFile(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(LoadCommandLine, DefaultsAreWrks) {
  absl::StatusOr<LoadOptions> o = ParseArgs({"http://localhost:8080/"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->help);
  EXPECT_EQ(o->connections, 10);
  EXPECT_EQ(o->threads, 2);
  EXPECT_EQ(o->duration, absl::Seconds(10));
  EXPECT_EQ(o->requests, 0u);
  EXPECT_EQ(o->pipeline, 1);
  EXPECT_EQ(o->rate, 0);
  EXPECT_EQ(o->method, "GET");
  EXPECT_EQ(o->timeout, absl::Seconds(2));
  EXPECT_FALSE(o->latency);
  EXPECT_TRUE(o->headers.empty());
  EXPECT_EQ(o->url.host, "localhost");
  EXPECT_EQ(o->url.port, 8080);
}

struct FlagCase {
  std::vector<std::string> args;
  std::function<void(const LoadOptions&)> check;
};

TEST(LoadCommandLine, EveryFlagInItsShortLongEqualsAndAttachedForms) {
  const std::string body = WriteTempFile("load_options_body", "abc");
  const std::vector<FlagCase> cases = {
      {{"-c", "64"}, [](auto& o) { EXPECT_EQ(o.connections, 64); }},
      {{"-c64"}, [](auto& o) { EXPECT_EQ(o.connections, 64); }},
      {{"--connections", "1k"},
       [](auto& o) { EXPECT_EQ(o.connections, 1000); }},
      {{"--connections=64"}, [](auto& o) { EXPECT_EQ(o.connections, 64); }},
      {{"-t", "1"}, [](auto& o) { EXPECT_EQ(o.threads, 1); }},
      {{"--threads=1"}, [](auto& o) { EXPECT_EQ(o.threads, 1); }},
      {{"-d", "2m"}, [](auto& o) { EXPECT_EQ(o.duration, absl::Minutes(2)); }},
      {{"--duration", "1h"},
       [](auto& o) { EXPECT_EQ(o.duration, absl::Hours(1)); }},
      {{"-d3"}, [](auto& o) { EXPECT_EQ(o.duration, absl::Seconds(3)); }},
      {{"-n", "100k"}, [](auto& o) { EXPECT_EQ(o.requests, 100'000u); }},
      {{"--requests=5"}, [](auto& o) { EXPECT_EQ(o.requests, 5u); }},
      {{"--pipeline", "16"}, [](auto& o) { EXPECT_EQ(o.pipeline, 16); }},
      {{"--pipeline=16"}, [](auto& o) { EXPECT_EQ(o.pipeline, 16); }},
      {{"-R", "50k"}, [](auto& o) { EXPECT_EQ(o.rate, 50'000); }},
      {{"--rate=0.5"}, [](auto& o) { EXPECT_EQ(o.rate, 0.5); }},
      {{"-H", "Accept: text/plain"},
       [](auto& o) {
         ASSERT_EQ(o.headers.size(), 1u);
         EXPECT_EQ(o.headers[0].name, "Accept");
         EXPECT_EQ(o.headers[0].value, "text/plain");
       }},
      {{"--header=X-A:  spaced  "},
       [](auto& o) {
         ASSERT_EQ(o.headers.size(), 1u);
         EXPECT_EQ(o.headers[0].value, "spaced");
       }},
      {{"-m", "POST"}, [](auto& o) { EXPECT_EQ(o.method, "POST"); }},
      {{"--method=PURGE"}, [](auto& o) { EXPECT_EQ(o.method, "PURGE"); }},
      {{"--body", body},
       [&](auto& o) {
         EXPECT_EQ(o.body, "abc");
         EXPECT_EQ(o.body_path, body);
       }},
      {{"-T", "500ms"},
       [](auto& o) { EXPECT_EQ(o.timeout, absl::Milliseconds(500)); }},
      {{"--timeout=5s"},
       [](auto& o) { EXPECT_EQ(o.timeout, absl::Seconds(5)); }},
      {{"-L"}, [](auto& o) { EXPECT_TRUE(o.latency); }},
      {{"--latency"}, [](auto& o) { EXPECT_TRUE(o.latency); }},
      {{"--json", "out/run.json"},
       [](auto& o) { EXPECT_EQ(o.json_path, "out/run.json"); }},
      {{"--svg=curve.svg"},
       [](auto& o) { EXPECT_EQ(o.svg_path, "curve.svg"); }},
  };
  for (const FlagCase& c : cases) {
    std::vector<std::string> args = c.args;
    args.push_back("http://127.0.0.1:8080/");
    absl::StatusOr<LoadOptions> o = ParseArgs(args);
    SCOPED_TRACE(args[0]);
    ASSERT_TRUE(o.ok()) << o.status();
    c.check(*o);
  }
}

TEST(LoadCommandLine, HeadersAccumulateInOrderAndALaterValueWins) {
  absl::StatusOr<LoadOptions> o = ParseArgs(
      {"-H", "A: 1", "-c", "4", "-H", "B: 2", "-c", "8", "http://h/"});
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_EQ(o->headers.size(), 2u);
  EXPECT_EQ(o->headers[0].name, "A");
  EXPECT_EQ(o->headers[1].name, "B");
  EXPECT_EQ(o->connections, 8);
}

TEST(LoadCommandLine, TheBodyFileIsReadWholeWithItsNulBytes) {
  const std::string bytes("a\0b\r\n", 5);
  absl::StatusOr<LoadOptions> o = ParseArgs(
      {"--body", WriteTempFile("load_options_nul", bytes), "http://h/"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->body, bytes);
}

TEST(LoadCommandLine, HelpWinsOverEveryMistake) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--help"},
           {"-h"},
           {"-c", "abc", "--help"},
           {"--bogus", "-h"},
           {"https://x/", "--help"},
           {"-c", "1", "-t", "9", "-h", "http://h/"}}) {
    absl::StatusOr<LoadOptions> o = ParseArgs(args);
    ASSERT_TRUE(o.ok()) << args[0] << ": " << o.status();
    EXPECT_TRUE(o->help) << args[0];
  }
}

TEST(LoadCommandLine, ADoubleDashEndsTheFlags) {
  absl::StatusOr<LoadOptions> o = ParseArgs({"-t", "1", "--", "http://h/"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->threads, 1);
  // After "--", "--help" is an argument (a bad URL), not the flag.
  o = ParseArgs({"--", "--help"});
  EXPECT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("URL '--help'"), std::string::npos)
      << o.status();
}

struct Mistake {
  std::vector<std::string> args;
  std::vector<std::string> message_has;  // the flag and value, the reason
};

TEST(LoadCommandLine, EachMistakeNamesTheFlagAndItsValue) {
  const std::vector<Mistake> mistakes = {
      {{"-c", "abc", "http://h/"}, {"-c 'abc'", "not a number"}},
      {{"--connections=0", "http://h/"}, {"--connections '0'", "1 to 1000000"}},
      {{"-c", "2M", "http://h/"}, {"-c '2M'", "1 to 1000000"}},
      {{"-t", "0", "http://h/"}, {"-t '0'", "1 to 1024"}},
      {{"--threads", "2000", "-c", "5000", "http://h/"}, {"--threads '2000'"}},
      {{"-c", "2", "-t", "4", "http://h/"}, {"-c 2", "-t 4", "every thread"}},
      {{"-c", "1", "http://h/"}, {"-c 1", "-t 2 (the default)"}},
      {{"-d", "10x", "http://h/"}, {"-d '10x'", "unit"}},
      {{"--duration=0", "http://h/"}, {"--duration '0'", "more than 0"}},
      {{"-d", "5s", "-n", "10", "http://h/"}, {"-d 5s", "-n 10", "exclusive"}},
      {{"-n", "0", "http://h/"}, {"-n '0'", "at least 1"}},
      {{"--requests", "1.5", "http://h/"}, {"--requests '1.5'", "whole"}},
      {{"--pipeline", "0", "http://h/"}, {"--pipeline '0'", "1 to 1024"}},
      {{"--pipeline=5000", "http://h/"}, {"--pipeline '5000'"}},
      {{"-R", "0", "http://h/"}, {"-R '0'", "more than 0"}},
      {{"--rate", "-5", "http://h/"}, {"--rate '-5'", "not a number"}},
      {{"-H", "novalue", "http://h/"}, {"-H 'novalue'", "Name: value"}},
      {{"-H", "Bad Name: x", "http://h/"}, {"-H 'Bad Name: x'", "token"}},
      {{"-H", "X: a\r\nY: b", "http://h/"}, {"-H 'X: a\\r\\nY: b'", "CR, LF"}},
      {{"--header=Content-Length: 5", "http://h/"},
       {"--header 'Content-Length: 5'", "--body"}},
      {{"-H", "transfer-encoding: chunked", "http://h/"}, {"-H", "--body"}},
      {{"-m", "GE T", "http://h/"}, {"-m 'GE T'", "token"}},
      {{"--method=", "http://h/"}, {"--method ''", "token"}},
      {{"--body", "/nonexistent/body", "http://h/"},
       {"--body '/nonexistent/body'", "cannot open"}},
      {{"-T", "0", "http://h/"}, {"-T '0'", "more than 0"}},
      {{"--timeout", "soon", "http://h/"}, {"--timeout 'soon'", "duration"}},
      {{"--json=", "http://h/"}, {"--json ''", "file name"}},
      {{"--svg", "", "http://h/"}, {"--svg ''", "file name"}},
      {{"--latency=yes", "http://h/"}, {"'--latency=yes'", "takes no value"}},
      {{"-Lx", "http://h/"}, {"'-Lx'", "takes no value"}},
      {{"--bogus", "http://h/"}, {"unknown flag '--bogus'"}},
      {{"-x", "http://h/"}, {"unknown flag '-x'"}},
      {{"http://h/", "-c"}, {"-c needs a value"}},
      {{"-c", "4"}, {"missing the URL"}},
      {{"http://a/", "http://b/"}, {"unexpected argument 'http://b/'"}},
      {{"https://h/"}, {"URL 'https://h/'", "https is not supported"}},
      {{"http://h:0/"}, {"URL 'http://h:0/'", "port 0"}},
      {{"http://h:70000/"}, {"URL 'http://h:70000/'", "70000"}},
  };
  for (const Mistake& m : mistakes) {
    absl::StatusOr<LoadOptions> o = ParseArgs(m.args);
    SCOPED_TRACE(m.args[0]);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    for (const std::string& part : m.message_has) {
      EXPECT_NE(o.status().message().find(part), std::string::npos)
          << "'" << o.status().message() << "' lacks '" << part << "'";
    }
  }
}

TEST(LoadCommandLine, TheUsageNamesEveryFlag) {
  const std::string usage = LoadUsage();
  for (const char* flag :
       {"-c, --connections", "-t, --threads", "-d, --duration",
        "-n, --requests", "--pipeline", "-R, --rate", "-H, --header",
        "-m, --method", "--body", "-T, --timeout", "-L, --latency", "--json",
        "--svg", "-h, --help"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace asycamore
