// The backends this build has, in preference order, and how to create a
// dispatcher, or an event loop on one, by kind or by name at run time.
//
// Which backends are compiled is a CMake choice (ASYCAMORE_BACKENDS); one of
// them is the build's default (ASYCAMORE_DEFAULT_BACKEND). Every compiled
// backend can be chosen at run time, which is how one test binary runs the
// conformance suite against each of them.
#ifndef ASYCAMORE_BACKEND_REGISTRY_H_
#define ASYCAMORE_BACKEND_REGISTRY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "asycamore/backend_kind.h"
#include "asycamore/dispatcher.h"
#include "asycamore/event_batch.h"
#include "asycamore/event_loop.h"
#include "asycamore/export.h"

namespace asycamore {

struct BackendInfo {
  BackendKind kind = BackendKind::kSelect;
  // Returns OkStatus if the backend can run on this machine now, else the
  // reason it cannot (for a backend whose kernel support is only known at
  // run time: io_uring).
  absl::Status (*probe)() = nullptr;
  absl::StatusOr<std::unique_ptr<Dispatcher>> (*create)() = nullptr;
  // The largest socket handle value + 1 the backend accepts, or 0 when only
  // the open-file limit bounds it (select: FD_SETSIZE). On Windows, whose
  // SOCKET handles are not dense, select's bound is a count of registered
  // sockets instead.
  std::size_t handle_limit = 0;
};

// Returns the compiled backends, most preferred first.
ASYCAMORE_BACKENDS_API absl::Span<const BackendInfo> BuiltBackends();

// Returns the build's default backend, or, when that one cannot run here
// (its probe fails), the first built backend that can.
ASYCAMORE_BACKENDS_API BackendKind DefaultBackend();

// Returns the registry entry for `kind`, or an error if it was not built.
ASYCAMORE_BACKENDS_API
absl::StatusOr<const BackendInfo*> FindBackend(BackendKind kind);

// Creates a dispatcher of the given kind. Fails if that backend was not
// built, or cannot run here (the message says why).
ASYCAMORE_BACKENDS_API
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(BackendKind kind);

// Creates a dispatcher by name ("epoll", "poll", ...). An empty name picks
// the build's default. An unknown or unbuilt name gets an error listing the
// backends this build has.
ASYCAMORE_BACKENDS_API
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(
    std::string_view name);

// Returns the built backend names joined by ", " (for messages and usage).
ASYCAMORE_BACKENDS_API std::string BuiltBackendNames();

struct EventLoopOptions {
  std::string backend = "";  // empty: the build's default backend
  std::size_t batch_capacity = EventBatch::kDefaultCapacity;
};

// Creates an event loop on the named backend (CreateDispatcher's rules).
//
//   auto loop = asycamore::CreateEventLoop({.backend = "poll"});
//   if (!loop.ok()) return loop.status();
ASYCAMORE_BACKENDS_API
absl::StatusOr<std::unique_ptr<EventLoop>> CreateEventLoop(
    const EventLoopOptions& options = {});

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_REGISTRY_H_
