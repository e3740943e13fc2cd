#include "workloads/runners.h"

#include "asycamore/backend_registry.h"

namespace asycamore::bench {
namespace {

// The echo workload runs on Linux only (echo_measure.h): elsewhere no
// runner has an echo server.
#ifdef ASYCAMORE_BENCH_HAVE_ECHO
#define ASYCAMORE_BENCH_ECHO_SERVER(serve) serve
#else
#define ASYCAMORE_BENCH_ECHO_SERVER(serve) nullptr
#endif

std::vector<RunnerInfo> BuildRunners() {
  std::vector<RunnerInfo> runners;
  for (const BackendInfo& backend : BuiltBackends()) {
    if (!backend.probe().ok()) continue;
    const std::string name(BackendName(backend.kind));
    RunnerInfo info;
    info.name = name;
    info.kind = RunnerKind::kBackend;
    // The Linux kernel interfaces are held to the epoll floor, the scanning
    // ones to the poll floor.
    const bool linux_kernel = backend.kind == BackendKind::kEpoll ||
                              backend.kind == BackendKind::kIoUring;
    info.floor = linux_kernel ? "raw_epoll" : "raw_poll";
    info.handle_limit = backend.handle_limit;
    info.detail = "asycamore EventLoop, " + name + " backend";
    info.create = [name](const ChainPlan& plan) {
      return CreateAsycamoreRunner(name, plan);
    };
#ifdef ASYCAMORE_BENCH_HAVE_ECHO_SERVICE
    info.serve_echo = [name](int listen_fd) {
      return ServeEchoAsycamore(name, listen_fd);
    };
#endif
    runners.push_back(std::move(info));
  }
#ifdef ASYCAMORE_BENCH_HAVE_LIBEVENT
  runners.push_back({"libevent", RunnerKind::kPeer, "raw_epoll", 0,
                     LibeventDetail(), CreateLibeventRunner,
                     ASYCAMORE_BENCH_ECHO_SERVER(ServeEchoLibevent)});
#endif
#ifdef ASYCAMORE_BENCH_HAVE_LIBUV
  runners.push_back({"libuv", RunnerKind::kPeer, "raw_epoll", 0, LibuvDetail(),
                     CreateLibuvRunner, ASYCAMORE_BENCH_ECHO_SERVER(ServeEchoLibuv)});
#endif
#ifdef ASYCAMORE_BENCH_HAVE_RAW_EPOLL
  runners.push_back({"raw_epoll", RunnerKind::kFloor, "raw_epoll", 0,
                     "hand-written epoll_wait loop, level-triggered",
                     CreateRawEpollRunner, ServeEchoRawEpoll});
#endif
  runners.push_back({"raw_poll", RunnerKind::kFloor, "raw_poll", 0,
                     "hand-written poll() loop over a fixed pollfd array",
                     CreateRawPollRunner});
  return runners;
}

}  // namespace

const char* RunnerKindName(RunnerKind kind) {
  switch (kind) {
    case RunnerKind::kBackend:
      return "backend";
    case RunnerKind::kPeer:
      return "peer";
    case RunnerKind::kFloor:
      return "floor";
  }
  return "?";
}

const std::vector<RunnerInfo>& AllRunners() {
  static const std::vector<RunnerInfo>* const runners =
      new std::vector<RunnerInfo>(BuildRunners());
  return *runners;
}

const RunnerInfo* FindRunner(const std::string& name) {
  for (const RunnerInfo& info : AllRunners()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::vector<std::string> MissingPeers() {
  std::vector<std::string> missing;
#ifndef ASYCAMORE_BENCH_HAVE_LIBEVENT
  missing.push_back(
      "libevent: not found by pkg-config (libevent_core) at build time; "
      "install libevent-dev and reconfigure");
#endif
#ifndef ASYCAMORE_BENCH_HAVE_LIBUV
  missing.push_back(
      "libuv: not found by pkg-config (libuv) at build time; install "
      "libuv1-dev and reconfigure");
#endif
  return missing;
}

}  // namespace asycamore::bench
