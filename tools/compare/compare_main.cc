// asycamore_compare: the chained socket-pair workload of libevent's
// test/bench.c on every built backend, printed as a table.
//
// N socket pairs; a write to pair 0 starts a chain: each read callback reads
// one byte and writes one byte to the next pair, until `writes` hops are
// done. The figure is wall time per dispatched event.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"

#ifndef _WIN32
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#endif

ABSL_FLAG(int, pairs, 1000, "socket pairs in the chain (N)");
ABSL_FLAG(int, hops, 100000, "events per measurement");
ABSL_FLAG(int, repetitions, 5, "measurements per backend (median reported)");
ABSL_FLAG(std::string, backends, "", "comma-separated backends (default: all built)");

namespace {

class ChainLink : public asycamore::DispatchTarget {
 public:
  void dispatch_event(const asycamore::Event&) override {
    char byte;
    if (::recv(read_fd, &byte, 1, 0) != 1) return;
    if (++*hops < limit) ::send(next_write_fd, &byte, 1, MSG_NOSIGNAL);
  }
  int read_fd = -1;
  int next_write_fd = -1;
  long* hops = nullptr;
  long limit = 0;
};

absl::StatusOr<double> MeasureNsPerEvent(const std::string& backend, int pairs, long hops_wanted) {
  auto loop = asycamore::EventLoop::Create({.backend = backend});
  if (!loop.ok()) return loop.status();
  std::vector<int> fds;
  std::vector<ChainLink> links(static_cast<std::size_t>(pairs));
  long hops = 0;
  for (int i = 0; i < pairs; ++i) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return absl::InternalError("socketpair");
    for (int fd : sv) ::fcntl(fd, F_SETFL, O_NONBLOCK);
    fds.push_back(sv[0]);
    fds.push_back(sv[1]);
  }
  for (int i = 0; i < pairs; ++i) {
    ChainLink& link = links[static_cast<std::size_t>(i)];
    link.read_fd = fds[static_cast<std::size_t>(2 * i)];
    link.next_write_fd = fds[static_cast<std::size_t>(2 * ((i + 1) % pairs) + 1)];
    link.hops = &hops;
    link.limit = hops_wanted;
    auto handle = (*loop)->Register(link.read_fd, asycamore::Interest::kRead, &link);
    if (!handle.ok()) return handle.status();
  }
  const absl::Time start = absl::Now();
  ::send(fds[1], "e", 1, MSG_NOSIGNAL);
  while (hops < hops_wanted) {
    if (auto pass = (*loop)->Iterate(absl::Seconds(1)); !pass.ok()) return pass.status();
  }
  const absl::Duration elapsed = absl::Now() - start;
  loop->reset();
  for (int fd : fds) ::close(fd);
  return absl::ToDoubleNanoseconds(elapsed) / static_cast<double>(hops_wanted);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Compares asycamore's backends on the chained socket-pair workload.");
  absl::ParseCommandLine(argc, argv);
  std::vector<std::string> backends;
  if (absl::GetFlag(FLAGS_backends).empty()) {
    for (const auto& info : asycamore::BuiltBackends()) backends.emplace_back(asycamore::BackendName(info.kind));
  } else {
    backends = absl::StrSplit(absl::GetFlag(FLAGS_backends), ',');
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  std::printf("%-10s %12s\n", "backend", "ns/event");
  for (const std::string& backend : backends) {
    std::vector<double> runs;
    for (int r = 0; r < absl::GetFlag(FLAGS_repetitions); ++r) {
      absl::StatusOr<double> ns = MeasureNsPerEvent(backend, absl::GetFlag(FLAGS_pairs), absl::GetFlag(FLAGS_hops));
      if (!ns.ok()) {
        std::fprintf(stderr, "%s: %s\n", backend.c_str(), ns.status().ToString().c_str());
        return 2;
      }
      runs.push_back(*ns);
    }
    std::sort(runs.begin(), runs.end());
    std::printf("%-10s %12.1f\n", backend.c_str(), runs[runs.size() / 2]);
  }
  return 0;
}
