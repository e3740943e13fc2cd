// kqueue backend (macOS, FreeBSD, NetBSD, OpenBSD, DragonFly).
#ifndef ASYCAMORE_BACKENDS_KQUEUE_KQUEUE_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_KQUEUE_KQUEUE_DISPATCHER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Creates a kqueue dispatcher.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateKqueueDispatcher();

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_KQUEUE_KQUEUE_DISPATCHER_H_
