// The asycamore-load program itself, run as a child process: the exit
// statuses and where the messages go (the parser's cases are in
// load_options_test.cc).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "asycamore/tcpsocket/accepting_socket.h"
#include "gtest/gtest.h"

extern char** environ;

namespace asycamore {
namespace {

struct Outcome {
  int exit_status = -1;
  std::string out = {};
  std::string err = {};
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs asycamore-load with `args`, its stdout and stderr in files.
Outcome RunLoad(const std::vector<std::string>& args) {
  const std::string out_path = ::testing::TempDir() + "load_binary_out";
  const std::string err_path = ::testing::TempDir() + "load_binary_err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> all = {ASYCAMORE_LOAD_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  Outcome outcome;
  const int spawned =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0) << "cannot start " << argv[0];
  if (spawned != 0) return outcome;
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
  outcome.out = ReadAll(out_path);
  outcome.err = ReadAll(err_path);
  return outcome;
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

TEST(LoadBinary, AValidUrlExitsOneWithoutResultsUntilTheEngineIsBuilt) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listener =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::string port = std::to_string((*listener)->local_port());
  const Outcome o = RunLoad(
      {"-c", "2", "-t", "1", "-d", "1s", "http://localhost:" + port + "/"});
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_NE(o.err.find("is 127.0.0.1:" + port), std::string::npos)
      << "says which address: " << o.err;
  EXPECT_NE(o.err.find("not built yet"), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty()) << "no made-up results: " << o.out;
}

}  // namespace
}  // namespace asycamore
