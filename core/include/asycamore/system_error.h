// System errors: the one vocabulary every layer uses for a failed system
// call (the backends, the loop's wake-up, the tcpsocket layer). Turning a
// code into text or an absl::Status is for set-up and API boundaries, never
// for the per-event path; the tcpsocket layer sorts codes into classes
// (asycamore/tcpsocket/error_class.h).
#ifndef ASYCAMORE_SYSTEM_ERROR_H_
#define ASYCAMORE_SYSTEM_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "asycamore/export.h"

namespace asycamore {

// A system call's error code: errno on POSIX; WSAGetLastError() or
// GetLastError() on Windows (one number space there). Zero means no error.
using SystemError = int;
inline constexpr SystemError kNoSystemError = 0;

// Returns the calling thread's last system error (errno, or
// WSAGetLastError() on Windows).
ASYCAMORE_CORE_API SystemError LastSystemError();

// Returns the system's text for `code`, e.g. "Connection refused" ("no
// error" for kNoSystemError).
ASYCAMORE_CORE_API std::string SystemErrorText(SystemError code);

// Returns a status whose message is "<what>: <text of code>" (on Windows
// followed by " (<code>)"); the status code is the one absl::ErrnoToStatus
// gives the code (on Windows, the code's POSIX twin): EADDRINUSE gives
// kFailedPrecondition, ECONNREFUSED kUnavailable, ENOBUFS and EMFILE
// kResourceExhausted.
ASYCAMORE_CORE_API
absl::Status SystemErrorStatus(SystemError code, std::string_view what);

#ifdef _WIN32
// Starts Winsock (WSAStartup, version 2.2) once per process; every later
// call returns the first call's result. The library calls it before it
// creates a dispatcher or a socket, so users of asycamore's own calls need
// not. Code that makes its own sockets before that calls it first. Winsock
// is never shut down (WSACleanup): it lives as long as the process.
ASYCAMORE_CORE_API absl::Status EnsureWinsock();
#endif

}  // namespace asycamore

#endif  // ASYCAMORE_SYSTEM_ERROR_H_
