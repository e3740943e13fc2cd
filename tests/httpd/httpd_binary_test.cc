// The asycamore-httpd program as a child process: exit statuses, and the
// SIGTERM shutdown under load (stop accepting, finish the answers owed,
// exit 0). Its output goes to files named after the test, since ctest runs
// tests in parallel.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httpd_client.h"

extern char** environ;

namespace asycamore {
namespace {

using testing::ParseAnswers;
using testing::ParsedAnswers;
using testing::RawClient;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Httpd {
 public:
  explicit Httpd(const std::vector<std::string>& args) {
    const std::string base =
        ::testing::TempDir() + "httpd_binary_" +
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    out_path_ = base + "_out";
    err_path_ = base + "_err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                     out_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                     err_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> all = {ASYCAMORE_HTTPD_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                          environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
  }

  ~Httpd() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Returns the port from the "listening on" line, or 0 after 10 s.
  std::uint16_t WaitForPort() {
    const std::regex line("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      std::smatch match;
      const std::string out = ReadAll(out_path_);
      if (std::regex_search(out, match, line)) {
        return static_cast<std::uint16_t>(std::stoi(match[1]));
      }
      if (Exited(absl::ZeroDuration())) return 0;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return 0;
  }

  // Waits for the exit for `timeout` at most; true once it exited.
  bool Exited(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    do {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        return true;
      }
      absl::SleepFor(absl::Milliseconds(5));
    } while (absl::Now() < deadline);
    return false;
  }

  int exit_code() const {
    return status_ >= 0 && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }
  pid_t pid() const { return pid_; }
  std::string out() const { return ReadAll(out_path_); }
  std::string err() const { return ReadAll(err_path_); }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_path_;
  std::string err_path_;
};

TEST(HttpdBinary, HelpPrintsTheUsageAndExitsZero) {
  Httpd httpd({"--help"});
  ASSERT_TRUE(httpd.Exited(absl::Seconds(10)));
  EXPECT_EQ(httpd.exit_code(), 0);
  EXPECT_NE(httpd.out().find("Usage: asycamore-httpd"), std::string::npos);
}

TEST(HttpdBinary, BadFlagExitsTwoWithTheUsage) {
  Httpd httpd({"--threads", "none"});
  ASSERT_TRUE(httpd.Exited(absl::Seconds(10)));
  EXPECT_EQ(httpd.exit_code(), 2);
  EXPECT_NE(httpd.err().find("--threads 'none'"), std::string::npos);
  EXPECT_NE(httpd.err().find("Usage: asycamore-httpd"), std::string::npos);
}

TEST(HttpdBinary, PortInUseExitsOneNamingTheAddress) {
  Httpd first({"--port", "0"});
  const std::uint16_t port = first.WaitForPort();
  ASSERT_NE(port, 0) << first.err();
  Httpd second({"--port", std::to_string(port)});
  ASSERT_TRUE(second.Exited(absl::Seconds(10)));
  EXPECT_EQ(second.exit_code(), 1);
  EXPECT_NE(second.err().find(absl::StrCat("127.0.0.1\", ", port)),
            std::string::npos)
      << second.err();
  ::kill(first.pid(), SIGTERM);
  ASSERT_TRUE(first.Exited(absl::Seconds(15)));
  EXPECT_EQ(first.exit_code(), 0);
}

// Under load, SIGTERM must neither cut an answer short nor lose one the
// server began: every connection ends at an answer's boundary, a large
// answer still being sent arrives whole, and the exit status is 0.
TEST(HttpdBinary, SigtermDuringLoadFinishesInFlightAnswersAndExitsZero) {
  Httpd httpd({"--port", "0", "--threads", "2", "--drain-timeout", "10s"});
  const std::uint16_t port = httpd.WaitForPort();
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
  ASSERT_EQ(::kill(httpd.pid(), SIGTERM), 0);

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
  ASSERT_TRUE(httpd.Exited(absl::Seconds(20))) << "no exit after SIGTERM";
  EXPECT_EQ(httpd.exit_code(), 0) << httpd.err();
}

}  // namespace
}  // namespace asycamore
