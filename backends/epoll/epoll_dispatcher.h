// Linux epoll backend.
#ifndef ASYCAMORE_BACKENDS_EPOLL_EPOLL_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_EPOLL_EPOLL_DISPATCHER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Creates an epoll dispatcher.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateEpollDispatcher();

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_EPOLL_EPOLL_DISPATCHER_H_
