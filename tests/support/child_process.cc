#include "support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

extern char** environ;

namespace asycamore::testing {
namespace {

// The base of the capture files: the program's and the test's names
// (a parameterised test's name has '/' in it).
std::string CaptureBase(const std::string& binary) {
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = binary.substr(binary.find_last_of('/') + 1);
  if (test != nullptr) {
    name += std::string("_") + test->test_suite_name() + "." + test->name();
  }
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return ::testing::TempDir() + name;
}

}  // namespace

ChildProcess::ChildProcess(const std::string& binary,
                           const std::vector<std::string>& args) {
  const std::string base = CaptureBase(binary);
  out_path_ = base + "_out";
  err_path_ = base + "_err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0) << "cannot start " << binary;
  if (spawned == 0) pid_ = pid;
}

ChildProcess::~ChildProcess() {
  if (!started()) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string ChildProcess::out() const { return ReadWholeFile(out_path_); }
std::string ChildProcess::err() const { return ReadWholeFile(err_path_); }

bool ChildProcess::WaitForOut(absl::FunctionRef<bool(const std::string&)> ready,
                              absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  while (!ready(out())) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

void ChildProcess::Signal(int signal_number) const {
  if (started()) ::kill(pid_, signal_number);
}

ChildOutcome ChildProcess::Wait() {
  ChildOutcome outcome;
  if (!started()) return outcome;
  int status = 0;
  EXPECT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
  outcome.out = out();
  outcome.err = err();
  return outcome;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ChildOutcome RunChild(const std::string& binary,
                      const std::vector<std::string>& args) {
  ChildProcess child(binary, args);
  return child.Wait();
}

}  // namespace asycamore::testing
