// asycamore::backends (and the core it builds on), without the socket
// layer: every built backend can be created by name, and a loop on the
// default one runs a timer and a task posted from another thread. Exits 0
// when all of that happened.
#include <cstdio>
#include <string>
#include <thread>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"

int main() {
  for (const asycamore::BackendInfo& info : asycamore::BuiltBackends()) {
    auto dispatcher = asycamore::CreateDispatcher(asycamore::BackendName(info.kind));
    if (!dispatcher.ok() || (*dispatcher)->kind() != info.kind) {
      std::fprintf(stderr, "%s\n", dispatcher.status().ToString().c_str());
      return 1;
    }
  }
  auto loop = asycamore::CreateEventLoop();
  if (!loop.ok()) {
    std::fprintf(stderr, "%s\n", loop.status().ToString().c_str());
    return 1;
  }
  bool fired = false;
  bool posted = false;
  (*loop)->RunAfter(absl::Milliseconds(1), [&] { fired = true; });
  std::thread poster([remote = (*loop)->remote(), &posted] {
    remote.Post([&posted] { posted = true; });
  });
  poster.join();
  if (!(*loop)->Run().ok() || !fired || !posted) return 1;
  std::printf("backends: %s (default %s)\n",
              asycamore::BuiltBackendNames().c_str(),
              std::string((*loop)->backend_name()).c_str());
  return 0;
}
