#include "echo_counts.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace asycamore::compare {
namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    if (::access(absl::StrCat(dir, "/", program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Parses `strace -c` output: the rows between the two dashed lines, as
// "% time  seconds  usecs/call  calls  [errors]  syscall".
absl::StatusOr<std::map<std::string, double>> ReadStraceSummary(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadWhole(path);
  if (!text.ok()) return text.status();
  std::map<std::string, double> calls;
  int rules = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (absl::StartsWith(line, "------")) {
      ++rules;
      continue;
    }
    if (rules != 1) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    double count = 0;
    if (fields.size() < 5 || !absl::SimpleAtod(fields[3], &count)) continue;
    calls[std::string(fields.back())] += count;
  }
  if (rules < 2) return absl::DataLossError(absl::StrCat(path, ": no strace -c table"));
  return calls;
}

// Returns the instruction total of a callgrind output file.
absl::StatusOr<double> ReadCallgrindTotal(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWhole(path);
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    for (absl::string_view key : {"summary:", "totals:"}) {
      if (absl::ConsumePrefix(&line, key)) {
        double total = 0;
        if (absl::SimpleAtod(absl::StripAsciiWhitespace(line), &total)) return total;
      }
    }
  }
  return absl::DataLossError(absl::StrCat(path, ": no callgrind total"));
}

std::vector<std::string> Wrapped(std::vector<std::string> wrapper,
                                 const std::vector<std::string>& argv) {
  wrapper.insert(wrapper.end(), argv.begin(), argv.end());
  return wrapper;
}

// Runs the server under `wrapper(output path)` with R and 2R round trips;
// returns the two output paths.
template <typename Wrapper>
absl::StatusOr<std::pair<std::string, std::string>> RunTwice(
    const std::vector<std::string>& argv, const bench::EchoPlan& plan,
    std::uint64_t round_trips, const std::string& stem, Wrapper wrapper) {
  std::string paths[2];
  for (int run = 0; run < 2; ++run) {
    paths[run] = absl::StrCat(stem, ".", (run + 1) * round_trips);
    bench::EchoBudget budget;
    budget.round_trips = (run + 1) * round_trips;
    absl::StatusOr<bench::EchoMeasurement> m =
        bench::MeasureEcho(Wrapped(wrapper(paths[run]), argv), plan, budget);
    if (!m.ok()) return m.status();
  }
  return std::pair{paths[0], paths[1]};
}

}  // namespace

absl::StatusOr<EchoCounts> CountEcho(const std::vector<std::string>& server_argv,
                                     const bench::EchoPlan& plan,
                                     std::uint64_t round_trips,
                                     const std::string& scratch_dir,
                                     const std::string& label) {
  EchoCounts counts;
  const double r = static_cast<double>(round_trips);
  const std::string stem = absl::StrCat(scratch_dir, "/", label);
  if (!OnPath("strace")) {
    counts.notes.push_back("strace not found: no system call counts (apt-get install strace)");
  } else {
    auto files = RunTwice(server_argv, plan, round_trips, stem + ".strace",
                          [](const std::string& out) {
                            return std::vector<std::string>{"strace", "-f", "-c",
                                                            "-o", out};
                          });
    if (!files.ok()) return files.status();
    auto one = ReadStraceSummary(files->first);
    auto two = ReadStraceSummary(files->second);
    if (!one.ok()) return one.status();
    if (!two.ok()) return two.status();
    counts.syscalls = 0;
    for (const auto& [name, calls] : *two) {
      if (name == "total") continue;
      const auto before = one->find(name);
      const double per = (calls - (before == one->end() ? 0 : before->second)) / r;
      counts.syscalls += per;
      if (per >= 0.005) counts.by_syscall.emplace_back(name, per);
    }
    std::sort(counts.by_syscall.begin(), counts.by_syscall.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  if (!OnPath("valgrind")) {
    counts.notes.push_back("valgrind not found: no instruction counts (apt-get install valgrind)");
  } else {
    auto files = RunTwice(server_argv, plan, round_trips, stem + ".callgrind",
                          [](const std::string& out) {
                            return std::vector<std::string>{
                                "valgrind", "--tool=callgrind", "-q",
                                absl::StrCat("--callgrind-out-file=", out)};
                          });
    if (!files.ok()) return files.status();
    auto one = ReadCallgrindTotal(files->first);
    auto two = ReadCallgrindTotal(files->second);
    if (!one.ok()) return one.status();
    if (!two.ok()) return two.status();
    counts.instructions = (*two - *one) / r;
  }
  return counts;
}

}  // namespace asycamore::compare
