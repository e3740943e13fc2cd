// The registry of compiled backends. CMake defines ASYCAMORE_HAVE_<BACKEND>
// for each backend it compiles, and ASYCAMORE_DEFAULT_BACKEND_NAME.
#include "asycamore/backend_registry.h"

#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "asycamore/internal/absl_string_view.h"

#ifdef ASYCAMORE_HAVE_EPOLL
#include "epoll/epoll_dispatcher.h"
#endif
#ifdef ASYCAMORE_HAVE_IO_URING
#include "io_uring/io_uring_dispatcher.h"
#endif
#ifdef ASYCAMORE_HAVE_KQUEUE
#include "kqueue/kqueue_dispatcher.h"
#endif
#ifdef ASYCAMORE_HAVE_IOCP
#include "iocp/iocp_dispatcher.h"
#endif
#ifdef ASYCAMORE_HAVE_POLL
#include "poll/poll_dispatcher.h"
#endif
#ifdef ASYCAMORE_HAVE_SELECT
#include "select/select_dispatcher.h"
#endif

namespace asycamore {
namespace {

[[maybe_unused]] absl::Status AlwaysAvailable() { return absl::OkStatus(); }

// Most preferred first: the kernel's scalable interface, then io_uring
// (probed at run time; after epoll, which the comparison still finds
// faster), then poll, then select (bounded by FD_SETSIZE).
const std::vector<BackendInfo>& Registry() {
  static const std::vector<BackendInfo> registry = {
#ifdef ASYCAMORE_HAVE_IOCP
      {BackendKind::kIocp, &AlwaysAvailable, &CreateIocpDispatcher, 0},
#endif
#ifdef ASYCAMORE_HAVE_KQUEUE
      {BackendKind::kKqueue, &AlwaysAvailable, &CreateKqueueDispatcher, 0},
#endif
#ifdef ASYCAMORE_HAVE_EPOLL
      {BackendKind::kEpoll, &AlwaysAvailable, &CreateEpollDispatcher, 0},
#endif
#ifdef ASYCAMORE_HAVE_IO_URING
      {BackendKind::kIoUring, &ProbeIoUring, &CreateIoUringDispatcher, 0},
#endif
#ifdef ASYCAMORE_HAVE_POLL
      {BackendKind::kPoll, &AlwaysAvailable, &CreatePollDispatcher, 0},
#endif
#ifdef ASYCAMORE_HAVE_SELECT
      {BackendKind::kSelect, &AlwaysAvailable, &CreateSelectDispatcher,
       SelectHandleLimit()},
#endif
  };
  return registry;
}

}  // namespace

absl::Span<const BackendInfo> BuiltBackends() { return Registry(); }

BackendKind DefaultBackend() {
  // CMake checks that the default is among the built backends. One whose
  // kernel support is missing here (io_uring) gives way to the first that
  // can run.
  const BackendKind configured = *BackendKindFromName(ASYCAMORE_DEFAULT_BACKEND_NAME);
  absl::StatusOr<const BackendInfo*> info = FindBackend(configured);
  if (info.ok() && (*info)->probe().ok()) return configured;
  for (const BackendInfo& candidate : BuiltBackends()) {
    if (candidate.probe().ok()) return candidate.kind;
  }
  return configured;  // CreateDispatcher says why it cannot run
}

std::string BuiltBackendNames() {
  std::vector<absl::string_view> names;
  for (const BackendInfo& info : BuiltBackends()) {
    names.push_back(AbslView(BackendName(info.kind)));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<const BackendInfo*> FindBackend(BackendKind kind) {
  for (const BackendInfo& info : BuiltBackends()) {
    if (info.kind == kind) return &info;
  }
  return absl::NotFoundError(
      absl::StrCat("backend \"", AbslView(BackendName(kind)),
                   "\" is not built into this asycamore; built: ",
                   BuiltBackendNames()));
}

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(
    BackendKind kind) {
  absl::StatusOr<const BackendInfo*> info = FindBackend(kind);
  if (!info.ok()) return info.status();
  if (absl::Status available = (*info)->probe(); !available.ok()) {
    return absl::UnavailableError(absl::StrCat("backend \"", AbslView(BackendName(kind)),
                                               "\" cannot run here: ",
                                               available.message()));
  }
  return (*info)->create();
}

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(
    std::string_view name) {
  if (name.empty()) return CreateDispatcher(DefaultBackend());
  std::optional<BackendKind> kind = BackendKindFromName(name);
  if (!kind.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CreateDispatcher: unknown backend \"", AbslView(name),
        "\"; built: ", BuiltBackendNames()));
  }
  return CreateDispatcher(*kind);
}

absl::StatusOr<std::unique_ptr<EventLoop>> CreateEventLoop(
    const EventLoopOptions& options) {
  absl::StatusOr<std::unique_ptr<Dispatcher>> dispatcher =
      CreateDispatcher(options.backend);
  if (!dispatcher.ok()) return dispatcher.status();
  return std::make_unique<EventLoop>(*std::move(dispatcher),
                                     options.batch_capacity);
}

}  // namespace asycamore
