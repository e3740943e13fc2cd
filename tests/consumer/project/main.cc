// Creates a loop on the default backend, fires a timer, and exits 0.
#include <cstdio>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"

int main() {
  auto loop = asycamore::CreateEventLoop();
  if (!loop.ok()) {
    std::fprintf(stderr, "%s\n", loop.status().ToString().c_str());
    return 1;
  }
  bool fired = false;
  (*loop)->RunAfter(absl::Milliseconds(1), [&] { fired = true; });
  if (!(*loop)->Run().ok() || !fired) return 1;
  std::printf("consumer ran on %s\n", std::string((*loop)->backend_name()).c_str());
  return 0;
}
