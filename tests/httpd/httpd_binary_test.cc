// The asycamore-httpd program as a child process: exit statuses, and the
// SIGTERM shutdown under load (stop accepting, finish the answers owed,
// exit 0). Its output goes to files named after the test, since ctest runs
// tests in parallel.
#include <signal.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httpd_client.h"
#include "support/child_process.h"

namespace asycamore {
namespace {

using testing::ChildOutcome;
using testing::ChildProcess;
using testing::ParseAnswers;
using testing::ParsedAnswers;
using testing::RawClient;
using testing::RunChild;

// Returns the port of the "listening on" line, or 0 when none comes.
std::uint16_t WaitForPort(const ChildProcess& httpd) {
  const std::regex line("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
  std::uint16_t port = 0;
  httpd.WaitForOut([&](const std::string& out) {
    std::smatch match;
    if (!std::regex_search(out, match, line)) return false;
    port = static_cast<std::uint16_t>(std::stoi(match[1]));
    return true;
  }, absl::Seconds(10));
  return port;
}

TEST(HttpdBinary, HelpPrintsTheUsageAndExitsZero) {
  const ChildOutcome outcome = RunChild(ASYCAMORE_HTTPD_BINARY, {"--help"});
  EXPECT_EQ(outcome.exit_status, 0);
  EXPECT_NE(outcome.out.find("Usage: asycamore-httpd"), std::string::npos);
}

TEST(HttpdBinary, BadFlagExitsTwoWithTheUsage) {
  const ChildOutcome outcome =
      RunChild(ASYCAMORE_HTTPD_BINARY, {"--threads", "none"});
  EXPECT_EQ(outcome.exit_status, 2);
  EXPECT_NE(outcome.err.find("--threads 'none'"), std::string::npos);
  EXPECT_NE(outcome.err.find("Usage: asycamore-httpd"), std::string::npos);
}

TEST(HttpdBinary, PortInUseExitsOneNamingTheAddress) {
  ChildProcess first(ASYCAMORE_HTTPD_BINARY, {"--port", "0"});
  const std::uint16_t port = WaitForPort(first);
  ASSERT_NE(port, 0) << first.err();
  const ChildOutcome second =
      RunChild(ASYCAMORE_HTTPD_BINARY, {"--port", std::to_string(port)});
  EXPECT_EQ(second.exit_status, 1);
  EXPECT_NE(second.err.find(absl::StrCat("127.0.0.1\", ", port)),
            std::string::npos)
      << second.err;
  first.Signal(SIGTERM);
  EXPECT_EQ(first.Wait().exit_status, 0);
}

// Under load, SIGTERM must neither cut an answer short nor lose one the
// server began: every connection ends at an answer's boundary, a large
// answer still being sent arrives whole, and the exit status is 0.
TEST(HttpdBinary, SigtermDuringLoadFinishesInFlightAnswersAndExitsZero) {
  ChildProcess httpd(ASYCAMORE_HTTPD_BINARY,
                     {"--port", "0", "--threads", "2", "--drain-timeout", "10s"});
  const std::uint16_t port = WaitForPort(httpd);
  ASSERT_NE(port, 0) << httpd.err();

  // A large echo the client does not read yet: most of it is queued in
  // the server when the signal comes.
  const std::string big(900 * 1024, 'e');
  auto echo = std::make_unique<RawClient>(port, nullptr);
  echo->Send(absl::StrCat("POST /echo HTTP/1.1\r\nContent-Length: ",
                         big.size(), "\r\n\r\n", big));
  // Pipelining clients with requests in flight.
  std::vector<std::unique_ptr<RawClient>> clients;
  std::string batch;
  for (int i = 0; i < 200; ++i) {
    batch += "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";
  }
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<RawClient>(port, nullptr));
    clients.back()->Send("GET /plaintext HTTP/1.1\r\n\r\n");
    ASSERT_EQ(clients.back()->ReadAnswers(1).answers.size(), 1u);
  }
  for (auto& client : clients) client->Send(batch);
  httpd.Signal(SIGTERM);

  for (auto& client : clients) {
    const ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
    EXPECT_TRUE(client->ended());
    EXPECT_TRUE(parsed.complete) << "an answer was cut short";
    EXPECT_GE(parsed.answers.size(), 1u);
    for (const auto& answer : parsed.answers) EXPECT_EQ(answer.status, 200);
    client.reset();  // the end the server's Close waits for
  }
  const ParsedAnswers echoed = ParseAnswers(echo->ReadUntilEnd());
  ASSERT_TRUE(echoed.complete);
  ASSERT_EQ(echoed.answers.size(), 1u);
  EXPECT_EQ(echoed.answers[0].body.size(), big.size());
  echo.reset();
  // Bounded by the drain timeout (and, should it hang, by ctest's).
  const ChildOutcome outcome = httpd.Wait();
  EXPECT_EQ(outcome.exit_status, 0) << outcome.err;
}

}  // namespace
}  // namespace asycamore
