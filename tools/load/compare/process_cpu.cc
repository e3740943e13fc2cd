#include "process_cpu.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace asycamore::loadcompare {
namespace {

std::string ReadSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/<pid>/stat after "pid (comm)": comm may hold spaces
// and parentheses, so the split starts after the last ')'. Field 4 (ppid)
// is [1] here, utime and stime (fields 14, 15) are [11] and [12].
std::vector<std::string> StatFields(const std::string& stat) {
  std::vector<std::string> fields;
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream in(stat.substr(close + 1));
  for (std::string field; in >> field;) fields.push_back(field);
  return fields;
}

// Returns every pid's parent.
std::map<pid_t, pid_t> Parents() {
  std::map<pid_t, pid_t> parents;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc", error)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    const std::vector<std::string> fields =
        StatFields(ReadSmallFile(entry.path() / "stat"));
    pid_t parent = 0;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &parent)) {
      parents[pid] = parent;
    }
  }
  return parents;
}

// The CPU time of one process: its threads' schedstat run times, or its
// utime + stime in clock ticks when those are missing or zero.
std::int64_t ProcessCpuNs(pid_t pid) {
  const std::filesystem::path dir = absl::StrCat("/proc/", pid);
  std::int64_t run_ns = 0;
  std::error_code error;
  for (const auto& task :
       std::filesystem::directory_iterator(dir / "task", error)) {
    std::istringstream in(ReadSmallFile(task.path() / "schedstat"));
    std::int64_t ns = 0;
    if (in >> ns) run_ns += ns;
  }
  if (run_ns > 0) return run_ns;
  const std::vector<std::string> fields =
      StatFields(ReadSmallFile(dir / "stat"));
  std::int64_t user = 0, system = 0;
  if (fields.size() > 12 && absl::SimpleAtoi(fields[11], &user) &&
      absl::SimpleAtoi(fields[12], &system)) {
    const long ticks = ::sysconf(_SC_CLK_TCK);
    return (user + system) * (1'000'000'000 / (ticks > 0 ? ticks : 100));
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::int64_t> ProcessTreeCpuNs(pid_t root) {
  const std::map<pid_t, pid_t> parents = Parents();
  if (parents.find(root) == parents.end()) {
    return absl::NotFoundError(
        absl::StrCat("ProcessTreeCpuNs(", root, "): no such process"));
  }
  std::vector<pid_t> tree = {root};
  for (std::size_t i = 0; i < tree.size(); ++i) {
    for (const auto& [pid, parent] : parents) {
      if (parent == tree[i] && pid != tree[i]) tree.push_back(pid);
    }
  }
  std::int64_t total = 0;
  for (pid_t pid : tree) total += ProcessCpuNs(pid);
  return total;
}

}  // namespace asycamore::loadcompare
