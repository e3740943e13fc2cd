// Whether a socket handle is open: the one question the base Dispatcher
// asks the system for backends whose calls would accept a closed handle.
// Private to core; defined per OS in core/src/<os>/system_error.cc.
#ifndef ASYCAMORE_CORE_SRC_OPEN_HANDLE_H_
#define ASYCAMORE_CORE_SRC_OPEN_HANDLE_H_

#include "absl/status/status.h"
#include "asycamore/native_socket.h"

namespace asycamore::internal {

// Returns OkStatus if `socket` is open, else InvalidArgument saying it is
// closed or was never a socket (POSIX: fcntl(F_GETFD) says EBADF; Windows:
// getsockopt says WSAENOTSOCK).
absl::Status CheckHandleOpen(NativeSocket socket);

}  // namespace asycamore::internal

#endif  // ASYCAMORE_CORE_SRC_OPEN_HANDLE_H_
