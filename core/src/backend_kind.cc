#include "asycamore/backend_kind.h"

namespace asycamore {

std::string_view BackendName(BackendKind kind) {
  switch (kind) {
    case BackendKind::kSelect:
      return "select";
    case BackendKind::kPoll:
      return "poll";
    case BackendKind::kEpoll:
      return "epoll";
    case BackendKind::kKqueue:
      return "kqueue";
    case BackendKind::kIocp:
      return "iocp";
    case BackendKind::kIoUring:
      return "io_uring";
  }
  return "unknown";
}

std::optional<BackendKind> BackendKindFromName(std::string_view name) {
  for (BackendKind kind : kAllBackendKinds) {
    if (BackendName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace asycamore
