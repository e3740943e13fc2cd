// select() backend.
#ifndef ASYCAMORE_BACKENDS_SELECT_SELECT_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_SELECT_SELECT_DISPATCHER_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Creates a select() dispatcher.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateSelectDispatcher();

// The number of sockets (POSIX: the descriptor value bound) select holds.
std::size_t SelectHandleLimit();

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_SELECT_SELECT_DISPATCHER_H_
