// Turning a failed system call into an absl::Status, for backends and
// set-up code (never on the per-event path).
#ifndef ASYCAMORE_BACKEND_SYSTEM_ERROR_H_
#define ASYCAMORE_BACKEND_SYSTEM_ERROR_H_

#include <concepts>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "asycamore/native_socket.h"

namespace asycamore {

// Returns a status for system error `error` (an errno value, or a Windows
// error code on Windows) with message "<what>: <system text>".
absl::Status SystemErrorStatus(int error, std::string_view what);

// Transitional: the tcpsocket layer still passes absl::string_view, which
// Debian's abseil makes a distinct type that does not convert. Remove once
// SocketErrorStatus takes std::string_view. (A template, so that a string
// literal still picks the overload above without ambiguity.)
template <typename View>
  requires std::same_as<View, absl::string_view>
absl::Status SystemErrorStatus(int error, View what) {
  return SystemErrorStatus(error, std::string_view(what.data(), what.size()));
}

// Returns the calling thread's last system error (errno, or
// WSAGetLastError() on Windows).
int LastSystemError();

#ifdef _WIN32
// Starts Winsock (WSAStartup, version 2.2) once per process; every later
// call returns the first call's result. The library calls it before it
// creates a dispatcher or a socket, so users of asycamore's own calls need
// not. Code that makes its own sockets before that calls it first. Winsock
// is never shut down (WSACleanup): it lives as long as the process.
absl::Status EnsureWinsock();

// Returns OkStatus if `socket` is an open socket handle, else
// InvalidArgument (getsockopt says WSAENOTSOCK for a closed or foreign
// handle). The Windows counterpart of CheckDescriptorOpen.
absl::Status CheckSocketOpen(NativeSocket socket);
#else
// Returns OkStatus if `fd` is an open descriptor, else InvalidArgument.
// Backends whose system call would accept a closed descriptor silently
// (select, poll) call it when a socket is added.
absl::Status CheckDescriptorOpen(int fd);
#endif

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_SYSTEM_ERROR_H_
