// The asycamore-load program itself, run as a child process: the exit
// statuses and where the messages go (the parser's cases are in
// load_options_test.cc).
#include <string>
#include <vector>

#include "asycamore/tcpsocket/accepting_socket.h"
#include "gtest/gtest.h"
#include "support/child_process.h"
#include "test_http_server.h"

namespace asycamore {
namespace {

using Outcome = testing::ChildOutcome;

Outcome RunLoad(const std::vector<std::string>& args) {
  return testing::RunChild(ASYCAMORE_LOAD_BINARY, args);
}

TEST(LoadBinary, ABadFlagExitsTwoWithTheMistakeAndTheUsageOnStderr) {
  const Outcome o = RunLoad({"-c", "4", "--bogus", "http://127.0.0.1:1/"});
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_NE(o.err.find("asycamore-load: unknown flag '--bogus'"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("Usage: asycamore-load"), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
}

TEST(LoadBinary, HelpExitsZeroWithTheUsageOnStdout) {
  const Outcome o = RunLoad({"--help"});
  EXPECT_EQ(o.exit_status, 0);
  EXPECT_EQ(o.out.rfind("Usage: asycamore-load", 0), 0u) << o.out;
  EXPECT_TRUE(o.err.empty()) << o.err;
}

TEST(LoadBinary, AnUnknownHostExitsOneNamingIt) {
  const Outcome o = RunLoad({"http://no-such-host.invalid/"});
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_NE(o.err.find("no-such-host.invalid"), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
}

// -n is exact: every request is accounted for and no more are sent than
// asked, also when the server closes every connection after a few
// responses (the requests pipelined behind them are sent again).
TEST(LoadBinary, AFixedCountIsAnsweredExactlyAcrossReconnects) {
  testing::TestHttpServerThread server("", {.end_after = 5});
  const std::string port = std::to_string(server.port());
  const std::string json = ::testing::TempDir() + "load_binary_exact.json";
  const Outcome o = RunLoad({"-c", "3", "-t", "2", "-n", "1234", "--pipeline",
                             "4", "--json", json,
                             "http://localhost:" + port + "/x"});
  server.Join();
  EXPECT_EQ(o.exit_status, 0) << o.err;
  EXPECT_NE(o.err.find("is 127.0.0.1:" + port), std::string::npos)
      << "says which address: " << o.err;
  EXPECT_NE(o.out.find("1234 requests in"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("200: 1234"), std::string::npos) << o.out;
  EXPECT_EQ(server.server().requests(), 1234u);
  EXPECT_GT(server.server().connections(), 1234u / 5 - 1);
  EXPECT_NE(testing::ReadWholeFile(json).find("\"responses\""),
            std::string::npos);
}

// The server's connections never answer: with -d the requests in flight
// at the end that waited the whole --timeout count as timeouts.
TEST(LoadBinary, RequestsThatNeverCompleteAreCountedAsTimeouts) {
  testing::TestHttpServerThread server(
      "", {.respond = [](const testing::SeenRequest&) { return std::string(); }});
  const Outcome o = RunLoad({"-c", "2", "-t", "1", "-d", "1s", "--timeout",
                             "300ms", "http://127.0.0.1:" +
                                          std::to_string(server.port()) + "/"});
  EXPECT_EQ(o.exit_status, 0) << o.err;
  EXPECT_NE(o.out.find("no response within 300ms"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("timeout 0,"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace asycamore
