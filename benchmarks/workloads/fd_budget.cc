#include "workloads/fd_budget.h"

#include <dirent.h>
#include <sys/resource.h>

namespace asycamore::bench {
namespace {

std::size_t RoundDownTo50(std::size_t n) { return n / 50 * 50; }

std::size_t FreeDescriptors() {
  const std::size_t limit = RaiseOpenFileLimit();
  const std::size_t used = OpenDescriptorCount() + kDescriptorReserve;
  return limit > used ? limit - used : 0;
}

}  // namespace

std::size_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1u << 20
                                         : static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t OpenDescriptorCount() {
  // Linux lists them in /proc/self/fd, macOS and the BSDs in /dev/fd.
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) dir = ::opendir("/dev/fd");
  if (dir == nullptr) return 16;  // a guess
  std::size_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count > 0 ? count - 1 : 0;  // minus the directory stream itself
}

std::size_t MaxSocketPairs() { return RoundDownTo50(FreeDescriptors() / 2); }

std::size_t MaxIdleSockets(std::size_t extra_pairs) {
  const std::size_t free = FreeDescriptors();
  return free > 2 * extra_pairs ? RoundDownTo50(free - 2 * extra_pairs) : 0;
}

}  // namespace asycamore::bench
