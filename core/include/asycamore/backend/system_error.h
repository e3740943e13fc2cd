// Turning a failed system call into an absl::Status, for backends and
// set-up code (never on the per-event path).
#ifndef ASYCAMORE_BACKEND_SYSTEM_ERROR_H_
#define ASYCAMORE_BACKEND_SYSTEM_ERROR_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace asycamore {

// Returns a status for system error `error` (an errno value, or a Windows
// error code on Windows) with message "<what>: <system text>".
absl::Status SystemErrorStatus(int error, absl::string_view what);

// Returns the calling thread's last system error (errno, or
// WSAGetLastError() on Windows).
int LastSystemError();

#ifndef _WIN32
// Returns OkStatus if `fd` is an open descriptor, else InvalidArgument.
// Backends whose system call would accept a closed descriptor silently
// (select, poll) call it when a socket is added.
absl::Status CheckDescriptorOpen(int fd);
#endif

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_SYSTEM_ERROR_H_
