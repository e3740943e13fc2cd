// The readiness backends asycamore knows, whether or not this build has them.
#ifndef ASYCAMORE_BACKEND_KIND_H_
#define ASYCAMORE_BACKEND_KIND_H_

#include <array>
#include <optional>
#include <string_view>

#include "asycamore/export.h"

namespace asycamore {

enum class BackendKind {
  kSelect,
  kPoll,
  kEpoll,
  kKqueue,
  kIocp,
  kIoUring,
};

// Every kind, in declaration order (see backend_registry.h for the ones this
// build has).
inline constexpr std::array<BackendKind, 6> kAllBackendKinds = {
    BackendKind::kSelect, BackendKind::kPoll,  BackendKind::kEpoll,
    BackendKind::kKqueue, BackendKind::kIocp, BackendKind::kIoUring};

// Returns the lower-case name used in flags, presets and test names:
// "select", "poll", "epoll", "kqueue", "iocp", "io_uring".
ASYCAMORE_CORE_API std::string_view BackendName(BackendKind kind);

// Returns the kind with that name, or nullopt for a name asycamore does not
// know at all (see backend_registry.h for what this build has).
ASYCAMORE_CORE_API
std::optional<BackendKind> BackendKindFromName(std::string_view name);

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_KIND_H_
