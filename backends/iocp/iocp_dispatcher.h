// IOCP backend (Windows): readiness from AFD poll requests completed on an
// I/O completion port.
#ifndef ASYCAMORE_BACKENDS_IOCP_IOCP_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_IOCP_IOCP_DISPATCHER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Creates an IOCP dispatcher. Starts Winsock if nothing has yet.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateIocpDispatcher();

}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_IOCP_IOCP_DISPATCHER_H_
