// POSIX poll() backend.
#ifndef ASYCAMORE_BACKENDS_POLL_POLL_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_POLL_POLL_DISPATCHER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Creates a poll() dispatcher.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreatePollDispatcher();

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_POLL_POLL_DISPATCHER_H_
